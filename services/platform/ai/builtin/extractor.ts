import type { ParsedDocument } from "../../parsing/types.ts";
import type { Category, Extraction, FieldValue } from "../ai.ts";
import { FIELD_KEYS, REQUIRED_FIELDS } from "../ai.ts";
import { type AmountMatch, findAmounts, roundMoney, sameMoney } from "../normalize/amount.ts";
import { detectCurrency } from "../normalize/currency.ts";
import { type DateOrder, findDates, inferDateOrder } from "../normalize/date.ts";
import { cells, findLabels, type LabelHit, type Line, toLines } from "./lines.ts";

/**
 * The built-in extractor: label-anchored rules per category, multilingual labels (en/de/fr/nl/
 * es/it/pt), normalised values, and a confidence per field from how the value was found
 * (explicit label vs fallback) and whether it is consistent (net + tax = total, cash − change = total).
 */

interface Ctx {
  doc: ParsedDocument;
  text: string;
  lines: Line[];
  order: DateOrder;
  currency?: { code: string; confidence: number };
}

type Fields = Record<string, FieldValue>;

function context(doc: ParsedDocument): Ctx {
  // OCR splits decimals ("49. 39"); join a separator followed by a space and exactly two digits.
  const text = doc.ocr ? doc.text.replace(/(\d)([.,]) (\d{2})(?!\d)/g, "$1$2$3") : doc.text;
  const cur = detectCurrency(text);
  const order = inferDateOrder(text, { language: doc.language, currency: cur?.code });
  return { doc, text, lines: toLines(text), order, currency: cur };
}

