// The corpus sample the Ollama provider is measured on, and the measurement itself: shared by the
// integration test (a few documents, to stay within its time budget) and ollama-accuracy.ts (all).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AiProvider, Category } from "../../../services/ai/ai.ts";
import { FIELD_KEYS } from "../../../services/ai/ai.ts";
import { fieldMatches, loadTruth, truthFieldName } from "../../../services/ai/eval.ts";
import { parseDocument, sniffMediaType } from "../../../services/parsing/parser.ts";
import type { ParsedDocument } from "../../../services/parsing/types.ts";

export const CORPUS_DIR = process.env.DOCMESH_CORPUS ?? "/work/shared/corpus";

/**
 * Documents across the categories. The test takes the first (a receipt: four short fields keep the
 * generation short), so keep the order varied.
 */
export const SAMPLE = [
  "docs/sroie__030.jpg",
  "docs/invoice2data__AzureInterior.pdf",
  "docs/cuad__ATMOSENERGYCORP_11_22_2002-EX-10.17-TRANSPORTATION_SERVICE_AGREEMENT.pdf",
  "docs/unstructured__family-day.eml",
  "docs/invoice2data__ENVATO.pdf",
  "docs/zugferd-corpus__EN16931_Einfach.pdf",
  "docs/unstructured__multi-column-2p.pdf",
  "docs/cuad__GopageCorp_20140221_10-K_EX-10.1_8432966_EX-10.1_Content_License_Agreement.pdf",
  "docs/unstructured__example-10k-1p.html",
  "docs/unstructured__book-war-and-peace-1p.txt",
];

export interface SampleResult {
  file: string;
  truth: Category;
  predicted: Category;
  confidence: number;
  scores: Record<Category, number>;
  classifyMs: number;
  extractMs: number;
  fields: Record<string, { value: unknown; confidence: number }>;
  /** Per truth field: was it extracted right. */
  fieldHits: Record<string, boolean>;
  /** A call that failed (timeout, unavailable): counted as wrong. */
  error?: string;
}

export async function loadDoc(file: string): Promise<ParsedDocument> {
  const bytes = readFileSync(join(CORPUS_DIR, file));
  const type = sniffMediaType(bytes, file);
  if (!type) throw new Error(`${file}: unsupported type`);
  return parseDocument(bytes, type);
}

/** Classifies, then extracts with the TRUE category (as the built-in bench does). */
export async function measure(
  provider: AiProvider,
  files: string[],
  onResult: (r: SampleResult) => void = () => {},
): Promise<SampleResult[]> {
  const truth = new Map(loadTruth(CORPUS_DIR).map((r) => [r.file, r]));
  const out: SampleResult[] = [];
  for (const file of files) {
    const rec = truth.get(file);
    if (!rec) throw new Error(`${file} is not in truth.jsonl`);
    const doc = await loadDoc(file);
    const r: SampleResult = {
      file,
      truth: rec.category,
      predicted: "other",
      confidence: 0,
      scores: { invoice: 0, receipt: 0, contract: 0, report: 0, other: 0 },
      classifyMs: 0,
      extractMs: 0,
      fields: {},
      fieldHits: {},
    };
    const keys = FIELD_KEYS[rec.category].filter((k) => {
      const v = rec.fields?.[truthFieldName(rec.category, k)];
      return v !== undefined && v !== null;
    });
    for (const key of keys) r.fieldHits[key] = false;
    try {
      let t = performance.now();
      const c = await provider.classify(doc);
      r.classifyMs = performance.now() - t;
      r.predicted = c.category;
      r.confidence = c.confidence;
      r.scores = c.scores;
      t = performance.now();
      const x = await provider.extract(rec.category, doc);
      r.extractMs = performance.now() - t;
      r.fields = x.fields;
      for (const key of keys) {
        r.fieldHits[key] = fieldMatches(
          key,
          x.fields[key]?.value,
          rec.fields?.[truthFieldName(rec.category, key)],
        );
      }
    } catch (err) {
      r.error = (err as Error).message;
    }
    out.push(r);
    onResult(r);
  }
  return out;
}

export function report(results: SampleResult[]): string {
  const correct = results.filter((r) => !r.error && r.predicted === r.truth).length;
  const ok = results.filter((r) => !r.error);
  let hits = 0;
  let total = 0;
  const lines = results.map((r) => {
    const h = Object.values(r.fieldHits);
    hits += h.filter(Boolean).length;
    total += h.length;
    if (r.error) return `  ${r.truth.padEnd(8)} → ERROR ${r.error}  ${r.file}`;
    return `  ${r.truth.padEnd(8)} → ${r.predicted.padEnd(8)} fields ${h.filter(Boolean).length}/${h.length}  classify ${Math.round(r.classifyMs)} ms, extract ${Math.round(r.extractMs)} ms  ${r.file}`;
  });
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
  return [
    `classification ${correct}/${results.length}; fields ${hits}/${total}`,
    `mean latency: classify ${mean(ok.map((r) => r.classifyMs))} ms, extract ${mean(ok.map((r) => r.extractMs))} ms; ${results.length - ok.length} call(s) failed`,
    ...lines,
  ].join("\n");
}
