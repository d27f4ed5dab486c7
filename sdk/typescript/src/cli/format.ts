// Human-readable rendering of documents, progress updates and search results.
import { toJson } from "@bufbuild/protobuf";
import {
  Category,
  type Document,
  DocumentSchema,
  DocumentStatus,
  type ExtractedFields,
  ExtractedFieldsSchema,
  Stage,
} from "../gen/docmesh/document/v1/document_pb.ts";
import type { BatchSummary, ProgressUpdate } from "../gen/docmesh/progress/v1/progress_service_pb.ts";

export const statusName = (status: DocumentStatus) =>
  (DocumentStatus[status] ?? String(status)).toLowerCase().replaceAll("_", " ");
export const categoryName = (category: Category) => (Category[category] ?? String(category)).toLowerCase();
const stageName = (stage: Stage) => (Stage[stage] ?? String(stage)).toLowerCase();

export function documentJson(document: Document) {
  return toJson(DocumentSchema, document);
}

export function formatDocument(document: Document): string {
  const lines = [
    `${document.name}  ${document.fileName}`,
    `  status    ${statusName(document.status)}${document.failureReason ? ` (${document.failureReason})` : ""}`,
    `  category  ${categoryName(document.category)} (${document.categoryConfidence.toFixed(2)})`,
    `  media     ${document.mediaType}, ${document.sizeBytes} bytes, ${document.pageCount} page(s)`,
  ];
  if (document.batch) lines.push(`  batch     ${document.batch}`);
  lines.push(`  etag      ${document.etag}`);
  const fields = fieldLines(document.fields);
  if (fields.length) lines.push("  fields", ...fields.map((line) => `    ${line}`));
  if (document.missingFields.length) lines.push(`  missing   ${document.missingFields.join(", ")}`);
  for (const reason of document.reviewReasons) {
    lines.push(
      `  review    ${reason.field}: ${reason.code === 2 ? "missing" : `confidence ${reason.confidence.toFixed(2)}`}`,
    );
  }
  return lines.join("\n");
}

/** `path = value (confidence)` for every field that has a value, from the proto JSON form. */
function fieldLines(fields: ExtractedFields | undefined): string[] {
  if (!fields) return [];
  const json = toJson(ExtractedFieldsSchema, fields) as Record<string, Record<string, unknown> | unknown[]>;
  const lines: string[] = [];
  for (const [group, value] of Object.entries(json)) {
    if (Array.isArray(value)) {
      for (const entry of value as { key: string; value: string; confidence?: number }[]) {
        lines.push(`${group}.${entry.key} = ${entry.value} (${(entry.confidence ?? 0).toFixed(2)})`);
      }
      continue;
    }
    for (const [name, field] of Object.entries(value)) {
      const {
        value: v,
        values,
        confidence,
      } = field as { value?: unknown; values?: unknown[]; confidence?: number };
      const shown = values ? values.join(", ") : String(v ?? "");
      lines.push(`${group}.${name} = ${shown} (${(confidence ?? 0).toFixed(2)})`);
    }
  }
  return lines;
}

export function formatUpdate(update: ProgressUpdate): string {
  const parts = [`${update.document}  #${update.sequence}  ${statusName(update.status)}`];
  if (update.stage) parts.push(`stage ${stageName(update.stage)}`);
  if (update.category)
    parts.push(`${categoryName(update.category)} (${update.categoryConfidence.toFixed(2)})`);
  if (update.failureReason) parts.push(`failed: ${update.failureReason}`);
  if (update.terminal) parts.push("done");
  return parts.join("  ");
}

export function formatSummary(summary: BatchSummary): string {
  const eta = summary.estimatedTimeRemaining
    ? `, about ${Number(summary.estimatedTimeRemaining.seconds)} s left`
    : "";
  const counts = summary.byStatus.map((s) => `${statusName(s.status)} ${s.count}`).join(", ");
  return `${summary.batch}: ${summary.terminalDocuments}/${summary.totalDocuments} done${eta}${counts ? ` (${counts})` : ""}`;
}
