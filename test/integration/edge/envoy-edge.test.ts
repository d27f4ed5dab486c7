// Acceptance for the edge: the real Envoy (config rendered by gateway/) in front of a running
// Docmesh (embedded mode, DOCMESH_AUTH=jwt with the development JWKS). Clients: fetch (REST via the
// transcoder), grpc-js, Connect and gRPC-Web.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Interceptor, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, devPrivateKey, mintToken } from "../../../gateway/dev-token.ts";
import { renderEnvoyYaml } from "../../../gateway/envoy-config.ts";
import {
  GetDocumentRequestSchema,
  GetDocumentResponseSchema,
  GetStatsRequestSchema,
  GetStatsResponseSchema,
  MetadataService,
} from "../../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { ProgressService } from "../../../gen/docmesh/progress/v1/progress_service_pb.ts";
import {
  HealthCheckRequestSchema,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
} from "../../../gen/grpc/health/v1/health_pb.ts";
import { loadConfig } from "../../../services/platform/config.ts";
import { clientsFor, startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { type Edge, envoyBin, REPO, startEdge, testEdgeOptions } from "./edge.ts";

const STATS_LIMIT = { requests: 3, seconds: 2 };
const tenantA = `acme-${randomUUID().slice(0, 8)}`;
const tenantB = `globex-${randomUUID().slice(0, 8)}`;
const marker = `zanzibarquokka${randomUUID().slice(0, 6).replace(/-/g, "")}`;

let docmesh: TestDocmesh;
let edge: Edge;
let tokenA: string;
let tokenB: string;
let docA = "";

const bearer =
  (token: string): Interceptor =>
  (next) =>
  (request) => {
    request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };

function rest(path: string, token: string | undefined, init: RequestInit = {}): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(`${edge.url}${path}`, { ...init, headers: { ...headers, ...(init.headers as object) } });
}

/** grpc-js: a raw unary call with the generated message schemas. */
function grpcUnary<I, O>(
  address: string,
  path: string,
  encode: (m: I) => Uint8Array,
  decode: (b: Uint8Array) => O,
  message: I,
  token?: string,
  extra: Record<string, string> = {},
): Promise<{ response?: O; code: number; details?: string }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (token) metadata.set("authorization", `Bearer ${token}`);
  for (const [k, v] of Object.entries(extra)) metadata.set(k, v);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (m: I) => Buffer.from(encode(m)),
      (b: Buffer) => decode(b),
      message,
      metadata,
      { deadline: Date.now() + 10_000 },
      (error, response) => {
        client.close();
        resolve(error ? { code: error.code ?? -1, details: error.details } : { response, code: 0 });
      },
    );
  });
}

const grpcGetDocument = (name: string, token?: string) =>
  grpcUnary(
    `127.0.0.1:${edge.port}`,
    "/docmesh.metadata.v1.MetadataService/GetDocument",
    (m) => toBinary(GetDocumentRequestSchema, m),
    (b) => fromBinary(GetDocumentResponseSchema, b),
    create(GetDocumentRequestSchema, { name }),
    token,
  );

const grpcGetStats = (token?: string) =>
  grpcUnary(
    `127.0.0.1:${edge.port}`,
    "/docmesh.metadata.v1.MetadataService/GetStats",
    (m) => toBinary(GetStatsRequestSchema, m),
    (b) => fromBinary(GetStatsResponseSchema, b),
    create(GetStatsRequestSchema, {}),
    token,
  );

function metadataClient(transport: Transport) {
  return createClient(MetadataService, transport);
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
    // Envoy enforces the limits here; the services' own limiter is tested in test/unit/gateway.
    rateLimit: "off",
    heartbeatSeconds: 2,
  });
  const defaults = loadConfig({}).rateLimits;
  edge = await startEdge(docmesh.url, {
    rateLimits: { ...defaults, "*": { requests: 100_000, seconds: 1 }, GetStats: STATS_LIMIT },
    // The 401 cases below all come from 127.0.0.1; the per-address limit has its own test
    // (envoy-unauth-limit.test.ts).
    unauthenticatedLimit: { requests: 100_000, seconds: 1 },
    heartbeatSeconds: 2,
  });
  tokenA = await mintToken({ tenant: tenantA });
  tokenB = await mintToken({ tenant: tenantB });
});

afterAll(async () => {
  await edge?.stop();
  await docmesh?.stop();
});

