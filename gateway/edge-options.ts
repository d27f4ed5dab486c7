// The Envoy render options for a Docmesh configuration: the settings, plus where Envoy runs.
import type { Config } from "../services/platform/config.ts";
import type { EnvoyOptions } from "./envoy-config.ts";

/** The committed deploy/envoy/envoy.yaml: Envoy started from the repository root. */
export const DEFAULT_EDGE = {
  out: "deploy/envoy/envoy.yaml",
  listenAddress: "0.0.0.0",
  listenPort: 8000,
  adminPort: 9901,
  descriptorSet: "deploy/envoy/docmesh.binpb",
};

/**
 * The settings that shape the committed file. Rendering for the drift check ignores the
 * environment, so a developer's DOCMESH_* variables cannot make the check fail.
 */
export function edgeOptionsFrom(config: Config, overrides: Partial<EnvoyOptions> = {}): EnvoyOptions {
  return {
    listenAddress: DEFAULT_EDGE.listenAddress,
    listenPort: DEFAULT_EDGE.listenPort,
    adminPort: DEFAULT_EDGE.adminPort,
    upstreams: config.edgeUpstreams,
    descriptorSet: DEFAULT_EDGE.descriptorSet,
    jwks: config.jwks,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    rateLimits: config.rateLimits,
    unauthenticatedLimit: config.unauthenticatedLimit,
    corsOrigins: config.edgeCorsOrigins,
    heartbeatSeconds: config.heartbeatSeconds,
    upstreamIdleSeconds: Math.max(1, Math.floor(config.h2IdleTimeoutMs / 2000)),
    ...overrides,
  };
}
