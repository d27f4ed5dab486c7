// Between the AI provider's flat field map and the typed ExtractedFields message. Each field's message
// type comes from the contract (CONTRACT_FIELDS, protobuf-es reflection), never from the value's shape;
// a value that does not fit its contract type, and every field the contract does not name, goes to
// `extra` as text, so nothing extracted is dropped.
import { create, type Message } from "@bufbuild/protobuf";
import {
  type ExtractedFields,
  ExtractedFieldsSchema,
  type Grounding,
  GroundingSchema,
  type KeyValueField,
  KeyValueFieldSchema,
} from "../../gen/docmesh/document/v1/document_pb.ts";
import type { Category, FieldSource, FieldValue } from "../ai/ai.ts";
import { CONTRACT_FIELDS, type ContractField } from "../ai/contract-fields.ts";

/** The contract's Grounding for a field's source (page, box, text), or undefined when unknown. */
export function groundingOf(source: FieldSource | undefined): Grounding | undefined {
  if (!source) return undefined;
  return create(GroundingSchema, {
    page: source.page,
    text: source.text,
    ...(source.box ? { boundingBox: { ...source.box } } : {}),
  });
}

function sourceOf(grounding: Grounding | undefined): FieldSource | undefined {
  if (!grounding) return undefined;
  const box = grounding.boundingBox;
  return {
    page: grounding.page,
    text: grounding.text,
    ...(box ? { box: { x: box.x, y: box.y, width: box.width, height: box.height } } : {}),
  };
}

const asExtra = (key: string, field: FieldValue): KeyValueField =>
  create(KeyValueFieldSchema, {
    key,
    value: String(field.value),
    confidence: field.confidence,
    grounding: groundingOf(field.source),
  });

/** The typed field message for a value, or undefined when the value does not fit the contract type. */
function typed(contract: ContractField, { value, confidence, source }: FieldValue): Message | undefined {
  const schema = contract.field.message;
  const grounding = groundingOf(source);
  switch (contract.kind) {
    case "textList":
      return create(schema, {
        values: Array.isArray(value) ? value : [String(value)],
        confidence,
        grounding,
      });
    case "amount": {
      const amount = typeof value === "number" ? value : Array.isArray(value) ? Number.NaN : Number(value);
      return Number.isFinite(amount) ? create(schema, { value: amount, confidence, grounding }) : undefined;
    }
    case "date":
    case "text":
      return Array.isArray(value)
        ? undefined
        : create(schema, { value: String(value), confidence, grounding });
  }
}

export function toExtractedFields(category: Category, fields: Record<string, FieldValue>): ExtractedFields {
  const extra: KeyValueField[] = [];
  if (category === "other") {
    for (const [key, field] of Object.entries(fields)) extra.push(asExtra(key, field));
    return create(ExtractedFieldsSchema, { extra });
  }
  const { member, fields: contract } = CONTRACT_FIELDS[category];
  const init: Record<string, Message> = {};
  for (const [key, field] of Object.entries(fields)) {
    const spec = contract.find((f) => f.key === key);
    const message = spec && typed(spec, field);
    if (spec && message) init[spec.field.localName] = message;
    else extra.push(asExtra(key, field));
  }
  return create(ExtractedFieldsSchema, {
    kind: { case: category, value: create(member.message, init) } as ExtractedFields["kind"],
    extra,
  });
}

/** The flat view (key → value and confidence) of typed fields, for indexing and review decisions. */
export function flattenFields(fields: ExtractedFields | undefined): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  if (!fields) return out;
  if (fields.kind.case) {
    const message = fields.kind.value as unknown as Record<string, unknown>;
    for (const { key, kind, field } of CONTRACT_FIELDS[fields.kind.case].fields) {
      const value = message[field.localName] as
        | { value?: string | number; values?: string[]; confidence: number; grounding?: Grounding }
        | undefined;
      if (!value) continue;
      const source = sourceOf(value.grounding);
      out[key] = {
        value: (kind === "textList" ? value.values : value.value) as FieldValue["value"],
        confidence: value.confidence,
        ...(source ? { source } : {}),
      };
    }
  }
  for (const kv of fields.extra) {
    const source = sourceOf(kv.grounding);
    out[kv.key] = { value: kv.value, confidence: kv.confidence, ...(source ? { source } : {}) };
  }
  return out;
}
