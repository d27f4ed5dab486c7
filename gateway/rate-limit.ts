// The embedded edge's fair-use policy: the same per-tenant, per-RPC limits Envoy enforces
// (DOCMESH_RATE_LIMITS), as a Connect interceptor on rate-limiter-flexible. It runs after the
// auth interceptor, so the key is always the verified tenant, never a header.

import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { isOpenService } from "../services/platform/auth.ts";
import type { Config, RateLimitTable } from "../services/platform/config.ts";
import { IDENTITY } from "../services/platform/identity.ts";
import { limitFor } from "./policy.ts";

export interface RateLimitOptions {
  table: RateLimitTable;
  enabled: boolean;
}

/** DOCMESH_RATE_LIMIT=auto enforces limits when there are tenants to be fair between (DOCMESH_AUTH=jwt). */
export function rateLimitOptions(
  config: Pick<Config, "rateLimit" | "rateLimits" | "auth">,
): RateLimitOptions {
  const enabled = config.rateLimit === "on" || (config.rateLimit === "auto" && config.auth === "jwt");
  return { table: config.rateLimits, enabled };
}

export function rateLimitInterceptor(options: RateLimitOptions): Interceptor {
  const limiters = new Map<string, RateLimiterMemory>();
  const limiterFor = (method: string): RateLimiterMemory => {
    let limiter = limiters.get(method);
    if (!limiter) {
      const rule = limitFor(options.table, method);
      limiter = new RateLimiterMemory({ keyPrefix: method, points: rule.requests, duration: rule.seconds });
      limiters.set(method, limiter);
    }
    return limiter;
  };
  return (next) => async (request) => {
    if (!options.enabled || isOpenService(request.service.typeName)) return next(request);
    const identity = request.contextValues.get(IDENTITY);
    if (!identity) throw new ConnectError("no verified identity before the rate limiter", Code.Internal);
    const method = request.method.name;
    try {
      await limiterFor(method).consume(identity.tenant);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const rule = limitFor(options.table, method);
      const retrySeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new ConnectError(
        `rate limit: ${rule.requests} ${method} calls per ${rule.seconds}s per tenant; retry in ${retrySeconds}s`,
        Code.ResourceExhausted,
        { "retry-after": String(retrySeconds) },
      );
    }
    return next(request);
  };
}
