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
