// Renders the Envoy configuration from the contracts (gateway/contracts.ts), the service map and
// the one rate-limit table. deploy/envoy/envoy.yaml is this function's output for the defaults
// (scripts/edge/render.ts); test/unit/gateway checks they never drift apart.

import { CLOCK_SKEW_SECONDS } from "../services/platform/auth.ts";
import type { RateLimitRule, RateLimitTable } from "../services/platform/config.ts";
import { consoleJwtRules, consoleRoutes } from "./console-routes.ts";
import { EDGE_SERVICES, type EdgeRpc, edgeRpcs, OPEN_SERVICES } from "./contracts.ts";
import {
  JWT_PAYLOAD_METADATA,
  REQUIRE_ROLE_FILTER,
  requireRoleFilter,
  rolePerRoute,
  roleReplyMappers,
} from "./envoy-roles.ts";
import {
  FORGEABLE_TENANT_HEADERS,
  limitFor,
  MAX_TRANSCODED_BODY_BYTES,
  TENANT_CLAIM_HEADER,
  TIMEOUTS,
} from "./policy.ts";

export interface EnvoyOptions {
  listenAddress: string;
  listenPort: number;
  /** The admin interface; always bound to loopback. */
  adminPort: number;
  /**
   * The service processes (DOCMESH_EDGE_UPSTREAMS): `host:port` serves every public service (a
   * process with the `api` role), `service=host:port` one service, named as its role is (e.g.
   * `search=10.0.0.7:8083`). Repeat an entry per replica.
   */
  upstreams: string[];
  /** Path of the `buf build` descriptor set, as Envoy will see it. */
  descriptorSet: string;
  /** A JWKS file path (development) or an https URL (production: remote_jwks). */
  jwks: string;
  issuer: string;
  audience: string;
  rateLimits: RateLimitTable;
  /** Failed authentications per client address (DOCMESH_UNAUTHENTICATED_LIMIT). */
  unauthenticatedLimit: RateLimitRule;
  corsOrigins: string[];
  heartbeatSeconds: number;
  /** Envoy drops an unused upstream connection after this long: before the service's h2c idle timeout does. */
  upstreamIdleSeconds: number;
}

type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

const TYPE = "type.googleapis.com/envoy.extensions";
const RATELIMIT_FILTER = "envoy.filters.http.local_ratelimit";
/** A second local_ratelimit instance: failed authentications per client address. */
export const UNAUTHENTICATED_LIMIT_FILTER = "docmesh.unauthenticated_ratelimit";
/** Refuses what jwt_authn let through unverified (so the limiter above could count it first). */
export const REQUIRE_TOKEN_FILTER = "docmesh.require_token";
const JWT_PROVIDER = "docmesh";
/** jwt_authn writes why a token failed here (dynamic metadata), for the 401's message. */
const JWT_FAILURE_METADATA = "jwt_failure";

/** A service's short name, as its role is named: docmesh.search.v1.SearchService → search. */
export function serviceRole(service: string): string {
  const short = service.split(".").at(-1) ?? service;
  return short.replace(/Service$/, "").toLowerCase();
}

/** One upstream cluster per service (the service map), each health-checked on its own name. */
export function clusterOf(service: string): string {
  return OPEN_SERVICES.some((s) => s.typeName === service) ? OPEN_CLUSTER : `docmesh_${serviceRole(service)}`;
}
/** Health and reflection: every process answers them. */
export const OPEN_CLUSTER = "docmesh_open";

/**
 * The processes behind one service: every unnamed `host:port` plus the `role=host:port` entries
 * for it. Health (open, any process answers it) goes to every process. A role that names no edge
 * service, or a service left without a process, is an error: the edge would route to nothing.
 */
export function upstreamsOf(service: string, upstreams: readonly string[]): string[] {
  const entries = upstreams.map((entry) => {
    const eq = entry.indexOf("=");
    return eq < 0
      ? { role: undefined, hostPort: entry }
      : { role: entry.slice(0, eq), hostPort: entry.slice(eq + 1) };
  });
  const roles = new Set(EDGE_SERVICES.map((s) => serviceRole(s.typeName)));
  for (const { role } of entries) {
    if (role !== undefined && !roles.has(role)) {
      throw new Error(`upstream role "${role}" is not an edge service; choose from ${[...roles].join(", ")}`);
    }
  }
  const open = OPEN_SERVICES.some((s) => s.typeName === service);
  const hosts = entries
    .filter(({ role }) => open || role === undefined || role === serviceRole(service))
    .map(({ hostPort }) => hostPort);
  if (hosts.length === 0)
    throw new Error(`no upstream serves ${service}: add ${serviceRole(service)}=host:port`);
  return [...new Set(hosts)];
}

