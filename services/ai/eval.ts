import fs from "node:fs";
import path from "node:path";
import type { ParsedDocument } from "../parsing/types.ts";
import type { AiProvider, Category, Classification, Extraction } from "./ai.ts";
import { AMOUNT_FIELDS, CATEGORIES, DATE_FIELDS, FIELD_KEYS, isCategory } from "./ai.ts";
import { boundedView } from "./bounded-view.ts";

/**
 * Evaluation of an AiProvider against a ground-truth corpus (shared/corpus/truth.jsonl).
 * Used by bench/ai-accuracy.ts and the accuracy test, so both report the same numbers.
 * Matching rules: amounts within 0.01; dates and currencies exact; names and titles fuzzy
 * (accent/case/punctuation-folded equality, containment, or ≥70% token overlap); parties
 * correct when every expected party is matched.
 */

export interface TruthRecord {
  file: string;
  category: Category;
  category_alt?: Category;
  fields?: Record<string, unknown>;
  needs_ocr?: boolean;
  language?: string;
  format?: string;
}

export function loadTruth(corpusDir: string): TruthRecord[] {
  return fs
    .readFileSync(path.join(corpusDir, "truth.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as TruthRecord);
}

/** truth.jsonl names a receipt's merchant `issuer`; the extraction schema says `merchant`. */
export function truthFieldName(category: Category, key: string): string {
  return category === "receipt" && key === "merchant" ? "issuer" : key;
}

export function normName(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export function namesMatch(predicted: string, expected: string): boolean {
  const a = normName(predicted);
  const b = normName(expected);
  if (!a || !b) return false;
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 4 && ` ${long} `.includes(` ${short} `)) return true;
  const ta = new Set(a.split(" "));
  const tb = new Set(b.split(" "));
  let inter = 0;
  for (const t of ta) if (tb.has(t)) inter++;
  return inter >= 2 && inter / Math.min(ta.size, tb.size) >= 0.7;
}

export function fieldMatches(key: string, predicted: unknown, expected: unknown): boolean {
  if (predicted === undefined) return false;
  if (AMOUNT_FIELDS.has(key))
    return typeof predicted === "number" && Math.abs(predicted - Number(expected)) <= 0.011;
  if (DATE_FIELDS.has(key) || key === "currency") return String(predicted) === String(expected);
  if (Array.isArray(expected)) {
    const preds = Array.isArray(predicted) ? predicted.map(String) : [String(predicted)];
    return expected.every((e) => preds.some((p) => namesMatch(p, String(e))));
  }
  return namesMatch(String(predicted), String(expected));
}

export interface DocResult {
  file: string;
  truth: Category;
  parsed: boolean;
  parseError?: string;
  ocr: boolean;
  classification?: Classification;
  correct: boolean;
  extraction?: Extraction;
  fields: { key: string; expected: unknown; predicted: unknown; confidence?: number; correct: boolean }[];
  ms: { parse: number; classify: number; extract: number };
}

export interface EvalReport {
  docs: DocResult[];
  classification: {
    correct: number;
    total: number;
    parsed: number;
    perCategory: Record<string, { correct: number; total: number }>;
  };
  fields: Record<string, { correct: number; total: number }>;
  /** Classification confidence buckets: how often the top category was right. */
  calibration: { range: string; n: number; accuracy: number; meanConfidence: number }[];
  /** Field confidence buckets over all evaluated fields. */
  fieldCalibration: { range: string; n: number; accuracy: number; meanConfidence: number }[];
}

export type Parse = (bytes: Uint8Array, fileName: string) => Promise<ParsedDocument>;

export async function evaluateCorpus(
  provider: AiProvider,
  corpusDir: string,
  parse: Parse,
  opts: { filter?: (t: TruthRecord) => boolean; onDoc?: (r: DocResult) => void } = {},
): Promise<EvalReport> {
  const truth = loadTruth(corpusDir).filter(opts.filter ?? (() => true));
  const docs: DocResult[] = [];
  for (const t of truth) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(corpusDir, t.file)));
    const r: DocResult = {
      file: t.file,
      truth: t.category,
      parsed: false,
      ocr: false,
      correct: false,
      fields: [],
      ms: { parse: 0, classify: 0, extract: 0 },
    };
    let doc: ParsedDocument | undefined;
    const t0 = performance.now();
    try {
      doc = await parse(bytes, path.basename(t.file));
      r.parsed = true;
      r.ocr = doc.ocr;
    } catch (err) {
      r.parseError = (err as { reason?: string }).reason ?? (err as Error).message;
    }
    r.ms.parse = performance.now() - t0;
    if (doc) {
      // What the pipeline's stages give the provider (the document itself unless it is huge).
      doc = boundedView(doc);
      const t1 = performance.now();
      r.classification = await provider.classify(doc);
      r.ms.classify = performance.now() - t1;
      r.correct = r.classification.category === t.category || r.classification.category === t.category_alt;
      // Extraction is scored with the true category, so its accuracy does not depend on classification.
      const t2 = performance.now();
      r.extraction = await provider.extract(t.category, doc);
      r.ms.extract = performance.now() - t2;
      for (const key of FIELD_KEYS[t.category]) {
        const expected = t.fields?.[truthFieldName(t.category, key)];
        if (expected === undefined) continue;
        const fv = r.extraction.fields[key];
        r.fields.push({
          key: `${t.category}.${key}`,
          expected,
          predicted: fv?.value,
          confidence: fv?.confidence,
          correct: fieldMatches(key, fv?.value, expected),
        });
      }
    } else {
      for (const key of FIELD_KEYS[t.category]) {
        const expected = t.fields?.[truthFieldName(t.category, key)];
        if (expected !== undefined)
          r.fields.push({ key: `${t.category}.${key}`, expected, predicted: undefined, correct: false });
      }
    }
    docs.push(r);
    opts.onDoc?.(r);
  }
  return summarise(docs);
}

