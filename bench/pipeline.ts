// Pipeline throughput, end to end: text-layer corpus documents repeated to N uploads,
// each repeat under its own tenant so dedup never short-circuits the work.
//   npx tsx bench/pipeline.ts [embedded|cluster] [uploads=1000] [workers=1] [--ocr] [--combined] [--ceiling=N]
// cluster mode needs `npm run services -- up` and the env from services.env; it runs `workers`
// child processes per stage (with --combined: `workers` processes running all three stages).
// --ocr runs the documents that need OCR instead (scans and photos), reported as pages per second.
// The parse-only ceiling (bench/parse-ceiling.ts: the same documents, parser only, one process per
// core) runs in the same run, before and after the pipeline, and the bench prints the ratio to it;
// --ceiling=N parses N documents each time instead of `uploads` (a multiple of the corpus keeps the mix).
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Ingestion } from "../services/ingestion/ingest.ts";
import { loadConfig } from "../services/platform/config.ts";
import { OpenSearchIndex } from "../services/platform/index/opensearch.ts";
import { run } from "../services/runtime.ts";
import { type ChildDocmesh, freePort, spawnDocmesh } from "../test/support/process.ts";
import { peakRssMiB, printCpu, servicePids, snapshot } from "./cpu.ts";
import { benchDocuments, parseCeiling } from "./parse-ceiling.ts";

const ocr = process.argv.includes("--ocr");
const args = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const mode = (args[0] ?? "embedded") as "embedded" | "cluster";
const uploads = Number(args[1] ?? 1000);
const workerProcesses = Number(args[2] ?? 1);
const ceilingDocuments = Number(
  process.argv.find((arg) => arg.startsWith("--ceiling="))?.slice("--ceiling=".length) ?? uploads,
);
const docs = benchDocuments(ocr);

const runId = randomUUID().slice(0, 8);
// Cluster mode: a fresh chunk index per run (children inherit the variable), dropped at the end, so
// figures do not depend on what earlier runs left in OpenSearch.
if (mode === "cluster") process.env.DOCMESH_OPENSEARCH_INDEX = `docmesh-bench-${runId}`;
const config = loadConfig(process.env, {
  mode,
  port: await freePort(),
  dataDir: mkdtempSync(join(tmpdir(), "docmesh-bench-")),
  logLevel: "warn",
});
// Cluster mode: `workers` processes per stage (classifier, extractor, indexer), or with --combined
// `workers` processes that each run all three stages.
const combined = process.argv.includes("--combined");
const stageRoles = combined ? ["classifier,extractor,indexer"] : ["classifier", "extractor", "indexer"];
const children: { name: string; child: ChildDocmesh }[] = [];
// Processes on one machine share its cores, as an operator would configure them: the parser
// threads (only the classifier parses) are split among the processes that classify.
const parseWorkersPerChild =
  process.env.DOCMESH_PARSE_WORKERS ??
  String(Math.max(1, Math.round(availableParallelism() / workerProcesses)));
const roles =
  mode === "embedded"
    ? (["api", "relay", "classifier", "extractor", "indexer"] as const)
    : (["api", "relay"] as const);
const running = await run(config, roles);
if (mode === "cluster") {
  for (const role of stageRoles) {
    for (let i = 1; i <= workerProcesses; i++) {
      const child = await spawnDocmesh(
        {
          DOCMESH_MODE: "cluster",
          DOCMESH_PORT: String(await freePort()),
          DOCMESH_LOG_LEVEL: "info",
          DOCMESH_PARSE_WORKERS: parseWorkersPerChild,
        },
        role,
      );
      children.push({ name: `${combined ? "worker" : role} ${i}`, child });
    }
  }
}
const { platform } = running;
const ingestion = new Ingestion(platform.store, platform.uploads, platform.blobs, {
  maxUploadBytes: config.maxUploadBytes,
  presignExpirySeconds: 900,
});

async function uploadAll(count: number, tenantPrefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const doc = docs[i % docs.length];
    if (!doc) break;
    const { document } = await ingestion.upload({
      tenant: `${tenantPrefix}-${Math.floor(i / docs.length)}`,
      fileName: doc.file.split("/").pop() ?? "doc",
      content: doc.bytes,
      declaredMediaType: "",
      batch: "",
      correlationId: "",
    });
    ids.push(document.name.slice("documents/".length));
  }
  return ids;
}

