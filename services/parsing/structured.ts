/**
 * Machine-readable data a document carries beside its text: an EN 16931 e-invoice XML embedded in
 * the PDF (Factur-X / ZUGFeRD / XRechnung) and payment QR codes (Swiss QR-bill, EPC GiroCode).
 * The parser thread reads it within the parse budget; the extractor prefers it to text heuristics.
 */
export interface StructuredData {
  einvoice?: EInvoiceData;
  /** Payment QR codes found on images and on rendered PDF pages, in page order. */
  paymentCodes?: PaymentCode[];
}

/** The EN 16931 business terms we use, read from the embedded XML (BT numbers in comments). */
export interface EInvoiceData {
  syntax: "CII" | "UBL";
  /** The attachment it came from, e.g. factur-x.xml. */
  fileName: string;
  /** BT-24 specification identifier (profile), e.g. urn:cen.eu:en16931:2017. */
  guideline?: string;
  /** BT-3 invoice type code (UNTDID 1001: 380 invoice, 381 credit note…). */
  typeCode?: string;
  /** BT-1 */
  invoiceNumber?: string;
  /** BT-2, ISO date. */
  issueDate?: string;
  /** BT-9, ISO date. */
  dueDate?: string;
  /** BT-5, ISO 4217. */
  currency?: string;
  /** BT-27 */
  sellerName?: string;
  /** BT-44 */
  buyerName?: string;
  /** BT-109 total without VAT. */
  netAmount?: number;
  /** BT-110 total VAT in the invoice currency. */
  taxAmount?: number;
  /** BT-112 total with VAT. */
  totalAmount?: number;
  /** BT-115 amount due for payment. */
  amountDue?: number;
}

export interface PaymentCode {
  standard: "swiss-qr-bill" | "epc-qr";
  /** 1-based page the code was read on. */
  page: number;
  iban: string;
  creditorName: string;
  amount?: number;
  currency?: string;
  /** QR reference, Creditor Reference (ISO 11649) or EPC remittance reference. */
  reference?: string;
  /** Unstructured remittance information. */
  message?: string;
  /** Swiss QR-bill ultimate debtor. */
  debtorName?: string;
}
