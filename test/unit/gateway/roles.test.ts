// Roles: the one table (gateway/policy.ts REQUIRED_ROLES) enforced by the role interceptor after
// the JWT interceptor, as services/runtime.ts installs them.
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createClient,
  createRouterTransport,
} from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { EDGE_SERVICES } from "../../../gateway/contracts.ts";
import { DEV_JWKS_PATH, mintToken } from "../../../gateway/dev-token.ts";
import {
  ACCESS_ROLES,
  DEFAULT_ROLES,
  grants,
  REQUIRED_ROLES,
  requiredRole,
} from "../../../gateway/policy.ts";
import { roleInterceptor } from "../../../gateway/roles.ts";
import { MetadataService } from "../../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { ReviewService } from "../../../gen/docmesh/review/v1/review_service_pb.ts";
import { type AuthMode, authInterceptor } from "../../../services/platform/auth.ts";
import { identityOf } from "../../../services/platform/identity.ts";
import { codeOf } from "../../support/rpc.ts";

const NAME = "reviewTasks/00000000-0000-0000-0000-000000000001";

/** A MetadataService and a ReviewService that answer with the caller's roles. */
function edge(mode: AuthMode = "jwt") {
  const routes = (router: ConnectRouter) => {
    router.service(MetadataService, { getStats: () => ({ totalDocuments: 1n }) });
    router.service(ReviewService, {
      getReviewStats: (_request, context) => ({ queueDepth: BigInt(identityOf(context).roles.length) }),
      releaseReviewTask: () => ({}),
      exportGoldenSet: () => ({ records: ["{}"] }),
    });
  };
  return (token?: string) => {
    const transport = createRouterTransport(routes, {
      router: {
        interceptors: [
          authInterceptor({
            mode,
            defaultTenant: "solo",
            jwks: DEV_JWKS_PATH,
            issuer: "docmesh-dev",
            audience: "docmesh",
          }),
          roleInterceptor(),
        ],
      },
      transport: {
        interceptors: [
          (next) => (request) => {
            if (token) request.header.set("authorization", `Bearer ${token}`);
            return next(request);
          },
        ],
      },
    });
    return {
      metadata: createClient(MetadataService, transport),
      review: createClient(ReviewService, transport),
    };
  };
}

/** Uploader RPC, reviewer RPC, admin RPC: what a token may call. */
async function access(token?: string, mode: AuthMode = "jwt") {
  const { metadata, review } = edge(mode)(token);
  return [
    await codeOf(metadata.getStats({})),
    await codeOf(review.releaseReviewTask({ name: NAME })),
    await codeOf(review.exportGoldenSet({})),
  ];
}

const DENIED = Code.PermissionDenied;

describe("the role table", () => {
  it("names a role for every RPC of every public service and of ReviewService", () => {
    const services = [...EDGE_SERVICES, ReviewService];
    const missing = services.flatMap((s) =>
      s.methods.filter((m) => !requiredRole(s.typeName, m.name)).map((m) => `${s.typeName}/${m.name}`),
    );
    expect(missing).toEqual([]);
    for (const role of Object.values(REQUIRED_ROLES)) expect(ACCESS_ROLES).toContain(role);
  });

  it("a method entry overrides its service's; a higher role includes the lower ones", () => {
    expect(requiredRole("docmesh.review.v1.ReviewService", "ClaimReviewTask")).toBe("reviewer");
    expect(requiredRole("docmesh.review.v1.ReviewService", "ExportGoldenSet")).toBe("admin");
    expect(requiredRole("docmesh.nothing.v1.Unknown", "Call")).toBeUndefined();
    expect(grants(["admin"], "uploader")).toBe(true);
    expect(grants(["reviewer"], "admin")).toBe(false);
    expect(grants(["superuser"], "uploader")).toBe(false);
    expect(DEFAULT_ROLES).toEqual(["uploader"]);
  });
});

describe("role checks in the services", () => {
  it("a token without a roles claim is an uploader (tokens minted before roles keep working)", async () => {
    expect(await access(await mintToken({ tenant: "acme" }))).toEqual(["ok", DENIED, DENIED]);
  });

  it.each([
    [["uploader"], ["ok", DENIED, DENIED]],
    [["reviewer"], ["ok", "ok", DENIED]],
    [["admin"], ["ok", "ok", "ok"]],
    [
      ["uploader", "reviewer"],
      ["ok", "ok", DENIED],
    ],
    [[], [DENIED, DENIED, DENIED]],
    [["superuser"], [DENIED, DENIED, DENIED]],
  ])("roles %j → %j", async (roles, expected) => {
    expect(await access(await mintToken({ tenant: "acme", roles }))).toEqual(expected);
  });

  it("the refusal names the RPC, the role it needs and the token's roles", async () => {
    const { review } = edge()(await mintToken({ tenant: "acme" }));
    const error = await review.releaseReviewTask({ name: NAME }).catch((e: unknown) => ConnectError.from(e));
    expect((error as ConnectError).rawMessage).toBe(
      'docmesh.review.v1.ReviewService/ReleaseReviewTask needs the reviewer role; the token has ["uploader"]',
    );
  });

  it("a roles claim that is not an array of strings → PERMISSION_DENIED", async () => {
    for (const roles of ["reviewer", [1], { admin: true }]) {
      expect(await access(await mintToken({ tenant: "acme", claims: { roles } }))).toEqual([
        DENIED,
        DENIED,
        DENIED,
      ]);
    }
  });

  it("DOCMESH_AUTH=none acts as admin", async () => {
    expect(await access(undefined, "none")).toEqual(["ok", "ok", "ok"]);
    const { review } = edge("none")();
    expect((await review.getReviewStats({})).queueDepth).toBe(1n);
  });
});
