// A flood of calls with bad tokens against the embedded edge (DOCMESH_AUTH=jwt): the per-tenant
// limiter never sees them (no verified tenant), so failed authentications are limited per client
// address (DOCMESH_UNAUTHENTICATED_LIMIT). Clients bind distinct loopback addresses (127.0.0.x) to
// be different peers of the same server.
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, devPrivateKey, mintToken } from "../../../gateway/dev-token.ts";
import { MetadataService } from "../../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";

const LIMIT = { requests: 5, seconds: 4 };
let docmesh: TestDocmesh;

beforeAll(async () => {
  docmesh = await startDocmesh("embedded", {
    auth: "jwt",
    jwks: DEV_JWKS_PATH,
    rateLimit: "auto",
    unauthenticatedLimit: LIMIT,
  });
});

afterAll(async () => {
  await docmesh?.stop();
});

const bearer =
  (token: string | undefined): Interceptor =>
  (next) =>
  (request) => {
    if (token !== undefined) request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };

/** Metadata clients whose connections come from `localAddress`: Connect (HTTP/1.1) and gRPC (h2c). */
function clientsFrom(localAddress: string, token: string | undefined) {
  const interceptors = [bearer(token)];
  return {
    connect: createClient(
      MetadataService,
      createConnectTransport({
        baseUrl: docmesh.url,
        httpVersion: "1.1",
        interceptors,
        nodeOptions: { localAddress },
      }),
    ),
    grpc: createClient(
      MetadataService,
      createGrpcTransport({
        baseUrl: docmesh.url,
        interceptors,
        nodeOptions: {
          createConnection: (authority: URL) =>
            net.connect({ host: authority.hostname, port: Number(authority.port), localAddress }),
        },
      }),
    ),
  };
}

async function outcome(call: Promise<unknown>): Promise<{ code: Code | "ok"; message?: string }> {
  try {
    await call;
    return { code: "ok" };
  } catch (error) {
    const e = ConnectError.from(error);
    return { code: e.code, message: e.rawMessage };
  }
}

async function forgedToken(): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: devPrivateKey().kid, alg: "ES256" };
  return mintToken({ tenant: "acme", key: jwk });
}

describe("failed authentications are limited per client address", () => {
  it("a bad-token flood gets UNAUTHENTICATED, then RESOURCE_EXHAUSTED; valid tokens and other addresses are unaffected; the window passes", async () => {
    const flooder = "127.0.0.11";
    const bad = [
      undefined,
      "not-a-jwt",
      await forgedToken(),
      await mintToken({ tenant: "acme", ttlSeconds: -120 }),
      await mintToken({ tenant: "acme", audience: "someone-else" }),
    ];
    const started = Date.now();
    const codes: (Code | "ok")[] = [];
    const messages: string[] = [];
    for (let i = 0; i < LIMIT.requests + 4; i++) {
      const { connect, grpc } = clientsFrom(flooder, bad[i % bad.length]);
      const result = await outcome((i % 2 === 0 ? connect : grpc).getStats({}));
      codes.push(result.code);
      messages.push(result.message ?? "");
    }
    expect(Date.now() - started).toBeLessThan(LIMIT.seconds * 1000); // all in one window
    expect(codes).toEqual([
      ...Array(LIMIT.requests).fill(Code.Unauthenticated),
      ...Array(4).fill(Code.ResourceExhausted),
    ]);
    expect(messages.at(-1)).toMatch(/too many failed authentications from this address/);

    // A valid token works, from another address and from the flooding one too (valid calls are
    // never counted or refused by this limit).
    const valid = await mintToken({ tenant: "acme" });
    for (const from of ["127.0.0.12", flooder]) {
      const { connect, grpc } = clientsFrom(from, valid);
      expect((await outcome(connect.getStats({}))).code).toBe("ok");
      expect((await outcome(grpc.getStats({}))).code).toBe("ok");
    }
    // Another address has its own budget: its bad token is told UNAUTHENTICATED.
    const other = clientsFrom("127.0.0.13", bad[2]);
    expect((await outcome(other.connect.getStats({}))).code).toBe(Code.Unauthenticated);

    // The flooder's window passes.
    await sleep(LIMIT.seconds * 1000 + 300);
    const again = clientsFrom(flooder, bad[1]);
    expect((await outcome(again.grpc.getStats({}))).code).toBe(Code.Unauthenticated);
  });
});
