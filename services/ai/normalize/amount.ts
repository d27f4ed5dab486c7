/**
 * Amount normalisation: printed money amounts to JS numbers, whatever the locale.
 *   "1.021,91" → 1021.91   "1,021.91" → 1021.91   "1021,91" → 1021.91   "120 000,00" → 120000
 *   "RM29.30" → 29.3       "Rs 1939" → 1939       "$ 279.84" → 279.84   "-0,00" → 0
 *   "(12.50)" → -12.5      "12.50-" → -12.5       "1'234.50" → 1234.5
 * Decimal separator rules: with both "." and "," the last one is decimal; a single separator
 * followed by exactly three digits is a thousands separator ("1,021" → 1021), otherwise decimal.
 */

const CURRENCY_AFFIX =
  /^(?:[A-Z]{3}|RM|Rs\.?|R\$|US\$|CA\$|A\$|S\$|HK\$|NZ\$|Fr\.?|[$€£¥₹₩₽₺₪฿])\s*|\s*(?:[A-Z]{3}|RM|€|£|\$|₹|¥|,-|\.-)$/u;

/** Parses one printed amount; undefined when it is not a plain number. */
export function parseAmount(raw: string): number | undefined {
  let s = raw.trim().replace(/[\u00a0\u202f\u2009]/g, " ");
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  for (let i = 0; i < 3; i++) {
    const before = s;
    s = s.replace(CURRENCY_AFFIX, "").trim();
    if (s.startsWith("-") || s.startsWith("−")) {
      negative = !negative;
      s = s.slice(1).trim();
    } else if (s.endsWith("-") && /\d-$/.test(s)) {
      negative = !negative;
      s = s.slice(0, -1).trim();
    } else if (s.startsWith("+")) s = s.slice(1).trim();
    if (s === before) break;
  }
  if (!/^\d[\d.,' ]*$/.test(s) || /[.,' ]$/.test(s)) return undefined;
  const value = parseDigits(s);
  if (value === undefined) return undefined;
  const n = negative ? -value : value;
  return Object.is(n, -0) ? 0 : n;
}

function parseDigits(s: string): number | undefined {
  const lastDot = s.lastIndexOf(".");
  const lastComma = s.lastIndexOf(",");
  let decimalSep: "." | "," | undefined;
  if (lastDot >= 0 && lastComma >= 0) decimalSep = lastDot > lastComma ? "." : ",";
  else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? "." : ",";
    const count = s.split(sep).length - 1;
    const tail = s.length - s.lastIndexOf(sep) - 1;
    if (count === 1 && tail !== 3) decimalSep = sep;
    else if (count === 1 && tail === 3 && /^0[.,]/.test(s)) decimalSep = sep; // "0,125"
  }
  let intPart = s;
  let frac = "";
  if (decimalSep) {
    const i = s.lastIndexOf(decimalSep);
    intPart = s.slice(0, i);
    frac = s.slice(i + 1);
    if (!/^\d+$/.test(frac)) return undefined;
  }
  // Thousands groups: every separator must be followed by exactly three digits.
  const groups = intPart.split(/[.,' ]/);
  if (groups.length > 1) {
    if (!/^\d{1,3}$/.test(groups[0] as string)) return undefined;
    for (const g of groups.slice(1)) if (!/^\d{3}$/.test(g)) return undefined;
  }
  const digits = groups.join("");
  if (!/^\d+$/.test(digits)) return undefined;
  const n = Number(frac ? `${digits}.${frac}` : digits);
  return Number.isFinite(n) ? n : undefined;
}

/** An amount found in running text, with where it was. */
export interface AmountMatch {
  value: number;
  raw: string;
  index: number;
  /** True when a currency symbol or code is attached or a decimal part is printed. */
  moneyLike: boolean;
}

// A number: comma/dot/apostrophe thousands groups, or space groups only before a comma decimal
// part ("120 000,00"), then an optional 1–4 digit decimal part. Optional currency affixes.
const AMOUNT_RE =
  /(?<![\p{L}\d.,/:-])(\(?)((?:RM|Rs\.?|[$€£₹¥]|(?:EUR|USD|GBP|INR|MYR|CHF)\s?)?\s?[-−]?\s?)(\d{1,3}(?:[.,']\d{3})+(?:[.,]\d{1,4})?|\d{1,3}(?: \d{3})+,\d{2}|\d+(?:[.,]\d{1,4})?)(\s?(?:€|EUR|USD|GBP|£)?)(\)?)(?![\d\p{L}]|[.,]\d|%|\s?%|[/:-]\d)/gu;

/** Every amount-like number in `text` (percentages, dates, times and identifiers are skipped). */
export function findAmounts(text: string): AmountMatch[] {
  const out: AmountMatch[] = [];
  for (const m of text.matchAll(AMOUNT_RE)) {
    const [, open = "", prefix = "", num = "", suffix = "", close = ""] = m;
    const neg = /[-−]/.test(prefix) || (open === "(" && close === ")");
    const v = parseAmount(num);
    if (v === undefined) continue;
    const hasCurrency = /[^\s\-−]/.test(prefix) || suffix.trim().length > 0;
    out.push({
      value: neg ? -v : v,
      raw: m[0],
      index: (m.index ?? 0) + open.length,
      moneyLike: hasCurrency || /[.,]\d{2}$/.test(num),
    });
  }
  return out;
}

/** Rounds to cents, the precision totals are compared at. */
export function roundMoney(n: number): number {
  return Math.round(n * 100) / 100;
}

export function sameMoney(a: number, b: number): boolean {
  return Math.abs(a - b) < 0.011;
}
