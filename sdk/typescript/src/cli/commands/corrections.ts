// What `edit` and `review complete` correct: --category, --set group.field=value (repeatable) or
// --fields '<ExtractedFields JSON>', turned into an update mask, a category and fields.
import { fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import {
  Category,
  type Document,
  type ExtractedFields,
  ExtractedFieldsSchema,
} from "../../gen/docmesh/document/v1/document_pb.ts";
import { UsageError } from "../exit-codes.ts";

export interface CorrectionFlags {
  category?: string;
  set?: string[];
  fields?: string;
}

export interface Corrections {
  /** The update mask's paths: "category" and/or "fields"; none means nothing was corrected. */
  paths: string[];
  category: Category;
  fields?: ExtractedFields;
}

/** `--set` starts from the document's current fields; `--fields` replaces them all. */
export function corrections(flags: CorrectionFlags, current: Document): Corrections {
  const sets = flags.set ?? [];
  if (flags.fields !== undefined && sets.length) throw new UsageError("use --set or --fields, not both");
  const paths: string[] = [];
  let category = Category.UNSPECIFIED;
  if (flags.category !== undefined) {
    const value = Category[`${flags.category.toUpperCase()}` as keyof typeof Category];
    if (typeof value !== "number" || value === Category.UNSPECIFIED) {
      throw new UsageError("--category is invoice, receipt, contract, report or other");
    }
    category = value;
    paths.push("category");
  }
  let fields: JsonValue | undefined;
  if (flags.fields !== undefined) {
    try {
      fields = JSON.parse(flags.fields) as JsonValue;
    } catch (error) {
      throw new UsageError(`--fields is not JSON: ${(error as Error).message}`);
    }
  } else if (sets.length) {
    fields = current.fields ? (toJson(ExtractedFieldsSchema, current.fields) as JsonValue) : {};
    for (const assignment of sets) applySet(fields as Record<string, JsonValue>, assignment);
  }
  if (fields !== undefined) paths.push("fields");
  let parsedFields: ExtractedFields | undefined;
  try {
    parsedFields = fields === undefined ? undefined : fromJson(ExtractedFieldsSchema, fields);
  } catch (error) {
    throw new UsageError(`fields do not match the contract: ${(error as Error).message}`);
  }
  return { paths, category, ...(parsedFields ? { fields: parsedFields } : {}) };
}

/** `group.field=value`: sets `value` (a number for amounts, a list for `values`), creating the field. */
function applySet(fields: Record<string, JsonValue>, assignment: string) {
  const match = /^([a-zA-Z]+)\.([a-zA-Z_]+)=(.*)$/s.exec(assignment);
  if (!match)
    throw new UsageError(`--set wants group.field=value, e.g. invoice.totalAmount=120.50: ${assignment}`);
  const [, group = "", field = "", raw = ""] = match;
  if (group === "extra") {
    const extra = (Array.isArray(fields.extra) ? fields.extra : []) as { key: string; value: string }[];
    const existing = extra.find((entry) => entry.key === field);
    if (existing) existing.value = raw;
    else extra.push({ key: field, value: raw });
    fields.extra = extra as JsonValue;
    return;
  }
  // A category's fields sit in one group; setting another group's field switches the group.
  for (const key of Object.keys(fields)) if (key !== group && key !== "extra") delete fields[key];
  const target = (fields[group] ?? {}) as Record<string, Record<string, JsonValue>>;
  fields[group] = target;
  const message = ExtractedFieldsSchema.fields.find((f) => f.jsonName === group)?.message;
  const fieldType = message?.fields.find((f) => f.jsonName === field)?.message?.typeName;
  if (!message || !fieldType) throw new UsageError(`no field ${group}.${field} in the contract`);
  const entry: Record<string, JsonValue> = {};
  if (fieldType.endsWith("AmountField")) {
    const amount = Number(raw);
    if (!Number.isFinite(amount)) throw new UsageError(`${group}.${field} is an amount: ${raw}`);
    entry.value = amount;
  } else if (fieldType.endsWith("TextListField")) {
    entry.values = raw.split(",").map((v) => v.trim());
  } else {
    entry.value = raw;
  }
  target[field] = entry;
}
