// Search evaluation on ../shared/corpus (DOCMESH_CORPUS): recall@5 and MRR per mode (keyword,
// semantic, hybrid) and per query type (keyword, semantic, cross-lingual), cross-validated over
// the queries (bench/search-cv.ts), with the built-in sentence embedder and its CPU cost per
// document and per query.
//
//   npx tsx bench/eval-search.ts [--engines embedded,opensearch] [--folds 7] [--depth 20] [--curve]
//       [--settings 200x8x64,1000xallx32]   (passage characters × passages embedded × pieces each)
//
// What is embedded is a setting (services/indexer/search-chunks.ts): the first N passages of about
// P characters get a vector, each read up to T SentencePiece pieces (services/ai/embedding/
// budget.ts); the text is searched by keyword in 1000-character chunks. P = 1000 is the former
// layout: the keyword chunks themselves carry the vectors.
// --curve runs the settings of the trade-off curve. Fitted on training folds only: the hybrid
// fusion's semantic weight and, in the nested run over all settings, which setting to use.
import fs, { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import { EMBEDDING_PLAN, type EmbeddingPlan, SentenceEmbedder } from "../services/ai/embedding/index.ts";
import { loadTruth } from "../services/ai/eval.ts";
import { searchChunks } from "../services/indexer/search-chunks.ts";
import { EmbeddedSearchIndex } from "../services/platform/index/embedded.ts";
import { OpenSearchIndex } from "../services/platform/index/opensearch.ts";
import type { IndexedDocument, SearchIndex } from "../services/platform/index/search-index.ts";
import { parseCorpus } from "./corpus-cache.ts";
import {
  type Cell,
  crossValidate,
  crossValidateConvex,
  type Fusion,
  MODES,
  type QueryRun,
  ranked,
  recallAt5,
  reciprocalRank,
} from "./search-cv.ts";

export interface SearchQuery {
  id: string;
  query: string;
  type: string;
  relevant: string[];
}

export interface CorpusText {
  documentId: string;
  fileName: string;
  title: string;
  text: string;
}

export interface SettingRun {
  plan: EmbeddingPlan;
  runs: QueryRun[];
  cpu: { perDocumentMs: number; perPassageMs: number; perQueryMs: number; passagesEmbedded: number };
}

const TENANT = "eval";
/** Depth of each list before fusion (--depth; the service fuses 100; 20 is plenty for a top 5). */
let DEPTH = 20;
const CURVE = "1000x400x32,200x4x64,200x8x64,200x16x64,200x64x64";

/** Parsed texts (cached by bench/corpus-cache.ts); a scan with no text falls back to its transcript. */
export async function loadCorpusTexts(root: string): Promise<CorpusText[]> {
  const truth = loadTruth(root);
  const parsed = await parseCorpus(root, truth);
  return truth.map((t) => {
    let text = parsed.get(t.file)?.doc?.text ?? "";
    const transcript = join(root, "truth_text", `${basename(t.file, extname(t.file))}.txt`);
    if (!text.trim() && fs.existsSync(transcript)) text = fs.readFileSync(transcript, "utf8");
    const title = (text.split("\n").find((line) => line.trim().length > 3) ?? t.file).trim().slice(0, 120);
    return { documentId: t.file, fileName: basename(t.file), title, text };
  });
}

export function loadQueries(root: string): SearchQuery[] {
  return fs
    .readFileSync(join(root, "queries.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as SearchQuery);
}

export function parsePlan(spec: string): EmbeddingPlan {
  const [p, n, t] = spec.split("x").map(Number);
  if (!p || !n || !t) throw new Error(`setting "${spec}": expected <passage chars>x<passages>x<pieces>`);
  return { passageChars: p, passagesPerDocument: n, piecesPerPassage: t };
}

const planName = (p: EmbeddingPlan) => `${p.passageChars}x${p.passagesPerDocument}x${p.piecesPerPassage}`;

/** Indexes `texts` as the plan says into `index` (ensured), then runs every query in both engines' modes. */
export async function runSetting(
  index: SearchIndex & { upsertMany(d: IndexedDocument[]): Promise<void> },
  plan: EmbeddingPlan,
  texts: CorpusText[],
  queries: SearchQuery[],
): Promise<SettingRun> {
  const embedder = new SentenceEmbedder({ plan });
  try {
    await index.ensure(embedder.dimensions, embedder.modelId);
    const cpuBefore = embedder.cpuMicros;
    const documents: IndexedDocument[] = [];
    let embedded = 0;
    for (const t of texts) {
      const chunks = await searchChunks(t.text, (passages) => embedder.embed(passages), plan);
      embedded += chunks.filter((c) => c.embedding).length;
      documents.push({
        tenant: TENANT,
        documentId: t.documentId,
        fileName: t.fileName,
        title: t.title,
        category: "other",
        status: "INDEXED",
        batch: "eval",
        createTime: new Date(),
        fieldsText: "",
        chunks,
      });
    }
    const indexingCpu = embedder.cpuMicros - cpuBefore;
    await index.upsertMany(documents);
    const runs: QueryRun[] = [];
    const queryCpuBefore = embedder.cpuMicros;
    for (const q of queries) {
      const base = { tenant: TENANT, filter: {}, limit: DEPTH };
      const [vector] = await embedder.embed([q.query]);
      const keyword = await index.keyword({ ...base, text: q.query });
      const semantic = await index.semantic({ ...base, vector: vector as Float32Array });
      runs.push({
        id: q.id,
        type: q.type,
        relevant: q.relevant,
        keyword: keyword.map((h) => h.documentId),
        semantic: semantic.map((h) => h.documentId),
        keywordScores: keyword.map((h) => h.score),
        semanticScores: semantic.map((h) => h.score),
      });
    }
    return {
      plan,
      runs,
      cpu: {
        perDocumentMs: indexingCpu / 1000 / texts.length,
        perPassageMs: indexingCpu / 1000 / Math.max(1, embedded),
        perQueryMs: (embedder.cpuMicros - queryCpuBefore) / 1000 / Math.max(1, queries.length),
        passagesEmbedded: embedded / texts.length,
      },
    };
  } finally {
    await embedder.close();
  }
}

async function openEngine(
  engine: string,
): Promise<{ index: EmbeddedSearchIndex | OpenSearchIndex; cleanup: () => Promise<void> }> {
  if (engine === "embedded") {
    const dir = mkdtempSync(join(tmpdir(), "docmesh-eval-search-"));
    const index = new EmbeddedSearchIndex({ dataDir: dir });
    return {
      index,
      cleanup: async () => {
        await index.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.DOCMESH_OPENSEARCH_URL;
  if (!url) throw new Error("opensearch: set DOCMESH_OPENSEARCH_URL (source the services env file)");
  const index = new OpenSearchIndex({ url, index: `docmesh-eval-search-${Date.now()}` });
  return {
    index,
    cleanup: async () => {
      await index.drop();
      await index.close();
    },
  };
}

const f3 = (x: number) => x.toFixed(3);
const fusionNames = (fusions: Fusion[]) => fusions.map((f) => `${f.k}/${f.weight}`).join(", ");
const cellText = (c: Cell | undefined) => (c ? `${f3(c.recall5)} / ${f3(c.mrr)}` : "—");
const TYPES = ["all", "keyword", "semantic", "cross-lingual"];

function printCvTable(title: string, scores: Record<string, Record<string, Cell>>): void {
  console.log(`\n${title}`);
  const n = (t: string) => scores.keyword?.[t]?.n ?? 0;
  console.log(`| mode | ${TYPES.map((t) => `${t} (${n(t)}) recall@5 / MRR`).join(" | ")} |`);
  console.log(`|---|${TYPES.map(() => "---:").join("|")}|`);
  for (const mode of MODES)
    console.log(`| ${mode} | ${TYPES.map((t) => cellText(scores[mode]?.[t])).join(" | ")} |`);
}

/** All-query figures of one run (the curve's points; the fusion weight is plain RRF here). */
function whole(runs: QueryRun[], mode: (typeof MODES)[number], type = "all"): Cell {
  const sel = runs.filter((q) => type === "all" || q.type === type);
  const ids = sel.map((q) => ranked(q, mode));
  return {
    recall5:
      sel.reduce((s, q, i) => s + recallAt5(ids[i] as string[], q.relevant), 0) / Math.max(1, sel.length),
    mrr:
      sel.reduce((s, q, i) => s + reciprocalRank(ids[i] as string[], q.relevant), 0) /
      Math.max(1, sel.length),
    n: sel.length,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? (argv[i + 1] as string) : fallback;
  };
  const engines = arg("--engines", "embedded").split(",");
  const folds = Number(arg("--folds", "7"));
  DEPTH = Number(arg("--depth", "20"));
  const specs = argv.includes("--curve") ? CURVE : arg("--settings", planName(EMBEDDING_PLAN));
  const plans = specs.split(",").map(parsePlan);
  const root = resolve(process.env.DOCMESH_CORPUS ?? "../shared/corpus");
  const texts = await loadCorpusTexts(root);
  const queries = loadQueries(root);
  console.log(`# search evaluation: ${texts.length} documents, ${queries.length} queries (${root})`);
  console.log(
    `# default setting ${planName(EMBEDDING_PLAN)} (passage characters x passages embedded x pieces each)`,
  );
  for (const engine of engines) {
    const results: SettingRun[] = [];
    for (const plan of plans) {
      const { index, cleanup } = await openEngine(engine);
      try {
        const r = await runSetting(index, plan, texts, queries);
        results.push(r);
        console.error(
          `  ${engine} ${planName(plan)}: keyword ${r.runs.map((q) => `${q.id}:${q.keyword.findIndex((d) => q.relevant.includes(d)) + 1}`).join(" ")}`,
        );
        console.error(
          `  ${engine} ${planName(plan)}: semantic ${r.runs.map((q) => `${q.id}:${q.semantic.findIndex((d) => q.relevant.includes(d)) + 1}`).join(" ")}`,
        );
      } finally {
        await cleanup();
      }
    }
    console.log(
      `\n## ${engine}: trade-off curve (all ${queries.length} queries, plain RRF; embedding CPU in the worker thread)`,
    );
    console.log(
      "| setting | passages embedded / doc | CPU ms / doc | docs/min per core (embedding) | CPU ms / query | keyword recall@5 | semantic recall@5 | semantic cross-lingual | hybrid recall@5 |",
    );
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const r of results) {
      console.log(
        `| ${planName(r.plan)} | ${r.cpu.passagesEmbedded.toFixed(1)} | ${r.cpu.perDocumentMs.toFixed(1)} | ${Math.round(60_000 / Math.max(0.001, r.cpu.perDocumentMs))} | ${r.cpu.perQueryMs.toFixed(1)} | ${f3(whole(r.runs, "keyword").recall5)} | ${f3(whole(r.runs, "semantic").recall5)} | ${f3(whole(r.runs, "semantic", "cross-lingual").recall5)} | ${f3(whole(r.runs, "hybrid").recall5)} |`,
      );
    }
    for (const r of results) {
      const cv = crossValidate([r.runs], folds);
      printCvTable(
        `### ${engine} ${planName(r.plan)}: ${folds}-fold CV over the queries (fusion fitted per fold, k/weight: ${fusionNames(cv.fusions)})`,
        cv.scores,
      );
      console.log(
        `| hybrid, plain RRF (k = 60, nothing fitted) | ${TYPES.map((t) => cellText(whole(r.runs, "hybrid", t))).join(" | ")} |`,
      );
      const convex = crossValidateConvex(r.runs, folds);
      console.log(
        `| hybrid, score fusion (the service's; semantic weight per fold: ${convex.weights.join(", ")}) | ${TYPES.map((t) => cellText(convex.scores[t])).join(" | ")} |`,
      );
    }
    if (results.length > 1) {
      const cv = crossValidate(
        results.map((r) => r.runs),
        folds,
      );
      printCvTable(
        `### ${engine}: nested ${folds}-fold CV, setting chosen on training folds (${cv.chosen.map((c) => planName((results[c] as SettingRun).plan)).join(", ")}), fusion too (${fusionNames(cv.fusions)})`,
        cv.scores,
      );
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) await main();
