/**
 * Currency detection: ISO 4217 codes, symbols and local markers, weighted by how explicit they
 * are. "Währung: GBP" / "currency: USD" / "All prices are in US dollars" beat a stray "$".
 * Local markers: RM → MYR, Rs/₹ → INR, R$ → BRL, Fr./CHF → CHF, C$/A$/S$/HK$ → CAD/AUD/SGD/HKD.
 */

export const KNOWN_CURRENCIES = [
  "EUR",
  "USD",
  "GBP",
  "INR",
  "MYR",
  "CHF",
  "JPY",
  "CNY",
  "AUD",
  "CAD",
  "SGD",
  "HKD",
  "NZD",
  "SEK",
  "NOK",
  "DKK",
  "PLN",
  "CZK",
  "HUF",
  "BRL",
  "MXN",
  "ZAR",
  "TRY",
  "RUB",
  "KRW",
  "IDR",
  "THB",
  "PHP",
  "AED",
  "SAR",
  "ILS",
  "RON",
] as const;

const ISO = new Set<string>(KNOWN_CURRENCIES);

interface Cue {
  re: RegExp;
  code: string | ((m: RegExpMatchArray) => string | undefined);
  weight: number;
}

const CUES: Cue[] = [
  // Explicit labels: "Währung: EUR", "Rechnungswährung : GBP", "Currency: USD", "Devise : EUR".
  {
    re: /\b(?:rechnungswährung|währung|currency|devise|moneda|valuta|valute)\s*[:=]?\s*([A-Z]{3})\b/giu,
    code: (m) => m[1]?.toUpperCase(),
    weight: 8,
  },
  {
    re: /\b(?:rechnungswährung|invoice currency)\s*[:=]?\s*([A-Z]{3})\b/giu,
    code: (m) => m[1]?.toUpperCase(),
    weight: 6,
  },
  { re: /\b(?:in|en)\s+(?:US|U\.S\.)\s*dollars?\b/giu, code: "USD", weight: 8 },
  { re: /\bprices are in ([A-Z]{3})\b/giu, code: (m) => m[1], weight: 8 },
  { re: /\b(?:euros?)\b/giu, code: "EUR", weight: 1 },
  { re: /\bpounds? sterling\b/giu, code: "GBP", weight: 4 },
  { re: /\bringgit\b/giu, code: "MYR", weight: 4 },
  { re: /\brupees?\b/giu, code: "INR", weight: 3 },
  // ISO codes next to an amount ("EUR 12,00", "12.00 USD") are strong; loose ones are weak (OCR noise).
  {
    re: /(?<![A-Za-z])([A-Z]{3})\s?(?=[-−]?\d)|(?<=\d\s?)([A-Z]{3})(?![A-Za-z])/gu,
    code: (m) => {
      const c = m[1] ?? m[2] ?? "";
      return ISO.has(c) ? c : undefined;
    },
    weight: 2.5,
  },
  {
    re: /(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])/gu,
    code: (m) => (ISO.has(m[1] ?? "") ? m[1] : undefined),
    weight: 0.75,
  },
  // Prefixed dollars before the bare "$".
  { re: /(?:US\$|USD\$)/gu, code: "USD", weight: 3 },
  { re: /(?:CA\$|C\$)(?=\s?\d)/gu, code: "CAD", weight: 3 },
  { re: /(?:AU\$|A\$)(?=\s?\d)/gu, code: "AUD", weight: 3 },
  { re: /S\$(?=\s?\d)/gu, code: "SGD", weight: 3 },
  { re: /HK\$(?=\s?\d)/gu, code: "HKD", weight: 3 },
  { re: /R\$(?=\s?\d)/gu, code: "BRL", weight: 3 },
  { re: /(?<![A-Za-z]|[A-Z]\$)\$/gu, code: "USD", weight: 1 },
  { re: /€/gu, code: "EUR", weight: 1.5 },
  { re: /£/gu, code: "GBP", weight: 1.5 },
  { re: /₹/gu, code: "INR", weight: 2 },
  { re: /¥/gu, code: "JPY", weight: 1 },
  { re: /₩/gu, code: "KRW", weight: 2 },
  // Local markers attached to amounts.
  { re: /(?<![A-Za-z])RM\s?\d|(?<![A-Za-z])RM(?![A-Za-z])/gu, code: "MYR", weight: 2 },
  { re: /(?<![A-Za-z])Rs\.?\s?[-−]?\d/gu, code: "INR", weight: 2 },
  // Country markers: where "$" or no symbol is printed, the issuer's country decides.
  {
    re: /\b(?:sdn\.?\s*bhd|bhd|malaysia|jalan|taman|kuala\s+lumpur|selangor|johor|petaling\s+jaya|penang)\b/giu,
    code: "MYR",
    weight: 2.5,
  },
  {
    re: /\b(?:gstin|pvt\.?\s*ltd|india|mumbai|bangalore|bengaluru|new\s+delhi|uttar\s+pradesh)\b/giu,
    code: "INR",
    weight: 2,
  },
  {
    re: /\b(?:deutschland|germany|österreich|france|nederland|españa|italia|belgique|belgi[eë])\b/giu,
    code: "EUR",
    weight: 1,
  },
  { re: /\b(?:united\s+kingdom|england|london)\b/giu, code: "GBP", weight: 1 },
  { re: /(?<![A-Za-z])(?:Fr\.|SFr\.?)\s?\d/gu, code: "CHF", weight: 2 },
];

export interface CurrencyGuess {
  code: string;
  /** Share of the evidence weight held by the winner, damped when the evidence is thin. */
  confidence: number;
  scores: Record<string, number>;
}

export function detectCurrency(text: string): CurrencyGuess | undefined {
  const scores: Record<string, number> = {};
  for (const cue of CUES) {
    let n = 0;
    for (const m of text.matchAll(cue.re)) {
      const code = typeof cue.code === "string" ? cue.code : cue.code(m);
      if (!code || !ISO.has(code)) continue;
      // Diminishing returns: the 10th "€" says little more than the 3rd.
      n++;
      scores[code] = (scores[code] ?? 0) + cue.weight / Math.sqrt(n);
    }
  }
  const ranked = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  const top = ranked[0];
  if (!top) return undefined;
  const total = ranked.reduce((s, [, v]) => s + v, 0);
  const share = top[1] / total;
  const strength = 1 - Math.exp(-top[1] / 3);
  return { code: top[0], confidence: Math.round(share * strength * 100) / 100, scores };
}

/** The currency written in one token ("RM", "Rs.", "€", "usd"), if any. */
export function currencyOfToken(token: string): string | undefined {
  const t = token.trim();
  const up = t.toUpperCase();
  if (ISO.has(up)) return up;
  const map: Record<string, string> = {
    "€": "EUR",
    $: "USD",
    US$: "USD",
    "£": "GBP",
    "₹": "INR",
    RS: "INR",
    "RS.": "INR",
    RM: "MYR",
    "¥": "JPY",
    "₩": "KRW",
    R$: "BRL",
    C$: "CAD",
    CA$: "CAD",
    A$: "AUD",
    AU$: "AUD",
    S$: "SGD",
    HK$: "HKD",
    "FR.": "CHF",
    "SFR.": "CHF",
  };
  return map[up];
}
