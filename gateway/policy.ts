// The edge policy shared by Envoy (rendered config) and the embedded interceptors.
// Limits themselves live in ONE place: DOCMESH_RATE_LIMITS in services/platform/config.ts.

import type { RateLimitRule, RateLimitTable } from "../services/platform/config.ts";

/** Header Envoy's jwt_authn fills from the verified `tenant` claim (used only for rate-limit keys). */
export const TENANT_CLAIM_HEADER = "x-jwt-claim-tenant";
/**
 * Tenant-looking headers a client might forge. Envoy strips them before any filter runs; the
 * services never read them (they verify the forwarded Authorization header themselves).
 */
export const FORGEABLE_TENANT_HEADERS = [TENANT_CLAIM_HEADER, "x-docmesh-tenant", "x-tenant-id"] as const;

/** The per-tenant limit of one RPC: its own entry, else `*`. */
export function limitFor(table: RateLimitTable, method: string): RateLimitRule {
  const rule = table[method] ?? table["*"];
  if (!rule) throw new Error("rate-limit table has no * entry");
  return rule;
}

/** Route timeouts at the edge. Streams have none; they are kept alive by heartbeats instead. */
export const TIMEOUTS = {
  /** Unary calls: the whole exchange. */
  unarySeconds: 30,
  /** Unary calls that carry a whole document. */
  uploadSeconds: 120,
  uploadMethods: ["UploadDocument", "CompleteUpload"] as readonly string[],
  /**
   * Streams: no route timeout; a stream is cut only when no byte flows for this long. Must exceed
   * the progress heartbeat (DOCMESH_HEARTBEAT_SECONDS) with room to spare: the renderer insists
   * on at least 3 heartbeats.
   */
  streamIdleSeconds: 300,
  /** Upstream connect. */
  connectSeconds: 2,
};

/** Largest request body the REST transcoder buffers (a 50 MiB upload, base64 in JSON). */
export const MAX_TRANSCODED_BODY_BYTES = 72 * 1024 * 1024;

/**
 * Access roles, carried by the token's `roles` claim (an array of strings). Each role includes the
 * ones before it: an admin may do what a reviewer may, a reviewer what an uploader may.
 */
export const ACCESS_ROLES = ["uploader", "reviewer", "admin"] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

/**
 * What a token WITHOUT a `roles` claim may do: tokens minted before roles existed keep working for
 * everything but review and administration. An explicit empty list grants nothing.
 */
export const DEFAULT_ROLES: readonly AccessRole[] = ["uploader"];

/**
 * THE role table: the role each RPC needs, by `package.Service` (all its methods) or
 * `package.Service/Method` (overrides the service's entry). Enforced by the services
 * (gateway/roles.ts) and by Envoy's RBAC filter (gateway/envoy-config.ts). An RPC with no entry
 * is refused (PERMISSION_DENIED) everywhere; test/unit/gateway/roles.test.ts checks every public
 * RPC has one.
 */
export const REQUIRED_ROLES: Readonly<Record<string, AccessRole>> = {
  "docmesh.ingestion.v1.IngestionService": "uploader",
  "docmesh.metadata.v1.MetadataService": "uploader",
  "docmesh.search.v1.SearchService": "uploader",
  "docmesh.progress.v1.ProgressService": "uploader",
  "docmesh.review.v1.ReviewService": "reviewer",
  "docmesh.review.v1.ReviewService/ExportGoldenSet": "admin",
  "docmesh.admin.v1.AdminService": "admin",
  "docmesh.webhook.v1.WebhookService": "admin",
};

/** The role an RPC needs, or undefined when the table has no entry for it. */
export function requiredRole(service: string, method: string): AccessRole | undefined {
  return REQUIRED_ROLES[`${service}/${method}`] ?? REQUIRED_ROLES[service];
}

/** Whether roles a token carries grant `needed` (a higher role includes the lower ones). */
export function grants(held: readonly string[], needed: AccessRole): boolean {
  const rank = ACCESS_ROLES.indexOf(needed);
  return held.some((role) => ACCESS_ROLES.indexOf(role as AccessRole) >= rank);
}

/** The roles that grant `needed`: itself and every role above it. */
export function rolesGranting(needed: AccessRole): AccessRole[] {
  return ACCESS_ROLES.slice(ACCESS_ROLES.indexOf(needed));
}