function buckets(pairs: [number, boolean][]): EvalReport["calibration"] {
  const edges = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001];
  const out: EvalReport["calibration"] = [];
  for (let i = 0; i < edges.length - 1; i++) {
    const lo = edges[i] as number;
    const hi = edges[i + 1] as number;
    const inB = pairs.filter(([c]) => c >= lo && c < hi);
    if (inB.length === 0) continue;
    out.push({
      range: `${lo.toFixed(2)}–${Math.min(1, hi).toFixed(2)}`,
      n: inB.length,
      accuracy: inB.filter(([, ok]) => ok).length / inB.length,
      meanConfidence: inB.reduce((s, [c]) => s + c, 0) / inB.length,
    });
  }
  return out;
}

export function summarise(docs: DocResult[]): EvalReport {
  const perCategory: Record<string, { correct: number; total: number }> = {};
  for (const c of CATEGORIES) perCategory[c] = { correct: 0, total: 0 };
  const fields: Record<string, { correct: number; total: number }> = {};
  for (const d of docs) {
    const pc = perCategory[d.truth] as { correct: number; total: number };
    pc.total++;
    if (d.correct) pc.correct++;
    for (const f of d.fields) {
      fields[f.key] ??= { correct: 0, total: 0 };
      const e = fields[f.key] as { correct: number; total: number };
      e.total++;
      if (f.correct) e.correct++;
    }
  }
  const cls = docs.filter((d) => d.classification);
  return {
    docs,
    classification: {
      correct: docs.filter((d) => d.correct).length,
      total: docs.length,
      parsed: cls.length,
      perCategory,
    },
    fields,
    calibration: buckets(cls.map((d) => [d.classification?.confidence ?? 0, d.correct])),
    fieldCalibration: buckets(
      docs.flatMap((d) =>
        d.fields
          .filter((f) => f.confidence !== undefined)
          .map((f) => [f.confidence as number, f.correct] as [number, boolean]),
      ),
    ),
  };
}

export function isTruthCategory(s: string): s is Category {
  return isCategory(s);
}