export function envoyConfig(options: EnvoyOptions): Record<string, Yaml> {
  if (TIMEOUTS.streamIdleSeconds < 3 * options.heartbeatSeconds) {
    throw new Error(
      `stream idle timeout ${TIMEOUTS.streamIdleSeconds}s must cover 3 heartbeats of ${options.heartbeatSeconds}s`,
    );
  }
  const rpcs = edgeRpcs();
  // One cluster each, the open services sharing theirs.
  const services = [
    ...new Map([...EDGE_SERVICES, ...OPEN_SERVICES].map((s) => [clusterOf(s.typeName), s.typeName])).values(),
  ];
  return {
    admin: {
      address: socket("127.0.0.1", options.adminPort),
    },
    overload_manager: {
      resource_monitors: [
        {
          name: "envoy.resource_monitors.global_downstream_max_connections",
          typed_config: {
            "@type": `${TYPE}.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig`,
            max_active_downstream_connections: 50000,
          },
        },
      ],
    },
    static_resources: {
      listeners: [
        {
          name: "docmesh_edge",
          address: socket(options.listenAddress, options.listenPort),
          per_connection_buffer_limit_bytes: 1048576,
          filter_chains: [{ filters: [httpConnectionManager(options, rpcs)] }],
        },
      ],
      clusters: [
        ...services.map((service) =>
          upstreamCluster(
            clusterOf(service),
            upstreamsOf(service, options.upstreams),
            service,
            options.upstreamIdleSeconds,
          ),
        ),
        ...(isUrl(options.jwks) ? [jwksCluster(new URL(options.jwks))] : []),
      ],
    },
  };
}

function httpConnectionManager(options: EnvoyOptions, rpcs: EdgeRpc[]): Yaml {
  return {
    name: "envoy.filters.network.http_connection_manager",
    typed_config: {
      "@type": `${TYPE}.filters.network.http_connection_manager.v3.HttpConnectionManager`,
      stat_prefix: "docmesh_edge",
      codec_type: "AUTO",
      // The client address is the TCP peer's, never an x-forwarded-for a client wrote: the
      // unauthenticated limit is keyed on it.
      use_remote_address: true,
      generate_request_id: true,
      // Streams: no request deadline; a stream is cut only after this long without a byte.
      stream_idle_timeout: seconds(TIMEOUTS.streamIdleSeconds),
      request_timeout: "0s",
      request_headers_timeout: "10s",
      common_http_protocol_options: { idle_timeout: "3600s" },
      http2_protocol_options: {
        max_concurrent_streams: 1024,
        connection_keepalive: { interval: "30s", timeout: "10s" },
      },
      access_log: [accessLog()],
      local_reply_config: localReplies(),
      route_config: routeConfig(options, rpcs),
      http_filters: httpFilters(options),
    },
  };
}

function accessLog(): Yaml {
  return {
    name: "envoy.access_loggers.stdout",
    typed_config: {
      "@type": `${TYPE}.access_loggers.stream.v3.StdoutAccessLog`,
      log_format: {
        json_format: {
          time: "%START_TIME%",
          request_id: "%REQ(X-REQUEST-ID)%",
          trace_id: "%TRACE_ID%",
          traceparent: "%REQ(TRACEPARENT)%",
          method: "%REQ(:METHOD)%",
          path: "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
          protocol: "%PROTOCOL%",
          status: "%RESPONSE_CODE%",
          grpc_status: "%GRPC_STATUS_NUMBER%",
          details: "%RESPONSE_CODE_DETAILS%",
          flags: "%RESPONSE_FLAGS%",
          tenant: `%REQ(${TENANT_CLAIM_HEADER.toUpperCase()})%`,
          upstream: "%UPSTREAM_HOST%",
          duration_ms: "%DURATION%",
          bytes_sent: "%BYTES_SENT%",
        },
      },
    },
  };
}

