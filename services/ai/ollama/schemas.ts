// JSON schemas for Ollama's structured output (`format`), one per task and category, built from
// FIELD_KEYS so that a field added there is asked for here. Amounts are numbers, currencies are
// constrained to ISO 4217 codes, parties are a short list, everything else (dates included) is a
// string that the provider normalises afterwards. Every field is required but nullable: with
// optional fields the 270M model took the shortest path and left nearly everything out.
import { AMOUNT_FIELDS, CATEGORIES, type Category, FIELD_KEYS } from "../ai.ts";
import { KNOWN_CURRENCIES } from "../normalize/currency.ts";

export type JsonSchema = Record<string, unknown>;

export const CLASSIFICATION_SCHEMA: JsonSchema = {
  type: "object",
  properties: { category: { type: "string", enum: [...CATEGORIES] } },
  required: ["category"],
};

/** What each field means, for the prompt (the schema itself carries only names and types). */
export const FIELD_HINTS: Record<string, string> = {
  invoice_number: "the invoice number as printed",
  issuer: "the company that issued the invoice (the seller)",
  buyer: "the customer billed",
  date: "the document date",
  due_date: "the payment due date",
  net_amount: "total before tax, a number",
  tax_amount: "the tax (VAT/GST) amount, a number",
  total_amount: "the total to pay, a number",
  currency: "ISO 4217 code such as EUR, USD, GBP",
  merchant: "the shop or business name",
  title: "the document title",
  parties: "the names of the parties",
  agreement_date: "the date the agreement was made",
  governing_law: "the jurisdiction whose law governs, e.g. State of New York",
  organization: "the organisation that published the report",
};

function fieldSchema(key: string): JsonSchema {
  if (AMOUNT_FIELDS.has(key)) return { type: ["number", "null"] };
  if (key === "currency") return { enum: [...KNOWN_CURRENCIES, null] };
  if (key === "parties") return { type: "array", items: { type: "string" }, maxItems: 4 };
  return { type: ["string", "null"] };
}

export function extractionSchema(category: Category): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const key of FIELD_KEYS[category]) properties[key] = fieldSchema(key);
  return { type: "object", properties, required: [...FIELD_KEYS[category]] };
}
