// One HTTP attempt of a delivery: POST the signed body, wait at most `timeoutMs` for the answer.
// Redirects are not followed (a 3xx is a failure): following one would leave the checked target.
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { SIGNATURE_HEADER, signatureHeader } from "./signature.ts";
import { guardedLookup, hostOf, type TargetPolicy } from "./target-policy.ts";
import { eventTypeName } from "./webhook-event.ts";

export interface Attempt {
  /** The answer's HTTP status; 0 when there was none. */
  responseCode: number;
  ok: boolean;
  /** Why it failed; empty when ok. */
  error: string;
}

export interface SendOptions extends TargetPolicy {
  timeoutMs: number;
}

export interface Outgoing {
  url: string;
  secret: string;
  body: string;
  eventId: string;
  eventType: number;
  /** `webhookEndpoints/{id}/deliveries/{id}`. */
  deliveryName: string;
}

const MAX_ERROR_BODY = 200;

export function send(outgoing: Outgoing, options: SendOptions, signal?: AbortSignal): Promise<Attempt> {
  const url = new URL(outgoing.url);
  const transport = url.protocol === "https:" ? https : http;
  const body = Buffer.from(outgoing.body);
  const timestamp = Math.floor(Date.now() / 1000);
  return new Promise((resolve) => {
    const settle = (attempt: Attempt) => resolve(attempt);
    const request = transport.request(
      url,
      {
        method: "POST",
        // IP literals were checked when the endpoint was registered; names are checked per connection.
        lookup: isIP(hostOf(url)) === 0 ? (guardedLookup(options) as never) : undefined,
        timeout: options.timeoutMs,
        signal,
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": body.length,
          "user-agent": "Docmesh-Webhooks/1",
          "docmesh-event-id": outgoing.eventId,
          "docmesh-event-type": eventTypeName(outgoing.eventType),
          "docmesh-delivery": outgoing.deliveryName,
          [SIGNATURE_HEADER]: signatureHeader(outgoing.secret, outgoing.body, timestamp),
        },
      },
      (response) => {
        const code = response.statusCode ?? 0;
        const ok = code >= 200 && code < 300;
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (text.length < MAX_ERROR_BODY) text += chunk;
        });
        response.on("end", () =>
          settle({
            responseCode: code,
            ok,
            error: ok ? "" : `HTTP ${code}: ${text.slice(0, MAX_ERROR_BODY)}`.trim(),
          }),
        );
        response.on("error", (error) => settle({ responseCode: code, ok: false, error: error.message }));
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on("error", (error) => settle({ responseCode: 0, ok: false, error: error.message }));
    request.end(body);
  });
}
