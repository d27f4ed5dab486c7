// Edge benchmark (not a test): npx tsx bench/edge.ts
//
//  1. Envoy vs direct: unary GetDocument p50/p99 (sequential calls, the two targets interleaved) and
//     throughput (a fixed number of calls at a fixed concurrency) through the real Envoy
//     (DOCMESH_ENVOY_BIN, config rendered by gateway/ as in the edge tests: jwt_authn, per-tenant local
//     rate limit, transcoder, grpc_web, CORS, access log) versus straight to the same Docmesh process.
//     The service verifies the token in both cases (DOCMESH_AUTH=jwt); its own limiter is off, as
//     behind Envoy.
//  2. Embedded interceptors: the same figures for a Docmesh with the JWT + rate-limit interceptors on
//     (DOCMESH_AUTH=jwt, DOCMESH_RATE_LIMIT=on) versus one with DOCMESH_AUTH=none.
// Every limit is raised far above the load so nothing is refused: the figures are the cost of the
// checks, not of being limited. Prints the ratios (edge ÷ direct, interceptors ÷ none).
// Clients: Connect protocol over HTTP/2 (@connectrpc/connect-node), one connection per target.
// Bounded: BENCH_LATENCY_CALLS (default 300) sequential calls per target, BENCH_CALLS (default 1,000)
// per target for throughput (four rounds, alternating) at BENCH_CONCURRENCY (default 16); the whole
// run stops after 300 s. Only the api role runs (no pipeline); the two phases run one after the other.
// Loopback only (127.0.0.1). Needs DOCMESH_ENVOY_BIN (services.env).
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { DEV_JWKS_PATH, mintToken } from "../gateway/dev-token.ts";
import { IngestionService } from "../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import { MetadataService } from "../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { loadConfig } from "../services/platform/config.ts";
import { type Edge, startEdge } from "../test/integration/edge/edge.ts";
import { startDocmesh, type TestDocmesh } from "../test/support/docmesh.ts";

const LATENCY_CALLS = Number(process.env.BENCH_LATENCY_CALLS ?? 300);
const CALLS = Number(process.env.BENCH_CALLS ?? 1_000);
const ROUNDS = 4;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = 50;
const DEADLINE_MS = 300_000;

const started = Date.now();
const overall = setTimeout(() => {
  console.error(`bench/edge.ts: stopped after ${DEADLINE_MS / 1000} s`);
  process.exit(2);
}, DEADLINE_MS);
overall.unref();

const UNLIMITED = { requests: 1_000_000, seconds: 1 };
const unlimited = Object.fromEntries(Object.keys(loadConfig({}).rateLimits).map((k) => [k, UNLIMITED]));

type Target = { label: string; call: () => Promise<unknown> };

function metadataAt(baseUrl: string, token?: string) {
  const interceptors: Interceptor[] = token
    ? [
        (next) => (request) => {
          request.header.set("authorization", `Bearer ${token}`);
          return next(request);
        },
      ]
    : [];
  const transport = createConnectTransport({ baseUrl, httpVersion: "2", interceptors });
  return {
    metadata: createClient(MetadataService, transport),
    ingestion: createClient(IngestionService, transport),
  };
}

async function uploadOne(baseUrl: string, token?: string): Promise<string> {
  const { ingestion } = metadataAt(baseUrl, token);
  const { document } = await ingestion.uploadDocument({
    fileName: "bench.txt",
    content: new TextEncoder().encode(`edge bench document ${Date.now()}`),
  });
  if (!document) throw new Error("upload returned no document");
  return document.name;
}

function getTarget(label: string, baseUrl: string, name: string, token?: string): Target {
  const { metadata } = metadataAt(baseUrl, token);
  return { label, call: () => metadata.getDocument({ name }) };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

interface Figures {
  p50: number;
  p99: number;
  perSecond: number;
}

/** Sequential latency (targets interleaved call by call), then throughput of each target in turn. */
async function measure(targets: Target[]): Promise<Map<string, Figures>> {
  for (const t of targets) for (let i = 0; i < WARMUP; i++) await t.call();
  const times = new Map(targets.map((t) => [t.label, [] as number[]]));
  for (let i = 0; i < LATENCY_CALLS; i++) {
    for (const t of targets) {
      const t0 = performance.now();
      await t.call();
      times.get(t.label)?.push(performance.now() - t0);
    }
  }
  // Throughput in ROUNDS alternating rounds per target, so a load spike on the machine hits both.
  const seconds = new Map(targets.map((t) => [t.label, 0]));
  const perRound = Math.ceil(CALLS / ROUNDS);
  // A concurrent warm-up first; the order flips every round so neither target always goes first.
  for (const t of targets) await Promise.all(Array.from({ length: CONCURRENCY }, () => t.call()));
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of round % 2 ? [...targets].reverse() : targets) {
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < perRound) {
            next++;
            await t.call();
          }
        }),
      );
      seconds.set(t.label, (seconds.get(t.label) ?? 0) + (performance.now() - t0) / 1000);
    }
  }
  const results = new Map<string, Figures>();
  for (const t of targets) {
    const sorted = (times.get(t.label) ?? []).sort((a, b) => a - b);
    const perSecond = (perRound * ROUNDS) / (seconds.get(t.label) ?? 1);
    results.set(t.label, { p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), perSecond });
  }
  return results;
}

