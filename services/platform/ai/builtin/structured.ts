import type { ParsedDocument } from "../../parsing/types.ts";
import type { Category, Classification, Extraction } from "../ai.ts";
import { CATEGORIES, FIELD_KEYS, REQUIRED_FIELDS } from "../ai.ts";
import { EINVOICE_CONFIDENCE, einvoiceFields } from "./extract/einvoice.ts";
import { paymentCodeFields } from "./extract/qr-payment.ts";
import type { Fields } from "./extract/shared.ts";

/**
 * Standards first: where the document carries machine-readable data (an embedded EN 16931
 * e-invoice, a payment QR code), it decides over what the text heuristics found, field by field.
 */

/** A document with a valid e-invoice XML is an invoice (a credit note is filed as one too). */
export function classifyByStructuredData(doc: ParsedDocument): Classification | undefined {
  if (!doc.structured?.einvoice) return undefined;
  const rest = (1 - EINVOICE_CONFIDENCE) / (CATEGORIES.length - 1);
  const scores = Object.fromEntries(
    CATEGORIES.map((c) => [c, c === "invoice" ? EINVOICE_CONFIDENCE : rest]),
  ) as Record<Category, number>;
  return { category: "invoice", confidence: EINVOICE_CONFIDENCE, scores };
}

/** The extraction with every field the structured data gives replaced: XML first, then QR codes. */
export function withStructuredFields(extraction: Extraction, doc: ParsedDocument): Extraction {
  const s = doc.structured;
  if (!s) return extraction;
  const { category } = extraction;
  const exact: Fields = {
    ...(s.paymentCodes ? paymentCodeFields(category, s.paymentCodes) : {}),
    ...(s.einvoice ? einvoiceFields(category, s.einvoice) : {}),
  };
  if (Object.keys(exact).length === 0) return extraction;
  const fields: Fields = {};
  for (const k of FIELD_KEYS[category]) {
    const v = exact[k] ?? extraction.fields[k];
    if (v !== undefined) fields[k] = v;
  }
  const missingRequired = REQUIRED_FIELDS[category].filter((k) => fields[k] === undefined);
  return { category, fields, missingRequired };
}
