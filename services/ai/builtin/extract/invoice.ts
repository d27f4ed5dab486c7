import type { FieldValue } from "../../ai.ts";
import { findAmounts, roundMoney } from "../../normalize/amount.ts";
import { cells, findLabels, type Line } from "../lines.ts";
import {
  consistencyBonus,
  consistencyConfidence,
  type Reconciliation,
  reconcile,
  statedTaxRates,
} from "./amount-consistency.ts";
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
  idFrom,
  LAYOUT_BELOW,
  LAYOUT_RIGHT,
  labelledDate,
  layoutHits,
  NOT_A_NAME,
  nameAfter,
} from "./shared.ts";

/** Invoices: number, issuer, buyer, dates, amounts solved jointly (net + tax = total), currency. */
// Invoice

const INVOICE_NUMBER: [RegExp, number][] = [
  [
    /(?:rechnungs|factuur|invoice\s*|factura\s*|fattura\s*|fatura\s*)(?:nummer|number|nr\.?|no\.?|n\.|n[°º]|num(?:ero)?\.?|#)\s*[:.#]?/,
    3,
  ],
  [
    /(?:facture|invoice|rechnung|factuur|factura|fattura|fatura|bill)\s*(?:\(\d+\)\s*)?(?:nr\.?|no\.?|n\.|n[°º]|num(?:ero)?\.?|#|number|id)\s*[:.#]?/,
    3,
  ],
  [
    /(?:n[°º]|no\.?|numero|nummer)\s*(?:de\s+|di\s+|der\s+)?(?:la\s+)?(?:facture|factura|fattura|fatura|rechnung)\s*[:.]?/,
    3,
  ],
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
  const byPosition = new Map<string, number>();
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
    for (const h of layoutHits(ctx, re)) {
      if (h.rightIsRest) continue; // what the reading order reads
      const right = idFrom(h.right);
      const below = right ? undefined : idFrom(h.below);
      const v = right ?? below;
      if (!v) continue;
      const s = w * (right ? LAYOUT_RIGHT : LAYOUT_BELOW) - h.order * 0.01;
      byPosition.set(v, Math.max(byPosition.get(v) ?? Number.NEGATIVE_INFINITY, s));
    }
  }
  // A number read by position competes with its own score (never added to the reading order's).
  for (const [v, s] of byPosition) if (!best || s > best.s) best = { v, s };
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
    /(?:net\s*amount|net\s*total|nettobetrag|nettosumme|summe\s*netto|total\s*ht|montant\s*(?:eur\s*)?ht|hors\s*taxe|exclusief\s*btw|excl\.?\s*(?:vat|btw|tax|gst)|total\s*excl|rechnungssumme\s*ohne|ohne\s*ust|steuerbasis|tax\s*base|basisbetrag|untaxed|subtotal|subtotaal|sub\s*total|sub-total|zwischensumme|total\s*\(?excluding|base\s*imponible|imponibile|totaal\s*excl|(?:sem|sin|senza|sans|ohne|without)\s*(?:iva|tva|mwst|vat|btw|tax))/,
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
  reconciliation: Reconciliation;
}

/** Picks (net, tax, total) maximising label evidence, rewarding net + tax = total. */
function solveMoney(ctx: Ctx): Money {
  const totals = collect(ctx, TOTAL_LABELS, TOTAL_EXCLUDE).slice(0, 8);
  const nets = collect(ctx, NET_LABELS).slice(0, 8);
  const taxes = collect(ctx, TAX_LABELS, TAX_EXCLUDE).slice(0, 8);
  const rates = statedTaxRates(ctx.text);
  let best: Money & { score: number } = { reconciliation: "unknown", score: -1 };
  const opt = <T>(xs: T[]): (T | undefined)[] => [undefined, ...xs];
  for (const g of opt(totals))
    for (const n of opt(nets))
      for (const t of opt(taxes)) {
        const r = reconcile({ net: n?.value, tax: t?.value, total: g?.value }, rates);
        const score =
          (g?.score ?? 0) * 1.2 +
          (n?.score ?? 0) +
          (t?.score ?? 0) * 0.8 +
          consistencyBonus(r, Boolean(g && n && t));
        if (score > best.score) best = { total: g, net: n, tax: t, reconciliation: r, score };
      }
  // Net = total with no tax line: a tax-exempt invoice.
  return best;
}

function fieldOfCand(c: Cand | undefined, r: Reconciliation): FieldValue | undefined {
  if (!c) return undefined;
  return { value: roundMoney(c.value), confidence: clamp(0.35 + c.score * 0.12 + consistencyConfidence(r)) };
}

const SELLER_LABELS =
  /(?:^|\s{3})(?:verkaufer|seller|lieferant|supplier|vendor|sold\s*by|from\s*:|emetteur|fournisseur|vendeur|verkoper|leverancier|proveedor|fornitore|issued\s*by|rechnungssteller)(?![\p{L}])\s*:?\s*/u;
const BUYER_LABELS =
  /(?:^|\s{3})(?:kaufer|leistungsempfanger|rechnungsempfanger|kunde|bill\s*to(?:\s*address)?|billed\s*to|invoice\s*to|sold\s*to|customer|client|buyer|acheteur|destinataire|facture\s*a\s*:|klant|cliente|comprador|empfanger|to\s*:)(?![\p{L}])\s*:?\s*(?:\/\s*leistungsempfanger)?/u;
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

export function extractInvoice(ctx: Ctx): Fields {
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
  const t = fieldOfCand(total, money.reconciliation);
  if (t) f.total_amount = t;
  const n = fieldOfCand(money.net, money.reconciliation);
  if (n) f.net_amount = n;
  const x = fieldOfCand(money.tax, money.reconciliation);
  if (x) f.tax_amount = x;
  if (!x && money.net && money.total && money.net.value <= money.total.value) {
    f.tax_amount = { value: roundMoney(money.total.value - money.net.value), confidence: 0.4 };
  }
  const cur = currencyField(ctx);
  if (cur) f.currency = cur;
  return f;
}