/**
 * Connect unary clients read an error's code from a JSON body; without one they map HTTP 429 to
 * UNAVAILABLE. Rewrite Envoy's own 429 (the rate limiter) for Connect callers so they see
 * resource_exhausted, as gRPC callers do (rate_limited_as_resource_exhausted).
 */
function localReplies(): Yaml {
  return {
    mappers: [
      ...roleReplyMappers(forbidden()),
      {
        // The require-token filter (RBAC) refuses an unverified request with 403; every token
        // failure is 401 / UNAUTHENTICATED at this edge, as in the services, with jwt_authn's reason
        // ("Jwt is expired", ...) as the message. Only local replies are mapped: a service's own
        // PERMISSION_DENIED passes through untouched.
        filter: {
          and_filter: {
            filters: [
              forbidden(),
              {
                metadata_filter: {
                  matcher: {
                    filter: "envoy.filters.http.jwt_authn",
                    path: [{ key: JWT_FAILURE_METADATA }],
                    value: { present_match: true },
                  },
                  match_if_key_not_found: false,
                },
              },
            ],
          },
        },
        status_code: 401,
        body_format_override: {
          text_format_source: {
            inline_string: `%DYNAMIC_METADATA(envoy.filters.http.jwt_authn:${JWT_FAILURE_METADATA}:message)%`,
          },
        },
      },
      {
        // No token at all, or a verified one without a tenant claim.
        filter: forbidden(),
        status_code: 401,
        body_format_override: {
          text_format_source: { inline_string: "Jwt is missing or has no tenant claim" },
        },
      },
      {
        filter: {
          and_filter: {
            filters: [
              {
                status_code_filter: {
                  comparison: { op: "EQ", value: { default_value: 429, runtime_key: "docmesh.connect_429" } },
                },
              },
              { header_filter: { header: { name: "connect-protocol-version", present_match: true } } },
            ],
          },
        },
        body_format_override: {
          json_format: { code: "resource_exhausted", message: "%LOCAL_REPLY_BODY%" },
          content_type: "application/json",
        },
      },
    ],
  };
}

function forbidden(): Yaml {
  return {
    status_code_filter: {
      comparison: { op: "EQ", value: { default_value: 403, runtime_key: "docmesh.jwt_403" } },
    },
  };
}

function routeConfig(options: EnvoyOptions, rpcs: EdgeRpc[]): Yaml {
  const routes: Yaml[] = [];
  for (const open of OPEN_SERVICES) {
    routes.push({
      name: open.typeName,
      match: { prefix: `/${open.typeName}/` },
      route: {
        cluster: clusterOf(open.typeName),
        timeout: "0s",
        idle_timeout: seconds(TIMEOUTS.streamIdleSeconds),
      },
      typed_per_filter_config: {
        [UNAUTHENTICATED_LIMIT_FILTER]: disabledOnRoute(),
        [REQUIRE_TOKEN_FILTER]: disabledOnRoute(),
        [REQUIRE_ROLE_FILTER]: disabledOnRoute(),
      },
    });
  }
  for (const rpc of rpcs) {
    const action = routeAction(rpc);
    const perFilter = {
      [RATELIMIT_FILTER]: tenantLimit(rpc, options.rateLimits),
      [REQUIRE_ROLE_FILTER]: rolePerRoute(rpc),
    };
    routes.push({
      name: rpc.path.slice(1),
      match: { path: rpc.path },
      route: action,
      typed_per_filter_config: perFilter,
    });
    for (const [i, rest] of rpc.rest.entries()) {
      routes.push({
        name: `${rpc.path.slice(1)}#rest${i}`,
        match: {
          safe_regex: { regex: rest.regex },
          headers: [{ name: ":method", string_match: { exact: rest.verb } }],
        },
        route: action,
        typed_per_filter_config: perFilter,
      });
    }
  }
  // The web console (docs/console.md), served by the metadata service's processes.
  const consoleCluster = clusterOf(
    EDGE_SERVICES.find((s) => serviceRole(s.typeName) === "metadata")?.typeName ?? "",
  );
  routes.push(
    ...consoleRoutes(consoleCluster, {
      [UNAUTHENTICATED_LIMIT_FILTER]: disabledOnRoute(),
      [REQUIRE_TOKEN_FILTER]: disabledOnRoute(),
      [REQUIRE_ROLE_FILTER]: disabledOnRoute(),
    }),
  );
  // A path that is no RPC: gRPC and gRPC-Web callers get UNIMPLEMENTED (trailers-only), as from the
  // services; Connect callers read the 404 below as unimplemented too.
  routes.push({
    name: "unimplemented",
    match: { prefix: "/", headers: [{ name: "content-type", string_match: { prefix: "application/grpc" } }] },
    direct_response: { status: 200 },
    response_headers_to_add: [
      {
        append_action: "OVERWRITE_IF_EXISTS_OR_ADD",
        header: { key: "content-type", value: "application/grpc" },
      },
      { append_action: "OVERWRITE_IF_EXISTS_OR_ADD", header: { key: "grpc-status", value: "12" } },
      { append_action: "OVERWRITE_IF_EXISTS_OR_ADD", header: { key: "grpc-message", value: "unknown RPC" } },
    ],
    typed_per_filter_config: { [REQUIRE_ROLE_FILTER]: disabledOnRoute() },
  });
  routes.push({
    name: "not_found",
    match: { prefix: "/" },
    direct_response: { status: 404 },
    typed_per_filter_config: { [REQUIRE_ROLE_FILTER]: disabledOnRoute() },
  });
  return {
    name: "docmesh",
    virtual_hosts: [
      {
        name: "docmesh",
        domains: ["*"],
        routes,
        typed_per_filter_config: { "envoy.filters.http.cors": corsPolicy(options.corsOrigins) },
      },
    ],
  };
}

