// The embedded edge without Envoy: the JWT interceptor (services/platform/auth.ts) and the per-tenant
// rate limiter (gateway/rate-limit.ts), in the order services/runtime.ts installs them.
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createClient,
  createRouterTransport,
  type Interceptor,
} from "@connectrpc/connect";
import { exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, devPrivateKey, mintToken, parseTtl } from "../../../gateway/dev-token.ts";
import { rateLimitInterceptor, rateLimitOptions } from "../../../gateway/rate-limit.ts";
import { MetadataService } from "../../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { Health, HealthCheckResponse_ServingStatus } from "../../../gen/grpc/health/v1/health_pb.ts";
import { type AuthMode, authInterceptor } from "../../../services/platform/auth.ts";
import { type Config, loadConfig } from "../../../services/platform/config.ts";
import { identityOf } from "../../../services/platform/identity.ts";

type Overrides = Partial<Pick<Config, "rateLimit" | "rateLimits">> & { auth?: AuthMode };

/** A MetadataService whose GetStats answers with the caller's tenant length; GetDocument echoes the tenant. */
function edge(overrides: Overrides = {}) {
  const config = loadConfig({}, { auth: "jwt", jwks: DEV_JWKS_PATH, ...overrides });
  const interceptors: Interceptor[] = [
    authInterceptor({
      mode: config.auth,
      defaultTenant: "solo",
      jwks: config.jwks,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
    }),
    rateLimitInterceptor(rateLimitOptions(config)),
  ];
  const routes = (router: ConnectRouter) => {
    router.service(MetadataService, {
      getStats: (_request, context) => ({ totalDocuments: BigInt(identityOf(context).tenant.length) }),
      getDocument: (request, context) => ({
        document: { name: request.name, tenant: identityOf(context).tenant },
      }),
    });
    router.service(Health, { check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }) });
  };
  // One set of server interceptors (one limiter state); a transport per caller for its headers.
  const transportWith = (headers: Record<string, string>) =>
    createRouterTransport(routes, {
      router: { interceptors },
      transport: {
        interceptors: [
          (next) => (request) => {
            for (const [name, value] of Object.entries(headers)) request.header.set(name, value);
            return next(request);
          },
        ],
      },
    });
  return {
    as: (token?: string, headers: Record<string, string> = {}) =>
      createClient(
        MetadataService,
        transportWith({ ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }),
      ),
    health: createClient(Health, transportWith({})),
  };
}

async function codeOf(call: Promise<unknown>): Promise<Code | "ok"> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

const NAME = "documents/00000000-0000-0000-0000-000000000001";

describe("embedded edge: JWT", () => {
  it("accepts a development token and acts as its tenant", async () => {
    const { document } = await edge()
      .as(await mintToken({ tenant: "acme" }))
      .getDocument({ name: NAME });
    expect(document?.tenant).toBe("acme");
  });

  it.each([
    ["no token", async () => undefined],
    ["an expired token", () => mintToken({ tenant: "acme", ttlSeconds: -120 })],
    ["a wrong audience", () => mintToken({ tenant: "acme", audience: "other" })],
    ["a wrong issuer", () => mintToken({ tenant: "acme", issuer: "https://evil.example" })],
    [
      "a bad signature",
      async () => {
        const { privateKey } = await generateKeyPair("ES256", { extractable: true });
        return mintToken({
          tenant: "acme",
          key: { ...(await exportJWK(privateKey)), kid: devPrivateKey().kid, alg: "ES256" },
        });
      },
    ],
    ["a token without exp", async () => `${(await mintToken({ tenant: "acme" })).split(".")[0]}.e30.sig`],
    ["garbage", async () => "not.a.jwt"],
  ])("%s → UNAUTHENTICATED", async (_label, token) => {
    expect(
      await codeOf(
        edge()
          .as(await token())
          .getDocument({ name: NAME }),
      ),
    ).toBe(Code.Unauthenticated);
  });

  it("a token without a tenant claim → PERMISSION_DENIED", async () => {
    const token = await mintToken({ tenant: "", claims: { tenant: undefined } });
    expect(await codeOf(edge().as(token).getDocument({ name: NAME }))).toBe(Code.PermissionDenied);
  });

  it("ignores forged tenant headers: only the verified token's tenant counts", async () => {
    const forged = { "x-jwt-claim-tenant": "victim", "x-docmesh-tenant": "victim", "x-tenant-id": "victim" };
    expect(await codeOf(edge().as(undefined, forged).getDocument({ name: NAME }))).toBe(Code.Unauthenticated);
    const { document } = await edge()
      .as(await mintToken({ tenant: "acme" }), forged)
      .getDocument({ name: NAME });
    expect(document?.tenant).toBe("acme");
  });

  it("health stays open", async () => {
    expect((await edge().health.check({})).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });
});

describe("embedded edge: per-tenant rate limits", () => {
  const table = loadConfig({ DOCMESH_RATE_LIMITS: "*=100/1s,GetStats=3/1s" }).rateLimits;

  it("a burst over the limit → RESOURCE_EXHAUSTED with retry-after; other tenants and RPCs unaffected; the next window succeeds", async () => {
    const service = edge({ rateLimits: table });
    const acme = service.as(await mintToken({ tenant: "acme" }));
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push(await codeOf(acme.getStats({})));
    expect(codes).toEqual(["ok", "ok", "ok", Code.ResourceExhausted, Code.ResourceExhausted]);
    const error = await acme.getStats({}).catch((e: unknown) => ConnectError.from(e));
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).metadata.get("retry-after")).toBe("1");
    expect((error as ConnectError).message).toMatch(/3 GetStats calls per 1s per tenant/);

    expect(await codeOf(service.as(await mintToken({ tenant: "globex" })).getStats({}))).toBe("ok");
    expect(await codeOf(acme.getDocument({ name: NAME }))).toBe("ok");

    await new Promise((r) => setTimeout(r, 1_100));
    expect(await codeOf(acme.getStats({}))).toBe("ok");
  });

  it("DOCMESH_RATE_LIMIT: auto limits with jwt and not with auth none; off never; on always", async () => {
    const burst = async (client: ReturnType<ReturnType<typeof edge>["as"]>) => {
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push(await codeOf(client.getStats({})));
      return codes.includes(Code.ResourceExhausted);
    };
    const token = await mintToken({ tenant: "acme" });
    expect(await burst(edge({ rateLimits: table, rateLimit: "auto" }).as(token))).toBe(true);
    expect(await burst(edge({ rateLimits: table, rateLimit: "auto", auth: "none" }).as())).toBe(false);
    expect(await burst(edge({ rateLimits: table, rateLimit: "off" }).as(token))).toBe(false);
    expect(await burst(edge({ rateLimits: table, rateLimit: "on", auth: "none" }).as())).toBe(true);
  });
});

describe("npm run token", () => {
  it("parses TTLs", () => {
    expect([parseTtl("90"), parseTtl("90s"), parseTtl("15m"), parseTtl("1h"), parseTtl("2d")]).toEqual([
      90, 90, 900, 3600, 172800,
    ]);
    expect(() => parseTtl("1w")).toThrow(/duration/);
  });
});
