// Search evaluation on ../shared/corpus (DOCMESH_CORPUS): recall@5 and MRR per mode (keyword,
// semantic, hybrid) and per query type (keyword, semantic, cross-lingual), with the built-in
// sentence embedder, and its CPU cost per document and per query.
//
//   npx tsx bench/eval-search.ts [--engines embedded,opensearch] [--budgets 128,256,100000] [--max-per-text 128]
//
// Several --budgets (pieces embedded per document, shared by its chunks; services/ai/embedding/
// budget.ts) print the trade-off curve: recall against embedding CPU. Nothing is fitted here: the model is pretrained and the fusion is
// rank-based with the published constant, so the queries are test data only (no folds needed).
// `evaluateSearch` is exported for the cross-validation harness.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import { DEFAULT_TOKEN_BUDGET, SentenceEmbedder } from "../services/ai/embedding/index.ts";
import { chunkText } from "../services/indexer/chunk.ts";
import { EmbeddedSearchIndex } from "../services/platform/index/embedded.ts";
import { OpenSearchIndex } from "../services/platform/index/opensearch.ts";
import type { IndexedDocument, IndexHit, SearchIndex } from "../services/platform/index/search-index.ts";
import { reciprocalRankFusion } from "../services/search/fusion.ts";

export interface SearchQuery {
  id: string;
  query: string;
  type: string;
  relevant: string[];
}

export interface SearchScores {
  /** mode → query type (and "all") → figures. */
  [mode: string]: Record<string, { recall5: number; mrr: number; n: number }>;
}

export interface CorpusText {
  documentId: string;
  fileName: string;
  title: string;
  text: string;
}

const TENANT = "eval";
const MODES = ["keyword", "semantic", "hybrid"] as const;

export async function loadCorpusTexts(root: string): Promise<CorpusText[]> {
  const { parseDocument, sniffMediaType, DEFAULT_PARSE_BUDGET, closeParsers } = await import(
    "../services/parsing/parser.ts"
  );
  const out: CorpusText[] = [];
  for (const file of readdirSync(join(root, "docs")).sort()) {
    const bytes = new Uint8Array(readFileSync(join(root, "docs", file)));
    let text = "";
    try {
      const mediaType = sniffMediaType(bytes, file);
      if (!mediaType) throw new Error("unsupported media type");
      text = (await parseDocument(bytes, mediaType, DEFAULT_PARSE_BUDGET)).text;
    } catch (error) {
      const transcript = join(root, "truth_text", `${basename(file, extname(file))}.txt`);
      if (existsSync(transcript)) text = readFileSync(transcript, "utf8");
      else console.error(`  (no text for ${file}: ${(error as Error).message})`);
    }
    const title = (text.split("\n").find((line) => line.trim().length > 3) ?? file).trim().slice(0, 120);
    out.push({ documentId: `docs/${file}`, fileName: file, title, text });
  }
  await closeParsers();
  return out;
}

