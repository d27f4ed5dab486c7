import type { ParsedDocument } from "../../parsing/types.ts";
import { findAmounts } from "../normalize/amount.ts";
import { findDates } from "../normalize/date.ts";
import { foldText, words } from "./text.ts";

/**
 * General features of a document for the statistical classifier: signed-hashed word unigrams,
 * word bigrams and character 4-grams of the accent-folded text (sub-linear counts, L2-normalised
 * per kind), then dense layout features that describe any document of a type, whatever its
 * issuer or language: length, lines, amounts, dates, numeric lines, OCR.
 * Nothing here names a document; the weights are learned (scripts/train-classifier.ts).
 */

/** Sparse vector: feature index → value. */
export type Sparse = Map<number, number>;

export const HASH_BITS = 11;
export const HASH_SIZE = 1 << HASH_BITS;
/** Dense features follow the hashed block. */
export const LAYOUT_FEATURES = [
  "log_words",
  "log_lines",
  "log_amounts",
  "amount_density",
  "log_dates",
  "numeric_line_share",
  "short_line_share",
  "ocr",
  "bias",
] as const;
export const FEATURE_COUNT = HASH_SIZE + LAYOUT_FEATURES.length;

const TEXT_LIMIT = 30_000;

function fnv1a(s: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function addHashed(out: Sparse, tokens: Iterable<string>, seed: number, scale: number): void {
  const counts = new Map<number, number>();
  for (const t of tokens) {
    const h = fnv1a(t, seed);
    const idx = h & (HASH_SIZE - 1);
    const sign = h & 0x80000000 ? -1 : 1;
    counts.set(idx, (counts.get(idx) ?? 0) + sign);
  }
  let norm = 0;
  for (const [k, v] of counts) {
    const s = Math.sign(v) * Math.log1p(Math.abs(v));
    counts.set(k, s);
    norm += s * s;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [k, v] of counts) out.set(k, (out.get(k) ?? 0) + (scale * v) / norm);
}

function* bigrams(ws: string[]): Iterable<string> {
  for (let i = 1; i < ws.length; i++) yield `${ws[i - 1]} ${ws[i]}`;
}

function* charGrams(s: string, n: number): Iterable<string> {
  for (let i = 0; i + n <= s.length; i++) yield s.slice(i, i + n);
}

/** Digits become "0" so that numbers share features by shape, not by value. */
function shape(s: string): string {
  return s.replace(/\d/g, "0");
}

export function documentFeatures(doc: Pick<ParsedDocument, "text" | "ocr">): Sparse {
  const raw = doc.text.slice(0, TEXT_LIMIT);
  const folded = shape(foldText(raw));
  const ws = words(folded);
  const x: Sparse = new Map();
  addHashed(x, ws, 1, 1);
  addHashed(x, bigrams(ws), 2, 0.7);
  addHashed(x, charGrams(folded, 4), 3, 0.7);
  const lines = raw.split("\n").filter((l) => l.trim().length > 0);
  const amounts = findAmounts(raw).filter((a) => a.moneyLike).length;
  const dates = findDates(raw).length;
  const numeric = lines.filter((l) => /\d/.test(l) && (l.match(/\d/g)?.length ?? 0) / l.length > 0.3).length;
  const short = lines.filter((l) => l.trim().length < 30).length;
  const dense = [
    Math.log1p(ws.length) / 8,
    Math.log1p(lines.length) / 6,
    Math.log1p(amounts) / 4,
    Math.min(1, (amounts / Math.max(1, ws.length)) * 10),
    Math.log1p(dates) / 3,
    lines.length ? numeric / lines.length : 0,
    lines.length ? short / lines.length : 0,
    doc.ocr ? 1 : 0,
    1,
  ];
  dense.forEach((v, i) => {
    if (v !== 0) x.set(HASH_SIZE + i, v);
  });
  return x;
}
