// Who may call: every request gets a verified identity before any handler runs.
// Tenant identity comes only from a verified JWT (or, with DOCMESH_AUTH=none, from
// the configured single tenant) — never from a request field or an unsigned header.
// Behind Envoy the token is verified twice: Envoy's jwt_authn forwards the Authorization
// header untouched and this interceptor verifies it again; headers Envoy derives from claims
// (x-jwt-claim-tenant) are never read here (docs/edge.md, "Which tenant the services trust").

import { readFileSync } from "node:fs";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";
import { DEFAULT_ROLES } from "../../gateway/policy.ts";
import { IDENTITY, type Identity } from "./identity.ts";

export type AuthMode = "jwt" | "none";

export interface AuthOptions {
  mode: AuthMode;
  /** none: the tenant every request acts as. */
  defaultTenant: string;
  /** jwt: a JWKS file path or an http(s) URL. */
  jwks: string;
  issuer: string;
  audience: string;
}

/**
 * The standard health service stays open, so probes need no token; so does server reflection,
 * which describes only the public contracts (grpcurl and Postman list before they hold a token).
 */
const OPEN_SERVICES = new Set([
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
]);

/** Asymmetric algorithms only; the same checks as Envoy's jwt_authn (require_expiration, 30 s skew). */
const ALGORITHMS = ["ES256", "ES384", "RS256", "RS384", "RS512", "PS256", "EdDSA"];
export const CLOCK_SKEW_SECONDS = 30;

export function isOpenService(typeName: string): boolean {
  return OPEN_SERVICES.has(typeName);
}

export function keySource(jwks: string): JWTVerifyGetKey {
  return /^https?:\/\//.test(jwks)
    ? createRemoteJWKSet(new URL(jwks))
    : createLocalJWKSet(JSON.parse(readFileSync(jwks, "utf8")));
}

export function authInterceptor(options: AuthOptions): Interceptor {
  const keys = options.mode === "jwt" ? keySource(options.jwks) : undefined;
  return (next) => async (request) => {
    if (isOpenService(request.service.typeName)) return next(request);
    let identity: Identity;
    if (!keys) {
      // Single-tenant local use: the one user may do everything, review and administration included.
      identity = { tenant: options.defaultTenant, subject: "local", roles: ["admin"] };
    } else {
      const header = request.header.get("authorization") ?? "";
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (!token) throw new ConnectError("missing bearer token", Code.Unauthenticated);
      identity = await verify(token, keys, options);
    }
    request.contextValues.set(IDENTITY, identity);
    return next(request);
  };
}

async function verify(token: string, keys: JWTVerifyGetKey, options: AuthOptions): Promise<Identity> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ALGORITHMS,
      requiredClaims: ["exp"],
      clockTolerance: CLOCK_SKEW_SECONDS,
    });
    const tenant = payload.tenant;
    if (typeof tenant !== "string" || tenant.length === 0) {
      throw new ConnectError("token has no tenant claim", Code.PermissionDenied);
    }
    return { tenant, subject: payload.sub ?? "unknown", roles: rolesClaim(payload.roles) };
  } catch (error) {
    if (error instanceof ConnectError) throw error;
    throw new ConnectError(`invalid token: ${(error as Error).message}`, Code.Unauthenticated);
  }
}

/** The `roles` claim: absent means DEFAULT_ROLES; anything but an array of strings is refused. */
function rolesClaim(claim: unknown): readonly string[] {
  if (claim === undefined) return DEFAULT_ROLES;
  if (!Array.isArray(claim) || !claim.every((role) => typeof role === "string")) {
    throw new ConnectError("token's roles claim must be an array of strings", Code.PermissionDenied);
  }
  return claim;
}
