import { create, type JsonValue, toJson } from "@bufbuild/protobuf";
import {
  DocumentStatus,
  ReviewReasonCode,
  ReviewReasonSchema,
} from "../../gen/docmesh/document/v1/document_pb.ts";
import { type Category, ROUTED_FIELDS } from "../ai/ai.ts";

/** Why a document was not auto-accepted: one entry per doubtful or missing field ("category" included). */
export interface ReviewReason {
  field: string;
  reason: "low_confidence" | "missing";
  confidence?: number;
}

export interface ReviewDecision {
  status: DocumentStatus;
  reasons: ReviewReason[];
}

/**
 * The terminal status of a processed document, with a reason per field. A doubtful category makes
 * the fields moot, so it is checked first; then missing required fields; then doubtful fields.
 * Confidences are calibrated probabilities (docs/ai.md), so one threshold serves both; its default
 * is chosen by cross-validation (`npm run eval`). Only the category's ROUTED_FIELDS are checked.
 */
export function reviewDecision(input: {
  category: Category;
  categoryConfidence: number;
  fieldConfidences: Record<string, number>;
  missingFields: string[];
  threshold: number;
}): ReviewDecision {
  if (input.categoryConfidence < input.threshold)
    return {
      status: DocumentStatus.NEEDS_REVIEW,
      reasons: [{ field: "category", reason: "low_confidence", confidence: input.categoryConfidence }],
    };
  if (input.missingFields.length > 0)
    return {
      status: DocumentStatus.PARTIAL,
      reasons: input.missingFields.map((field) => ({ field, reason: "missing" })),
    };
  const routed = ROUTED_FIELDS[input.category];
  const low = Object.entries(input.fieldConfidences)
    .filter(([field, c]) => routed.has(field) && c < input.threshold)
    .map(([field, confidence]): ReviewReason => ({ field, reason: "low_confidence", confidence }));
  return low.length > 0
    ? { status: DocumentStatus.NEEDS_REVIEW, reasons: low }
    : { status: DocumentStatus.INDEXED, reasons: [] };
}

/** The reasons as the contract's ReviewReason JSON, for the documents.review_reasons column. */
export function reviewReasonsJson(reasons: readonly ReviewReason[]): JsonValue[] {
  return reasons.map((r) =>
    toJson(
      ReviewReasonSchema,
      create(ReviewReasonSchema, {
        field: r.field,
        code: r.reason === "missing" ? ReviewReasonCode.MISSING : ReviewReasonCode.LOW_CONFIDENCE,
        confidence: r.confidence ?? 0,
      }),
    ),
  );
}
