// The extracted fields of a document as flat rows: what the document page lists and boxes, and what
// a correction edits (the row's path is the update path, e.g. `invoice.total_amount`).

import { create } from "@bufbuild/protobuf";
import {
  AmountFieldSchema,
  DateFieldSchema,
  type ExtractedFields,
  type Grounding,
  TextFieldSchema,
  TextListFieldSchema,
} from "../../gen/docmesh/document/v1/document_pb.ts";

export type FieldKind = "text" | "amount" | "date" | "list";

export interface FieldRow {
  /** snake_case path inside ExtractedFields, e.g. `invoice.total_amount`. */
  path: string;
  label: string;
  kind: FieldKind;
  value: string;
  confidence: number;
  grounding: Grounding | undefined;
  /** Present in the contract but not extracted. */
  missing: boolean;
}

/** The fields each category has, in the contract's order. */
const SCHEMA: Record<string, [string, FieldKind][]> = {
  invoice: [
    ["invoiceNumber", "text"],
    ["issuer", "text"],
    ["buyer", "text"],
    ["date", "date"],
    ["dueDate", "date"],
    ["netAmount", "amount"],
    ["taxAmount", "amount"],
    ["totalAmount", "amount"],
    ["currency", "text"],
  ],
  receipt: [
    ["merchant", "text"],
    ["date", "date"],
    ["totalAmount", "amount"],
    ["currency", "text"],
  ],
  contract: [
    ["title", "text"],
    ["parties", "list"],
    ["agreementDate", "date"],
    ["governingLaw", "text"],
  ],
  report: [
    ["title", "text"],
    ["organization", "text"],
    ["date", "date"],
  ],
};

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const label = (camel: string) =>
  snake(camel)
    .replace(/_/g, " ")
    .replace(/^./, (c) => c.toUpperCase());

interface AnyField {
  value?: string | number;
  values?: string[];
  confidence: number;
  grounding?: Grounding;
}

export function fieldRows(fields: ExtractedFields | undefined): FieldRow[] {
  const rows: FieldRow[] = [];
  const kind = fields?.kind;
  if (kind?.case) {
    const group = kind.value as unknown as Record<string, AnyField | undefined>;
    for (const [key, type] of SCHEMA[kind.case] ?? []) {
      const field = group[key];
      rows.push({
        path: `${kind.case}.${snake(key)}`,
        label: label(key),
        kind: type,
        value: field ? (type === "list" ? (field.values ?? []).join("; ") : String(field.value ?? "")) : "",
        confidence: field?.confidence ?? 0,
        grounding: field?.grounding,
        missing: field === undefined,
      });
    }
  }
  for (const extra of fields?.extra ?? []) {
    rows.push({
      path: `extra.${extra.key}`,
      label: extra.key,
      kind: "text",
      value: extra.value,
      confidence: extra.confidence,
      grounding: extra.grounding,
      missing: false,
    });
  }
  return rows;
}

/** Writes a reviewer's value (confidence 1, no position: a person typed it) into the fields. */
export function setField(fields: ExtractedFields, path: string, text: string): void {
  const [group, snakeKey] = path.split(".") as [string, string];
  const key = snakeKey.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const kind = fields.kind;
  if (kind.case !== group) throw new Error(`the document has no ${group} fields`);
  const type = SCHEMA[group]?.find(([k]) => k === key)?.[1];
  if (!type) throw new Error(`${path} is not a field`);
  const target = kind.value as unknown as Record<string, unknown>;
  const value =
    type === "amount"
      ? Number(text.replace(",", "."))
      : type === "list"
        ? text
            .split(";")
            .map((s) => s.trim())
            .filter(Boolean)
        : text.trim();
  if (type === "amount" && !Number.isFinite(value)) throw new Error(`${text} is not an amount`);
  target[key] =
    type === "list"
      ? create(TextListFieldSchema, { values: value as string[], confidence: 1 })
      : type === "amount"
        ? create(AmountFieldSchema, { value: value as number, confidence: 1 })
        : type === "date"
          ? create(DateFieldSchema, { value: value as string, confidence: 1 })
          : create(TextFieldSchema, { value: value as string, confidence: 1 });
}