function routeAction(rpc: EdgeRpc): Yaml {
  if (rpc.serverStreaming) {
    return {
      cluster: clusterOf(rpc.service),
      timeout: "0s",
      idle_timeout: seconds(TIMEOUTS.streamIdleSeconds),
      // Honour a client's grpc-timeout on streams, uncapped.
      max_stream_duration: { grpc_timeout_header_max: "0s" },
      // Only until the first response bytes: after that a client resumes (after_sequence).
      retry_policy: retryPolicy(rpc),
    };
  }
  const limit = TIMEOUTS.uploadMethods.includes(rpc.method) ? TIMEOUTS.uploadSeconds : TIMEOUTS.unarySeconds;
  return {
    cluster: clusterOf(rpc.service),
    timeout: seconds(limit),
    max_stream_duration: { grpc_timeout_header_max: seconds(limit) },
    retry_policy: retryPolicy(rpc),
  };
}

/**
 * RPCs the contract declares idempotent are sent again, to another process, when theirs fails or
 * dies mid-call. Any other RPC is sent again only when no process saw it: the connection was never
 * made, or the service refused the stream before reading it.
 */
export function retryPolicy(rpc: Pick<EdgeRpc, "idempotent">): Yaml {
  return {
    retry_on: rpc.idempotent ? RETRY_ON_IDEMPOTENT : RETRY_ON_UNSEEN,
    num_retries: 2,
    retry_host_predicate: [
      {
        name: "envoy.retry_host_predicates.previous_hosts",
        typed_config: { "@type": `${TYPE}.retry.host.previous_hosts.v3.PreviousHostsPredicate` },
      },
    ],
    host_selection_retry_max_attempts: 3,
    retry_back_off: { base_interval: "0.05s", max_interval: "0.5s" },
  };
}
export const RETRY_ON_UNSEEN = "connect-failure,refused-stream";
export const RETRY_ON_IDEMPOTENT = `${RETRY_ON_UNSEEN},reset,gateway-error,unavailable`;

