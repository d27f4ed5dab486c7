// Field message types come from the contract (protobuf-es reflection), not from the value's shape,
// and the one field list (FIELD_KEYS) is the contract's.
import { describe, expect, it } from "vitest";
import {
  AmountFieldSchema,
  DateFieldSchema,
  ExtractedFieldsSchema,
  TextFieldSchema,
  TextListFieldSchema,
} from "../../../gen/docmesh/document/v1/document_pb.ts";
import {
  AMOUNT_FIELDS,
  CATEGORIES,
  type Category,
  DATE_FIELDS,
  FIELD_KEYS,
  type FieldValue,
} from "../../../services/ai/ai.ts";
import { CONTRACT_FIELDS, type FieldKind } from "../../../services/ai/contract-fields.ts";
import { flattenFields, toExtractedFields } from "../../../services/pipeline/fields.ts";

const SAMPLE: Record<FieldKind, FieldValue["value"]> = {
  text: "ACME GmbH",
  date: "2024-03-31",
  amount: 1234.5,
  textList: ["ACME GmbH", "Globex Inc."],
};

const typed = (category: Category, fields: Record<string, FieldValue>) => {
  const message = toExtractedFields(category, fields);
  return {
    message,
    kind: message.kind.value as unknown as Record<string, { $typeName: string } | undefined>,
  };
};

describe("extracted fields from the contract", () => {
  it("lists the categories of the ExtractedFields.kind oneof and their fields in contract order", () => {
    const oneof = ExtractedFieldsSchema.oneofs.find((o) => o.name === "kind");
    expect(oneof?.fields.map((f) => f.name)).toEqual(CATEGORIES.filter((c) => c !== "other"));
    for (const [category, { member, fields }] of Object.entries(CONTRACT_FIELDS)) {
      expect(FIELD_KEYS[category as Category]).toEqual(member.message.fields.map((f) => f.name));
      expect(fields.map((f) => f.key)).toEqual(FIELD_KEYS[category as Category]);
    }
    expect(FIELD_KEYS.other).toEqual([]);
    expect(CONTRACT_FIELDS.invoice.fields.find((f) => f.key === "total_amount")?.kind).toBe("amount");
    expect(CONTRACT_FIELDS.contract.fields.find((f) => f.key === "parties")?.kind).toBe("textList");
    expect([...AMOUNT_FIELDS].sort()).toEqual(["net_amount", "tax_amount", "total_amount"]);
    expect([...DATE_FIELDS].sort()).toEqual(["agreement_date", "date", "due_date"]);
  });

  it("gives every field of every category its contract message type, and flattens back to the same values", () => {
    const types: Record<FieldKind, string> = {
      text: TextFieldSchema.typeName,
      date: DateFieldSchema.typeName,
      amount: AmountFieldSchema.typeName,
      textList: TextListFieldSchema.typeName,
    };
    for (const [category, { fields }] of Object.entries(CONTRACT_FIELDS)) {
      const input = Object.fromEntries(
        fields.map((f, i) => [f.key, { value: SAMPLE[f.kind], confidence: 0.5 + i / 100 }]),
      );
      const { message, kind } = typed(category as Category, input);
      expect(message.kind.case).toBe(category);
      expect(message.extra).toEqual([]);
      for (const f of fields) expect(kind[f.field.localName]?.$typeName).toBe(types[f.kind]);
      expect(flattenFields(message)).toEqual(input);
    }
  });

  it("does not guess from the value: a date-shaped or numeric text stays a TextField", () => {
    const { message, kind } = typed("invoice", {
      invoice_number: { value: "2024-01-05", confidence: 0.9 },
      issuer: { value: 4711, confidence: 0.8 },
      date: { value: "05.01.2024", confidence: 0.7 },
    });
    expect(kind.invoiceNumber?.$typeName).toBe(TextFieldSchema.typeName);
    expect(kind.issuer?.$typeName).toBe(TextFieldSchema.typeName);
    expect(kind.date?.$typeName).toBe(DateFieldSchema.typeName);
    expect(flattenFields(message)).toEqual({
      invoice_number: { value: "2024-01-05", confidence: 0.9 },
      issuer: { value: "4711", confidence: 0.8 },
      date: { value: "05.01.2024", confidence: 0.7 },
    });
  });

  it("keeps a value that does not fit its contract type, or a field the contract does not name, in extra", () => {
    const { message, kind } = typed("receipt", {
      total_amount: { value: "n/a", confidence: 0.4 },
      merchant: { value: "Corner Shop", confidence: 0.9 },
      cashier: { value: "Sam", confidence: 0.6 },
    });
    expect(kind.totalAmount).toBeUndefined();
    expect(kind.merchant?.$typeName).toBe(TextFieldSchema.typeName);
    expect(message.extra.map((e) => [e.key, e.value, e.confidence])).toEqual([
      ["total_amount", "n/a", 0.4],
      ["cashier", "Sam", 0.6],
    ]);
  });

  it("puts every field of an 'other' document in extra", () => {
    const message = toExtractedFields("other", { topic: { value: "minutes", confidence: 0.5 } });
    expect(message.kind.case).toBeUndefined();
    expect(flattenFields(message)).toEqual({ topic: { value: "minutes", confidence: 0.5 } });
  });
});