function report(title: string, base: [string, Figures], other: [string, Figures]): void {
  const [baseLabel, b] = base;
  const [otherLabel, o] = other;
  const row = (label: string, f: Figures) =>
    `  ${label.padEnd(34)} p50 ${f.p50.toFixed(2).padStart(7)} ms   p99 ${f.p99.toFixed(2).padStart(7)} ms   ${f.perSecond.toFixed(0).padStart(6)} calls/s`;
  console.log(`\n${title}`);
  console.log(row(baseLabel, b));
  console.log(row(otherLabel, o));
  console.log(
    `  ratio ${otherLabel} ÷ ${baseLabel}: p50 ×${(o.p50 / b.p50).toFixed(2)} (+${(o.p50 - b.p50).toFixed(2)} ms), ` +
      `p99 ×${(o.p99 / b.p99).toFixed(2)} (+${(o.p99 - b.p99).toFixed(2)} ms), throughput ×${(o.perSecond / b.perSecond).toFixed(2)}`,
  );
}

const quiet = { level: "warn" as const };
const running: { stop(): Promise<void> }[] = [];
try {
  console.log(
    `bench/edge.ts: GetDocument, Connect over HTTP/2; ${LATENCY_CALLS} sequential calls per target for latency, ` +
      `${CALLS} calls at concurrency ${CONCURRENCY} for throughput`,
  );
  const token = await mintToken({ tenant: "bench" });

  // 1. Envoy in front of a Docmesh that verifies tokens itself (its limiter off, as behind Envoy).
  const behind: TestDocmesh = await startDocmesh(
    "embedded",
    { auth: "jwt", jwks: DEV_JWKS_PATH, rateLimit: "off", logLevel: quiet.level },
    ["api"],
  );
  running.push(behind);
  const edge: Edge = await startEdge(behind.url, { rateLimits: unlimited });
  running.push(edge);
  const doc = await uploadOne(behind.url, token);
  const edgeFigures = await measure([
    getTarget("direct (service verifies JWT)", behind.url, doc, token),
    getTarget("through Envoy", edge.url, doc, token),
  ]);
  report(
    "1. Envoy vs direct",
    ["direct (service verifies JWT)", edgeFigures.get("direct (service verifies JWT)") as Figures],
    ["through Envoy", edgeFigures.get("through Envoy") as Figures],
  );
  await edge.stop();
  await behind.stop();
  running.length = 0;

  // 2. The embedded interceptors: JWT + rate limit (limits raised) vs DOCMESH_AUTH=none.
  const open = await startDocmesh("embedded", { auth: "none", logLevel: quiet.level }, ["api"]);
  running.push(open);
  const guarded = await startDocmesh(
    "embedded",
    { auth: "jwt", jwks: DEV_JWKS_PATH, rateLimit: "on", rateLimits: unlimited, logLevel: quiet.level },
    ["api"],
  );
  running.push(guarded);
  const openDoc = await uploadOne(open.url);
  const guardedDoc = await uploadOne(guarded.url, token);
  const embeddedFigures = await measure([
    getTarget("DOCMESH_AUTH=none", open.url, openDoc),
    getTarget("JWT + rate-limit interceptors", guarded.url, guardedDoc, token),
  ]);
  report(
    "2. Embedded interceptors vs none",
    ["DOCMESH_AUTH=none", embeddedFigures.get("DOCMESH_AUTH=none") as Figures],
    ["JWT + rate-limit interceptors", embeddedFigures.get("JWT + rate-limit interceptors") as Figures],
  );
  console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  for (const r of running.reverse()) await r.stop().catch(() => {});
  clearTimeout(overall);
}