/** One token bucket per (route, tenant): the dynamic descriptor keyed by the verified tenant claim. */
function tenantLimit(rpc: EdgeRpc, table: RateLimitTable): Yaml {
  const rule = limitFor(table, rpc.method);
  const bucket = {
    max_tokens: rule.requests,
    tokens_per_fill: rule.requests,
    fill_interval: seconds(rule.seconds),
  };
  return {
    "@type": `${TYPE}.filters.http.local_ratelimit.v3.LocalRateLimit`,
    stat_prefix: `rpc_${rpc.method}`,
    // No route-wide cap across tenants: this bucket only exists because the filter needs one.
    token_bucket: { max_tokens: 1000000, tokens_per_fill: 1000000, fill_interval: "1s" },
    filter_enabled: percent(100, "docmesh.ratelimit.enabled"),
    filter_enforced: percent(100, "docmesh.ratelimit.enforced"),
    rate_limited_as_resource_exhausted: true,
    enable_x_ratelimit_headers: "DRAFT_VERSION_03",
    response_headers_to_add: [
      {
        append_action: "OVERWRITE_IF_EXISTS_OR_ADD",
        header: { key: "x-docmesh-rate-limited", value: rpc.method },
      },
    ],
    rate_limits: [
      { actions: [{ request_headers: { header_name: TENANT_CLAIM_HEADER, descriptor_key: "tenant" } }] },
    ],
    descriptors: [{ entries: [{ key: "tenant" }], token_bucket: bucket }],
    max_dynamic_descriptors: 10000,
  };
}

/**
 * Failed authentications per client address: one token bucket per remote address, drawn only by
 * requests jwt_authn did not verify (no tenant claim header). Over it: 429 / RESOURCE_EXHAUSTED
 * instead of 401 / UNAUTHENTICATED. Verified requests produce no descriptor and are never counted.
 */
function unauthenticatedLimitFilter(rule: RateLimitRule): Yaml {
  return {
    name: UNAUTHENTICATED_LIMIT_FILTER,
    typed_config: {
      "@type": `${TYPE}.filters.http.local_ratelimit.v3.LocalRateLimit`,
      stat_prefix: "unauthenticated",
      // No cap across addresses: this bucket only exists because the filter needs one.
      token_bucket: { max_tokens: 1000000, tokens_per_fill: 1000000, fill_interval: "1s" },
      filter_enabled: percent(100, "docmesh.unauthenticated_limit.enabled"),
      filter_enforced: percent(100, "docmesh.unauthenticated_limit.enforced"),
      rate_limited_as_resource_exhausted: true,
      response_headers_to_add: [
        {
          append_action: "OVERWRITE_IF_EXISTS_OR_ADD",
          header: { key: "x-docmesh-rate-limited", value: "unauthenticated" },
        },
      ],
      rate_limits: [
        {
          actions: [
            {
              header_value_match: {
                descriptor_key: "auth",
                descriptor_value: "failed",
                expect_match: false,
                headers: [{ name: TENANT_CLAIM_HEADER, present_match: true }],
              },
            },
            { remote_address: {} },
          ],
        },
      ],
      descriptors: [
        {
          entries: [{ key: "auth", value: "failed" }, { key: "remote_address" }],
          token_bucket: {
            max_tokens: rule.requests,
            tokens_per_fill: rule.requests,
            fill_interval: seconds(rule.seconds),
          },
        },
      ],
      max_dynamic_descriptors: 10000,
    },
  };
}

/** Refuses requests jwt_authn did not verify: 403 from RBAC, answered as 401 (localReplies). */
function requireTokenFilter(): Yaml {
  return {
    name: REQUIRE_TOKEN_FILTER,
    typed_config: {
      "@type": `${TYPE}.filters.http.rbac.v3.RBAC`,
      rules: {
        action: "ALLOW",
        policies: {
          verified_token: {
            permissions: [{ any: true }],
            principals: [{ header: { name: TENANT_CLAIM_HEADER, present_match: true } }],
          },
        },
      },
    },
  };
}

function disabledOnRoute(): Yaml {
  return { "@type": "type.googleapis.com/envoy.config.route.v3.FilterConfig", disabled: true };
}

function percent(value: number, runtimeKey: string): Yaml {
  return { runtime_key: runtimeKey, default_value: { numerator: value, denominator: "HUNDRED" } };
}

function corsPolicy(origins: string[]): Yaml {
  return {
    "@type": `${TYPE}.filters.http.cors.v3.CorsPolicy`,
    allow_origin_string_match: origins.map(
      (origin): Yaml => (origin === "*" ? { prefix: "" } : { exact: origin }),
    ),
    allow_methods: "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    allow_headers: [
      "authorization",
      "content-type",
      "x-grpc-web",
      "x-user-agent",
      "grpc-timeout",
      "connect-protocol-version",
      "connect-timeout-ms",
      "traceparent",
    ].join(","),
    expose_headers: [
      "grpc-status",
      "grpc-message",
      "grpc-status-details-bin",
      "x-request-id",
      "ratelimit-reset",
    ].join(","),
    max_age: "600",
    allow_credentials: false,
  };
}

