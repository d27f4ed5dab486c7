import type { EInvoiceData } from "./structured.ts";
import { walkXml, xmlAttr } from "./xml.ts";

/** Attachments larger than this are not read as e-invoices (real ones are tens of KiB). */
export const MAX_EINVOICE_XML_BYTES = 5 * 1024 * 1024;

/** Root element (local name) → its namespace and syntax. ZUGFeRD 1.0's root is CrossIndustryDocument. */
const ROOTS: Record<string, { ns: string; syntax: "CII" | "UBL" }> = {
  CrossIndustryInvoice: { ns: "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100", syntax: "CII" },
  CrossIndustryDocument: { ns: "urn:ferd:CrossIndustryDocument:invoice:1p0", syntax: "CII" },
  Invoice: { ns: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", syntax: "UBL" },
  CreditNote: { ns: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2", syntax: "UBL" },
};

/** ZUGFeRD 1.0 element names → their CII D16B names, so one path table reads both. */
const ZF1_NAMES: Record<string, string> = {
  SpecifiedExchangedDocumentContext: "ExchangedDocumentContext",
  HeaderExchangedDocument: "ExchangedDocument",
  SpecifiedSupplyChainTradeTransaction: "SupplyChainTradeTransaction",
  ApplicableSupplyChainTradeAgreement: "ApplicableHeaderTradeAgreement",
  ApplicableSupplyChainTradeSettlement: "ApplicableHeaderTradeSettlement",
  SpecifiedTradeSettlementMonetarySummation: "SpecifiedTradeSettlementHeaderMonetarySummation",
};

type Term = keyof Omit<EInvoiceData, "syntax" | "fileName">;

const AGREEMENT = "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement";
const SETTLEMENT = "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement";
const SUMS = `${SETTLEMENT}/SpecifiedTradeSettlementHeaderMonetarySummation`;

/** Paths below the root (local names) of each business term, per syntax (EN 16931-3-2 / 3-3). */
const PATHS: Record<"CII" | "UBL", Partial<Record<Term, string[]>>> = {
  CII: {
    guideline: ["ExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID"],
    invoiceNumber: ["ExchangedDocument/ID"],
    typeCode: ["ExchangedDocument/TypeCode"],
    issueDate: ["ExchangedDocument/IssueDateTime/DateTimeString"],
    dueDate: [`${SETTLEMENT}/SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString`],
    currency: [`${SETTLEMENT}/InvoiceCurrencyCode`],
    sellerName: [`${AGREEMENT}/SellerTradeParty/Name`],
    buyerName: [`${AGREEMENT}/BuyerTradeParty/Name`],
    netAmount: [`${SUMS}/TaxBasisTotalAmount`],
    taxAmount: [`${SUMS}/TaxTotalAmount`],
    totalAmount: [`${SUMS}/GrandTotalAmount`],
    amountDue: [`${SUMS}/DuePayableAmount`],
  },
  UBL: {
    guideline: ["CustomizationID"],
    invoiceNumber: ["ID"],
    typeCode: ["InvoiceTypeCode", "CreditNoteTypeCode"],
    issueDate: ["IssueDate"],
    dueDate: ["DueDate", "PaymentMeans/PaymentDueDate"],
    currency: ["DocumentCurrencyCode"],
    sellerName: [
      "AccountingSupplierParty/Party/PartyLegalEntity/RegistrationName",
      "AccountingSupplierParty/Party/PartyName/Name",
    ],
    buyerName: [
      "AccountingCustomerParty/Party/PartyLegalEntity/RegistrationName",
      "AccountingCustomerParty/Party/PartyName/Name",
    ],
    netAmount: ["LegalMonetaryTotal/TaxExclusiveAmount"],
    taxAmount: ["TaxTotal/TaxAmount"],
    totalAmount: ["LegalMonetaryTotal/TaxInclusiveAmount"],
    amountDue: ["LegalMonetaryTotal/PayableAmount"],
  },
};

const AMOUNT_TERMS: ReadonlySet<Term> = new Set(["netAmount", "taxAmount", "totalAmount", "amountDue"]);
const DATE_TERMS: ReadonlySet<Term> = new Set(["issueDate", "dueDate"]);

/**
 * Attachments worth reading: XML files within the size bound. The specifications name them
 * factur-x.xml, zugferd-invoice.xml or xrechnung.xml, but the root element decides, not the name.
 */
export function isEInvoiceCandidate(fileName: string, size: number): boolean {
  return size > 0 && size <= MAX_EINVOICE_XML_BYTES && /\.xml$/i.test(fileName);
}

/**
 * Reads an embedded XML as an EN 16931 invoice (CII or UBL). Undefined when it is not one, is not
 * well-formed, or lacks the terms every invoice must have (BT-1 number, BT-5 currency, BT-112 total).
 * Parsed with the tokenizer the Office parsers use: DTDs are skipped, entities never expanded.
 */
export function readEInvoiceXml(bytes: Uint8Array, fileName: string): EInvoiceData | undefined {
  if (bytes.byteLength > MAX_EINVOICE_XML_BYTES) return undefined;
  const xml = new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
  let syntax: "CII" | "UBL" | undefined;
  const wanted = new Set<string>();
  const values = new Map<string, { text: string; attrs: string }[]>();
  const stack: string[] = [];
  let current: { path: string; attrs: string; text: string } | undefined;
  try {
    walkXml(
      xml,
      {
        open(name, attrs) {
          if (stack.length === 0) {
            const root = ROOTS[name];
            if (!root || !attrs.includes(root.ns)) throw new NotAnInvoice();
            syntax = root.syntax;
            for (const paths of Object.values(PATHS[syntax])) for (const p of paths) wanted.add(p);
          } else stack.push(ZF1_NAMES[name] ?? name);
          if (stack.length === 0) stack.push(name);
          const path = stack.slice(1).join("/");
          current = wanted.has(path) ? { path, attrs, text: "" } : undefined;
        },
        text(t) {
          if (current) current.text += t;
        },
        close() {
          if (current) {
            const list = values.get(current.path) ?? [];
            list.push({ text: current.text.trim(), attrs: current.attrs });
            values.set(current.path, list);
            current = undefined;
          }
          stack.pop();
        },
      },
      fileName,
    );
  } catch {
    return undefined; // not an invoice, or not well-formed: the PDF's text is all there is
  }
  if (!syntax) return undefined;
  const out: EInvoiceData = { syntax, fileName };
  const paths = PATHS[syntax];
  // Per term, the first of its paths that occurs (BT-27 is the legal name before the trading name).
  const found = (term: Term) =>
    (paths[term] ?? []).map((p) => values.get(p)).find((list) => list !== undefined && list.length > 0) ?? [];
  const currency = found("currency")[0]?.text.toUpperCase();
  for (const term of Object.keys(paths) as Term[]) {
    const list = found(term);
    // BT-110 is the VAT total in the invoice currency; a second one (BT-111) is in the accounting currency.
    const chosen =
      (term === "taxAmount" && list.find((v) => xmlAttr(v.attrs, "currencyID") === currency)) || list[0];
    if (!chosen || chosen.text === "") continue;
    const value = normalise(term, chosen.text);
    if (value !== undefined) (out as unknown as Record<string, string | number>)[term] = value;
  }
  if (!out.invoiceNumber || !out.currency || out.totalAmount === undefined) return undefined;
  return out;
}

/**
 * A bare e-invoice XML uploaded as a document (XRechnung usually travels that way); it sniffs as
 * plain text. Read only when the bytes start like XML.
 */
export function standaloneEInvoice(bytes: Uint8Array): EInvoiceData | undefined {
  const head = new TextDecoder("utf-8")
    .decode(bytes.subarray(0, 64))
    .replace(/^\uFEFF/, "")
    .trimStart();
  return head.startsWith("<") ? readEInvoiceXml(bytes, "document.xml") : undefined;
}

class NotAnInvoice extends Error {}

function normalise(term: Term, text: string): string | number | undefined {
  if (AMOUNT_TERMS.has(term)) {
    // XML decimals: an optional sign, digits, a dot. Anything else is not an amount.
    if (!/^[+-]?\d+(?:\.\d+)?$/.test(text)) return undefined;
    return Math.round(Number(text) * 100) / 100;
  }
  if (DATE_TERMS.has(term)) return isoDate(text);
  if (term === "currency") return /^[A-Za-z]{3}$/.test(text) ? text.toUpperCase() : undefined;
  if (term === "sellerName" || term === "buyerName") return partyName(text);
  return text.replace(/\s+/g, " ");
}

/** CII format 102 (YYYYMMDD) or the ISO date UBL uses; undefined for anything else or an impossible date. */
function isoDate(text: string): string | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

/** Salutations that address lines put on a line of their own before a person's name. */
const SALUTATION =
  /^(?:herrn?|frau|firma|mr\.?|mrs\.?|ms\.?|m\.|mme\.?|monsieur|madame|sr\.?|sra\.?|dhr\.?|mevr\.?)$/i;

/** A party name on one line: a leading salutation line dropped, whitespace collapsed. */
function partyName(text: string): string | undefined {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length > 1 && SALUTATION.test(lines[0] as string)) lines.shift();
  const name = lines.join(" ").replace(/\s+/g, " ").trim();
  return name || undefined;
}
