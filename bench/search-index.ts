// Search-index benchmark and corpus ranking check.
//
//   npx tsx bench/search-index.ts [embedded|opensearch] [--sizes 10000,100000] [--queries 200] [--max-seconds 1500] [--incremental]
//       [--force-merge] [--ef-search 1024] [--recall-queries 50]
//       Synthetic chunks (random unit vectors of 384 dims, ~100 words drawn from a Zipf vocabulary of
//       20,000 words, 5 chunks per document, 90% of documents in the queried tenant). Prints indexing
//       throughput and the p50/p95 latency of keyword, semantic and filtered semantic queries at each
//       size. Stops growing when --max-seconds is reached and reports the size it got to.
//       OpenSearch also prints, at each size, its baseline from the same run and the ratio to it:
//       semantic recall and latency with ef_search = k (the former setting) against --ef-search.
//       --force-merge merges OpenSearch to one segment before querying (one graph per shard: the
//       lowest recall for a given ef_search). The load average is printed with every table.
//       opensearch reads DOCMESH_OPENSEARCH_URL (source services.env).
//
//   (The corpus ranking check moved to bench/eval-search.ts: real embeddings, per query type, hybrid.)

import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { EmbeddedSearchIndex, type TextConfig } from "../services/platform/index/embedded.ts";
import { DEFAULT_EF_SEARCH, OpenSearchIndex } from "../services/platform/index/opensearch.ts";
import type {
  Category,
  IndexedDocument,
  IndexHit,
  SearchIndex,
} from "../services/platform/index/search-index.ts";

const DIMS = 384;
const CHUNKS_PER_DOC = 5;
const DOCS_PER_BATCH = 100;
const CATEGORIES: Category[] = ["invoice", "receipt", "contract", "report", "other"];

interface Args {
  mode: string;
  sizes: number[];
  queries: number;
  maxSeconds: number;
  engines: string[];
  incremental: boolean;
  forceMerge: boolean;
  efSearch: number;
  recallQueries: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    mode: "embedded",
    sizes: [10_000, 100_000],
    queries: 200,
    maxSeconds: 1500,
    engines: ["embedded-english", "embedded-simple", "opensearch"],
    incremental: false,
    forceMerge: false,
    efSearch: DEFAULT_EF_SEARCH,
    recallQueries: 50,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = () => argv[++i] ?? "";
    if (arg === "--sizes") args.sizes = next().split(",").map(Number);
    else if (arg === "--queries") args.queries = Number(next());
    else if (arg === "--max-seconds") args.maxSeconds = Number(next());
    else if (arg === "--engines") args.engines = next().split(",");
    else if (arg === "--incremental") args.incremental = true;
    else if (arg === "--force-merge") args.forceMerge = true;
    else if (arg === "--ef-search") args.efSearch = Number(next());
    else if (arg === "--recall-queries") args.recallQueries = Number(next());
    else if (!arg.startsWith("--")) args.mode = arg;
    else throw new Error(`unknown option ${arg}`);
  }
  return args;
}

