// Checks an Envoy config object against the contracts: every RPC routed (gRPC path and each REST
// binding), limited per tenant, with the right timeout kind; every service transcoded. Used by
// test/unit/gateway on the rendered config; it names what is missing rather than diffing text.
import type { EdgeRpc } from "./contracts.ts";
import {
  REQUIRE_TOKEN_FILTER,
  RETRY_ON_IDEMPOTENT,
  RETRY_ON_UNSEEN,
  UNAUTHENTICATED_LIMIT_FILTER,
} from "./envoy-config.ts";
import { REQUIRE_ROLE_FILTER } from "./envoy-roles.ts";

type Obj = Record<string, unknown>;

export function edgeProblems(config: Obj, rpcs: EdgeRpc[]): string[] {
  const problems: string[] = [];
  const hcm = dig(config, "static_resources.listeners.0.filter_chains.0.filters.0.typed_config") as Obj;
  const routes = (dig(hcm, "route_config.virtual_hosts.0.routes") ?? []) as Obj[];
  const filters = (hcm?.http_filters ?? []) as Obj[];
  const clusters = new Set(((dig(config, "static_resources.clusters") ?? []) as Obj[]).map((c) => c.name));
  const transcoder = filters.find((f) => f.name === "envoy.filters.http.grpc_json_transcoder");
  const transcoded = new Set((dig(transcoder, "typed_config.services") ?? []) as string[]);
  const order = filters.map((f) => f.name as string);
  for (const [before, after] of [
    ["envoy.filters.http.header_mutation", "envoy.filters.http.jwt_authn"],
    ["envoy.filters.http.jwt_authn", UNAUTHENTICATED_LIMIT_FILTER],
    [UNAUTHENTICATED_LIMIT_FILTER, REQUIRE_TOKEN_FILTER],
    [REQUIRE_TOKEN_FILTER, REQUIRE_ROLE_FILTER],
    [REQUIRE_ROLE_FILTER, "envoy.filters.http.local_ratelimit"],
    ["envoy.filters.http.local_ratelimit", "envoy.filters.http.grpc_json_transcoder"],
    ["envoy.filters.http.grpc_json_transcoder", "envoy.filters.http.router"],
  ] as const) {
    if (!(order.indexOf(before) >= 0 && order.indexOf(before) < order.indexOf(after))) {
      problems.push(`filter ${before} must come before ${after}`);
    }
  }

  for (const service of new Set(rpcs.map((r) => r.service))) {
    if (!transcoded.has(service)) problems.push(`${service}: not in the transcoder's services`);
  }
  for (const rpc of rpcs) {
    const grpcRoute = routes.find((r) => dig(r, "match.path") === rpc.path);
    if (!grpcRoute) problems.push(`${rpc.path}: no gRPC route`);
    else checkRoute(rpc, grpcRoute, rpc.path);
    for (const rest of rpc.rest) {
      const restRoute = routes.find(
        (r) =>
          dig(r, "match.safe_regex.regex") === rest.regex &&
          dig(r, "match.headers.0.string_match.exact") === rest.verb,
      );
      const label = `${rpc.path} (${rest.verb} ${rest.template})`;
      if (!restRoute) problems.push(`${label}: no REST route`);
      else checkRoute(rpc, restRoute, label);
    }
  }
  return problems;

  function checkRoute(rpc: EdgeRpc, route: Obj, label: string): void {
    const cluster = dig(route, "route.cluster") as string;
    if (!clusters.has(cluster)) problems.push(`${label}: cluster ${cluster} is not defined`);
    const timeout = dig(route, "route.timeout");
    if (rpc.serverStreaming && timeout !== "0s")
      problems.push(`${label}: a stream needs timeout 0s, has ${timeout}`);
    if (!rpc.serverStreaming && (timeout === undefined || timeout === "0s")) {
      problems.push(`${label}: a unary call needs a finite timeout`);
    }
    // Only an RPC the contract declares idempotent may be sent twice to a service.
    const retryOn = String(dig(route, "route.retry_policy.retry_on") ?? "");
    const expected = rpc.idempotent ? RETRY_ON_IDEMPOTENT : RETRY_ON_UNSEEN;
    if (retryOn !== expected) problems.push(`${label}: retries on "${retryOn}", expected "${expected}"`);
    const limit = dig(route, "typed_per_filter_config.envoy\\.filters\\.http\\.local_ratelimit") as
      | Obj
      | undefined;
    const descriptors = (limit?.descriptors ?? []) as Obj[];
    if (!descriptors.some((d) => dig(d, "entries.0.key") === "tenant")) {
      problems.push(`${label}: no per-tenant rate limit`);
    }
    const role = (route.typed_per_filter_config as Obj | undefined)?.[REQUIRE_ROLE_FILTER];
    const policies = dig(role, "rbac.rules.policies") as Obj | undefined;
    if (!policies || Object.keys(policies).length === 0) problems.push(`${label}: no role policy`);
  }
}

/** Path lookup; a literal dot in a key is written `\.`. */
function dig(value: unknown, path: string): unknown {
  const keys = path.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, "."));
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Obj)[key];
  }
  return current;
}
