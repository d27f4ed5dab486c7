// The embedded edge's limit on failed authentication per client address
// (DOCMESH_UNAUTHENTICATED_LIMIT). The per-tenant limiter (rate-limit.ts) keys on the verified
// tenant, so calls with a missing or bad token never reach it; this one counts those calls by the
// TCP peer address and, past the limit, answers them RESOURCE_EXHAUSTED instead of UNAUTHENTICATED.
// Calls with a valid token are never counted or refused here, from any address. Envoy enforces the
// same rule at the cluster edge (gateway/envoy-config.ts, unauthenticatedLimitFilter).

import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Config, RateLimitRule } from "../services/platform/config.ts";
import { CLIENT_ADDRESS } from "../services/platform/server.ts";

export interface UnauthenticatedLimitOptions {
  rule: RateLimitRule;
  enabled: boolean;
}

/** On with the embedded per-tenant limits (DOCMESH_RATE_LIMIT), and only when tokens are checked. */
export function unauthenticatedLimitOptions(
  config: Pick<Config, "unauthenticatedLimit" | "rateLimit" | "auth">,
): UnauthenticatedLimitOptions {
  return { rule: config.unauthenticatedLimit, enabled: config.auth === "jwt" && config.rateLimit !== "off" };
}

/** Runs before authentication, so it sees the UNAUTHENTICATED answer the auth interceptor throws. */
export function unauthenticatedLimitInterceptor(options: UnauthenticatedLimitOptions): Interceptor {
  const { rule } = options;
  const failures = new RateLimiterMemory({
    keyPrefix: "unauthenticated",
    points: rule.requests,
    duration: rule.seconds,
  });
  return (next) => async (request) => {
    if (!options.enabled) return next(request);
    try {
      return await next(request);
    } catch (error) {
      if (!(error instanceof ConnectError) || error.code !== Code.Unauthenticated) throw error;
      try {
        await failures.consume(request.contextValues.get(CLIENT_ADDRESS));
      } catch (limited) {
        if (!(limited instanceof RateLimiterRes)) throw limited;
        const retrySeconds = Math.max(1, Math.ceil(limited.msBeforeNext / 1000));
        throw new ConnectError(
          `too many failed authentications from this address: ${rule.requests} per ${rule.seconds}s; retry in ${retrySeconds}s`,
          Code.ResourceExhausted,
          { "retry-after": String(retrySeconds) },
        );
      }
      throw error;
    }
  };
}
