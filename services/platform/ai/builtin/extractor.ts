import type { ParsedDocument } from "../../parsing/types.ts";
import type { Category, Extraction, FieldValue } from "../ai.ts";
import { FIELD_KEYS, REQUIRED_FIELDS } from "../ai.ts";
import { extractContract } from "./extract/contract.ts";
import { extractInvoice } from "./extract/invoice.ts";
import { extractReceipt } from "./extract/receipt.ts";
import { extractReport } from "./extract/report.ts";
import { context, type Fields } from "./extract/shared.ts";

/**
 * The built-in extractor: label-anchored rules per category, multilingual labels (en/de/fr/nl/
 * es/it/pt), normalised values, and a confidence per field from how the value was found
 * (explicit label vs fallback) and whether it is consistent (net + tax = total, cash − change = total).
 */

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
