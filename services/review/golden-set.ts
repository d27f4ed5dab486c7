// A completed review as a line of a labelled set, in the format of the evaluation corpus's
// truth.jsonl (../shared/corpus/README.md): file, category, normalised fields, where the truth
// came from. The evaluation harness (services/ai/eval.ts) reads these records as they are.
import type { Category as CategoryEnum } from "../../gen/docmesh/document/v1/document_pb.ts";
import { truthFieldName } from "../ai/eval.ts";
import { categoryFromEnum } from "../pipeline/categories.ts";
import { flattenFields } from "../pipeline/fields.ts";
import type { CompletionRow } from "../platform/store/review-store.ts";
import { fieldsFromJson } from "../platform/store/rows.ts";

export interface GoldenRecord {
  file: string;
  source: string;
  category: string;
  fields: Record<string, unknown>;
  truth_origin: string;
  manually_derived_fields: string[];
  format: string;
  language: string;
  bytes: number;
  sha256: string;
  media_type: string;
  reviewer: string;
  review_time: string;
}

export function goldenRecord(row: CompletionRow): GoldenRecord {
  const category = categoryFromEnum(row.category as CategoryEnum);
  const fields: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(flattenFields(fieldsFromJson(row.fields)))) {
    fields[truthFieldName(category, key)] = field.value;
  }
  const corrected = row.changed_paths.length > 0;
  return {
    file: row.file_name,
    source: `docmesh:documents/${row.document_id}`,
    category,
    fields,
    truth_origin: corrected
      ? "manual (docmesh review, corrected)"
      : "manual (docmesh review, accepted as extracted)",
    // Completing a review vouches for every value, whether the reviewer typed it or confirmed it.
    manually_derived_fields: ["*"],
    format: formatOf(row.file_name, row.media_type),
    language: row.language,
    bytes: Number(row.size_bytes),
    sha256: row.sha256,
    media_type: row.media_type,
    reviewer: row.reviewer,
    review_time: row.complete_time.toISOString(),
  };
}

/** The corpus's `format`: the file extension, else the media type's subtype. */
function formatOf(fileName: string, mediaType: string): string {
  const dot = fileName.lastIndexOf(".");
  if (dot > 0 && dot < fileName.length - 1) return fileName.slice(dot + 1).toLowerCase();
  return mediaType.split("/")[1]?.split(/[;+]/)[0] ?? "";
}