function httpFilters(options: EnvoyOptions): Yaml[] {
  const openRules = OPEN_SERVICES.map((s) => ({ match: { prefix: `/${s.typeName}/` } }));
  const provider: Record<string, Yaml> = {
    issuer: options.issuer,
    audiences: [options.audience],
    // Services verify the same token again (defence in depth): pass it on untouched.
    forward: true,
    claim_to_headers: [{ header_name: TENANT_CLAIM_HEADER, claim_name: "tenant" }],
    clock_skew_seconds: CLOCK_SKEW_SECONDS,
    require_expiration: true,
    failed_status_in_metadata: JWT_FAILURE_METADATA,
    // The roles claim, for the require-role filter (gateway/envoy-roles.ts).
    payload_in_metadata: JWT_PAYLOAD_METADATA,
  };
  if (isUrl(options.jwks)) {
    provider.remote_jwks = {
      http_uri: { uri: options.jwks, cluster: "jwks", timeout: "5s" },
      cache_duration: "600s",
      async_fetch: { fast_listener: false },
      retry_policy: { num_retries: 3 },
    };
  } else {
    provider.local_jwks = { filename: options.jwks };
  }
  return [
    {
      // First: a client cannot smuggle a tenant in; the claim header is set only by jwt_authn.
      name: "envoy.filters.http.header_mutation",
      typed_config: {
        "@type": `${TYPE}.filters.http.header_mutation.v3.HeaderMutation`,
        mutations: { request_mutations: FORGEABLE_TENANT_HEADERS.map((name) => ({ remove: name })) },
      },
    },
    { name: "envoy.filters.http.cors", typed_config: { "@type": `${TYPE}.filters.http.cors.v3.Cors` } },
    {
      name: "envoy.filters.http.grpc_web",
      typed_config: { "@type": `${TYPE}.filters.http.grpc_web.v3.GrpcWeb` },
    },
    {
      name: "envoy.filters.http.jwt_authn",
      typed_config: {
        "@type": `${TYPE}.filters.http.jwt_authn.v3.JwtAuthentication`,
        providers: { [JWT_PROVIDER]: provider },
        // A failed or missing token passes on unverified (no tenant header), so the limiter below
        // can count it by address; the require-token filter after it refuses it.
        rules: [
          ...openRules,
          ...consoleJwtRules(),
          {
            match: { prefix: "/" },
            requires: {
              requires_any: {
                requirements: [{ provider_name: JWT_PROVIDER }, { allow_missing_or_failed: {} }],
              },
            },
          },
        ],
        bypass_cors_preflight: true,
      },
    },
    unauthenticatedLimitFilter(options.unauthenticatedLimit),
    requireTokenFilter(),
    requireRoleFilter(),
    {
      // Limits are per route (typed_per_filter_config); this is only the filter's slot in the chain.
      name: RATELIMIT_FILTER,
      typed_config: {
        "@type": `${TYPE}.filters.http.local_ratelimit.v3.LocalRateLimit`,
        stat_prefix: "docmesh_ratelimit",
      },
    },
    {
      // After the limiter, so an over-limit REST call is still plain HTTP (429), not gRPC.
      name: "envoy.filters.http.grpc_json_transcoder",
      typed_config: {
        "@type": `${TYPE}.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder`,
        proto_descriptor: options.descriptorSet,
        services: EDGE_SERVICES.map((s) => s.typeName),
        print_options: {
          add_whitespace: false,
          always_print_primitive_fields: true,
          always_print_enums_as_ints: false,
          preserve_proto_field_names: false,
          // Server streams as newline-delimited JSON: one message per line, flushed as it arrives.
          stream_newline_delimited: true,
        },
        convert_grpc_status: true,
        ignore_unknown_query_parameters: true,
        max_request_body_size: MAX_TRANSCODED_BODY_BYTES,
        max_response_body_size: MAX_TRANSCODED_BODY_BYTES,
      },
    },
    { name: "envoy.filters.http.router", typed_config: { "@type": `${TYPE}.filters.http.router.v3.Router` } },
  ];
}

