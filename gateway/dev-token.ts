// Development tokens, signed by the DEVELOPMENT key in deploy/envoy/dev-private-key.jwk.json.
// That key is public (it is in the repository): tokens it signs are only good against
// deploy/envoy/dev-jwks.json, which must never be trusted outside development and CI.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { importJWK, type JWK, SignJWT } from "jose";

export const DEV_JWKS_PATH = join(import.meta.dirname, "../deploy/envoy/dev-jwks.json");
export const DEV_PRIVATE_KEY_PATH = join(import.meta.dirname, "../deploy/envoy/dev-private-key.jwk.json");

export interface TokenOptions {
  tenant: string;
  subject?: string;
  /** Seconds until expiry (negative: already expired). */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
  /** Sign with this private JWK instead of the development key. */
  key?: JWK;
  /** The `roles` claim (gateway/policy.ts ACCESS_ROLES); omitted: no claim, i.e. DEFAULT_ROLES. */
  roles?: string[];
  /** Extra claims. */
  claims?: Record<string, unknown>;
}

export function devPrivateKey(): JWK {
  const { WARNING: _warning, ...jwk } = JSON.parse(readFileSync(DEV_PRIVATE_KEY_PATH, "utf8")) as JWK & {
    WARNING?: string;
  };
  return jwk;
}

export async function mintToken(options: TokenOptions): Promise<string> {
  const jwk = options.key ?? devPrivateKey();
  const alg = jwk.alg ?? "ES256";
  const key = await importJWK(jwk, alg);
  const now = Math.floor(Date.now() / 1000);
  const roles = options.roles ? { roles: options.roles } : {};
  return new SignJWT({ tenant: options.tenant, ...roles, ...options.claims })
    .setProtectedHeader({ alg, kid: jwk.kid, typ: "JWT" })
    .setIssuer(options.issuer ?? "docmesh-dev")
    .setAudience(options.audience ?? "docmesh")
    .setSubject(options.subject ?? `dev@${options.tenant}`)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.ttlSeconds ?? 3600))
    .sign(key);
}

/** "90", "90s", "15m", "1h", "2d" → seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) throw new Error(`--ttl "${text}" is not a duration like 90s, 15m, 1h or 2d`);
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as "" | "s" | "m" | "h" | "d"];
  return Number(match[1]) * unit;
}
