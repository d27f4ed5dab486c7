// The edge's view of the contracts: every public RPC, its gRPC path, whether it streams, and the
// REST bindings from its google.api.http annotation. The Envoy config is rendered from this list,
// so an RPC added to proto/ (and regenerated into gen/) gets a route, a limit and a transcoder
// binding without anyone remembering to add them.

import { type DescMethod, type DescService, getOption, hasOption } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { http } from "../gen/google/api/annotations_pb.ts";
import type { HttpRule } from "../gen/google/api/http_pb.ts";
import { Health } from "../gen/grpc/health/v1/health_pb.ts";
import { ServerReflection } from "../gen/grpc/reflection/v1/reflection_pb.ts";
import { ServerReflection as ServerReflectionAlpha } from "../gen/grpc/reflection/v1alpha/reflection_pb.ts";
import { PUBLIC_SERVICES } from "../services/api.ts";

export type HttpVerb = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RestBinding {
  verb: HttpVerb;
  /** The template as written in the contract, e.g. /v1/{name=documents/*}:watch */
  template: string;
  /** An RE2 regex for Envoy's safe_regex path match. */
  regex: string;
  body: string;
}

export interface EdgeRpc {
  service: string;
  method: string;
  /** /package.Service/Method — the gRPC, gRPC-Web and Connect path. */
  path: string;
  serverStreaming: boolean;
  /** Declared NO_SIDE_EFFECTS or IDEMPOTENT in the contract: the edge may send it again. */
  idempotent: boolean;
  rest: RestBinding[];
}

/** Services the edge exposes and authenticates. Health is handled separately: it stays open. */
export const EDGE_SERVICES: readonly DescService[] = PUBLIC_SERVICES;
/**
 * Services reachable without a token: health, and reflection (it describes only the public
 * contracts, so grpcurl, Postman and Kreya can list them before they hold a token).
 */
export const OPEN_SERVICES: readonly DescService[] = [Health, ServerReflection, ServerReflectionAlpha];

export function edgeRpcs(services: readonly DescService[] = EDGE_SERVICES): EdgeRpc[] {
  return services.flatMap((service) => service.methods.map((method) => edgeRpc(service, method)));
}

function edgeRpc(service: DescService, method: DescMethod): EdgeRpc {
  const rules: HttpRule[] = [];
  if (hasOption(method, http)) {
    const rule = getOption(method, http);
    rules.push(rule, ...rule.additionalBindings);
  }
  return {
    service: service.typeName,
    method: method.name,
    path: `/${service.typeName}/${method.name}`,
    serverStreaming: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
    idempotent: method.idempotency !== MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN,
    rest: rules.flatMap((rule) => {
      const pattern = rule.pattern;
      if (pattern.case === undefined || pattern.case === "custom") return [];
      const verb = pattern.case.toUpperCase() as HttpVerb;
      return [{ verb, template: pattern.value, regex: templateRegex(pattern.value), body: rule.body }];
    }),
  };
}

/**
 * google.api.http path template → RE2 regex over the path (Envoy matches it without the query).
 * `*` is one segment, `**` any rest, `{var}` one segment, `{var=pattern}` the pattern; a `:verb`
 * suffix is literal.
 */
export function templateRegex(template: string): string {
  const quote = (text: string) => text.replace(/[.+?^$()[\]|\\]/g, "\\$&");
  const segments = (pattern: string) =>
    pattern
      .split("/")
      .map((segment) => (segment === "**" ? ".+" : segment === "*" ? "[^/]+" : quote(segment)))
      .join("/");
  let out = "";
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf("{");
    if (open < 0) {
      out += segments(rest);
      break;
    }
    out += segments(rest.slice(0, open));
    const close = rest.indexOf("}", open);
    if (close < 0) throw new Error(`unbalanced { in http template ${template}`);
    const variable = rest.slice(open + 1, close);
    const eq = variable.indexOf("=");
    out += eq < 0 ? "[^/]+" : segments(variable.slice(eq + 1));
    rest = rest.slice(close + 1);
  }
  return `^${out}$`;
}
