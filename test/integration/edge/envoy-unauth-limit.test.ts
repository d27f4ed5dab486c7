// The real Envoy (config rendered by gateway/) limits failed authentications per client address
// (DOCMESH_UNAUTHENTICATED_LIMIT): jwt_authn lets an unverified request on, the
// docmesh.unauthenticated_ratelimit filter counts it by the TCP peer, and RBAC refuses it (401).
// Clients bind distinct loopback addresses (127.0.0.x) to be different peers.
import http from "node:http";
import net from "node:net";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, devPrivateKey, mintToken } from "../../../gateway/dev-token.ts";
import { MetadataService } from "../../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { Health, HealthCheckResponse_ServingStatus } from "../../../gen/grpc/health/v1/health_pb.ts";
import { loadConfig } from "../../../services/platform/config.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { type Edge, startEdge } from "./edge.ts";

const LIMIT = { requests: 4, seconds: 60 };
let docmesh: TestDocmesh;
let edge: Edge;

beforeAll(async () => {
  docmesh = await startDocmesh("embedded", { auth: "jwt", jwks: DEV_JWKS_PATH, rateLimit: "off" });
  const unlimited = Object.fromEntries(
    Object.keys(loadConfig({}).rateLimits).map((k) => [k, { requests: 100_000, seconds: 1 }]),
  );
  edge = await startEdge(docmesh.url, { unauthenticatedLimit: LIMIT, rateLimits: unlimited });
});

afterAll(async () => {
  await edge?.stop();
  await docmesh?.stop();
});

/** REST through Envoy from `localAddress`. */
function rest(
  localAddress: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${edge.url}${path}`,
      { localAddress, headers: { "content-type": "application/json", ...headers }, agent: false },
      (response) => {
        let body = "";
        response.on("data", (d) => (body += d));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on("error", reject);
    request.end();
  });
}

const bearer =
  (token: string | undefined): Interceptor =>
  (next) =>
  (request) => {
    if (token !== undefined) request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };

function transportsFrom(localAddress: string, token: string | undefined) {
  const interceptors = [bearer(token)];
  return {
    connect: createConnectTransport({
      baseUrl: edge.url,
      httpVersion: "1.1",
      interceptors,
      nodeOptions: { localAddress },
    }),
    grpc: createGrpcTransport({
      baseUrl: edge.url,
      interceptors,
      nodeOptions: {
        createConnection: (authority: URL) =>
          net.connect({ host: authority.hostname, port: Number(authority.port), localAddress }),
      },
    }),
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

async function forgedToken(): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: devPrivateKey().kid, alg: "ES256" };
  return mintToken({ tenant: "acme", key: jwk });
}

describe("failed authentications are limited per client address at Envoy", () => {
  it("a bad-token flood gets 401 then 429 / RESOURCE_EXHAUSTED; valid tokens, health and other addresses are unaffected", async () => {
    const flooder = "127.0.0.21";
    const bad = [
      undefined,
      "not-a-jwt",
      await forgedToken(),
      await mintToken({ tenant: "acme", ttlSeconds: -120 }),
      await mintToken({ tenant: "acme", audience: "someone-else" }),
    ];
    const statuses: number[] = [];
    let lastLimited: Awaited<ReturnType<typeof rest>> | undefined;
    for (let i = 0; i < LIMIT.requests + 3; i++) {
      const token = bad[i % bad.length];
      // A spoofed x-forwarded-for changes nothing: the key is the TCP peer.
      const response = await rest(flooder, "/v1/stats", {
        "x-forwarded-for": `10.9.8.${i}`,
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      });
      statuses.push(response.status);
      if (response.status === 429) lastLimited = response;
    }
    expect(statuses).toEqual([...Array(LIMIT.requests).fill(401), ...Array(3).fill(429)]);
    expect(lastLimited?.headers["x-docmesh-rate-limited"]).toBe("unauthenticated");

    // gRPC and Connect callers from the same address: RESOURCE_EXHAUSTED while the bucket is empty.
    const flooding = transportsFrom(flooder, bad[2]);
    expect(await codeOf(createClient(MetadataService, flooding.grpc).getStats({}))).toBe(
      Code.ResourceExhausted,
    );
    expect(await codeOf(createClient(MetadataService, flooding.connect).getStats({}))).toBe(
      Code.ResourceExhausted,
    );

    // Health stays open from that address; a valid token works from it and from elsewhere.
    const health = await createClient(Health, flooding.grpc).check({ service: "" });
    expect(health.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    const valid = await mintToken({ tenant: "acme" });
    for (const from of ["127.0.0.22", flooder]) {
      expect((await rest(from, "/v1/stats", { authorization: `Bearer ${valid}` })).status).toBe(200);
      const t = transportsFrom(from, valid);
      expect(await codeOf(createClient(MetadataService, t.grpc).getStats({}))).toBe("ok");
      expect(await codeOf(createClient(MetadataService, t.connect).getStats({}))).toBe("ok");
    }

    // Another address has its own budget: its bad tokens are still told 401 / UNAUTHENTICATED.
    const other = await rest("127.0.0.23", "/v1/stats", { authorization: `Bearer ${bad[3]}` });
    expect(other.status).toBe(401);
    expect(other.body).toMatch(/expired/i); // why the token failed, as jwt_authn said it
    expect((await rest("127.0.0.23", "/v1/stats")).body).toMatch(/missing/i);
    const otherGrpc = transportsFrom("127.0.0.23", bad[4]).grpc;
    expect(await codeOf(createClient(MetadataService, otherGrpc).getStats({}))).toBe(Code.Unauthenticated);
  });
});
