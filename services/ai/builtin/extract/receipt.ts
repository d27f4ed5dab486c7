import type { FieldValue } from "../../ai.ts";
import { roundMoney, sameMoney } from "../../normalize/amount.ts";
import { reconcile, statedTaxRates } from "./amount-consistency.ts";
import {
  type Cand,
  type Ctx,
  clamp,
  cleanName,
  collect,
  companyIn,
  currencyField,
  type Fields,
  firstDate,
  labelledDate,
} from "./shared.ts";

/** Receipts: merchant, date, total (confirmed by cash − change), currency. */
// Receipt

const MERCHANT_WORDS =
  /\b(sdn\.?\s*bhd|bhd|s\/b|enterprise|trading|restaurant|restaurante|ristorante|restoran|store|shop|cafe|bakery|supermarket|supermercado|supermarche|hypermarket|pharmacy|apotheke|pharmacie|farmacia|kedai|gmbh|ltd|inc|llc|market|markt|marche|mercado|bistro|kitchen)\b/i;
const RECEIPT_JUNK =
  /(?:receipt|invoice|tax|tel|fax|gst|reg|no\b|date|time|cashier|welcome|table|order|www|http|@)/i;

function merchant(ctx: Ctx): FieldValue | undefined {
  const head = ctx.lines.slice(0, 8).filter((l) => l.raw.length > 0);
  for (const l of head) {
    const c = companyIn(l.raw);
    if (c) return { value: cleanName(c), confidence: 0.6 };
  }
  for (const l of head) {
    if (MERCHANT_WORDS.test(l.raw) && !RECEIPT_JUNK.test(l.raw))
      return { value: cleanName(l.raw), confidence: 0.5 };
  }
  for (const l of head) {
    const letters = l.raw.match(/\p{L}/gu)?.length ?? 0;
    if (letters >= 4 && letters / l.raw.length > 0.6 && !RECEIPT_JUNK.test(l.raw)) {
      return { value: cleanName(l.raw), confidence: 0.3 };
    }
  }
  return undefined;
}

const RECEIPT_TOTAL: [RegExp, number][] = [
  [/(?:after\s*(?:adj|rounding)|rounded\s*total|total\s*rounded)/, 3.5],
  [
    /(?:grand\s*total|total\s*(?:rm|amount|payable|due|sales|\(incl|inclusive|incl)|nett?\s*total|amount\s*due|jumlah|total\s*:|balance\s*due|total\s*to\s*pay|summe|gesamt|total\s*ttc|net\s*a\s*payer)/,
    3,
  ],
  [/(?:^|\s)(?:total|amount|due|totaal|importe|totale)(?![\p{L}])/u, 2],
];
const RECEIPT_TOTAL_EXCLUDE =
  /sub\s*-?total|excl|exclusive|savings|discount|qty|quantity|item|gst\s*summary|rounding|tax\s*\(|change|points|tendered|@|%/;

function receiptMoney(ctx: Ctx): FieldValue | undefined {
  const totals = collect(ctx, RECEIPT_TOTAL, RECEIPT_TOTAL_EXCLUDE);
  const paid = collect(ctx, [
    [/(?:^|\s)(?:cash|tunai|paid|payment|tender(?:ed)?|visa|master\s*card|card|bar)(?![\p{L}])/u, 1],
  ]);
  const change = collect(ctx, [[/(?:^|\s)(?:change|kembali|baki|ruckgeld)(?![\p{L}])/u, 1]]);
  const subtotals = collect(ctx, [[/(?:sub\s*-?total|total\s*excl|nett?\s*amount)/, 1]]);
  const taxes = collect(
    ctx,
    [[/(?:^|\s)(?:gst|vat|tax|sst|mwst|tva|iva)(?![\p{L}])/u, 1]],
    /(?:\bid\b|reg|no\b|summary)/,
  );
  const rates = statedTaxRates(ctx.text);
  let best: Cand | undefined;
  let consistent = false;
  for (const t of totals) {
    let s = t.score;
    const ok =
      paid.some((p) => change.some((c) => sameMoney(p.value - c.value, t.value))) ||
      ((change.length === 0 || change.some((c) => c.value === 0)) &&
        paid.some((p) => sameMoney(p.value, t.value)));
    // Subtotal + tax = total (EN 16931 arithmetic) confirms a total as cash − change does.
    const sums = subtotals.some((n) =>
      taxes.some((x) => reconcile({ net: n.value, tax: x.value, total: t.value }, rates) === "reconciles"),
    );
    if (ok || sums) s += 2;
    if (!best || s > best.score) {
      best = { value: t.value, score: s };
      consistent = ok || sums;
    }
  }
  if (!best) {
    for (const p of paid)
      for (const c of change)
        if (p.value - c.value > 0 && c.value < p.value) {
          best = { value: roundMoney(p.value - c.value), score: 1 };
          break;
        }
  }
  if (!best) return undefined;
  return {
    value: roundMoney(best.value),
    confidence: clamp(0.3 + best.score * 0.1 + (consistent ? 0.2 : 0)),
  };
}

export function extractReceipt(ctx: Ctx): Fields {
  const f: Fields = {};
  const m = merchant(ctx);
  if (m) f.merchant = m;
  const dated = labelledDate(ctx, [[/(?:^|\s)(?:date|datum|tarikh|fecha|data)\s*[:.]?/, 2]]);
  const first = firstDate(ctx, 80);
  if (dated) f.date = { value: dated.iso, confidence: 0.7 };
  else if (first) f.date = { value: first.iso, confidence: 0.6 };
  const t = receiptMoney(ctx);
  if (t) f.total_amount = t;
  const cur = currencyField(ctx);
  if (cur) f.currency = cur;
  return f;
}
