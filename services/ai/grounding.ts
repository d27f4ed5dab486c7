// Grounding: where each extracted value was read. The value is looked up in the document's lines
// (positioned lines where the parser kept them: PDF text layers and OCR; plain text lines
// otherwise), so it works for any provider's fields, an LLM's included. A value printed nowhere but
// read from an embedded e-invoice XML or a payment QR code gets that as its source, without a box.
import type { Box, ParsedDocument } from "../parsing/types.ts";
import type { FieldSource, FieldValue } from "./ai.ts";
import { AMOUNT_FIELDS, DATE_FIELDS } from "./ai.ts";
import { findAmounts, sameMoney } from "./normalize/amount.ts";
import { detectCurrency } from "./normalize/currency.ts";
import { findDates } from "./normalize/date.ts";

/** Source text longer than this is cut (a line of a table dump can be long). */
export const MAX_SOURCE_TEXT = 300;

/** One line a value can be read from: its page (1-based), text and, where known, box. */
export interface SourceLine {
  page: number;
  text: string;
  box?: Box;
}

/** Every line of the document in reading order: the parser's positioned lines, else the page text's. */
export function sourceLines(doc: ParsedDocument): SourceLine[] {
  const out: SourceLine[] = [];
  doc.pages.forEach((pageText, i) => {
    const positioned = doc.layout?.[i];
    if (positioned && positioned.length > 0)
      for (const l of positioned) out.push({ page: i + 1, text: l.text, box: l.box });
    else
      for (const text of pageText.split("\n"))
        if (text.trim().length > 0) out.push({ page: i + 1, text: text.trim() });
  });
  return out;
}

const fold = (s: string) => s.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
// OCR splits decimals ("49. 39"), as the extractor's context joins them.
const joinOcrDecimals = (s: string) => s.replace(/(\d)([.,]) (\d{2})(?!\d)/g, "$1$2$3");

/** Whether `line` shows `value` of field `key`, in the field's own terms (amount, date, text). */
function shows(key: string, value: FieldValue["value"], line: string, ocr: boolean): boolean {
  if (Array.isArray(value)) return value.some((v) => shows(key, v, line, ocr));
  if (AMOUNT_FIELDS.has(key)) {
    const amount = Number(value);
    const text = ocr ? joinOcrDecimals(line) : line;
    return Number.isFinite(amount) && findAmounts(text).some((a) => sameMoney(Math.abs(a.value), amount));
  }
  if (DATE_FIELDS.has(key))
    return (["DMY", "MDY"] as const).some((order) => findDates(line, order).some((d) => d.iso === value));
  if (key === "currency") return (detectCurrency(line)?.scores[String(value)] ?? 0) > 0;
  const wanted = fold(String(value));
  return wanted.length > 0 && fold(line).includes(wanted);
}

function sourceOf(line: SourceLine): FieldSource {
  return {
    page: line.page,
    text: line.text.length > MAX_SOURCE_TEXT ? `${line.text.slice(0, MAX_SOURCE_TEXT)}…` : line.text,
    ...(line.box ? { box: line.box } : {}),
  };
}

/**
 * The line a field's value was read from. Amounts take the last line that shows them (totals sit
 * below the line items that may repeat them); everything else the first (dates and names head the
 * page). The currency prefers the line of the total, whose amount it qualifies.
 */
export function locate(
  key: string,
  value: FieldValue["value"],
  lines: readonly SourceLine[],
  ocr: boolean,
  preferred?: SourceLine,
): SourceLine | undefined {
  if (preferred && shows(key, value, preferred.text, ocr)) return preferred;
  const matches = (l: SourceLine) => shows(key, value, l.text, ocr);
  return AMOUNT_FIELDS.has(key) ? lines.findLast(matches) : lines.find(matches);
}

const sameValue = (a: unknown, b: FieldValue["value"]) =>
  typeof a === "number" ? sameMoney(a, Number(b)) : typeof a === "string" && a === String(b);

/**
 * A value that is not printed on any page but came from the machine-readable data: the XML has no
 * position (page 1 stands for the document), a QR code has its page but no box kept.
 */
function structuredSource(value: FieldValue["value"], doc: ParsedDocument): FieldSource | undefined {
  const einvoice = doc.structured?.einvoice;
  if (einvoice && Object.values(einvoice).some((v) => sameValue(v, value)))
    return { page: 1, text: `e-invoice XML (${einvoice.fileName}): ${value}` };
  for (const code of doc.structured?.paymentCodes ?? [])
    if ([code.amount, code.currency, code.creditorName, code.debtorName].some((v) => sameValue(v, value)))
      return { page: code.page, text: `payment QR code: ${value}` };
  return undefined;
}

/** The fields with a source each where the value can be found in the document. */
export function groundFields(
  fields: Record<string, FieldValue>,
  doc: ParsedDocument,
): Record<string, FieldValue> {
  const lines = sourceLines(doc);
  const found: Record<string, SourceLine | undefined> = {};
  for (const [key, field] of Object.entries(fields))
    if (key !== "currency") found[key] = locate(key, field.value, lines, doc.ocr);
  const currency = fields.currency;
  if (currency) found.currency = locate("currency", currency.value, lines, doc.ocr, found.total_amount);
  const out: Record<string, FieldValue> = {};
  for (const [key, field] of Object.entries(fields)) {
    const line = found[key];
    const source = line ? sourceOf(line) : (field.source ?? structuredSource(field.value, doc));
    out[key] = source ? { ...field, source } : field;
  }
  return out;
}
