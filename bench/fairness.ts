// Fair scheduling across tenants: a small tenant's upload → terminal latency while a big tenant
// floods the pipeline, against the same with no flood, and the ratio of the p95s (goal ≤ 2×).
//   npx tsx bench/fairness.ts [embedded|cluster] [flood=2000] [small=20] [--unfair] [--max-seconds=600]
// One process runs every role (cluster mode on the real engines: `npm run services -- up` and the env
// from services.env). --unfair reads no further ahead than the documents it works on
// (DOCMESH_STAGE_READ_AHEAD = DOCMESH_STAGE_CONCURRENCY), i.e. a partition's records in order, as
// before fair admission. Latency is the document's update_time at its terminal status minus its
// create_time, both stamped by the database.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ingestion } from "../services/ingestion/ingest.ts";
import { loadConfig } from "../services/platform/config.ts";
import { run } from "../services/runtime.ts";
import { freePort } from "../test/support/process.ts";

const args = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const mode = (args[0] ?? "embedded") as "embedded" | "cluster";
const floodCount = Number(args[1] ?? 2000);
const smallCount = Number(args[2] ?? 20);
const unfair = process.argv.includes("--unfair");
const maxSeconds = Number(process.argv.find((a) => a.startsWith("--max-seconds="))?.split("=")[1] ?? 600);
const deadline = Date.now() + maxSeconds * 1000;

const runId = randomUUID().slice(0, 8);
if (mode === "cluster") process.env.DOCMESH_OPENSEARCH_INDEX = `docmesh-bench-${runId}`;
const dataDir = mkdtempSync(join(tmpdir(), "docmesh-fairness-"));
const base = loadConfig(process.env, {
  mode,
  port: await freePort(),
  dataDir,
  logLevel: "warn",
});
const config = unfair ? { ...base, stageReadAhead: base.stageConcurrency } : base;
const running = await run(config, ["api", "relay", "classifier", "extractor", "indexer"]);
const { platform } = running;
const ingestion = new Ingestion(platform.store, platform.uploads, platform.blobs, {
  maxUploadBytes: config.maxUploadBytes,
  presignExpirySeconds: 900,
});

/** A one-page invoice as text, unique per call so dedup never skips it. */
function invoice(tenant: string, n: number): Uint8Array {
  const lines = [
    `INVOICE ${tenant.toUpperCase()}-${n}`,
    `Invoice number: INV-${runId}-${n}`,
    "Invoice date: 2026-11-27",
    "Bill to: Example Customer Ltd, 1 Sample Street, Springfield",
    ...Array.from(
      { length: 20 },
      (_, i) => `Item ${i + 1}: consulting services, 1 h, EUR ${(i + 1) * 10}.00`,
    ),
    "Net amount: EUR 2100.00",
    "VAT 19%: EUR 399.00",
    "Total amount due: EUR 2499.00",
  ];
  return new TextEncoder().encode(lines.join("\n"));
}

async function upload(tenant: string, n: number): Promise<string> {
  const { document } = await ingestion.upload({
    tenant,
    fileName: `invoice-${n}.txt`,
    content: invoice(tenant, n),
    declaredMediaType: "",
    batch: "",
    correlationId: "",
  });
  return document.name.slice("documents/".length);
}

