import type { ParsedDocument } from "../../../parsing/types.ts";
import type { FieldValue } from "../../ai.ts";
import type { AmountMatch } from "../../normalize/amount.ts";
import { findAmounts, roundMoney } from "../../normalize/amount.ts";
import { detectCurrency } from "../../normalize/currency.ts";
import { type DateOrder, findDates, inferDateOrder } from "../../normalize/date.ts";
import { type KeyValueHit, keyValues, type PlacedLine, placedLines } from "../layout-kv.ts";
import { cells, findLabels, type LabelHit, type Line, toLines } from "../lines.ts";

/** Shared machinery of the built-in extractor: the document context, label hits, candidates, names. */
export interface Ctx {
  doc: ParsedDocument;
  text: string;
  lines: Line[];
  /** The positioned lines per page (PDF text layers, OCR), for reading labels by position. */
  layout: PlacedLine[][];
  order: DateOrder;
  currency?: { code: string; confidence: number };
}

export type Fields = Record<string, FieldValue>;

export function context(doc: ParsedDocument): Ctx {
  const text = doc.ocr ? joinOcrDecimals(doc.text) : doc.text;
  const cur = detectCurrency(text);
  const order = inferDateOrder(text, { language: doc.language, currency: cur?.code });
  return { doc, text, lines: toLines(text), layout: placedLines(doc), order, currency: cur };
}

/** OCR splits decimals ("49. 39"): join a separator followed by a space and exactly two digits. */
export function joinOcrDecimals(s: string): string {
  return s.replace(/(\d)([.,]) (\d{2})(?!\d)/g, "$1$2$3");
}

/** The label hits read by position, with OCR decimals joined in their values. */
export function layoutHits(ctx: Ctx, label: RegExp): KeyValueHit[] {
  const hits = keyValues(ctx.layout, label);
  if (!ctx.doc.ocr) return hits;
  return hits.map((h) => ({
    ...h,
    right: h.right === undefined ? undefined : joinOcrDecimals(h.right),
    below: h.below === undefined ? undefined : joinOcrDecimals(h.below),
  }));
}

export function clamp(x: number): number {
  return Math.round(Math.max(0, Math.min(1, x)) * 100) / 100;
}

// Shared helpers

