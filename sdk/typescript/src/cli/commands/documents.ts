// docmesh get | search | reprocess | edit: one document or a search, human or --json.
import { create, toJson } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import { SearchMode, SearchResultSchema } from "../../gen/docmesh/search/v1/search_service_pb.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import { categoryName, documentJson, formatDocument, statusName } from "../format.ts";
import type { Context } from "./context.ts";
import { type CorrectionFlags, corrections } from "./corrections.ts";

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

export interface EditFlags extends CorrectionFlags {
  reason?: string;
  etag?: string;
}

/**
 * Corrects a document: `--category invoice`, `--set invoice.totalAmount=120.50` (repeatable; values
 * are parsed by the field's type), or `--fields '<ExtractedFields JSON>'` to replace every field.
 */
export async function edit(context: Context, names: string[], flags: EditFlags): Promise<number> {
  const name = oneDocument(names, "edit");
  if (flags.category === undefined && !flags.set?.length && flags.fields === undefined) {
    throw new UsageError("edit needs --category, --set or --fields");
  }
  const current = await context.docmesh.getDocument(name);
  const { paths, category, fields } = corrections(flags, current);
  const { document } = await context.docmesh.metadata.updateDocument({
    name,
    etag: flags.etag ?? current.etag,
    category,
    ...(fields ? { fields } : {}),
    updateMask: create(FieldMaskSchema, { paths }),
    reason: flags.reason ?? "",
  });
  if (!document) throw new Error("the server answered without a document");
  if (context.json) context.print({ document: documentJson(document) });
  else context.say(`${document.name}: updated ${paths.join(" and ")}\n${formatDocument(document)}`);
  return EXIT.ok;
}