function upstreamCluster(name: string, upstreams: string[], service: string, idleSeconds: number): Yaml {
  const endpoints = upstreams.map((hostPort) => {
    const [host, port] = splitHostPort(hostPort);
    return { endpoint: { address: socket(host, port) } };
  });
  const allIps = upstreams.every((u) => /^[0-9.]+$/.test(splitHostPort(u)[0]));
  return {
    name,
    type: allIps ? "STATIC" : "STRICT_DNS",
    connect_timeout: seconds(TIMEOUTS.connectSeconds),
    lb_policy: "ROUND_ROBIN",
    per_connection_buffer_limit_bytes: 1048576,
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: endpoints }] },
    // h2c: gRPC, gRPC-Web (converted) and Connect all reach the services over HTTP/2.
    typed_extension_protocol_options: {
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
        "@type": `${TYPE}.upstreams.http.v3.HttpProtocolOptions`,
        common_http_protocol_options: { idle_timeout: seconds(idleSeconds) },
        explicit_http_config: {
          http2_protocol_options: { connection_keepalive: { interval: "30s", timeout: "10s" } },
        },
      },
    },
    // A process that stops answering leaves the pool after its first failed call (outlier
    // detection) rather than after two missed health checks; it returns when checks pass again.
    outlier_detection: {
      consecutive_gateway_failure: 1,
      enforcing_consecutive_gateway_failure: 100,
      consecutive_5xx: 5,
      interval: "1s",
      base_ejection_time: "10s",
      max_ejection_percent: 100,
    },
    health_checks: [
      {
        timeout: "1s",
        interval: "2s",
        unhealthy_threshold: 2,
        healthy_threshold: 1,
        // An open service (health, reflection) is served by every process: check the whole server.
        grpc_health_check: { service_name: OPEN_SERVICES.some((s) => s.typeName === service) ? "" : service },
      },
    ],
  };
}

function jwksCluster(url: URL): Yaml {
  const tls = url.protocol === "https:";
  const port = Number(url.port || (tls ? 443 : 80));
  return {
    name: "jwks",
    type: "STRICT_DNS",
    connect_timeout: "5s",
    load_assignment: {
      cluster_name: "jwks",
      endpoints: [{ lb_endpoints: [{ endpoint: { address: socket(url.hostname, port) } }] }],
    },
    ...(tls
      ? {
          transport_socket: {
            name: "envoy.transport_sockets.tls",
            typed_config: {
              "@type": `${TYPE}.transport_sockets.tls.v3.UpstreamTlsContext`,
              sni: url.hostname,
            },
          },
        }
      : {}),
  };
}

function socket(address: string, port: number): Yaml {
  return { socket_address: { address, port_value: port } };
}

function seconds(value: number): string {
  return `${value}s`;
}

function isUrl(value: string): boolean {
  return /^https?:\/\//.test(value);
}

function splitHostPort(hostPort: string): [string, number] {
  const at = hostPort.lastIndexOf(":");
  const port = Number(hostPort.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port)) throw new Error(`upstream "${hostPort}" is not host:port`);
  return [hostPort.slice(0, at), port];
}

/** A small YAML writer for the config above (maps, lists, scalars; strings JSON-quoted when needed). */
export function toYaml(value: Yaml, indent = 0): string {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return value
      .map((item) => {
        const body = toYaml(item, indent + 2);
        return isBlock(item) ? `${pad}- ${body.trimStart()}` : `${pad}- ${body}`;
      })
      .join("\n");
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return entries
      .map(([key, item]) => {
        const name = scalar(key);
        if (isBlock(item)) return `${pad}${name}:\n${toYaml(item, indent + 2)}`;
        return `${pad}${name}: ${toYaml(item, indent + 2)}`;
      })
      .join("\n");
  }
  return scalar(value);
}

function isBlock(value: Yaml): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0)
  );
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value !== "string") return String(value);
  return /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

export function renderEnvoyYaml(options: EnvoyOptions): string {
  const header = [
    "# GENERATED by scripts/edge/render.ts from proto/ (via gen/), gateway/ and the settings in",
    "# services/platform/config.ts. Do not edit: change those and run `bash scripts/edge/check.sh`.",
    "# test/unit/gateway fails when this file and the contracts drift apart.",
    "",
  ].join("\n");
  return `${header}${toYaml(envoyConfig(options))}\n`;
}
