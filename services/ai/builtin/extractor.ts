import type { ParsedDocument } from "../../parsing/types.ts";
import type { Category, Extraction, FieldValue } from "../ai.ts";
import { FIELD_KEYS, REQUIRED_FIELDS } from "../ai.ts";
import { calibratedFieldConfidence } from "./calibration.ts";
import { extractContract } from "./extract/contract.ts";
import { extractInvoice } from "./extract/invoice.ts";
import { extractReceipt } from "./extract/receipt.ts";
import { extractReport } from "./extract/report.ts";
import { context, type Fields } from "./extract/shared.ts";
import { shippedModel } from "./model.ts";

/**
 * The built-in extractor: label-anchored rules per category, multilingual labels (en/de/fr/nl/
 * es/it/pt), normalised values, and a confidence per field from how the value was found
 * (explicit label vs fallback) and whether it is consistent (net + tax = total, cash − change = total),
 * mapped to a probability of being right by the calibration fitted on held-out folds.
 */

/** Extraction with calibrated field confidences (the shipped calibration, classifier-model.json). */
export function extract(category: Category, doc: ParsedDocument): Extraction {
  const e = extractWithRuleConfidence(category, doc);
  const cal = shippedModel()?.fieldCalibration;
  if (!cal) return e;
  const fields: Fields = {};
  for (const [k, v] of Object.entries(e.fields)) {
    const confidence = calibratedFieldConfidence(cal, `${category}.${k}`, v.confidence, doc.ocr);
    fields[k] = { ...v, confidence: Math.round(confidence * 1000) / 1000 };
  }
  return { ...e, fields };
}

/** Extraction with the rules' own confidences, before calibration (what calibration is fitted on). */
export function extractWithRuleConfidence(category: Category, doc: ParsedDocument): Extraction {
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