export const ID_TOKEN = /^[#:\s]*([A-Za-z0-9][A-Za-z0-9\-/._]*[A-Za-z0-9]|\d)/;
/** A short series prefix before the number: "FT 2023/12", "FA 0042". */
const SERIES_ID = /^[#:\s]*([A-Z]{1,4}\s\d[A-Za-z0-9\-/._]*)/;

export function idFrom(s: string | undefined): string | undefined {
  if (!s) return undefined;
  if (/^[#:\s]*\d+[.,]\d{2}(?!\d)/.test(s)) return undefined; // an amount, not a number
  const m = SERIES_ID.exec(s) ?? ID_TOKEN.exec(s);
  const v = m?.[1];
  if (!v || !/\d/.test(v) || v.length < 3) return undefined;
  if (/^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(v)) return undefined; // a date
  return v;
}

export function dateFromHit(h: LabelHit, ctx: Ctx): string | undefined {
  for (const s of [h.cellRest, h.below, h.rest, h.next]) {
    if (!s) continue;
    const d = findDates(s, ctx.order)[0];
    // The next line counts when the date opens it, or when the label line is a column header (no digits).
    if (d && (s !== h.rest || d.index < 40) && (s !== h.next || d.index < 12 || !/\d/.test(h.rest)))
      return d.iso;
  }
  return undefined;
}

export interface Cand {
  value: number;
  score: number;
}

/** Amounts after a label: the cell's last amount, else the cell below, else the next cells'. */
export function amountsFromHit(h: LabelHit, base: number, lines?: Line[]): Cand[] {
  const out: Cand[] = [];
  const inCell = findAmounts(h.cellRest).filter((a) => a.moneyLike || Number.isInteger(a.value));
  if (inCell.length > 0) out.push({ value: (inCell.at(-1) as { value: number }).value, score: base });
  else {
    const restCells = cells(h.rest);
    let k = 0;
    for (const c of restCells) {
      const a = findAmounts(c)[0];
      if (a) {
        out.push({ value: a.value, score: base * (k === 0 ? 0.85 : 0.55) });
        k++;
      }
      if (k >= 3) break;
    }
    const last = findAmounts(h.rest).at(-1);
    if (last && !out.some((c) => c.value === last.value)) out.push({ value: last.value, score: base * 0.6 });
    if (h.below) {
      const b = findAmounts(h.below)[0];
      if (b) out.push({ value: b.value, score: base * 0.8 });
    }
    if (out.length === 0 && h.next) {
      const n = findAmounts(h.next).filter((a) => a.moneyLike);
      if (n.length === 1 && n[0]) out.push({ value: n[0].value, score: base * 0.5 });
      else if (h.cellCount > 1 && lines) {
        // A header row of labels over rows of amounts (each possibly led by a row label): take the
        // total row if there is one, else the first row with enough amounts, and align from the right.
        let row: AmountMatch[] | undefined;
        for (let k = h.line + 1; k <= Math.min(lines.length - 1, h.line + 8); k++) {
          const l = lines[k] as Line;
          const cellsK = cells(l.raw);
          const amounts = cellsK
            .map((c) => findAmounts(c).filter((a) => a.moneyLike))
            .filter((a) => a.length === 1)
            .flat();
          if (amounts.length < h.cellCount) continue;
          if (/total|summe|totaal|gesamt|totale/.test(l.folded)) {
            row = amounts;
            break;
          }
          row ??= amounts;
        }
        const a = row?.[row.length - h.cellCount + h.cellIndex];
        if (a) out.push({ value: a.value, score: base * 0.7 });
      }
    }
  }
  return out;
}

/** Weights of a value read by position: in the next span of the row, under the label. */
export const LAYOUT_RIGHT = 0.85;
export const LAYOUT_BELOW = 0.7;

export function collect(ctx: Ctx, specs: [RegExp, number][], exclude?: RegExp): Cand[] {
  const out: Cand[] = [];
  for (const [re, w] of specs) {
    for (const h of findLabels(ctx.lines, re)) {
      const line = ctx.lines[h.line] as Line;
      if (exclude?.test(line.folded)) continue;
      for (const c of amountsFromHit(h, w, ctx.lines)) if (c.value >= 0) out.push(c);
    }
  }
  // Merge equal values, adding evidence with diminishing returns.
  const merged = new Map<number, number>();
  for (const c of out) {
    const k = roundMoney(c.value);
    const prev = merged.get(k) ?? 0;
    merged.set(k, Math.max(prev, c.score) + Math.min(prev, c.score) * 0.25);
  }
  return [...merged.entries()].map(([value, score]) => ({ value, score })).sort((a, b) => b.score - a.score);
}

export const COMPANY_SUFFIX =
  /\b(gmbh(?:\s*&\s*co\.?\s*kg)?|ag|kg|e\.\s?k\.|a\.\s?g\.|b\.\s?v\.|bv|n\.\s?v\.|ltd\.?|limited|inc\.?|llc|l\.l\.c\.|corp\.?|corporation|company|co\.|plc|sarl|sas|s\.a\.s?\.?|sa|s\.l\.|s\.r\.l\.|srl|spa|s\.p\.a\.|sdn\.?\s*bhd\.?|bhd|s\/b|pvt\.?\s*ltd\.?|pty\.?\s*ltd\.?|oy|ab|as|aps|kft|zrt)\b\.?/i;

/** The company name in a line: text up to and including a legal-form suffix. */
export function companyIn(raw: string): string | undefined {
  for (const cell of cells(raw)) {
    const m = COMPANY_SUFFIX.exec(cell);
    if (!m || m.index === undefined) continue;
    let name = cell.slice(0, m.index + m[0].length).trim();
    name = name.replace(/^(?:name|firma|company|seller|from|von|de)\s*:\s*/i, "");
    name =
      name
        .split(/\s[-–|·•]\s/)
        .at(-1)
        ?.trim() ?? name;
    if (/[\p{L}]{2,}/u.test(name.replace(COMPANY_SUFFIX, "")) && name.length <= 80) return name;
  }
  return undefined;
}

export function nameAfter(h: LabelHit, ctx: Ctx, scan = 5): string | undefined {
  // "Name: X" within the next lines wins (structured layouts), then the same-line rest, then the next line.
  for (let k = h.line + 1; k <= Math.min(ctx.lines.length - 1, h.line + scan); k++) {
    const m = /^(?:name|firma|nom|naam|nombre|nome)\s*:\s*(.+)$/i.exec((ctx.lines[k] as Line).raw);
    if (m?.[1]) return m[1].trim();
  }
  const same = h.cellRest.replace(/^[:\s]+/, "");
  if (/^[\p{Lu}\d]/u.test(same) && /\p{L}{2,}/u.test(same) && same.length <= 80) return same;
  if (h.below && /\p{L}{2,}/u.test(h.below)) return h.below;
  // The first plain line below: skip "Key : value" lines and number-heavy lines (ids, GLNs, phones).
  for (let k = h.line + 1; k <= Math.min(ctx.lines.length - 1, h.line + scan); k++) {
    const raw = (ctx.lines[k] as Line).raw;
    if (raw.length === 0 || /^[\p{L}][\p{L} ./-]{0,30}\s*:/u.test(raw)) continue;
    const digits = raw.match(/\d/g)?.length ?? 0;
    if (digits / raw.length > 0.3 || NOT_A_NAME.test(raw)) continue;
    const first = cells(raw)[0];
    if (first && /\p{L}{2,}/u.test(first)) return first;
  }
  return undefined;
}

export function cleanName(s: string): string {
  return s
    .replace(/\s*\((?:co\.?\s*)?(?:no\.?|reg)[^)]*\)\s*$/i, "")
    .replace(/\s*\(\d[\d-]*-?[A-Z]?\)\s*$/, "")
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}.)]+$/gu, "")
    .trim();
}

