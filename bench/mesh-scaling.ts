// Services scaled apart: search latency during an upload flood, with 1 or 2 search processes.
//   npx tsx bench/mesh-scaling.ts <search replicas> [seconds] [uploaders]
// Cluster mode on the real engines (source services.env first). One ingestion process, N search
// processes (--role=search, each its own port, warmed up first), the relay and the stages in this process. The
// uploaders send small unique text documents to ingestion as fast as it answers; one prober runs
// SearchDocuments back to back, round robin over the search processes. Prints p50/p95/p99 of the
// searches and the uploads per second.
import { randomUUID } from "node:crypto";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { IngestionService } from "../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import { SearchService } from "../gen/docmesh/search/v1/search_service_pb.ts";
import { loadConfig } from "../services/platform/config.ts";
import { run } from "../services/runtime.ts";
import { type ChildDocmesh, freePort, spawnDocmesh } from "../test/support/process.ts";

const replicas = Number(process.argv[2] ?? 1);
const seconds = Number(process.argv[3] ?? 30);
const uploaders = Number(process.argv[4] ?? 4);
const tenant = `bench-mesh-${randomUUID().slice(0, 8)}`;
const env = { DOCMESH_MODE: "cluster", DOCMESH_AUTH: "none", DOCMESH_DEFAULT_TENANT: tenant };

const client = <T extends typeof IngestionService | typeof SearchService>(service: T, port: number) =>
  createClient(service, createConnectTransport({ baseUrl: `http://127.0.0.1:${port}`, httpVersion: "2" }));

const children: ChildDocmesh[] = [];
const ingestionPort = await freePort();
children.push(await spawnDocmesh({ ...env, DOCMESH_PORT: String(ingestionPort) }, "ingestion"));
const searchPorts: number[] = [];
for (let i = 0; i < replicas; i++) {
  const port = await freePort();
  children.push(await spawnDocmesh({ ...env, DOCMESH_PORT: String(port) }, "search"));
  searchPorts.push(port);
}
const stages = await run(loadConfig(process.env, { mode: "cluster", port: 0, ...{ auth: "none" } }), [
  "relay",
  "classifier",
  "extractor",
  "indexer",
]);
const ingestion = client(IngestionService, ingestionPort);
const searches = searchPorts.map((port) => client(SearchService, port));

// Warm-up: each search process loads its embedding model on its first query.
for (const search of searches) {
  for (let i = 0; i < 3; i++) await search.searchDocuments({ query: "warm up", pageSize: 10 });
}

let running = true;
let uploads = 0;
const upload = async (worker: number) => {
  for (let i = 0; running; i++) {
    const text = `Invoice ${worker}-${i} ${randomUUID()}\nTotal due: ${10 + (i % 90)}.00 EUR\nPayment terms 30 days`;
    await ingestion.uploadDocument({ fileName: `flood-${worker}-${i}.txt`, content: Buffer.from(text) });
    uploads++;
  }
};
const latencies: number[] = [];
const probe = async () => {
  for (let i = 0; running; i++) {
    const started = performance.now();
    await searches[i % searches.length]?.searchDocuments({ query: "invoice total due", pageSize: 10 });
    latencies.push(performance.now() - started);
  }
};

const flood = Promise.all([...Array.from({ length: uploaders }, (_, w) => upload(w)), probe()]);
await new Promise((r) => setTimeout(r, seconds * 1000));
running = false;
await flood;

latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(
  JSON.stringify({
    searchReplicas: replicas,
    seconds,
    uploaders,
    uploadsPerSecond: Number((uploads / seconds).toFixed(1)),
    searches: latencies.length,
    searchMs: { p50: Math.round(at(0.5)), p95: Math.round(at(0.95)), p99: Math.round(at(0.99)) },
  }),
);
for (const child of children) await child.kill("SIGTERM");
await stages.stop();
process.exit(0);
