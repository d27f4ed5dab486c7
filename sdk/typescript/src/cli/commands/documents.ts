// docmesh get | search | reprocess | edit: one document or a search, human or --json.
import { create, fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import { Category, ExtractedFieldsSchema } from "../../gen/docmesh/document/v1/document_pb.ts";
import { SearchMode, SearchResultSchema } from "../../gen/docmesh/search/v1/search_service_pb.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import { categoryName, documentJson, formatDocument, statusName } from "../format.ts";
import type { Context } from "./context.ts";

const DOCUMENT = /^documents\/[0-9a-f-]{36}$/;

function oneDocument(names: string[], command: string): string {
  const [name] = names;
  if (!name || names.length > 1) throw new UsageError(`${command} needs one name: documents/<id>`);
  if (!DOCUMENT.test(name)) throw new UsageError(`not a document name: ${name} (documents/<uuid>)`);
  return name;
}

export async function get(context: Context, names: string[]): Promise<number> {
  const document = await context.docmesh.getDocument(oneDocument(names, "get"));
  if (context.json) context.print({ document: documentJson(document) });
  else context.say(formatDocument(document));
  return EXIT.ok;
}

export async function reprocess(context: Context, names: string[]): Promise<number> {
  const { document } = await context.docmesh.metadata.reprocessDocument({
    name: oneDocument(names, "reprocess"),
  });
  if (!document) throw new Error("the server answered without a document");
  if (context.json) context.print({ document: documentJson(document) });
  else context.say(`${document.name}: reprocessing (${statusName(document.status)})`);
  return EXIT.ok;
}

export interface SearchFlags {
  mode?: string;
  limit?: string;
}

const MODES: Record<string, SearchMode> = {
  keyword: SearchMode.KEYWORD,
  semantic: SearchMode.SEMANTIC,
  hybrid: SearchMode.HYBRID,
};

export async function search(context: Context, words: string[], flags: SearchFlags): Promise<number> {
  const query = words.join(" ").trim();
  if (!query) throw new UsageError("search needs a query");
  const mode = MODES[flags.mode ?? "hybrid"];
  if (mode === undefined) throw new UsageError("--mode is keyword, semantic or hybrid");
  const limit = Number(flags.limit ?? 10);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError("--limit must be a positive integer");
  const results = [];
  for await (const result of context.docmesh.searchAll({ query, mode, pageSize: Math.min(limit, 100) })) {
    results.push(result);
    if (results.length >= limit) break;
  }
  if (context.json) {
    context.print({ results: results.map((r) => toJson(SearchResultSchema, r)) });
    return EXIT.ok;
  }
  if (results.length === 0) context.say("no results");
  for (const { document, score, highlights } of results) {
    context.say(
      `${document?.name}  ${document?.fileName}  ${categoryName(document?.category ?? 0)}  score ${score.toFixed(3)}`,
    );
    for (const h of highlights.slice(0, 2))
      context.say(`    ${h.field}: ${h.snippet.replaceAll(/\s+/g, " ")}`);
  }
  return EXIT.ok;
}

export interface EditFlags {
  category?: string;
  set?: string[];
  fields?: string;
  reason?: string;
  etag?: string;
}

/**
 * Corrects a document: `--category invoice`, `--set invoice.totalAmount=120.50` (repeatable; values
 * are parsed by the field's type), or `--fields '<ExtractedFields JSON>'` to replace every field.
 */
export async function edit(context: Context, names: string[], flags: EditFlags): Promise<number> {
  const name = oneDocument(names, "edit");
  const sets = flags.set ?? [];
  if (flags.category === undefined && sets.length === 0 && flags.fields === undefined) {
    throw new UsageError("edit needs --category, --set or --fields");
  }
  if (flags.fields !== undefined && sets.length) throw new UsageError("use --set or --fields, not both");
  const current = await context.docmesh.getDocument(name);
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
  let parsedFields: ReturnType<typeof fromJson<typeof ExtractedFieldsSchema>> | undefined;
  try {
    parsedFields = fields === undefined ? undefined : fromJson(ExtractedFieldsSchema, fields);
  } catch (error) {
    throw new UsageError(`fields do not match the contract: ${(error as Error).message}`);
  }
  const { document } = await context.docmesh.metadata.updateDocument({
    name,
    etag: flags.etag ?? current.etag,
    category,
    ...(parsedFields ? { fields: parsedFields } : {}),
    updateMask: create(FieldMaskSchema, { paths }),
    reason: flags.reason ?? "",
  });
  if (!document) throw new Error("the server answered without a document");
  if (context.json) context.print({ document: documentJson(document) });
  else context.say(`${document.name}: updated ${paths.join(" and ")}\n${formatDocument(document)}`);
  return EXIT.ok;
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
