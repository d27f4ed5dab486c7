// Mapping between `documents`/`batches` rows and the protobuf resources.
import { create, fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type Batch,
  BatchSchema,
  type Document,
  DocumentSchema,
  type ExtractedFields,
  ExtractedFieldsSchema,
  ReviewReasonSchema,
  type StageTiming,
  StageTimingSchema,
} from "../../../gen/docmesh/document/v1/document_pb.ts";

export interface DocumentRow {
  id: string;
  tenant: string;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  batch_id: string | null;
  correlation_id: string;
  object_key: string;
  status: number;
  category: number;
  category_confidence: number;
  fields: JsonValue | null;
  missing_fields: string[];
  failure_reason: string;
  page_count: number;
  language: string;
  stage_timings: JsonValue[];
  /** ReviewReason messages as JSON (migration 003). */
  review_reasons: JsonValue[];
  sequence: number;
  version: number;
  updated_by: string;
  create_time: Date;
  update_time: Date;
}

export interface BatchRow {
  id: string;
  tenant: string;
  display_name: string;
  correlation_id: string;
  create_time: Date;
  document_count?: number;
}

export const documentName = (id: string) => `documents/${id}`;
export const batchName = (id: string | null) => (id ? `batches/${id}` : "");
export const etagOf = (version: number) => `"${version}"`;

export function fieldsFromJson(json: JsonValue | null): ExtractedFields | undefined {
  return json === null ? undefined : fromJson(ExtractedFieldsSchema, json);
}

export function fieldsToJson(fields: ExtractedFields | undefined): JsonValue | null {
  return fields === undefined ? null : toJson(ExtractedFieldsSchema, fields);
}

export function timingToJson(timing: StageTiming): JsonValue {
  return toJson(StageTimingSchema, timing);
}

export function documentFromRow(row: DocumentRow): Document {
  return create(DocumentSchema, {
    name: documentName(row.id),
    tenant: row.tenant,
    fileName: row.file_name,
    mediaType: row.media_type,
    sizeBytes: BigInt(row.size_bytes),
    sha256: row.sha256,
    batch: batchName(row.batch_id),
    correlationId: row.correlation_id,
    status: row.status,
    category: row.category,
    categoryConfidence: row.category_confidence,
    fields: fieldsFromJson(row.fields),
    missingFields: row.missing_fields,
    failureReason: row.failure_reason,
    stageTimings: row.stage_timings.map((t) => fromJson(StageTimingSchema, t)),
    pageCount: row.page_count,
    language: row.language,
    sequence: BigInt(row.sequence),
    createTime: timestampFromDate(row.create_time),
    updateTime: timestampFromDate(row.update_time),
    updatedBy: row.updated_by,
    etag: etagOf(row.version),
    reviewReasons: (row.review_reasons ?? []).map((r) => fromJson(ReviewReasonSchema, r)),
  });
}

export function batchFromRow(row: BatchRow): Batch {
  return create(BatchSchema, {
    name: batchName(row.id),
    tenant: row.tenant,
    displayName: row.display_name,
    correlationId: row.correlation_id,
    documentCount: Number(row.document_count ?? 0),
    createTime: timestampFromDate(row.create_time),
  });
}
