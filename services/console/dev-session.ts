// What the console's sign-in screen asks the server: `GET /console/session` says whether calls need
// a token and whether this server mints development ones; `POST /console/dev-token` mints one.
//
// Minting is offered only by an embedded server that verifies tokens against the repository's
// DEVELOPMENT JWKS: its private key is public (deploy/envoy/dev-private-key.jwk.json), so anyone
// can already mint such tokens with `npm run token`; the endpoint adds convenience, not power.

import type http from "node:http";
import { resolve } from "node:path";
import { DEV_JWKS_PATH, mintToken } from "../../gateway/dev-token.ts";
import { ACCESS_ROLES } from "../../gateway/policy.ts";
import type { Config } from "../platform/config.ts";

export type SessionSettings = Pick<Config, "mode" | "auth" | "jwks" | "jwtIssuer" | "jwtAudience">;

const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const MAX_BODY_BYTES = 4096;

/** True when this server trusts the development key (so a minted token is only good here). */
export function mintsDevTokens(settings: Partial<SessionSettings>): boolean {
  return (
    settings.mode === "embedded" &&
    settings.auth === "jwt" &&
    settings.jwks !== undefined &&
    resolve(settings.jwks) === DEV_JWKS_PATH
  );
}

export function devSession(
  settings: Partial<SessionSettings>,
): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const devTokens = mintsDevTokens(settings);
  return (req, res) => {
    const pathname = new URL(req.url ?? "/", "http://console.invalid").pathname;
    if (pathname === "/console/session" && req.method === "GET") {
      json(res, 200, { auth: settings.auth ?? "none", devTokens, mode: settings.mode ?? "embedded" });
      return true;
    }
    if (pathname !== "/console/dev-token") return false;
    if (req.method !== "POST") {
      json(res, 405, { error: "POST a JSON body {tenant, subject?, roles?}" });
      return true;
    }
    if (!devTokens) {
      json(res, 404, {
        error:
          "this server does not mint development tokens (embedded mode with DOCMESH_AUTH=jwt and the development JWKS only)",
      });
      return true;
    }
    void mint(req, res, settings);
    return true;
  };
}

async function mint(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  settings: Partial<SessionSettings>,
): Promise<void> {
  const text = await readBody(req);
  if (text === undefined) {
    // The unread rest of the body ends the connection (HTTP/2 has no such header: the stream ends).
    if (req.httpVersionMajor === 1) res.setHeader("connection", "close");
    json(res, 413, { error: `the body is over ${MAX_BODY_BYTES} bytes` });
    return;
  }
  let body: { tenant?: unknown; subject?: unknown; roles?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch (error) {
    json(res, 400, { error: `the body must be JSON: ${(error as Error).message}` });
    return;
  }
  const { tenant, subject, roles = [] } = body ?? {};
  if (typeof tenant !== "string" || !TENANT.test(tenant)) {
    json(res, 400, { error: "tenant must be 1-63 letters, digits, '.', '_' or '-'" });
    return;
  }
  if (
    subject !== undefined &&
    (typeof subject !== "string" || subject.length === 0 || subject.length > 128)
  ) {
    json(res, 400, { error: "subject must be a string of 1-128 characters" });
    return;
  }
  if (!Array.isArray(roles) || !roles.every((r) => (ACCESS_ROLES as readonly unknown[]).includes(r))) {
    json(res, 400, { error: `roles must be a list of ${ACCESS_ROLES.join(", ")}` });
    return;
  }
  const token = await mintToken({
    tenant,
    subject: subject as string | undefined,
    issuer: settings.jwtIssuer,
    audience: settings.jwtAudience,
    ttlSeconds: 8 * 3600,
    // No roles asked for: no claim, so the server's default roles apply (gateway/policy.ts).
    roles: roles.length > 0 ? (roles as string[]) : undefined,
  });
  json(res, 200, { token });
}

/** The body as text; undefined past MAX_BODY_BYTES (the rest is not read). */
function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolveBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off("data", onData);
      req.pause();
      resolveBody(undefined);
    };
    req.on("data", onData);
    req.on("end", () => resolveBody(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolveBody(undefined));
  });
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(value));
}