// ---------- synthetic data ----------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Synthetic {
  readonly words: string[] = [];
  private readonly cdf: Float64Array;
  private random: () => number;

  /** The vocabulary comes from `vocabularySeed`; the draws from `seed`. */
  constructor(seed: number, vocabularySeed = 42, vocabulary = 20_000) {
    this.random = mulberry32(vocabularySeed);
    const syllables = [
      "ka",
      "lo",
      "mi",
      "ne",
      "ru",
      "sa",
      "ti",
      "vo",
      "ze",
      "pa",
      "qui",
      "dor",
      "fen",
      "gal",
      "hob",
    ];
    const seen = new Set<string>();
    while (this.words.length < vocabulary) {
      const n = 2 + Math.floor(this.random() * 3);
      let word = "";
      for (let i = 0; i < n; i++) word += syllables[Math.floor(this.random() * syllables.length)];
      if (!seen.has(word)) {
        seen.add(word);
        this.words.push(word);
      }
    }
    this.cdf = new Float64Array(vocabulary);
    let sum = 0;
    for (let r = 0; r < vocabulary; r++) {
      sum += 1 / (r + 1);
      this.cdf[r] = sum;
    }
    for (let r = 0; r < vocabulary; r++) this.cdf[r] = (this.cdf[r] as number) / sum;
    this.random = mulberry32(seed);
  }

  /** A word by Zipf rank. */
  word(): string {
    const u = this.random();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo] as string;
  }

  /** A word of rank in [from, to): mid- and low-frequency terms for queries. */
  wordInRanks(from: number, to: number): string {
    return this.words[from + Math.floor(this.random() * (to - from))] as string;
  }

  text(words: number): string {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(this.word());
    return out.join(" ");
  }

  unitVector(): Float32Array {
    const v = new Float32Array(DIMS);
    let norm = 0;
    for (let i = 0; i < DIMS; i += 2) {
      const u1 = this.random() || 1e-12;
      const u2 = this.random();
      const r = Math.sqrt(-2 * Math.log(u1));
      const a = r * Math.cos(2 * Math.PI * u2);
      const b = r * Math.sin(2 * Math.PI * u2);
      v[i] = a;
      if (i + 1 < DIMS) v[i + 1] = b;
      norm += a * a + b * b;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < DIMS; i++) v[i] = (v[i] as number) / norm;
    return v;
  }

  document(n: number): IndexedDocument {
    const tenant = n % 10 === 9 ? `bench-other-${n % 7}` : "bench-main";
    return {
      tenant,
      documentId: `doc-${n}`,
      fileName: `scan_${n}.pdf`,
      title: this.text(5),
      category: CATEGORIES[n % CATEGORIES.length] as Category,
      status: n % 13 === 0 ? "NEEDS_REVIEW" : "INDEXED",
      batch: `batch-${Math.floor(n / 500)}`,
      createTime: new Date(Date.UTC(2024, 0, 1) + n * 60_000),
      documentDate: `202${n % 5}-0${1 + (n % 9)}-1${n % 10}`,
      totalAmount: Math.round(this.random() * 100_000) / 100,
      currency: ["EUR", "USD", "GBP"][n % 3],
      fieldsText: `issuer: ${this.text(2)} buyer: ${this.text(2)}`,
      chunks: Array.from({ length: CHUNKS_PER_DOC }, (_, ordinal) => ({
        ordinal,
        text: this.text(90 + Math.floor(this.random() * 40)),
        embedding: this.unitVector(),
      })),
    };
  }
}

// ---------- measurement helpers ----------

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function timeQueries(
  label: string,
  count: number,
  run: (i: number) => Promise<IndexHit[]>,
): Promise<{ label: string; p50: number; p95: number; mean: number; emptyShare: number }> {
  for (let i = 0; i < Math.min(10, count); i++) await run(-1 - i); // warm-up
  const times: number[] = [];
  let empty = 0;
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const hits = await run(i);
    times.push(performance.now() - t);
    if (hits.length === 0) empty++;
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return { label, p50: percentile(times, 50), p95: percentile(times, 95), mean, emptyShare: empty / count };
}

interface BulkLoader {
  bulkLoad(batches: Iterable<IndexedDocument[]>): Promise<{ loadSeconds: number; indexSeconds: number }>;
}

type BulkIndex = SearchIndex & { upsertMany(documents: IndexedDocument[]): Promise<void> };

interface Engine {
  index: BulkIndex;
  describe: string;
  cleanup: () => Promise<void>;
  /** The former setting on the same data (OpenSearch semantic: ef_search = k), if any. */
  baseline?: {
    describe: string;
    run<T>(work: (index: SearchIndex) => Promise<T>): Promise<T>;
  };
  /** Before querying a size: merges (OpenSearch --force-merge) and says how many segments there are. */
  prepare: () => Promise<string>;
}

async function openEngine(args: Args): Promise<Engine> {
  const mode = args.mode;
  if (mode === "embedded" || mode.startsWith("embedded-")) {
    const textConfig: TextConfig = mode === "embedded-simple" ? "simple" : "english";
    const dataDir = await mkdtemp(join(tmpdir(), "docmesh-bench-index-"));
    const index = new EmbeddedSearchIndex({ dataDir, textConfig });
    return {
      index,
      describe: `embedded PGlite (${textConfig}) in ${dataDir}`,
      cleanup: async () => {
        await index.close();
        await rm(dataDir, { recursive: true, force: true });
      },
      prepare: async () => "",
    };
  }
  if (mode === "opensearch") {
    const url = process.env.DOCMESH_OPENSEARCH_URL;
    if (!url) throw new Error("DOCMESH_OPENSEARCH_URL is not set: source services.env first");
    const name = `docmesh-bench-${randomUUID().slice(0, 8)}`;
    const index = new OpenSearchIndex({ url, index: name, efSearch: args.efSearch });
    // The same physical index searched with ef_search = k, the setting before 2026-11-27.
    const former = new OpenSearchIndex({ url, index: name, efSearch: 1 });
    const admin = async (method: string, path: string) => {
      const response = await fetch(`${url}/${index.indexName}/${path}`, { method });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<unknown>;
    };
    return {
      index,
      describe: `OpenSearch at ${url}, index ${index.indexName}, ef_search ${args.efSearch}`,
      cleanup: async () => {
        await index.drop();
        await Promise.all([index.close(), former.close()]);
      },
      baseline: {
        describe: "semantic with ef_search = k (112, the former setting)",
        run: async (work) => {
          await former.ensure(DIMS);
          return work(former);
        },
      },
      prepare: async () => {
        if (args.forceMerge) {
          const t = performance.now();
          await admin("POST", "_forcemerge?max_num_segments=1");
          console.log(`force-merged to one segment in ${((performance.now() - t) / 1000).toFixed(0)} s`);
        }
        const segments = (await admin("GET", "_segments")) as {
          indices: Record<string, { shards: Record<string, { segments: Record<string, unknown> }[]> }>;
        };
        const shards = Object.values(segments.indices[index.indexName]?.shards ?? {}).flat();
        return `${shards.reduce((n, shard) => n + Object.keys(shard.segments).length, 0)} segment(s)`;
      },
    };
  }
  throw new Error(`unknown mode "${mode}": embedded | opensearch | corpus`);
}

