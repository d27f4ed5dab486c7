import type { EInvoiceData } from "../../../parsing/structured.ts";
import type { Category } from "../../ai.ts";
import type { Fields } from "./shared.ts";

/** Values read from an EN 16931 XML are the invoice's own data, not a reading of its print. */
export const EINVOICE_CONFIDENCE = 0.99;

/** Our fields from the e-invoice's business terms (BT-1, 2, 9, 5, 27, 44, 109, 110, 112). */
export function einvoiceFields(category: Category, e: EInvoiceData): Fields {
  const terms: Record<string, string | number | undefined> =
    category === "invoice"
      ? {
          invoice_number: e.invoiceNumber,
          issuer: e.sellerName,
          buyer: e.buyerName,
          date: e.issueDate,
          due_date: e.dueDate,
          net_amount: e.netAmount,
          tax_amount: e.taxAmount,
          total_amount: e.totalAmount,
          currency: e.currency,
        }
      : category === "receipt"
        ? { merchant: e.sellerName, date: e.issueDate, total_amount: e.totalAmount, currency: e.currency }
        : {};
  const out: Fields = {};
  for (const [key, value] of Object.entries(terms))
    if (value !== undefined) out[key] = { value, confidence: EINVOICE_CONFIDENCE };
  return out;
}