export const NOT_A_NAME =
  /^(?:invoice|rechnung|facture|factura|factuur|page|seite|tax|date|datum|tel|phone|fax|e-?mail|www|http|original|copy|kopie|nummer|number|no|n°|to)(?![\p{L}])/iu;

/**
 * A date placed next to a label by position: opening the nearest span to its right, else under it
 * (the rest of the label's own span is the reading order's).
 */
export function dateFromLayout(h: KeyValueHit, ctx: Ctx): { iso: string; weight: number } | undefined {
  if (h.rightIsRest) return undefined;
  const right = h.right ? findDates(h.right, ctx.order)[0] : undefined;
  if (right && right.index < 12) return { iso: right.iso, weight: LAYOUT_RIGHT };
  const below = h.below ? findDates(h.below, ctx.order)[0] : undefined;
  if (below && below.index < 12) return { iso: below.iso, weight: LAYOUT_BELOW };
  return undefined;
}

export function labelledDate(
  ctx: Ctx,
  specs: [RegExp, number][],
  exclude?: RegExp,
): { iso: string; s: number } | undefined {
  let best: { iso: string; s: number } | undefined;
  const byPosition = new Map<string, number>();
  for (const [re, w] of specs) {
    for (const h of findLabels(ctx.lines, re)) {
      if (exclude?.test((ctx.lines[h.line] as Line).folded)) continue;
      const iso = dateFromHit(h, ctx);
      if (!iso) continue;
      const s = w - h.line * 0.005;
      if (!best || s > best.s) best = { iso, s };
    }
    for (const h of layoutHits(ctx, re)) {
      if (exclude?.test(h.lineFolded)) continue;
      const d = dateFromLayout(h, ctx);
      if (!d) continue;
      const s = w * d.weight - h.order * 0.005;
      byPosition.set(d.iso, Math.max(byPosition.get(d.iso) ?? Number.NEGATIVE_INFINITY, s));
    }
  }
  // A date read by position competes with its own score (never added to the reading order's).
  for (const [iso, s] of byPosition) if (!best || s > best.s) best = { iso, s };
  return best;
}

export function currencyField(ctx: Ctx): FieldValue | undefined {
  if (!ctx.currency) return undefined;
  return { value: ctx.currency.code, confidence: clamp(0.3 + 0.65 * ctx.currency.confidence) };
}

export function firstDate(ctx: Ctx, maxLine = 40): { iso: string; line: number } | undefined {
  for (const l of ctx.lines.slice(0, maxLine)) {
    const d = findDates(l.raw, ctx.order)[0];
    if (d) return { iso: d.iso, line: l.index };
  }
  return undefined;
}