// ---------- latency benchmark ----------

/** The exact 10 nearest documents (best chunk per document) of each query vector. */
function exactTop10(
  kept: { documentId: string; vector: Float32Array }[],
  vectors: Float32Array[],
): Set<string>[] {
  return vectors.map((vector) => {
    const best = new Map<string, number>();
    for (const { documentId, vector: v } of kept) {
      let dot = 0;
      for (let i = 0; i < DIMS; i++) dot += (v[i] as number) * (vector[i] as number);
      if (dot > (best.get(documentId) ?? -2)) best.set(documentId, dot);
    }
    return new Set(
      [...best.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([id]) => id),
    );
  });
}

/** Share of the exact 10 nearest documents that semantic() returns. */
async function semanticRecall(
  index: SearchIndex,
  vectors: Float32Array[],
  exact: Set<string>[],
): Promise<number> {
  let found = 0;
  for (const [q, vector] of vectors.entries()) {
    const hits = await index.semantic({ tenant: "bench-main", filter: {}, limit: 10, vector });
    found += hits.filter((hit) => exact[q]?.has(hit.documentId)).length;
  }
  return found / (vectors.length * 10);
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
}

async function latencyBench(args: Args): Promise<void> {
  const deadline = Date.now() + args.maxSeconds * 1000;
  const engine = await openEngine(args);
  const { index, cleanup, describe } = engine;
  console.log(`# search-index bench: ${describe}`);
  console.log(
    `# node ${process.version}, ${DIMS}-dim vectors, ${CHUNKS_PER_DOC} chunks/doc, 90% in the queried tenant`,
  );
  const data = new Synthetic(42);
  // The queried tenant's vectors, kept to measure the HNSW recall against an exact scan.
  const kept: { documentId: string; vector: Float32Array }[] = [];
  const generate = (n: number): IndexedDocument => {
    const document = data.document(n);
    if (document.tenant === "bench-main") {
      for (const chunk of document.chunks)
        kept.push({ documentId: document.documentId, vector: chunk.embedding as Float32Array });
    }
    return document;
  };
  const queries = new Synthetic(7);
  const openStart = performance.now();
  await index.ensure(DIMS);
  console.log(`open + ensure: ${((performance.now() - openStart) / 1000).toFixed(1)} s`);
  let docs = 0;
  try {
    for (const size of [...args.sizes].sort((a, b) => a - b)) {
      const targetDocs = Math.ceil(size / CHUNKS_PER_DOC);
      const startDocs = docs;
      const t = performance.now();
      let stopped = false;
      const batches = function* () {
        while (docs < targetDocs) {
          const batch: IndexedDocument[] = [];
          for (let i = 0; i < DOCS_PER_BATCH && docs + i < targetDocs; i++) batch.push(generate(docs + i));
          yield batch;
          docs += batch.length;
          if (docs % 2000 < DOCS_PER_BATCH) {
            const rate = ((docs - startDocs) * CHUNKS_PER_DOC) / ((performance.now() - t) / 1000);
            console.log(`  indexed ${docs * CHUNKS_PER_DOC} chunks (${rate.toFixed(0)} chunks/s)`);
          }
          if (Date.now() > deadline) {
            stopped = true;
            return;
          }
        }
      };
      // The first size is always indexed document batch by batch, as the pipeline does. Growing
      // the embedded index further uses its bulk loader (drop HNSW, load, rebuild) unless
      // --incremental is given: row-by-row HNSW inserts in WebAssembly would take most of an hour.
      let how = "upsertMany";
      if (startDocs > 0 && !args.incremental && "bulkLoad" in index) {
        how = "bulkLoad";
        const phases = await (index as unknown as BulkLoader).bulkLoad(batches());
        console.log(
          `  bulk load: ${phases.loadSeconds.toFixed(1)} s writing rows, ${phases.indexSeconds.toFixed(1)} s building HNSW`,
        );
      } else {
        for (const batch of batches()) await index.upsertMany(batch);
      }
      const seconds = (performance.now() - t) / 1000;
      const chunks = docs * CHUNKS_PER_DOC;
      const added = (docs - startDocs) * CHUNKS_PER_DOC;
      console.log(
        `\n## ${chunks} chunks${stopped ? ` (time budget reached before ${size})` : ""}: ${how} added ${added} chunks in ${seconds.toFixed(1)} s = ${(added / seconds).toFixed(0)} chunks/s (${((docs - startDocs) / seconds).toFixed(1)} docs/s)`,
      );
      const tenant = "bench-main";
      const segments = await engine.prepare();
      // The same queries for the setting and its baseline: drawn once per size.
      const total = args.queries + 10;
      const oneTerm = Array.from({ length: total }, () => queries.wordInRanks(50, 2000));
      const threeTerms = Array.from(
        { length: total },
        () =>
          `${queries.wordInRanks(10, 500)} ${queries.wordInRanks(100, 5000)} ${queries.wordInRanks(1000, 20000)}`,
      );
      const vectors = Array.from({ length: total }, () => queries.unitVector());
      const filtered = Array.from({ length: total }, () => queries.unitVector());
      const at = (i: number) => (i < 0 ? args.queries - 1 - i : i);
      const semantic = (on: SearchIndex) => (i: number) =>
        on.semantic({ tenant, filter: {}, limit: 10, vector: vectors[at(i)] as Float32Array });
      const results = [
        await timeQueries("keyword, 1 mid-frequency term", args.queries, (i) =>
          index.keyword({ tenant, filter: {}, limit: 10, text: oneTerm[at(i)] as string }),
        ),
        await timeQueries("keyword, 3 terms (AND, OR fallback)", args.queries, (i) =>
          index.keyword({ tenant, filter: {}, limit: 10, text: threeTerms[at(i)] as string }),
        ),
        await timeQueries("semantic", args.queries, semantic(index)),
        await timeQueries("semantic + category filter", args.queries, (i) =>
          index.semantic({
            tenant,
            filter: { categories: ["invoice"] },
            limit: 10,
            vector: filtered[at(i)] as Float32Array,
          }),
        ),
      ];
      const former = engine.baseline;
      const baseline = former
        ? await former.run((on) => timeQueries(`baseline: ${former.describe}`, args.queries, semantic(on)))
        : undefined;
      if (baseline) results.push(baseline);
      console.log(`load average ${load()}${segments ? `, ${segments}` : ""}`);
      console.log("| query | p50 ms | p95 ms | mean ms | empty |");
      console.log("|---|---:|---:|---:|---:|");
      for (const r of results) {
        console.log(
          `| ${r.label} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.mean.toFixed(1)} | ${(r.emptyShare * 100).toFixed(0)}% |`,
        );
      }
      const current = results[2];
      if (baseline && current) {
        console.log(
          `semantic: p95 ${current.p95.toFixed(1)} ms vs baseline ${baseline.p95.toFixed(1)} ms = ${(current.p95 / baseline.p95).toFixed(2)}×, p50 ${(current.p50 / baseline.p50).toFixed(2)}× (load average ${load()})`,
        );
      }
      const recallVectors = Array.from({ length: args.recallQueries }, () => queries.unitVector());
      const exact = exactTop10(kept, recallVectors);
      const recall = await semanticRecall(index, recallVectors, exact);
      let line = `semantic recall@10 against an exact scan (${args.recallQueries} queries, documents): ${recall.toFixed(3)}`;
      if (former) {
        const before = await former.run((on) => semanticRecall(on, recallVectors, exact));
        line += `; baseline (${former.describe}) ${before.toFixed(3)}; ratio ${(recall / before).toFixed(2)}×`;
      }
      console.log(line);
      if (stopped) break;
    }
  } finally {
    await cleanup();
  }
}

const args = parseArgs(process.argv.slice(2));
if (args.mode === "corpus") {
  console.log("corpus ranking moved to bench/eval-search.ts (real embeddings, per query type, hybrid)");
  process.exitCode = 2;
} else await latencyBench(args);