function clamp(x: number): number {
  return Math.round(Math.max(0, Math.min(1, x)) * 100) / 100;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const ID_TOKEN = /^[#:\s]*([A-Za-z0-9][A-Za-z0-9\-/._]*[A-Za-z0-9]|\d)/;

function idFrom(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const m = ID_TOKEN.exec(s);
  const v = m?.[1];
  if (!v || !/\d/.test(v) || v.length < 3) return undefined;
  if (/^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(v)) return undefined; // a date
  return v;
}

function dateFromHit(h: LabelHit, ctx: Ctx): string | undefined {
  for (const s of [h.cellRest, h.below, h.rest, h.next]) {
    if (!s) continue;
    const d = findDates(s, ctx.order)[0];
    // The next line counts when the date opens it, or when the label line is a column header (no digits).
    if (d && (s !== h.rest || d.index < 40) && (s !== h.next || d.index < 12 || !/\d/.test(h.rest)))
      return d.iso;
  }
  return undefined;
}

interface Cand {
  value: number;
  score: number;
}

/** Amounts after a label: the cell's last amount, else the cell below, else the next cells'. */
function amountsFromHit(h: LabelHit, base: number, lines?: Line[]): Cand[] {
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

function collect(ctx: Ctx, specs: [RegExp, number][], exclude?: RegExp): Cand[] {
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

const COMPANY_SUFFIX =
  /\b(gmbh(?:\s*&\s*co\.?\s*kg)?|ag|kg|e\.\s?k\.|a\.\s?g\.|b\.\s?v\.|bv|n\.\s?v\.|ltd\.?|limited|inc\.?|llc|l\.l\.c\.|corp\.?|corporation|company|co\.|plc|sarl|sas|s\.a\.s?\.?|sa|s\.l\.|s\.r\.l\.|srl|spa|s\.p\.a\.|sdn\.?\s*bhd\.?|bhd|s\/b|pvt\.?\s*ltd\.?|pty\.?\s*ltd\.?|oy|ab|as|aps|kft|zrt)\b\.?/i;

/** The company name in a line: text up to and including a legal-form suffix. */
function companyIn(raw: string): string | undefined {
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

function nameAfter(h: LabelHit, ctx: Ctx, scan = 5): string | undefined {
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

function cleanName(s: string): string {
  return s
    .replace(/\s*\((?:co\.?\s*)?(?:no\.?|reg)[^)]*\)\s*$/i, "")
    .replace(/\s*\(\d[\d-]*-?[A-Z]?\)\s*$/, "")
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}.)]+$/gu, "")
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Invoice

const INVOICE_NUMBER: [RegExp, number][] = [
  [
    /(?:rechnungs|factuur|invoice\s*|factura\s*|fattura\s*|fatura\s*)(?:nummer|number|nr\.?|no\.?|n[°º]|num(?:ero)?\.?|#)\s*[:.#]?/,
    3,
  ],
  [
    /(?:facture|invoice|rechnung|factuur|bill)\s*(?:\(\d+\)\s*)?(?:nr\.?|no\.?|n[°º]|num(?:ero)?\.?|#|number|id)\s*[:.#]?/,
    3,
  ],
  [/(?:n[°º]|numero)\s*(?:de\s+)?(?:la\s+)?facture\s*[:.]?/, 3],
  [
    /(?:rechnung|facture|invoice|factura|factuur)[^\n]{0,30}?(?:\bnr|\bno|n[°º])\.?\s*[:.#]?\s*(?=[a-z0-9]*\d)/,
    2.5,
  ],
  [/(?:^|\s)(?:invoice|facture|rechnung|factura|factuur)\s+(?=[a-z0-9_/.-]*\d)/, 2],
  [/(?:^|\s)(?:inv|bill|receipt|document)\s*(?:no\.?|#|nr\.?|number)\s*[:.]?/, 1.5],
  [/(?:^|\s)(?:invoice|rechnung|facture|factura|factuur)\s*$/, 2],
];

function invoiceNumber(ctx: Ctx): FieldValue | undefined {
  let best: { v: string; s: number } | undefined;
  for (const [re, w] of INVOICE_NUMBER) {
    for (const h of findLabels(ctx.lines, re)) {
      // A heading "INVOICE" with "# 123" on the next line counts as a label too.
      const nextId =
        h.cellRest === "" && h.next && /^(?:#|no\.?|nr\.?|n°)\s*/i.test(h.next)
          ? idFrom(h.next.replace(/^(?:no\.?|nr\.?|n°)/i, ""))
          : undefined;
      const v = idFrom(h.cellRest) ?? idFrom(h.below) ?? idFrom(h.rest.slice(0, 30)) ?? nextId;
      if (!v) continue;
      const s = w - h.line * 0.01;
      if (!best || s > best.s) best = { v, s };
    }
  }
  if (!best) return undefined;
  return { value: best.v, confidence: clamp(0.45 + best.s * 0.15) };
}

const ISSUE_DATE: [RegExp, number][] = [
  [
    /(?:invoice|rechnungs|factuur|facture|factura|fattura|fatura|billing)\s*[-]?\s*(?:date|datum|du|fecha|data)/,
    3,
  ],
  [/date\s+(?:de\s+)?(?:la\s+)?(?:facture|facturation|d'emission)/, 3],
  [/(?:rechnung|facture|invoice)\b[^\n]{0,40}?\b(?:vom|du|dated|del)\b/, 2.5],
  [/(?:^|\s)(?:date|datum|fecha|data|issued|date d'emission)\s*[:.]?/, 1.5],
];

const DUE_DATE: [RegExp, number][] = [
  [
    /(?:due\s*date|payment\s*due|date\s+d'echeance|echeance|date\s+limite\s+de\s+paiement|fallig(?:keit)?(?:sdatum)?|faellig|vervaldatum|fecha\s+de\s+vencimiento|scadenza|data\s+de\s+vencimento|zahlbar\s+bis|due\s*on|pay\s*by)/,
    3,
  ],
  [/(?:zahlbar|payable)[^\n]{0,40}?\bbis\b/, 2.5],
  [/(?:zahlen|uberweisen|bezahlen|begleichen)[^\n]{0,60}?\bbis(?:\s+zum|\s+spatestens)?\b/, 2.5],
];

function labelledDate(
  ctx: Ctx,
  specs: [RegExp, number][],
  exclude?: RegExp,
): { iso: string; s: number } | undefined {
  let best: { iso: string; s: number } | undefined;
  for (const [re, w] of specs) {
    for (const h of findLabels(ctx.lines, re)) {
      if (exclude?.test((ctx.lines[h.line] as Line).folded)) continue;
      const iso = dateFromHit(h, ctx);
      if (!iso) continue;
      const s = w - h.line * 0.005;
      if (!best || s > best.s) best = { iso, s };
    }
  }
  return best;
}

const TOTAL_LABELS: [RegExp, number][] = [
  [
    /(?:grand\s*total|invoice\s*total|total\s*ttc|montant\s*(?:eur\s*)?ttc|bruttosumme|brutto\s*betrag|gesamtbetrag|rechnungsbetrag|rechnungssumme(?!\s+ohne)|total\s*amount|total\s*due|totaal|total\s*a\s*payer|somme\s*a\s*payer|importe\s*total|total\s*\(?incl|total\s*inclusive|incl\.?\s*(?:btw|vat|mwst)|amount\s*payable|total\s*general|total\s*facture)/,
    3,
  ],
  [
    /(?:^|\s)(?:total|summe|gesamt|endbetrag|balance\s*due|amount\s*due|zahlbetrag|zu\s*zahlen|net\s*a\s*payer|a\s*payer|te\s*betalen)(?![\p{L}])/u,
    2,
  ],
];
const TOTAL_EXCLUDE =
  /sub\s*-?total|zwischen|excl|exkl|ohne|hors|\bht\b|\bnet(?:to)?\b(?!\s*a\s*payer)|tax(?!\s*incl)|\bvat\b|mwst|\bust\b|tva|\bbtw\b(?!\s*\d)|savings|discount|rabatt|remise|\bqty\b|item|zuschl|abschl|rounding|positionssumme|der\s+(?:zu|ab)|anzahl/;

const NET_LABELS: [RegExp, number][] = [
  [
    /(?:net\s*amount|net\s*total|nettobetrag|nettosumme|summe\s*netto|total\s*ht|montant\s*(?:eur\s*)?ht|hors\s*taxe|exclusief\s*btw|excl\.?\s*(?:vat|btw|tax|gst)|total\s*excl|rechnungssumme\s*ohne|ohne\s*ust|steuerbasis|tax\s*base|basisbetrag|untaxed|subtotal|sub\s*total|sub-total|zwischensumme|total\s*\(?excluding|base\s*imponible|imponibile|totaal\s*excl)/,
    3,
  ],
  [/(?:^|\s)(?:netto|net|positionssumme|warenwert)(?![\p{L}])/u, 1.5],
];

const TAX_LABELS: [RegExp, number][] = [
  [
    /(?:tax\s*total|total\s*tax|vat\s*amount|montant\s*tva|total\s*tva|steuerbetrag|umsatzsteuer\s*betrag|mwst\.?\s*betrag|ust\.?\s*betrag|btw\s*bedrag|importe\s*iva|gst\s*payable|gst\s*amount|tax\s*amount|sales\s*tax)/,
    3,
  ],
  [/(?:^|\s)(?:vat|tax|mwst|ust|umsatzsteuer|tva|btw|iva|gst|taxes)(?![\p{L}])/u, 1.5],
];
const TAX_EXCLUDE =
  /(?:number|nummer|\bnr\b|\bid\b|-id|\bno\b|reg|identif|intracom|steuernummer|tax\s*id|exempt|befrei)/;

interface Money {
  total?: Cand;
  net?: Cand;
  tax?: Cand;
  consistent: boolean;
}

/** Picks (net, tax, total) maximising label evidence, rewarding net + tax = total. */
function solveMoney(ctx: Ctx): Money {
  const totals = collect(ctx, TOTAL_LABELS, TOTAL_EXCLUDE).slice(0, 8);
  const nets = collect(ctx, NET_LABELS).slice(0, 8);
  const taxes = collect(ctx, TAX_LABELS, TAX_EXCLUDE).slice(0, 8);
  let best: Money & { score: number } = { consistent: false, score: -1 };
  const opt = <T>(xs: T[]): (T | undefined)[] => [undefined, ...xs];
  for (const g of opt(totals))
    for (const n of opt(nets))
      for (const t of opt(taxes)) {
        let score = (g?.score ?? 0) * 1.2 + (n?.score ?? 0) + (t?.score ?? 0) * 0.8;
        let consistent = false;
        if (g && n && t) {
          if (sameMoney(n.value + t.value, g.value) && g.value > 0) {
            score += 4;
            consistent = true;
          } else score -= 2;
        } else if (g && n) {
          if (n.value > g.value + 0.01) score -= 3;
        }
        if (score > best.score) best = { total: g, net: n, tax: t, consistent, score };
      }
  // Net = total with no tax line: a tax-exempt invoice.
  return best;
}

function fieldOfCand(c: Cand | undefined, consistent: boolean): FieldValue | undefined {
  if (!c) return undefined;
  return { value: roundMoney(c.value), confidence: clamp(0.35 + c.score * 0.12 + (consistent ? 0.25 : 0)) };
}

const SELLER_LABELS =
  /(?:^|\s{3})(?:verkaufer|seller|lieferant|supplier|vendor|sold\s*by|from\s*:|emetteur|fournisseur|vendeur|verkoper|leverancier|proveedor|fornitore|issued\s*by|rechnungssteller)(?![\p{L}])\s*:?\s*/u;
const BUYER_LABELS =
  /(?:^|\s{3})(?:kaufer|leistungsempfanger|rechnungsempfanger|kunde|bill\s*to|billed\s*to|invoice\s*to|sold\s*to|customer|client|buyer|acheteur|destinataire|facture\s*a\s*:|klant|cliente|comprador|empfanger|to\s*:)(?![\p{L}])\s*:?\s*(?:\/\s*leistungsempfanger)?/u;
const NOT_A_NAME =
  /^(?:invoice|rechnung|facture|factura|factuur|page|seite|tax|date|datum|tel|phone|fax|e-?mail|www|http|original|copy|kopie|nummer|number|no|n°|to)(?![\p{L}])/iu;

function issuer(ctx: Ctx): FieldValue | undefined {
  for (const h of findLabels(ctx.lines, SELLER_LABELS)) {
    if (h.line > 60) break;
    const n = nameAfter(h, ctx);
    if (n && !NOT_A_NAME.test(n)) return { value: cleanName(n), confidence: 0.65 };
  }
  const buyerLines = new Set(
    findLabels(ctx.lines, BUYER_LABELS).flatMap((h) => [0, 1, 2, 3, 4, 5, 6].map((k) => h.line + k)),
  );
  for (const l of ctx.lines.slice(0, 15)) {
    if (buyerLines.has(l.index)) continue;
    const c = companyIn(l.raw);
    if (c) return { value: cleanName(c), confidence: 0.55 };
  }
  // The payee of the bank account is the issuer.
  for (const h of findLabels(ctx.lines, ACCOUNT_HOLDER)) {
    const n = h.cellRest.replace(/\s+[-–|·•]\s.*$/, "").trim();
    if (n && /^[\p{Lu}\d]/u.test(n) && /\p{L}{2,}/u.test(n) && n.length <= 60)
      return { value: cleanName(n), confidence: 0.5 };
  }
  // Fallback: the first line that reads like a name.
  for (const l of ctx.lines.slice(0, 6)) {
    const first = cells(l.raw)[0] ?? "";
    if (
      first.length >= 3 &&
      /^\p{L}/u.test(first) &&
      !NOT_A_NAME.test(first) &&
      (first.match(/\d/g)?.length ?? 0) < 3
    ) {
      return { value: cleanName(first), confidence: 0.25 };
    }
  }
  return undefined;
}

function buyer(ctx: Ctx, issuerName?: string): FieldValue | undefined {
  for (const h of findLabels(ctx.lines, BUYER_LABELS)) {
    if (h.line > 80) break;
    const line = ctx.lines[h.line] as Line;
    if (/(?:nummer|number|\bnr\b|\bno\b|\bid\b|vat|ust)/.test(line.folded)) {
      // "Kunde Nr. 123": a label for an id, but a "Name:" may follow below.
      for (let k = h.line + 1; k <= Math.min(ctx.lines.length - 1, h.line + 5); k++) {
        const m = /^(?:name|firma|nom|naam|nombre|nome)\s*:\s*(.+)$/i.exec((ctx.lines[k] as Line).raw);
        if (m?.[1]) return { value: cleanName(m[1].trim()), confidence: 0.5 };
      }
      continue;
    }
    if (/^\p{Ll}/u.test(h.cellRest)) continue; // "Invoice to pay by …": a sentence, not a label
    const n = nameAfter(h, ctx);
    if (n && !NOT_A_NAME.test(n) && n !== issuerName) return { value: cleanName(n), confidence: 0.5 };
  }
  // Without a buyer label, the delivery recipient is usually the buyer.
  for (const h of findLabels(ctx.lines, DELIVERY_LABELS)) {
    if (h.line > 40) break;
    const n = nameAfter(h, ctx, 3);
    if (n && !NOT_A_NAME.test(n) && n !== issuerName) return { value: cleanName(n), confidence: 0.35 };
  }
  return undefined;
}

const DELIVERY_LABELS =
  /(?:^|\s{3})(?:delivery\s*address|ship\s*to|shipping\s*address|adresse\s*de\s*livraison|livre\s*a|lieferadresse|lieferanschrift|warenempfanger|afleveradres|direccion\s*de\s*entrega|indirizzo\s*di\s*consegna)(?![\p{L}])\s*:?\s*/u;
const ACCOUNT_HOLDER =
  /(?:titulaire\s*du\s*compte|kontoinhaber|kontoname|account\s*holder|account\s*name|beneficiary|payee|begunstigde|rekeninghouder|titular\s*de\s*la\s*cuenta|intestatario)\s*:?\s*/;

function currencyField(ctx: Ctx): FieldValue | undefined {
  if (!ctx.currency) return undefined;
  return { value: ctx.currency.code, confidence: clamp(0.3 + 0.65 * ctx.currency.confidence) };
}

function firstDate(ctx: Ctx, maxLine = 40): { iso: string; line: number } | undefined {
  for (const l of ctx.lines.slice(0, maxLine)) {
    const d = findDates(l.raw, ctx.order)[0];
    if (d) return { iso: d.iso, line: l.index };
  }
  return undefined;
}

function extractInvoice(ctx: Ctx): Fields {
  const f: Fields = {};
  const num = invoiceNumber(ctx);
  if (num) f.invoice_number = num;
  const iss = issuer(ctx);
  if (iss) f.issuer = iss;
  const buy = buyer(ctx, iss?.value as string | undefined);
  if (buy) f.buyer = buy;
  const due = labelledDate(ctx, DUE_DATE);
  const issued = labelledDate(
    ctx,
    ISSUE_DATE,
    /(?:due|echeance|fallig|faellig|vervaldatum|vencimiento|scadenza|order|bestell|liefer|delivery|leistungs|livraison|payment|zahlung|paiement)/,
  );
  if (issued) f.date = { value: issued.iso, confidence: clamp(0.4 + issued.s * 0.15) };
  else {
    const d = firstDate(ctx);
    if (d && d.iso !== due?.iso) f.date = { value: d.iso, confidence: 0.35 };
  }
  if (due && due.iso !== (f.date?.value as string | undefined)) {
    f.due_date = { value: due.iso, confidence: clamp(0.4 + due.s * 0.12) };
  }
  const money = solveMoney(ctx);
  let total = money.total;
  if (!total) {
    // No labelled total: the largest money-like amount is a weak guess.
    const all = findAmounts(ctx.text).filter((a) => a.moneyLike && a.value > 0);
    const max = all.reduce<number | undefined>(
      (m, a) => (m === undefined || a.value > m ? a.value : m),
      undefined,
    );
    if (max !== undefined) total = { value: max, score: 0.3 };
  }
  const t = fieldOfCand(total, money.consistent);
  if (t) f.total_amount = t;
  const n = fieldOfCand(money.net, money.consistent);
  if (n) f.net_amount = n;
  const x = fieldOfCand(money.tax, money.consistent);
  if (x) f.tax_amount = x;
  if (!x && money.consistent === false && money.net && money.total && money.net.value <= money.total.value) {
    f.tax_amount = { value: roundMoney(money.total.value - money.net.value), confidence: 0.4 };
  }
  const cur = currencyField(ctx);
  if (cur) f.currency = cur;
  return f;
}

// ---------------------------------------------------------------------------------------------
// Receipt

const MERCHANT_WORDS =
  /\b(sdn\.?\s*bhd|bhd|s\/b|enterprise|trading|restaurant|restoran|store|mart|shop|cafe|bakery|confectionery|supermarket|hypermarket|hardware|pharmacy|stationery|bookstore|book|kedai|gmbh|ltd|inc|llc|market|food|fresh|bistro|deli|kitchen)\b/i;
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
  let best: Cand | undefined;
  let consistent = false;
  for (const t of totals) {
    let s = t.score;
    const ok =
      paid.some((p) => change.some((c) => sameMoney(p.value - c.value, t.value))) ||
      ((change.length === 0 || change.some((c) => c.value === 0)) &&
        paid.some((p) => sameMoney(p.value, t.value)));
    if (ok) s += 2;
    if (!best || s > best.score) {
      best = { value: t.value, score: s };
      consistent = ok;
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

function extractReceipt(ctx: Ctx): Fields {
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

// ---------------------------------------------------------------------------------------------
// Contract

const CONTRACT_WORDS =
  /\b(agreement|contract|license|licence|lease|addendum|amendment|memorandum of understanding|vertrag|vereinbarung|contrat|contrato|contratto|overeenkomst)\b/i;

function contractTitle(ctx: Ctx): FieldValue | undefined {
  const head = ctx.lines.slice(0, 60).filter((l) => l.raw.length > 0);
  // Prefer an upper-case heading naming the contract type, then any short heading with one.
  for (const strictUpper of [true, false]) {
    for (let i = 0; i < head.length; i++) {
      const l = head[i] as Line;
      const raw = l.raw.replace(/\s+/g, " ").trim();
      if (!CONTRACT_WORDS.test(raw) || raw.split(" ").length > 12 || raw.length < 8) continue;
      const letters = raw.replace(/[^\p{L}]/gu, "");
      const upper = letters.length > 0 && letters === letters.toUpperCase();
      if (strictUpper && !upper) continue;
      if (!strictUpper && /[.;]$/.test(raw)) continue;
      let title = raw.replace(/^(?:exhibit|schedule|annex)\s+[\w.()-]+\s*/i, "").trim();
      // A heading split over two lines: "VIDEO-ON-DEMAND CONTENT" + "LICENSE AGREEMENT".
      const prev = head[i - 1];
      if (
        upper &&
        prev &&
        prev.raw.length < 60 &&
        prev.raw === prev.raw.toUpperCase() &&
        /\p{L}{3}/u.test(prev.raw) &&
        !/exhibit|execution|confidential|\d{4}/i.test(prev.raw) &&
        !CONTRACT_WORDS.test(prev.raw)
      ) {
        title = `${prev.raw.trim()} ${title}`;
      }
      title = title.replace(/[*"“”]/g, "").trim();
      if (title.length >= 8) return { value: title, confidence: strictUpper ? 0.75 : 0.45 };
    }
  }
  return undefined;
}

const ENTITY_END =
  /\s*(?:,(?!\s*(?:Inc|LLC|L\.L\.C|Ltd|Limited|L\.?P|LLP|Corp|N\.A|S\.A|GmbH|AG|plc)\b)|\(|\ba\s+(?:[A-Z][a-z]+\s+){0,3}(?:corporation|company|limited|partnership|trust|bank)|\bwith\s+(?:its|a)\b|\bhaving\b|\borganized\b|\bincorporated\b|\bwhose\b|\blocated\b|\bof\s+\d)/i;

function cleanParty(s: string): string | undefined {
  let p = s
    .replace(/\s+/g, " ")
    .replace(/^[\s,;:]+/, "")
    .trim();
  const cut = ENTITY_END.exec(p);
  if (cut && cut.index !== undefined && cut.index > 2) p = p.slice(0, cut.index);
  p = p
    .replace(/^(?:and\s+|the\s+)?/i, "")
    .replace(/[\s,;:.]+$/, "")
    .replace(/^["“]|["”]$/g, "")
    .trim();
  if (p.length < 3 || p.length > 100) return undefined;
  if (!/^[\p{Lu}\d]/u.test(p)) return undefined;
  if (
    /^(?:the\s+)?(?:parties|party|company|licensee|licensor|client|customer|provider|distributor)$/i.test(p)
  )
    return undefined;
  return p;
}

const ABBREVIATIONS = /\b(Inc|Corp|Co|Ltd|L\.P|LP|N\.A|No|S\.A|P\.C|Mr|Ms|Dr|St|U\.S|Bros)\./g;
const DOC_TERMS =
  /^(?:agreement|this agreement|effective date|shares|brand|registration statement|\d{4} act|act|services|term|territory|products?|content|marks?|trademarks?|licensed .*|confidential information|parties|party|program|system|work|property|premises|exhibit.*|schedule.*|fee|fees|plan|purchase price|closing|notice)$/i;
const LEGAL_FORM =
  /\b(?:inc|corp|corporation|co|company|ltd|limited|llc|l\.l\.c|lp|l\.p|llp|plc|fund|trust|bank|n\.a|gmbh|ag|s\.a|bv|b\.v|group|holdings|partners|association)\b[.\u2024]?$/i;

/** Parties defined with an alias: `Name, a Delaware corporation (the "Company")`. */
function aliasParties(preamble: string): string[] {
  const out: string[] = [];
  const re = /\((?:the\s+|this\s+)?["“']([^"”'()]{2,40})["”']\)/g;
  for (const m of preamble.matchAll(re)) {
    const alias = (m[1] as string).trim();
    if (DOC_TERMS.test(alias)) continue;
    const at = m.index ?? 0;
    const before = preamble.slice(Math.max(0, at - 300), at);
    // Back to the previous clause boundary.
    const seg =
      before.split(/\b(?:between|among|undersigned|that)\b\s*:?|[;)]\s*,?|,\s+and\s+/i).at(-1) ?? "";
    const name = cleanParty(seg);
    if (!name || name.split(" ").length > 12) continue;
    if (
      !LEGAL_FORM.test(name) &&
      !/^[\p{Lu}][\p{L}&.\u2024-]*(?:,?\s+[\p{Lu}][\p{L}&.\u2024-]*)+$/u.test(name)
    )
      continue;
    out.push(name);
  }
  return out;
}

/** Parties named after "between … and …". */
function betweenParties(preamble: string): string[] {
  const m =
    /\b(?:by\s+and\s+)?(?:between|among)\s*:?\s+(.{3,900}?)(?:\.\s+(?=[A-Z0-9])|\bwhereas\b|\bwitnesseth\b|\brecitals?\b|\bnow,?\s+therefore\b)/i.exec(
      preamble,
    );
  if (!m?.[1]) return [];
  const body = m[1].replace(/\([^)]*\)/g, (x) => x.replace(/\band\b/gi, "&"));
  return body
    .split(/\s*;\s*|,?\s+and\s+(?=(?:the\s+)?[\p{Lu}"“])/u)
    .map(cleanParty)
    .filter((p): p is string => p !== undefined);
}

function parties(ctx: Ctx): FieldValue | undefined {
  const protectedText = ctx.text.slice(0, 8000).replace(/\s+/g, " ").replace(ABBREVIATIONS, "$1\u2024");
  const restore = (s: string) => s.replace(/\u2024/g, ".");
  const fromAlias = aliasParties(protectedText).map(restore);
  const fromBetween = betweenParties(protectedText).map(restore);
  const merged: string[] = [];
  const key = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  for (const p of [...fromAlias, ...fromBetween]) {
    const k = key(p);
    if (merged.some((q) => key(q).includes(k) || k.includes(key(q)))) continue;
    merged.push(p);
  }
  const list = merged.slice(0, 6);
  if (list.length === 0) return undefined;
  const both = fromAlias.length >= 2 && fromBetween.length >= 2;
  return { value: list, confidence: list.length >= 2 ? (both ? 0.7 : 0.55) : 0.3 };
}

function agreementDate(ctx: Ctx): FieldValue | undefined {
  const flat = ctx.text.slice(0, 15_000).replace(/\s+/g, " ");
  const cues = [
    /\b(?:dated|made|entered\s+into|executed|effective)(?:\s+(?:and\s+entered\s+into|into))?\s+(?:as\s+of|on|this)\b/gi,
    /\b(?:as\s+of|dated|effective\s+date\s*(?:is|:)?)\s/gi,
    /\bthis\s+\d{1,2}(?:st|nd|rd|th)?\s+day\s+of\b/gi,
  ];
  for (const [k, re] of cues.entries()) {
    for (const m of flat.matchAll(re)) {
      const at = m.index ?? 0;
      const window = flat.slice(k === 2 ? at + 5 : at + m[0].length, at + m[0].length + 60);
      const d = findDates(window, ctx.order)[0];
      if (d && d.index < 30) return { value: d.iso, confidence: k === 2 || k === 0 ? 0.7 : 0.55 };
    }
  }
  const first = findDates(flat.slice(0, 3000), ctx.order)[0];
  return first ? { value: first.iso, confidence: 0.3 } : undefined;
}

const LAW_STOP =
  /\s+(?:without|and|as|in|applicable|excluding|except|including|the|shall|that|which|with|for|to|regardless|notwithstanding|each|any)\b.*$/i;

function titleCase(s: string): string {
  return s === s.toUpperCase() ? s.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase()) : s;
}

function governingLaw(ctx: Ctx): FieldValue | undefined {
  const flat = ctx.text.replace(/\s+/g, " ");
  const re =
    /\b(?:governed|construed|interpreted|enforced|governing\s+law)\b[^.;]{0,90}?\blaws?\s+of\s+(?:the\s+)?(?:(?:state|commonwealth|province)\s+of\s+)?([A-Za-z]+(?:\s+[A-Za-z]+){0,3})/gi;
  for (const m of flat.matchAll(re)) {
    let v = m[1]?.trim();
    if (!v) continue;
    v = v.replace(LAW_STOP, "").trim();
    if (/^(?:any|such|this|its|their|said|a|an|united)$/i.test(v)) continue;
    return { value: titleCase(v), confidence: 0.75 };
  }
  return undefined;
}

function extractContract(ctx: Ctx): Fields {
  const f: Fields = {};
  const t = contractTitle(ctx);
  if (t) f.title = t;
  const p = parties(ctx);
  if (p) f.parties = p;
  const d = agreementDate(ctx);
  if (d) f.agreement_date = d;
  const g = governingLaw(ctx);
  if (g) f.governing_law = g;
  return f;
}

// ---------------------------------------------------------------------------------------------
// Report

const TITLE_JUNK =
  /^(?:arxiv|doi|page|seite|http|www|\d{1,3}(?:\s|$)|copyright|©|vol\.|volume|proceedings|journal|table of contents|contents|draft|confidential|front cover|fig(?:ure)?\.?\s*\d|table\s*\d|[☐☒■□•])/i;
const REPORT_WORDS =
  /\b(?:report|review|study|analysis|white\s*paper|redpaper|outlook|survey|bericht|rapport|informe|relazione)\b/i;
const ORG =
  /\b((?:[A-Z][\w&.-]*\s+){0,4}(?:Inc\.?|Corporation|Corp\.?|Ltd\.?|Limited|GmbH|AG|PLC|plc|LLC|University|Institute|Laboratory|Agency|Association|Foundation|Bank))(?![\p{L}])/u;

function titleLike(raw: string): boolean {
  const ws = raw.split(" ");
  const letters = raw.match(/\p{L}/gu)?.length ?? 0;
  return ws.length >= 2 && ws.length <= 25 && letters / raw.length >= 0.6 && !TITLE_JUNK.test(raw);
}

function reportTitle(ctx: Ctx): FieldValue | undefined {
  const head = ctx.lines.slice(0, 25).filter((l) => l.raw.length > 0);
  // A heading cell naming the kind of document ("2022 Environmental Progress Report") in the first lines.
  for (const l of head.slice(0, 8)) {
    for (const c of cells(l.raw)) {
      const cell = c.replace(/\s+\d{1,4}$/, "").trim(); // running page number
      if (REPORT_WORDS.test(cell) && titleLike(cell) && cell.split(" ").length <= 12) {
        return { value: cell, confidence: 0.45 };
      }
    }
  }
  for (let i = 0; i < head.length; i++) {
    const raw = (head[i] as Line).raw.replace(/\s+/g, " ");
    if (!titleLike(raw)) continue;
    let title = raw;
    const next = head[i + 1]?.raw.replace(/\s+/g, " ");
    // A title continued on the next line ("Row and Column Access Control" + "Support in IBM DB2 for i").
    if (
      next &&
      next.split(" ").length <= 12 &&
      /^\p{Lu}/u.test(next) &&
      !/[.:]$/.test(raw) &&
      !/@|\d{3}|,.*,/.test(next) &&
      raw.split(" ").length <= 10
    ) {
      title = `${raw} ${next}`;
    }
    return { value: title.replace(/[.:]$/, ""), confidence: 0.35 };
  }
  return undefined;
}

function extractReport(ctx: Ctx): Fields {
  const f: Fields = {};
  const t = reportTitle(ctx);
  if (t) f.title = t;
  const o = ORG.exec(ctx.text.slice(0, 5000));
  if (o?.[1]) f.organization = { value: o[1].trim(), confidence: 0.3 };
  const d = firstDate(ctx, 60);
  if (d) f.date = { value: d.iso, confidence: 0.3 };
  return f;
}

// ---------------------------------------------------------------------------------------------

export function extract(category: Category, doc: ParsedDocument): Extraction {
  const ctx = context(doc);
  let fields: Fields;
  switch (category) {
    case "invoice":
      fields = extractInvoice(ctx);
      break;
    case "receipt":
      fields = extractReceipt(ctx);
      break;
    case "contract":
      fields = extractContract(ctx);
      break;
    case "report":
      fields = extractReport(ctx);
      break;
    default:
      fields = {};
  }
  // Keep only the schema's keys, in schema order.
  const ordered: Fields = {};
  for (const k of FIELD_KEYS[category]) if (fields[k] !== undefined) ordered[k] = fields[k] as FieldValue;
  const missingRequired = REQUIRED_FIELDS[category].filter((k) => ordered[k] === undefined);
  return { category, fields: ordered, missingRequired };
}