describe("edge configuration", () => {
  it("envoy --mode validate passes on deploy/envoy/envoy.yaml and on the remote-JWKS variant", () => {
    const committed = spawnSync(envoyBin(), ["--mode", "validate", "-c", "deploy/envoy/envoy.yaml"], {
      cwd: REPO,
      encoding: "utf8",
    });
    expect(committed.status, committed.stderr).toBe(0);
    expect(committed.stdout + committed.stderr).toMatch(/configuration .* OK/);

    const remote = join(mkdtempSync(join(tmpdir(), "docmesh-edge-remote-")), "envoy.yaml");
    writeFileSync(
      remote,
      renderEnvoyYaml(
        testEdgeOptions("http://127.0.0.1:8080", {
          jwks: "https://login.example.com/.well-known/jwks.json",
          upstreams: ["api-1.docmesh.internal:8080", "api-2.docmesh.internal:8080"],
        }),
      ),
    );
    const remoteRun = spawnSync(envoyBin(), ["--mode", "validate", "-c", remote], { encoding: "utf8" });
    expect(remoteRun.status, remoteRun.stderr).toBe(0);
  });
});

describe("REST through Envoy (grpc_json_transcoder)", () => {
  it("uploads with base64 content, gets, lists and searches; JSON shaped by the transcoder", async () => {
    const content = Buffer.from(`Invoice INV-7 from ${marker} Ltd. Total due 120.00 EUR.`).toString("base64");
    const upload = await rest("/v1/documents:upload", tokenA, {
      method: "POST",
      body: JSON.stringify({ fileName: "invoice.txt", content }),
    });
    expect(upload.status).toBe(200);
    const uploaded = (await upload.json()) as { document: Record<string, unknown>; duplicate: boolean };
    expect(uploaded.duplicate).toBe(false);
    expect(uploaded.document).toMatchObject({
      tenant: tenantA,
      fileName: "invoice.txt",
      mediaType: "text/plain",
    });
    expect(uploaded.document.name).toMatch(/^documents\/[0-9a-f-]{36}$/);
    expect(uploaded.document.status).toMatch(/^DOCUMENT_STATUS_/); // enums as names
    expect(typeof uploaded.document.sizeBytes).toBe("string"); // int64 as a JSON string
    docA = uploaded.document.name as string;

    const got = await rest(`/v1/${docA}`, tokenA);
    expect(got.status).toBe(200);
    expect(((await got.json()) as { document: { name: string } }).document.name).toBe(docA);

    // GetDocumentContent answers with the raw original (google.api.HttpBody), not JSON.
    const original = await rest(`/v1/${docA}/content`, tokenA);
    expect(original.status).toBe(200);
    expect(original.headers.get("content-type")).toBe("text/plain");
    expect(Buffer.from(await original.arrayBuffer()).toString("base64")).toBe(content);

    const listed = await rest("/v1/documents?pageSize=50", tokenA);
    expect(listed.status).toBe(200);
    const list = (await listed.json()) as { documents: { name: string }[]; totalSize: string };
    expect(list.documents.map((d) => d.name)).toContain(docA);

    // Indexing runs in the pipeline; poll the search until the document is in.
    let hits: { document: { name: string } }[] = [];
    const deadline = Date.now() + 60_000;
    while (hits.length === 0 && Date.now() < deadline) {
      const search = await rest("/v1/documents:search", tokenA, {
        method: "POST",
        body: JSON.stringify({ query: marker, mode: "SEARCH_MODE_KEYWORD" }),
      });
      expect(search.status).toBe(200);
      hits = ((await search.json()) as { results: { document: { name: string } }[] }).results;
      if (hits.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(hits.map((h) => h.document.name)).toContain(docA);
  });

  it("maps gRPC errors to HTTP status with a JSON google.rpc.Status body", async () => {
    const missing = await rest(`/v1/documents/${randomUUID()}`, tokenA);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: Code.NotFound });
    const invalid = await rest("/v1/documents/not-a-uuid", tokenA);
    expect(invalid.status).toBe(400);
  });
});

