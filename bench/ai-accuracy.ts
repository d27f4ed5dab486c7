/**
 * Accuracy and speed of the built-in AI provider on the evaluation corpus, in-sample: the shipped
 * calibration was fitted on these files, so quote `npm run eval` (cross-validated) for accuracy;
 * this bench is for parse/classify/extract times and a quick look at one document's output.
 *   npx tsx bench/ai-accuracy.ts [corpusDir]     (default: ../shared/corpus, else /work/shared/corpus)
 * Prints classification accuracy (per category), per-field extraction accuracy, confidence
 * calibration buckets, and parse/classify/extract time per document.
 * Add --json to also print the whole report as JSON on the last line.
 */
import fs from "node:fs";
import path from "node:path";
import type { AiProvider } from "../services/ai/ai.ts";
import { cosine, createBuiltinProvider } from "../services/ai/builtin/index.ts";
import { evaluateCorpus } from "../services/ai/eval.ts";
import { ParseError } from "../services/parsing/errors.ts";
import { closeParsers, parseDocument, sniffMediaType } from "../services/parsing/parser.ts";

function corpusDir(): string {
  const arg = process.argv.slice(2).find((a) => !a.startsWith("--"));
  const candidates = [arg, path.resolve("../shared/corpus"), "/work/shared/corpus"].filter(
    (x): x is string => !!x,
  );
  const found = candidates.find((c) => fs.existsSync(path.join(c, "truth.jsonl")));
  if (!found) throw new Error(`corpus not found (tried ${candidates.join(", ")})`);
  return found;
}

const pct = (c: number, t: number) => (t === 0 ? "   n/a" : `${((100 * c) / t).toFixed(1).padStart(5)}%`);
const ms = (x: number) => `${x.toFixed(0).padStart(6)} ms`;

async function main(): Promise<void> {
  const dir = corpusDir();
  const provider = createBuiltinProvider();
  const started = performance.now();
  const texts = new Map<string, string>();
  console.log(`built-in provider on ${dir}\n`);
  console.log(
    `${"document".padEnd(58)} ${"truth".padEnd(9)}${"predicted".padEnd(10)} conf   parse   classify  extract  fields`,
  );
  const report = await evaluateCorpus(
    provider,
    dir,
    async (bytes, name) => {
      const mt = sniffMediaType(bytes, name);
      if (!mt) throw new ParseError("unsupported", "unsupported media type");
      const doc = await parseDocument(bytes, mt, {
        timeoutMs: 120_000,
        maxMemoryMb: 768,
        maxUncompressedBytes: 256 * 1024 * 1024,
      });
      texts.set(name, doc.text);
      return doc;
    },
    {
      onDoc: (r) => {
        const pred = r.classification ? r.classification.category : `(${r.parseError})`;
        const ok = r.fields.filter((f) => f.correct).length;
        console.log(
          `${r.correct ? " " : "✗"} ${path.basename(r.file).slice(0, 56).padEnd(56)} ${r.truth.padEnd(9)}${pred.padEnd(10)} ${(r.classification?.confidence ?? 0).toFixed(2)} ${ms(r.ms.parse)} ${ms(r.ms.classify)} ${ms(r.ms.extract)}  ${r.fields.length ? `${ok}/${r.fields.length}` : ""}${r.ocr ? "  (ocr)" : ""}`,
        );
      },
    },
  );
  const c = report.classification;
  console.log(
    `\nClassification accuracy: ${c.correct}/${c.total} = ${pct(c.correct, c.total)} (documents that failed to parse count as wrong; ${c.parsed} parsed)`,
  );
  for (const [cat, v] of Object.entries(c.perCategory))
    console.log(`  ${cat.padEnd(9)} ${`${v.correct}/${v.total}`.padStart(6)} ${pct(v.correct, v.total)}`);
  console.log("\nPer-field extraction accuracy (extraction run with the true category):");
  let fc = 0;
  let ft = 0;
  for (const [k, v] of Object.entries(report.fields)) {
    console.log(`  ${k.padEnd(26)} ${`${v.correct}/${v.total}`.padStart(6)} ${pct(v.correct, v.total)}`);
    if (!k.startsWith("report.")) {
      fc += v.correct;
      ft += v.total;
    }
  }
  console.log(`  ${"invoice+receipt+contract".padEnd(26)} ${`${fc}/${ft}`.padStart(6)} ${pct(fc, ft)}`);
  console.log("\nClassification calibration (confidence bucket → accuracy):");
  for (const b of report.calibration)
    console.log(
      `  ${b.range}  n=${String(b.n).padStart(3)}  mean conf ${b.meanConfidence.toFixed(2)}  accuracy ${b.accuracy.toFixed(2)}`,
    );
  console.log("\nField confidence calibration (all scored fields):");
  for (const b of report.fieldCalibration)
    console.log(
      `  ${b.range}  n=${String(b.n).padStart(3)}  mean conf ${b.meanConfidence.toFixed(2)}  accuracy ${b.accuracy.toFixed(2)}`,
    );
  const parsed = report.docs.filter((d) => d.parsed);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const p = (xs: number[], q: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  };
  for (const [label, docs] of [
    ["text-layer", parsed.filter((d) => !d.ocr)],
    ["OCR", parsed.filter((d) => d.ocr)],
  ] as const) {
    const pt = docs.map((d) => d.ms.parse);
    console.log(
      `\nTime per ${label} document (n=${docs.length}): parse mean ${mean(pt).toFixed(0)} ms (p50 ${p(pt, 0.5).toFixed(0)}, p95 ${p(pt, 0.95).toFixed(0)}), classify mean ${mean(docs.map((d) => d.ms.classify)).toFixed(1)} ms, extract mean ${mean(docs.map((d) => d.ms.extract)).toFixed(1)} ms`,
    );
  }
  await retrieval(dir, texts, provider);
  console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (process.argv.includes("--json")) {
    console.log(
      JSON.stringify({
        classification: report.classification,
        fields: report.fields,
        calibration: report.calibration,
        fieldCalibration: report.fieldCalibration,
      }),
    );
  }
  await closeParsers();
}

/** Embedding-only retrieval over queries.jsonl: rank of the first relevant document per query. */
async function retrieval(dir: string, texts: Map<string, string>, provider: AiProvider): Promise<void> {
  const file = path.join(dir, "queries.jsonl");
  if (!fs.existsSync(file)) return;
  const queries = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { query: string; type: string; relevant: string[] });
  const names = [...texts.keys()];
  const docVecs = await provider.embed(names.map((n) => texts.get(n) as string));
  let mrr = 0;
  let hit5 = 0;
  console.log("\nEmbedding-only retrieval (cosine over whole-document vectors; no BM25, no chunking):");
  for (const q of queries) {
    const [qv] = await provider.embed([q.query]);
    const ranked = names
      .map((n, i) => ({ n, s: cosine(qv as Float32Array, docVecs[i] as Float32Array) }))
      .sort((a, b) => b.s - a.s);
    const rank = ranked.findIndex((r) => q.relevant.some((f) => path.basename(f) === r.n)) + 1;
    if (rank > 0) mrr += 1 / rank;
    if (rank > 0 && rank <= 5) hit5++;
    console.log(`  ${q.type.padEnd(13)} rank ${String(rank || "-").padStart(3)}  ${q.query}`);
  }
  console.log(
    `  MRR ${(mrr / queries.length).toFixed(3)}, relevant in top 5 for ${hit5}/${queries.length} queries`,
  );
}

await main();
