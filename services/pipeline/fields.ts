// Between the AI provider's flat field map and the typed ExtractedFields message.
import { create } from "@bufbuild/protobuf";
import {
  AmountFieldSchema,
  DateFieldSchema,
  type ExtractedFields,
  ExtractedFieldsSchema,
  TextFieldSchema,
  TextListFieldSchema,
} from "../../gen/docmesh/document/v1/document_pb.ts";
import type { Category, FieldValue } from "../platform/ai/ai.ts";

// Proto field name (camelCase) for each extraction key, per category.
const KEYS: Record<Exclude<Category, "other">, Record<string, string>> = {
  invoice: {
    invoice_number: "invoiceNumber",
    issuer: "issuer",
    buyer: "buyer",
    date: "date",
    due_date: "dueDate",
    net_amount: "netAmount",
    tax_amount: "taxAmount",
    total_amount: "totalAmount",
    currency: "currency",
  },
  receipt: { merchant: "merchant", date: "date", total_amount: "totalAmount", currency: "currency" },
  contract: {
    title: "title",
    parties: "parties",
    agreement_date: "agreementDate",
    governing_law: "governingLaw",
  },
  report: { title: "title", organization: "organization", date: "date" },
};

const typeName = {
  invoice: "docmesh.document.v1.InvoiceFields",
  receipt: "docmesh.document.v1.ReceiptFields",
  contract: "docmesh.document.v1.ContractFields",
  report: "docmesh.document.v1.ReportFields",
} as const;

function typed(field: FieldValue) {
  const { value, confidence } = field;
  if (Array.isArray(value)) return create(TextListFieldSchema, { values: value, confidence });
  if (typeof value === "number") return create(AmountFieldSchema, { value, confidence });
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return create(DateFieldSchema, { value, confidence });
  return create(TextFieldSchema, { value, confidence });
}

export function toExtractedFields(category: Category, fields: Record<string, FieldValue>): ExtractedFields {
  const extra: ExtractedFields["extra"] = [];
  if (category === "other") {
    for (const [key, field] of Object.entries(fields)) {
      extra.push({
        $typeName: "docmesh.document.v1.KeyValueField",
        key,
        value: String(field.value),
        confidence: field.confidence,
      });
    }
    return create(ExtractedFieldsSchema, { extra });
  }
  const message: Record<string, unknown> = { $typeName: typeName[category] };
  for (const [key, field] of Object.entries(fields)) {
    const protoKey = KEYS[category][key];
    if (protoKey) message[protoKey] = typed(field);
    else
      extra.push({
        $typeName: "docmesh.document.v1.KeyValueField",
        key,
        value: String(field.value),
        confidence: field.confidence,
      });
  }
  return create(ExtractedFieldsSchema, {
    kind: { case: category, value: message } as ExtractedFields["kind"],
    extra,
  });
}

/** The flat view (key → value and confidence) of typed fields, for indexing and review decisions. */
export function flattenFields(fields: ExtractedFields | undefined): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  if (!fields) return out;
  if (fields.kind.case) {
    const keys = KEYS[fields.kind.case];
    const message = fields.kind.value as unknown as Record<
      string,
      { value?: unknown; values?: string[]; confidence: number } | undefined
    >;
    for (const [key, protoKey] of Object.entries(keys)) {
      const field = message[protoKey];
      if (!field) continue;
      out[key] = {
        value: (field.values ?? field.value) as FieldValue["value"],
        confidence: field.confidence,
      };
    }
  }
  for (const kv of fields.extra) out[kv.key] = { value: kv.value, confidence: kv.confidence };
  return out;
}
