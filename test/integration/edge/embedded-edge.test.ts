// The same auth and limit acceptance against embedded mode with no Envoy: a whole Docmesh in this
// process with DOCMESH_AUTH=jwt (development JWKS) and DOCMESH_RATE_LIMIT=auto, over gRPC and Connect.
import { randomUUID } from "node:crypto";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, mintToken } from "../../../gateway/dev-token.ts";
import { MetadataService } from "../../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { loadConfig } from "../../../services/platform/config.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";

let docmesh: TestDocmesh;
type MetadataClient = ReturnType<typeof createClient<typeof MetadataService>>;

const bearer =
  (token: string | undefined): Interceptor =>
  (next) =>
  (request) => {
    if (token) request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };

function clients(token: string | undefined) {
  return [
    createClient(
      MetadataService,
      createGrpcTransport({ baseUrl: docmesh.url, interceptors: [bearer(token)] }),
    ),
    createClient(
      MetadataService,
      createConnectTransport({ baseUrl: docmesh.url, httpVersion: "1.1", interceptors: [bearer(token)] }),
    ),
  ];
}

async function codeOf(call: Promise<unknown>): Promise<Code | "ok"> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

beforeAll(async () => {
  docmesh = await startDocmesh("embedded", {
    auth: "jwt",
    jwks: DEV_JWKS_PATH,
    rateLimit: "auto",
    rateLimits: loadConfig({ DOCMESH_RATE_LIMITS: "*=1000/1s,GetStats=3/2s" }).rateLimits,
  });
});

afterAll(async () => {
  await docmesh?.stop();
});

describe("embedded edge (no Envoy)", () => {
  it("no token, expired, wrong audience → UNAUTHENTICATED over gRPC and Connect", async () => {
    for (const token of [
      undefined,
      await mintToken({ tenant: "acme", ttlSeconds: -120 }),
      await mintToken({ tenant: "acme", audience: "other" }),
    ]) {
      for (const client of clients(token)) {
        expect(await codeOf(client.getStats({}))).toBe(Code.Unauthenticated);
      }
    }
  });

  it("a burst over the per-tenant limit → RESOURCE_EXHAUSTED; the next window succeeds", async () => {
    const token = await mintToken({ tenant: `burst-${randomUUID().slice(0, 8)}` });
    const [grpc, connect] = clients(token) as [MetadataClient, MetadataClient];
    const codes: (Code | "ok")[] = [];
    for (let i = 0; i < 4; i++) codes.push(await codeOf(grpc.getStats({})));
    codes.push(await codeOf(connect.getStats({})));
    expect(codes).toEqual(["ok", "ok", "ok", Code.ResourceExhausted, Code.ResourceExhausted]);
    const [other] = clients(await mintToken({ tenant: `other-${randomUUID().slice(0, 8)}` })) as [
      MetadataClient,
    ];
    expect(await codeOf(other.getStats({}))).toBe("ok");
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await codeOf(grpc.getStats({}))).toBe("ok");
  });
});
