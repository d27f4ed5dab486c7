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

/**
 * How much more likely a payment QR code (QR-bill, GiroCode) is on an invoice than on any other
 * kind of document. Assumed, not fitted: the corpus's one QR-bill is in the part kept aside.
 */
export const PAYMENT_CODE_LIKELIHOOD_RATIO = 20;

/**
 * The classification given the structured data:
 * - a valid e-invoice XML makes the document an invoice at 0.99 (a credit note is filed as one too);
 * - a payment code multiplies the text classifier's odds of "invoice" by the likelihood ratio above
 *   (Bayes' rule), so a payment slip with little text becomes an invoice, but not with certainty.
 */
export function classifyWithStructuredData(
  doc: Pick<ParsedDocument, "structured">,
  classifyText: () => Classification,
): Classification {
  if (doc.structured?.einvoice) {
    const rest = (1 - EINVOICE_CONFIDENCE) / (CATEGORIES.length - 1);
    return {
      category: "invoice",
      confidence: EINVOICE_CONFIDENCE,
      scores: scoresOf((c) => (c === "invoice" ? EINVOICE_CONFIDENCE : rest)),
    };
  }
  const base = classifyText();
  if (!doc.structured?.paymentCodes?.length) return base;
  const odds = (c: Category) => base.scores[c] * (c === "invoice" ? PAYMENT_CODE_LIKELIHOOD_RATIO : 1);
  const sum = CATEGORIES.reduce((a, c) => a + odds(c), 0);
  const scores = scoresOf((c) => odds(c) / sum);
  const category = CATEGORIES.reduce(
    (best, c) => (scores[c] > scores[best] ? c : best),
    "invoice" as Category,
  );
  return { category, confidence: scores[category], scores };
}

function scoresOf(p: (c: Category) => number): Record<Category, number> {
  return Object.fromEntries(CATEGORIES.map((c) => [c, p(c)])) as Record<Category, number>;
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
