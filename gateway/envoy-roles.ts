// The role table (gateway/policy.ts REQUIRED_ROLES) as Envoy RBAC: one RBAC filter whose
// per-route config allows a route's RPC only to tokens whose `roles` claim grants the RPC's role.
// jwt_authn puts the verified payload in dynamic metadata; RBAC matches its `roles` list there.
// The services check the same table again (gateway/roles.ts).

import type { EdgeRpc } from "./contracts.ts";
import {
  type AccessRole,
  DEFAULT_ROLES,
  requiredRole,
  rolesGranting,
  TENANT_CLAIM_HEADER,
} from "./policy.ts";

type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

const TYPE = "type.googleapis.com/envoy.extensions";
export const REQUIRE_ROLE_FILTER = "docmesh.require_role";
/** Where jwt_authn writes the verified token's payload (payload_in_metadata). */
export const JWT_PAYLOAD_METADATA = "jwt_payload";
export const ROLE_DENIED_MESSAGE =
  "the token's roles do not include the role this RPC needs (docs/review.md#roles)";

const rolesClaim = (value: Yaml, invert = false): Yaml => ({
  sourced_metadata: {
    metadata_matcher: {
      filter: "envoy.filters.http.jwt_authn",
      path: [{ key: JWT_PAYLOAD_METADATA }, { key: "roles" }],
      value,
      ...(invert ? { invert: true } : {}),
    },
  },
});

/** The filter's own config refuses everything: only a route's per-route config lets its role in. */
export function requireRoleFilter(): Yaml {
  return {
    name: REQUIRE_ROLE_FILTER,
    typed_config: { "@type": `${TYPE}.filters.http.rbac.v3.RBAC`, rules: { action: "ALLOW", policies: {} } },
  };
}

/** Per-route RBAC: the RPC's role or a higher one in the claim; no claim counts as DEFAULT_ROLES. */
export function rolePerRoute(rpc: Pick<EdgeRpc, "service" | "method">): Yaml {
  const needed: AccessRole | undefined = requiredRole(rpc.service, rpc.method);
  const principals: Yaml[] = needed
    ? rolesGranting(needed).map((role) =>
        rolesClaim({ list_match: { one_of: { string_match: { exact: role } } } }),
      )
    : [];
  if (needed && DEFAULT_ROLES.some((role) => rolesGranting(needed).includes(role as AccessRole))) {
    principals.push(rolesClaim({ present_match: true }, true));
  }
  return {
    "@type": `${TYPE}.filters.http.rbac.v3.RBACPerRoute`,
    rbac: {
      rules: {
        action: "ALLOW",
        // No policy (an RPC missing from the table): refused, as in the services.
        policies: needed ? { [`role_${needed}`]: { permissions: [{ any: true }], principals } } : {},
      },
    },
  };
}

/**
 * A verified token (tenant header set) refused with 403 was refused by this filter: answer
 * PERMISSION_DENIED (403; Connect callers get a JSON error body), not the 401 of a bad token.
 * These mappers go before the one that turns the require-token filter's 403 into 401.
 */
export function roleReplyMappers(forbidden: Yaml): Yaml[] {
  const refusedRole = (extra: Yaml[]): Yaml => ({
    and_filter: {
      filters: [
        forbidden,
        { header_filter: { header: { name: TENANT_CLAIM_HEADER, present_match: true } } },
        ...extra,
      ],
    },
  });
  const connect = { header_filter: { header: { name: "connect-protocol-version", present_match: true } } };
  return [
    {
      filter: refusedRole([connect]),
      body_format_override: {
        json_format: { code: "permission_denied", message: ROLE_DENIED_MESSAGE },
        content_type: "application/json",
      },
    },
    {
      filter: refusedRole([]),
      body_format_override: { text_format_source: { inline_string: ROLE_DENIED_MESSAGE } },
    },
  ];
}