export function loadQueries(root: string): SearchQuery[] {
  return readFileSync(join(root, "queries.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as SearchQuery);
}

/** Indexes `texts` with `embedder` into `index` (ensured), then scores every query in every mode. */
export async function evaluateSearch(
  index: SearchIndex & { upsertMany(d: IndexedDocument[]): Promise<void> },
  embedder: SentenceEmbedder,
  texts: CorpusText[],
  queries: SearchQuery[],
): Promise<{
  scores: SearchScores;
  ranks: Record<string, string[]>;
  cpu: { perDocumentMs: number; perChunkMs: number; perQueryMs: number; chunks: number };
}> {
  await index.ensure(embedder.dimensions, embedder.modelId);
  const cpuBefore = embedder.cpuMicros;
  const documents: IndexedDocument[] = [];
  let chunks = 0;
  for (const t of texts) {
    const parts = chunkText(t.text);
    const vectors = await embedder.embed(parts);
    chunks += parts.length;
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
      chunks: parts.map((text, ordinal) => ({ ordinal, text, embedding: vectors[ordinal] as Float32Array })),
    });
  }
  const indexingCpu = embedder.cpuMicros - cpuBefore;
  await index.upsertMany(documents);
  const scores: SearchScores = {};
  const ranks: Record<string, string[]> = {};
  const queryCpuBefore = embedder.cpuMicros;
  for (const mode of MODES) {
    scores[mode] = {};
    ranks[mode] = [];
  }
  for (const q of queries) {
    const base = { tenant: TENANT, filter: {}, limit: 10 };
    const [vector] = await embedder.embed([q.query]);
    const keyword = await index.keyword({ ...base, text: q.query });
    const semantic = await index.semantic({ ...base, vector: vector as Float32Array });
    const lists: Record<(typeof MODES)[number], IndexHit[]> = {
      keyword,
      semantic,
      hybrid: reciprocalRankFusion([keyword, semantic]),
    };
    for (const mode of MODES) {
      const ids = lists[mode].map((h) => h.documentId);
      const first = ids.findIndex((id) => q.relevant.includes(id));
      const recall5 =
        ids.slice(0, 5).filter((id) => q.relevant.includes(id)).length / Math.min(5, q.relevant.length);
      const rr = first >= 0 ? 1 / (first + 1) : 0;
      for (const type of [q.type, "all"]) {
        const byType = scores[mode] as SearchScores[string];
        const cell = byType[type] ?? { recall5: 0, mrr: 0, n: 0 };
        byType[type] = cell;
        cell.recall5 += recall5;
        cell.mrr += rr;
        cell.n += 1;
      }
      ranks[mode]?.push(`${q.id}:${first >= 0 ? first + 1 : "-"}`);
    }
  }
  for (const byType of Object.values(scores)) {
    for (const cell of Object.values(byType)) {
      cell.recall5 /= cell.n;
      cell.mrr /= cell.n;
    }
  }
  return {
    scores,
    ranks,
    cpu: {
      perDocumentMs: indexingCpu / 1000 / texts.length,
      perChunkMs: indexingCpu / 1000 / Math.max(1, chunks),
      perQueryMs: (embedder.cpuMicros - queryCpuBefore) / 1000 / Math.max(1, queries.length),
      chunks,
    },
  };
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

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? (argv[i + 1] as string) : fallback;
  };
  const engines = arg("--engines", "embedded").split(",");
  const budgets = arg("--budgets", String(DEFAULT_TOKEN_BUDGET.budget)).split(",").map(Number);
  const maxPerText = Number(arg("--max-per-text", String(DEFAULT_TOKEN_BUDGET.maxPerText)));
  const root = resolve(process.env.DOCMESH_CORPUS ?? "../shared/corpus");
  const texts = await loadCorpusTexts(root);
  const queries = loadQueries(root);
  console.log(`# search evaluation: ${texts.length} documents, ${queries.length} queries (${root})`);
  console.log("| engine | pieces/document | mode | query type | n | recall@5 | MRR |");
  console.log("|---|---:|---|---|---:|---:|---:|");
  const costs: string[] = [];
  for (const budget of budgets) {
    const embedder = new SentenceEmbedder({ tokenBudget: { ...DEFAULT_TOKEN_BUDGET, budget, maxPerText } });
    for (const engine of engines) {
      const { index, cleanup } = await openEngine(engine);
      try {
        const r = await evaluateSearch(index, embedder, texts, queries);
        for (const mode of MODES) {
          for (const [type, cell] of Object.entries(r.scores[mode] ?? {}).sort()) {
            console.log(
              `| ${engine} | ${budget} | ${mode} | ${type} | ${cell.n} | ${cell.recall5.toFixed(3)} | ${cell.mrr.toFixed(3)} |`,
            );
          }
        }
        for (const mode of MODES) console.error(`  ${engine} ${mode}: ${r.ranks[mode]?.join(" ")}`);
        costs.push(
          `| ${engine} | ${budget} | ${r.cpu.chunks} | ${r.cpu.perChunkMs.toFixed(1)} | ${r.cpu.perDocumentMs.toFixed(0)} | ${r.cpu.perQueryMs.toFixed(1)} |`,
        );
      } finally {
        await cleanup();
      }
    }
    await embedder.close();
  }
  console.log("\nEmbedding CPU (worker thread, excluding the one-off model load):");
  console.log("| engine | pieces/document | chunks | ms per chunk | ms per document | ms per query |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const c of costs) console.log(c);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) await main();
