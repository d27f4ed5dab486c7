// Receiving Docmesh webhooks: check the `Docmesh-Signature` header (t=<unix seconds>,v1=<hex>) of a
// delivery, an HMAC-SHA256 with the endpoint's secret over "<t>.<raw body>". The server's signing
// side is services/webhooks/signature.ts; this copy keeps the SDK free of server code.
import { createHmac, timingSafeEqual } from "node:crypto";

export interface VerifyOptions {
  /** How far the signed time may be from now, in seconds (default 300): older deliveries are replays. */
  toleranceSeconds?: number;
  /** The receiver's clock, for tests. */
  nowSeconds?: number;
}

/**
 * Whether `signature` (the `Docmesh-Signature` header) signs `rawBody` with `secret`. Pass the body
 * exactly as received, before parsing JSON. Dedupe accepted deliveries on `Docmesh-Event-Id`.
 */
export function verifyWebhookSignature(
  secret: string,
  rawBody: string | Uint8Array,
  signature: string,
  options: VerifyOptions = {},
): boolean {
  const fields = signature.split(",").map((field) => field.trim().split("="));
  const timestamp = Number(fields.find(([key]) => key === "t")?.[1]);
  if (!Number.isInteger(timestamp)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(
    createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest("hex"),
  );
  return fields.some(([key, value]) => {
    const given = Buffer.from(value ?? "");
    return key === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}