async function waitTerminal(ids: string[]): Promise<boolean> {
  while (Date.now() < deadline) {
    const { rows } = await platform.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM documents WHERE id = ANY($1) AND status >= 5",
      [ids],
    );
    if ((rows[0]?.n ?? 0) >= ids.length) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** The small tenant's documents, for where their time went. */
const smallIds = new Map<string, string[]>();

/** The small tenant's uploads, one every `gapMs`; their latencies once all are terminal. */
async function smallTenant(tenant: string, gapMs: number): Promise<number[]> {
  const ids: string[] = [];
  for (let i = 0; i < smallCount && Date.now() < deadline; i++) {
    ids.push(await upload(tenant, i));
    await new Promise((r) => setTimeout(r, gapMs));
  }
  await waitTerminal(ids);
  smallIds.set(tenant, ids);
  // A document still not terminal at the deadline counts with its age so far (a lower bound).
  const { rows } = await platform.db.query<{ ms: number }>(
    `SELECT extract(epoch FROM (CASE WHEN status >= 5 THEN update_time ELSE now() END) - create_time)::float8 * 1000 AS ms
       FROM documents WHERE id = ANY($1)`,
    [ids],
  );
  return rows.map((r) => r.ms).sort((a, b) => a - b);
}

/**
 * Median of where a small tenant's documents spent their time: waiting before each stage (from the
 * upload or the previous stage's end: relay, bus, admission) and in it (its handler, parser thread
 * included), from the stage timings the stages record.
 */
async function breakdown(tenant: string): Promise<string> {
  const { rows } = await platform.db.query<{
    created: Date;
    timings: { stage: string; startTime: string; duration: string }[];
  }>("SELECT create_time AS created, stage_timings AS timings FROM documents WHERE id = ANY($1)", [
    smallIds.get(tenant) ?? [],
  ]);
  const parts = new Map<string, number[]>();
  const add = (name: string, ms: number) => parts.set(name, [...(parts.get(name) ?? []), ms]);
  for (const row of rows) {
    let previousEnd = new Date(row.created).getTime();
    for (const t of row.timings) {
      const start = Date.parse(t.startTime);
      const stage = t.stage.replace("STAGE_", "").toLowerCase();
      add(`wait ${stage}`, start - previousEnd);
      const ms = Number.parseFloat(t.duration) * 1000;
      add(stage, ms);
      previousEnd = start + ms;
    }
  }
  return [...parts]
    .map(
      ([name, values]) =>
        `${name} ${fmt(
          pct(
            values.sort((a, b) => a - b),
            50,
          ),
        )}`,
    )
    .join(", ");
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

// Warm-up (not measured): consumer groups joined, models loaded, code compiled.
const warm = await Promise.all(Array.from({ length: 10 }, (_, i) => upload(`warm-${runId}`, i)));
await waitTerminal(warm);

const idle = await smallTenant(`small-idle-${runId}`, 300);

// The flood: the big tenant uploads as fast as 8 clients can, in the background.
const bigTenant = `big-${runId}`;
const floodIds: string[] = [];
let next = 0;
const floodStarted = performance.now();
const flooding = Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < floodCount && Date.now() < deadline) floodIds.push(await upload(bigTenant, next++));
  }),
);
// Let a backlog build before the small tenant arrives.
while (floodIds.length < Math.min(floodCount, 300) && Date.now() < deadline)
  await new Promise((r) => setTimeout(r, 50));
const { rows: backlogRows } = await platform.db.query<{ n: number }>(
  "SELECT count(*)::int AS n FROM documents WHERE tenant = $1 AND status < 5",
  [bigTenant],
);
const flood = await smallTenant(`small-flood-${runId}`, 500);
await flooding;
const floodDone = await waitTerminal(floodIds);
const floodSeconds = (performance.now() - floodStarted) / 1000;

console.log(`fairness bench, ${mode} mode${unfair ? " (--unfair: no read-ahead)" : ""}`);
console.log(
  `  DOCMESH_STAGE_CONCURRENCY=${config.stageConcurrency} DOCMESH_STAGE_READ_AHEAD=${config.stageReadAhead}`,
);
console.log(
  `  flood: ${floodIds.length} documents of one tenant, backlog ${backlogRows[0]?.n ?? 0} when the small tenant began; ` +
    `${floodDone ? `all terminal after ${floodSeconds.toFixed(0)} s` : `not all terminal within ${maxSeconds} s`}`,
);
console.log(`  small tenant, ${smallCount} uploads:          p50        p95        max`);
console.log(
  `    no flood                       ${fmt(pct(idle, 50))}    ${fmt(pct(idle, 95))}    ${fmt(pct(idle, 100))}`,
);
console.log(
  `    during the flood               ${fmt(pct(flood, 50))}    ${fmt(pct(flood, 95))}    ${fmt(pct(flood, 100))}`,
);
if (Date.now() >= deadline)
  console.log(`  stopped at the ${maxSeconds} s limit: the flood figures are lower bounds`);
console.log(`  ratio of p95 (flood / no flood): ${(pct(flood, 95) / pct(idle, 95)).toFixed(2)}× (goal ≤ 2×)`);
console.log(`  where it went (medians), no flood:     ${await breakdown(`small-idle-${runId}`)}`);
console.log(`  where it went (medians), during flood: ${await breakdown(`small-flood-${runId}`)}`);

await running.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