describe("gRPC, Connect and gRPC-Web through Envoy", () => {
  it("grpc-js", async () => {
    const result = await grpcGetDocument(docA, tokenA);
    expect(result.code).toBe(grpc.status.OK);
    expect(result.response?.document?.tenant).toBe(tenantA);
  });

  it("Connect (HTTP/1.1 and HTTP/2) and gRPC-Web", async () => {
    for (const transport of [
      createConnectTransport({ baseUrl: edge.url, httpVersion: "1.1", interceptors: [bearer(tokenA)] }),
      createConnectTransport({ baseUrl: edge.url, httpVersion: "2", interceptors: [bearer(tokenA)] }),
      createGrpcWebTransport({ baseUrl: edge.url, httpVersion: "1.1", interceptors: [bearer(tokenA)] }),
      createGrpcTransport({ baseUrl: edge.url, interceptors: [bearer(tokenA)] }),
    ]) {
      const { document } = await metadataClient(transport).getDocument({ name: docA });
      expect(document?.tenant).toBe(tenantA);
    }
  });

  it("health stays open: no token needed", async () => {
    const result = await grpcUnary(
      `127.0.0.1:${edge.port}`,
      "/grpc.health.v1.Health/Check",
      (m) => toBinary(HealthCheckRequestSchema, m),
      (b) => fromBinary(HealthCheckResponseSchema, b),
      create(HealthCheckRequestSchema, {}),
    );
    expect(result.code).toBe(0);
    expect(result.response?.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("writes an access log line with the request id, trace context and tenant", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const response = await rest(`/v1/${docA}`, tokenA, { headers: { traceparent } });
    expect(response.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500)); // stdout access log flush
    const line = edge
      .log()
      .split("\n")
      .find((l) => l.includes(traceparent));
    expect(line, edge.log().slice(-2000)).toBeDefined();
    const entry = JSON.parse(line ?? "{}");
    expect(entry).toMatchObject({ tenant: tenantA, status: 200, path: `/v1/${docA}` });
    expect(entry.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("authentication at the edge", () => {
  const cases: [string, () => Promise<string | undefined>][] = [
    ["no token", async () => undefined],
    ["an expired token", () => mintToken({ tenant: tenantA, ttlSeconds: -120 })],
    ["a wrong audience", () => mintToken({ tenant: tenantA, audience: "someone-else" })],
    ["a wrong issuer", () => mintToken({ tenant: tenantA, issuer: "https://evil.example" })],
    [
      "a bad signature (another key, same kid)",
      async () => {
        const { privateKey } = await generateKeyPair("ES256", { extractable: true });
        const jwk = { ...(await exportJWK(privateKey)), kid: devPrivateKey().kid, alg: "ES256" };
        return mintToken({ tenant: tenantA, key: jwk });
      },
    ],
  ];
  for (const [label, token] of cases) {
    it(`${label} → 401 for REST, UNAUTHENTICATED for gRPC, Connect and gRPC-Web`, async () => {
      const t = await token();
      expect((await rest("/v1/documents", t)).status).toBe(401);
      expect((await grpcGetDocument(docA, t)).code).toBe(grpc.status.UNAUTHENTICATED);
      const interceptors = t ? [bearer(t)] : [];
      const connect = createConnectTransport({ baseUrl: edge.url, httpVersion: "1.1", interceptors });
      expect(await codeOf(metadataClient(connect).getDocument({ name: docA }))).toBe(Code.Unauthenticated);
      const web = createGrpcWebTransport({ baseUrl: edge.url, httpVersion: "1.1", interceptors });
      expect(await codeOf(metadataClient(web).getDocument({ name: docA }))).toBe(Code.Unauthenticated);
    });
  }
});

describe("tenant isolation through the edge", () => {
  it("tenant B's token cannot get, list or search tenant A's document", async () => {
    expect((await rest(`/v1/${docA}`, tokenB)).status).toBe(404);
    expect((await rest(`/v1/${docA}/content`, tokenB)).status).toBe(404);
    const list = (await (await rest("/v1/documents?pageSize=1000", tokenB)).json()) as {
      documents: unknown[];
    };
    expect(list.documents).toEqual([]);
    const search = await rest("/v1/documents:search", tokenB, {
      method: "POST",
      body: JSON.stringify({ query: marker }),
    });
    expect(((await search.json()) as { results: unknown[] }).results).toEqual([]);
    expect((await grpcGetDocument(docA, tokenB)).code).toBe(grpc.status.NOT_FOUND);
  });

  it("a forged tenant header through Envoy is stripped; the token's tenant counts", async () => {
    const forged = { "x-jwt-claim-tenant": tenantA, "x-docmesh-tenant": tenantA };
    expect((await rest(`/v1/${docA}`, tokenB, { headers: forged })).status).toBe(404);
  });
});

describe("defence in depth: straight to the service, bypassing Envoy", () => {
  const forged = { "x-jwt-claim-tenant": "", "x-docmesh-tenant": "" };
  beforeAll(() => {
    forged["x-jwt-claim-tenant"] = tenantA;
    forged["x-docmesh-tenant"] = tenantA;
  });

  it("forged tenant headers without a token are refused (UNAUTHENTICATED)", async () => {
    const clients = clientsFor(docmesh.url, forged);
    expect(await codeOf(clients.metadata.getDocument({ name: docA }))).toBe(Code.Unauthenticated);
    const viaGrpc = await grpcUnary(
      new URL(docmesh.url).host,
      "/docmesh.metadata.v1.MetadataService/GetDocument",
      (m) => toBinary(GetDocumentRequestSchema, m),
      (b) => fromBinary(GetDocumentResponseSchema, b),
      create(GetDocumentRequestSchema, { name: docA }),
      undefined,
      forged,
    );
    expect(viaGrpc.code).toBe(grpc.status.UNAUTHENTICATED);
  });

  it("forged tenant headers next to another tenant's valid token are ignored", async () => {
    const clients = clientsFor(docmesh.url, { ...forged, authorization: `Bearer ${tokenB}` });
    expect(await codeOf(clients.metadata.getDocument({ name: docA }))).toBe(Code.NotFound);
    const list = await clients.metadata.listDocuments({ pageSize: 1000 });
    expect(list.documents.every((d) => d.tenant === tenantB)).toBe(true);
  });

  it("a token Envoy would reject is rejected by the service too", async () => {
    const expired = await mintToken({ tenant: tenantA, ttlSeconds: -120 });
    const clients = clientsFor(docmesh.url, { authorization: `Bearer ${expired}` });
    expect(await codeOf(clients.metadata.getDocument({ name: docA }))).toBe(Code.Unauthenticated);
  });
});

describe("per-tenant rate limits at the edge", () => {
  it("a burst over the limit → 429 (REST) / RESOURCE_EXHAUSTED (gRPC, Connect); other tenants unaffected; the next window succeeds", async () => {
    const tenantC = await mintToken({ tenant: `burst-${randomUUID().slice(0, 8)}` });
    const statuses: number[] = [];
    for (let i = 0; i < STATS_LIMIT.requests + 3; i++)
      statuses.push((await rest("/v1/stats", tenantC)).status);
    expect(statuses.slice(0, STATS_LIMIT.requests)).toEqual(Array(STATS_LIMIT.requests).fill(200));
    expect(statuses).toContain(429);
    const limited = await rest("/v1/stats", tenantC);
    if (limited.status === 429) expect(limited.headers.get("x-docmesh-rate-limited")).toBe("GetStats");

    // gRPC and Connect callers of the same tenant see RESOURCE_EXHAUSTED while the bucket is empty.
    const grpcCodes: number[] = [];
    for (let i = 0; i < STATS_LIMIT.requests + 2; i++) grpcCodes.push((await grpcGetStats(tenantC)).code);
    expect(grpcCodes).toContain(grpc.status.RESOURCE_EXHAUSTED);
    const connect = metadataClient(
      createConnectTransport({ baseUrl: edge.url, httpVersion: "1.1", interceptors: [bearer(tenantC)] }),
    );
    const connectCodes: (Code | "ok")[] = [];
    for (let i = 0; i < STATS_LIMIT.requests + 2; i++) connectCodes.push(await codeOf(connect.getStats({})));
    expect(connectCodes).toContain(Code.ResourceExhausted);

    // Another tenant has its own bucket.
    expect((await rest("/v1/stats", tokenB)).status).toBe(200);
    // Other RPCs of the same tenant have their own buckets too.
    expect((await rest("/v1/documents", tenantC)).status).toBe(200);

    await new Promise((r) => setTimeout(r, STATS_LIMIT.seconds * 1000 + 500));
    expect((await rest("/v1/stats", tenantC)).status).toBe(200);
  });
});

describe("progress streams through Envoy", () => {
  it("keep delivering heartbeats across 20 s of idleness (past Envoy's 15 s default route timeout)", async () => {
    const created = await rest("/v1/batches", tokenA, {
      method: "POST",
      body: JSON.stringify({ displayName: "idle" }),
    });
    expect(created.status).toBe(200);
    const batch = ((await created.json()) as { batch: { name: string } }).batch.name;
    const HOLD_MS = 20_000;
    const started = Date.now();

    // REST: newline-delimited JSON, one message per line.
    const restStream = (async () => {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), HOLD_MS);
      const seen: { at: number; message: Record<string, unknown> }[] = [];
      try {
        const response = await rest(`/v1/${batch}:watch`, tokenA, { signal: abort.signal });
        expect(response.status).toBe(200);
        const reader = response.body?.getReader();
        const decoder = new TextDecoder();
        let buffered = "";
        for (;;) {
          const { value, done } = (await reader?.read()) ?? { done: true, value: undefined };
          if (done) break;
          buffered += decoder.decode(value, { stream: true });
          let newline = buffered.indexOf("\n");
          while (newline >= 0) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (line) seen.push({ at: Date.now() - started, message: JSON.parse(line) });
            newline = buffered.indexOf("\n");
          }
        }
      } catch (error) {
        if (!abort.signal.aborted) throw error;
      } finally {
        clearTimeout(timer);
      }
      return seen;
    })();

    // gRPC (Connect's gRPC transport over h2c) on the same batch, at the same time.
    const grpcStream = (async () => {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), HOLD_MS);
      const seen: { at: number; kind: string | undefined }[] = [];
      const progress = createClient(
        ProgressService,
        createGrpcTransport({ baseUrl: edge.url, interceptors: [bearer(tokenA)] }),
      );
      try {
        for await (const message of progress.watchBatch({ name: batch }, { signal: abort.signal })) {
          seen.push({ at: Date.now() - started, kind: message.message.case });
        }
      } catch (error) {
        if (ConnectError.from(error).code !== Code.Canceled) throw error;
      } finally {
        clearTimeout(timer);
      }
      return seen;
    })();

    const [restSeen, grpcSeen] = await Promise.all([restStream, grpcStream]);
    const restHeartbeats = restSeen.filter((s) => "heartbeat" in s.message);
    expect(restHeartbeats.length, JSON.stringify(restSeen)).toBeGreaterThanOrEqual(6);
    expect(restHeartbeats.at(-1)?.at).toBeGreaterThan(16_000);
    const grpcHeartbeats = grpcSeen.filter((s) => s.kind === "heartbeat");
    expect(grpcHeartbeats.length, JSON.stringify(grpcSeen)).toBeGreaterThanOrEqual(6);
    expect(grpcHeartbeats.at(-1)?.at).toBeGreaterThan(16_000);
  }, 40_000);
});

describe("added latency at the edge", () => {
  it("measures unary GetDocument p50/p99 directly and through Envoy (Connect, HTTP/1.1)", async () => {
    const direct = metadataClient(
      createConnectTransport({ baseUrl: docmesh.url, httpVersion: "1.1", interceptors: [bearer(tokenA)] }),
    );
    const viaEdge = metadataClient(
      createConnectTransport({ baseUrl: edge.url, httpVersion: "1.1", interceptors: [bearer(tokenA)] }),
    );
    const N = 200;
    const times = { direct: [] as number[], edge: [] as number[] };
    for (let i = 0; i < 20; i++) {
      await direct.getDocument({ name: docA });
      await viaEdge.getDocument({ name: docA });
    }
    for (let i = 0; i < N; i++) {
      for (const [key, client] of [
        ["direct", direct],
        ["edge", viaEdge],
      ] as const) {
        const t0 = performance.now();
        await client.getDocument({ name: docA });
        times[key].push(performance.now() - t0);
      }
    }
    const pct = (xs: number[], p: number) =>
      [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] ?? 0;
    const report = {
      direct: { p50: pct(times.direct, 0.5), p99: pct(times.direct, 0.99) },
      edge: { p50: pct(times.edge, 0.5), p99: pct(times.edge, 0.99) },
    };
    console.log(
      `edge latency (GetDocument, ${N} sequential calls each): direct p50 ${report.direct.p50.toFixed(2)} ms p99 ${report.direct.p99.toFixed(2)} ms; ` +
        `via Envoy p50 ${report.edge.p50.toFixed(2)} ms p99 ${report.edge.p99.toFixed(2)} ms; ` +
        `added p50 ${(report.edge.p50 - report.direct.p50).toFixed(2)} ms (×${(report.edge.p50 / report.direct.p50).toFixed(2)})`,
    );
    expect(report.edge.p50).toBeGreaterThan(0);
  });
});