async function waitTerminal(ids: string[]): Promise<void> {
  for (;;) {
    const { rows } = await platform.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM documents WHERE id = ANY($1) AND status >= 5",
      [ids],
    );
    if ((rows[0]?.n ?? 0) >= ids.length) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Warm-up, not timed: every document once, so consumer groups are joined, parsers loaded and
// code compiled before the clock starts. The figures below are steady-state throughput.
const warmupStarted = performance.now();
await waitTerminal(await uploadAll(docs.length, `bench-${runId}-warmup`));
const warmupMs = performance.now() - warmupStarted;

// The ceiling before and after the pipeline (the stage processes idle): the machine's load may
// drift during a run, and the mean of the two brackets it.
const loadBefore = loadavg()[0] ?? 0;
const ceilingBefore = await parseCeiling(ceilingDocuments, availableParallelism(), ocr);

const cpuRoots: Record<string, number> = {
  [mode === "cluster" ? "bench: api+relay+client" : "docmesh (one process)"]: process.pid,
  ...Object.fromEntries(children.map(({ name, child }) => [name, child.process.pid ?? -1])),
  ...(mode === "cluster" ? servicePids() : {}),
};
const cpuBefore = snapshot(cpuRoots);
const started = performance.now();
const ids = await uploadAll(uploads, `bench-${runId}`);
const uploadedMs = performance.now() - started;
await waitTerminal(ids);
const totalMs = performance.now() - started;
const cpuAfter = snapshot(cpuRoots);
const ceilingAfter = await parseCeiling(ceilingDocuments, availableParallelism(), ocr);

const { rows: stages } = await platform.db.query<{ stage: string; p50: number; p95: number; n: number }>(
  `SELECT t->>'stage' AS stage, count(*)::int AS n,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY rtrim(t->>'duration', 's')::float8) * 1000 AS p50,
          percentile_cont(0.95) WITHIN GROUP (ORDER BY rtrim(t->>'duration', 's')::float8) * 1000 AS p95
     FROM documents, jsonb_array_elements(stage_timings) AS t WHERE id = ANY($1) GROUP BY 1 ORDER BY 1`,
  [ids],
);
const { rows: pageRows } = await platform.db.query<{ pages: number }>(
  "SELECT coalesce(sum(page_count), 0)::int AS pages FROM documents WHERE id = ANY($1)",
  [ids],
);
const pages = pageRows[0]?.pages ?? 0;
const { rows: e2e } = await platform.db.query<{ p50: number; p95: number }>(
  `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM update_time - create_time)) * 1000 AS p50,
          percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM update_time - create_time)) * 1000 AS p95
     FROM documents WHERE id = ANY($1)`,
  [ids],
);

console.log(
  `pipeline bench — mode ${mode}, ${ids.length} uploads of ${docs.length} ${ocr ? "OCR" : "text-layer"} documents, stage workers: ${mode === "cluster" ? `${workerProcesses} ${combined ? "process(es) running all stages" : "process(es) per stage"}, ${parseWorkersPerChild} parser thread(s) per classifier` : "in-process"}`,
);
console.log(
  `  load average      ${loadBefore.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end (1 min; the machine's ${availableParallelism()} cores)`,
);
console.log(`  warm-up           ${(warmupMs / 1000).toFixed(1)} s (${docs.length} documents, not counted)`);
console.log(`  upload phase      ${(uploadedMs / 1000).toFixed(1)} s`);
console.log(
  `  end to end        ${(totalMs / 1000).toFixed(1)} s → ${((ids.length / totalMs) * 60_000).toFixed(0)} docs/min`,
);
const pipelinePerMinute = (ids.length / totalMs) * 60_000;
const ceilingPerMinute = (ceilingBefore.docsPerMinute + ceilingAfter.docsPerMinute) / 2;
console.log(
  `  parse ceiling     ${ceilingPerMinute.toFixed(0)} docs/min, ${((ceilingBefore.pagesPerSecond + ceilingAfter.pagesPerSecond) / 2).toFixed(2)} pages/s (parser only, ${ceilingBefore.processes} processes; before ${ceilingBefore.docsPerMinute.toFixed(0)}, after ${ceilingAfter.docsPerMinute.toFixed(0)})`,
);
console.log(`  vs ceiling        ${(pipelinePerMinute / ceilingPerMinute).toFixed(2)}×`);
console.log(`  pages             ${pages} → ${(pages / (totalMs / 1000)).toFixed(2)} pages/s`);
console.log(`  upload→terminal   p50 ${e2e[0]?.p50.toFixed(0)} ms, p95 ${e2e[0]?.p95.toFixed(0)} ms`);
for (const s of stages)
  console.log(
    `  ${s.stage.padEnd(16)}  p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (${s.n} runs)`,
  );

const cpuSeconds = printCpu(cpuBefore, cpuAfter, ids.length, totalMs / 1000);
// The same ratio from CPU time: what the two would give on an otherwise idle machine where both keep
// every core busy. It depends far less than docs/min on what else the machine runs.
const ceilingCpuMs = (ceilingBefore.cpuMsPerDocument + ceilingAfter.cpuMsPerDocument) / 2;
const pipelineCpuMs = (cpuSeconds / ids.length) * 1000;
console.log(
  `  vs ceiling, CPU   ${(ceilingCpuMs / pipelineCpuMs).toFixed(2)}× (parse only ${ceilingCpuMs.toFixed(1)} ms CPU per document, pipeline ${pipelineCpuMs.toFixed(1)} ms)`,
);

// Memory: the peak resident set of each Docmesh process (embedded: every role and the parser
// threads in this one; the parse ceiling's processes are not counted).
const rss = Object.entries(cpuRoots)
  .filter(([name]) => !servicePids()[name])
  .map(([name, pid]) => `${name} ${peakRssMiB(pid)?.toFixed(0) ?? "?"} MiB`);
console.log(`  peak RSS          ${rss.join(", ")}`);

for (const { child } of children) await child.kill("SIGTERM");
if (platform.index instanceof OpenSearchIndex) await platform.index.drop();
await running.stop();
rmSync(config.dataDir, { recursive: true, force: true }); // embedded data of a few hundred MB
process.exit(0);
