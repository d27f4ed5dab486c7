// Turns the model's raw JSON into our field values (numbers, ISO dates, ISO 4217 codes, string[])
// with the shared normalisers, and gives each value a confidence derived from the document itself:
// a small model's self-reported confidence means little, but whether its answer can be found in
// the text it was shown is checkable. Presence is necessary, not sufficient (the model can still
// put a real name in the wrong field), so confidences stay below 0.85.
import type { ParsedDocument } from "../../parsing/types.ts";
import { AMOUNT_FIELDS, type Category, DATE_FIELDS, FIELD_KEYS, type FieldValue } from "../ai.ts";
import { foldText } from "../builtin/text.ts";
import { findAmounts, parseAmount, roundMoney, sameMoney } from "../normalize/amount.ts";
import { currencyOfToken, detectCurrency } from "../normalize/currency.ts";
import { findDates, inferDateOrder, parseDate } from "../normalize/date.ts";

export const CONFIDENCE = {
  /** The value is printed verbatim in the text (folded case, accents and spacing). */
  verbatim: 0.75,
  /** Every word of the value is in the text, but not as one phrase. */
  words: 0.5,
  /** Not found in the text the model saw: probably made up. */
  absent: 0.2,
  /** Amount fields whose net + tax = total (invoice) get this bonus. */
  consistent: 0.1,
  max: 0.85,
} as const;

const EMPTY = /^(?:|null|none|n\/?a|unknown|not (?:found|available|specified)|-+)$/i;

function cleanString(v: unknown): string | undefined {
  if (typeof v !== "string" && typeof v !== "number") return undefined;
  const s = String(v).replace(/\s+/g, " ").trim();
  return EMPTY.test(s) ? undefined : s;
}

function presence(value: string, foldedText: string): number {
  const f = foldText(value).trim();
  if (f.length === 0) return CONFIDENCE.absent;
  if (foldedText.includes(f)) return CONFIDENCE.verbatim;
  const ws = f.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1);
  if (ws.length > 0 && ws.every((w) => foldedText.includes(w))) return CONFIDENCE.words;
  return CONFIDENCE.absent;
}

/** Normalises one model answer for `category`; `text` is the (truncated) text the model saw. */
export function normalizeFields(
  category: Category,
  raw: Record<string, unknown>,
  doc: ParsedDocument,
  text: string,
): Record<string, FieldValue> {
  const folded = foldText(text);
  const detected = detectCurrency(text);
  const order = inferDateOrder(text, { language: doc.language, currency: detected?.code });
  const printedAmounts = findAmounts(text).map((a) => a.value);
  const printedDates = new Set(findDates(text, order).map((d) => d.iso));
  const fields: Record<string, FieldValue> = {};

  for (const key of FIELD_KEYS[category]) {
    const v = raw[key];
    if (AMOUNT_FIELDS.has(key)) {
      const n = typeof v === "number" ? v : typeof v === "string" ? parseAmount(v) : undefined;
      if (n === undefined || !Number.isFinite(n)) continue;
      const value = roundMoney(n);
      const seen = printedAmounts.some((a) => sameMoney(a, value));
      fields[key] = { value, confidence: seen ? CONFIDENCE.verbatim : CONFIDENCE.absent };
    } else if (DATE_FIELDS.has(key)) {
      const s = cleanString(v);
      const iso = s === undefined ? undefined : parseDate(s, order);
      if (!iso) continue;
      fields[key] = {
        value: iso,
        confidence: printedDates.has(iso) ? CONFIDENCE.verbatim : CONFIDENCE.absent,
      };
    } else if (key === "currency") {
      const s = cleanString(v);
      const code = s === undefined ? undefined : currencyOfToken(s);
      if (code && detected && detected.code !== code && detected.confidence >= 0.5) {
        // The text's own currency markers are clear and say otherwise: they win.
        fields[key] = { value: detected.code, confidence: Math.min(0.7, detected.confidence) };
      } else if (code) {
        const agrees = detected?.code === code;
        fields[key] = { value: code, confidence: agrees ? 0.8 : detected ? CONFIDENCE.absent : 0.4 };
      } else if (detected) {
        // The model said nothing usable; the text's own currency markers decide.
        fields[key] = { value: detected.code, confidence: Math.min(0.7, detected.confidence) };
      }
    } else if (key === "parties") {
      const list = (Array.isArray(v) ? v : [v]).map(cleanString).filter((p): p is string => !!p);
      const unique = [...new Set(list)];
      if (unique.length === 0) continue;
      const c = unique.reduce((sum, p) => sum + presence(p, folded), 0) / unique.length;
      fields[key] = { value: unique, confidence: c };
    } else {
      const s = cleanString(v);
      if (s === undefined) continue;
      fields[key] = { value: s, confidence: presence(s, folded) };
    }
  }

  // Invoice amounts that add up corroborate each other.
  const net = fields.net_amount?.value;
  const tax = fields.tax_amount?.value;
  const total = fields.total_amount?.value;
  if (
    typeof net === "number" &&
    typeof tax === "number" &&
    typeof total === "number" &&
    sameMoney(net + tax, total)
  ) {
    for (const k of ["net_amount", "tax_amount", "total_amount"]) {
      const f = fields[k];
      if (f) f.confidence += CONFIDENCE.consistent;
    }
  }
  for (const f of Object.values(fields))
    f.confidence = Math.round(Math.min(CONFIDENCE.max, f.confidence) * 100) / 100;
  return fields;
}
