/**
 * Date normalisation to ISO YYYY-MM-DD, whatever the printed format:
 *   05.03.2018, 5/3/18, 11/03/2017 (US or EU, see DateOrder), 12-01-19, 2018-03-05, 20.10.2015,
 *   05 MAR 2018, 5. März 2018, 19 april 2014, 02 Juillet 2015, March 5, 2018, Jan 31, 2022,
 *   January 18th, 2020, "18th day of January, 2020", 28 Jan 15.
 * Numeric day/month order is ambiguous (11/03/2017); `inferDateOrder` decides it per document
 * from unambiguous dates in the same text (a 17/11/2017 or 11/17/2017 settles it) and hints.
 */

export type DateOrder = "DMY" | "MDY";

const MONTHS: Record<string, number> = {};
const MONTH_NAMES: [number, string[]][] = [
  [
    1,
    [
      "january",
      "jan",
      "januar",
      "jänner",
      "janvier",
      "janv",
      "enero",
      "ene",
      "gennaio",
      "gen",
      "januari",
      "janeiro",
    ],
  ],
  [
    2,
    [
      "february",
      "feb",
      "februar",
      "février",
      "fevrier",
      "févr",
      "fev",
      "febrero",
      "febbraio",
      "februari",
      "fevereiro",
    ],
  ],
  [3, ["march", "mar", "märz", "maerz", "mars", "marzo", "maart", "mrt", "março", "marco"]],
  [4, ["april", "apr", "avril", "avr", "abril", "abr", "aprile"]],
  [5, ["may", "mai", "mayo", "maggio", "mei", "maio", "mag"]],
  [6, ["june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho"]],
  [7, ["july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho"]],
  [8, ["august", "aug", "août", "aout", "agosto", "ago", "augustus"]],
  [9, ["september", "sep", "sept", "septembre", "septiembre", "settembre", "set", "setembro"]],
  [10, ["october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out"]],
  [11, ["november", "nov", "novembre", "noviembre", "novembro"]],
  [
    12,
    [
      "december",
      "dec",
      "dezember",
      "dez",
      "décembre",
      "decembre",
      "déc",
      "diciembre",
      "dic",
      "dicembre",
      "dezembro",
    ],
  ],
];
for (const [n, names] of MONTH_NAMES) for (const name of names) MONTHS[name] = n;

const MONTH_ALT = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .map((m) => m.replace(/\./g, "\\."))
  .join("|");

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function fullYear(y: number, digits: number): number {
  if (digits >= 4) return y;
  return y < 70 ? 2000 + y : 1900 + y;
}

/** ISO string when y/m/d is a real calendar date between 1900 and 2100. */
export function isoDate(y: number, m: number, d: number): string | undefined {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

export function monthNumber(name: string): number | undefined {
  return MONTHS[name.toLowerCase().replace(/\.$/, "")];
}

export interface DateMatch {
  iso: string;
  raw: string;
  index: number;
  /** True for numeric d/m orders that could be read either way (both parts ≤ 12, differ). */
  ambiguous: boolean;
}

const ORD = "(?:st|nd|rd|th|er|e|º|°)?";
const D = "(\\d{1,2})";
const SEP_WORD = "[\\s.,-]*(?:(?:de|del|of)\\s+)?";

const PATTERNS: {
  re: RegExp;
  build: (m: RegExpMatchArray, order: DateOrder) => [string | undefined, boolean];
}[] = [
  // 2018-03-05, 2018/03/05, 2018.03.05 (also with a time after it)
  {
    re: /(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/g,
    build: (m) => [isoDate(+(m[1] as string), +(m[2] as string), +(m[3] as string)), false],
  },
  // 05.03.2018, 5/3/18, 12-01-19, 05.03.18
  {
    re: /(?<![\d.,/-])(\d{1,2})\s?([./-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?![\d]|[.,]\d)/g,
    build: (m, order) => {
      const a = +(m[1] as string);
      const b = +(m[3] as string);
      const y = fullYear(+(m[4] as string), (m[4] as string).length);
      const amb = a <= 12 && b <= 12 && a !== b;
      if (a > 12) return [isoDate(y, b, a), false];
      if (b > 12) return [isoDate(y, a, b), false];
      // Dotted dates are a day-first convention; only slashes and dashes follow the document order.
      if (m[2] === ".") return [isoDate(y, b, a), false];
      return [order === "MDY" ? isoDate(y, a, b) : isoDate(y, b, a), amb];
    },
  },
  // 5 March 2018, 05 MAR 2018, 5. März 2018, 18th day of January, 2020, 28 Jan 15, 02 Juillet 2015
  {
    re: new RegExp(
      `(?<![\\p{L}\\d])${D}\\s?${ORD}\\.?(?:\\s+day\\s+of)?${SEP_WORD}(${MONTH_ALT})\\.?${SEP_WORD}(\\d{4}|\\d{2})(?!\\d)`,
      "giu",
    ),
    build: (m) => {
      const y = fullYear(+(m[3] as string), (m[3] as string).length);
      const mo = monthNumber(m[2] as string);
      return [mo ? isoDate(y, mo, +(m[1] as string)) : undefined, false];
    },
  },
  // March 5, 2018, Jan 31, 2022, January 18th, 2020
  {
    re: new RegExp(`(?<![\\p{L}])(${MONTH_ALT})\\.?\\s+${D}${ORD}\\s*,?\\s+(\\d{4})(?!\\d)`, "giu"),
    build: (m) => {
      const mo = monthNumber(m[1] as string);
      return [mo ? isoDate(+(m[3] as string), mo, +(m[2] as string)) : undefined, false];
    },
  },
];

/** Every date in `text`, in order of position. */
export function findDates(text: string, order: DateOrder = "DMY"): DateMatch[] {
  const out: DateMatch[] = [];
  const taken: [number, number][] = [];
  for (const p of PATTERNS) {
    for (const m of text.matchAll(p.re)) {
      const index = m.index ?? 0;
      const end = index + m[0].length;
      if (taken.some(([s, e]) => index < e && end > s)) continue;
      const [iso, ambiguous] = p.build(m, order);
      if (!iso) continue;
      taken.push([index, end]);
      out.push({ iso, raw: m[0], index, ambiguous });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Parses a string holding one date; undefined if none. */
export function parseDate(raw: string, order: DateOrder = "DMY"): string | undefined {
  return findDates(raw, order)[0]?.iso;
}

/**
 * Day/month order for a document: unambiguous numeric dates decide (13/11/2017 → DMY,
 * 11/17/2017 → MDY); without them, US conventions (English text with USD) give MDY, else DMY.
 */
export function inferDateOrder(
  text: string,
  hints: { language?: string; currency?: string } = {},
): DateOrder {
  let dmy = 0;
  let mdy = 0;
  for (const m of text.matchAll(/(?<![\d.,/-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)/g)) {
    const a = +(m[1] as string);
    const b = +(m[3] as string);
    // Dots are a European convention even when unambiguous evidence is absent.
    if (m[2] === ".") dmy += 0.25;
    if (a > 12 && b <= 12) dmy++;
    else if (b > 12 && a <= 12) mdy++;
  }
  if (mdy > dmy) return "MDY";
  if (dmy > mdy) return "DMY";
  return hints.language === "en" && hints.currency === "USD" ? "MDY" : "DMY";
}
