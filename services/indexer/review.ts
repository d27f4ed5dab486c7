import { DocumentStatus } from "../../gen/docmesh/document/v1/document_pb.ts";

/**
 * The terminal status of a processed document. A doubtful category makes the fields
 * moot, so it is checked first; then missing required fields; then doubtful fields.
 */
export function terminalStatus(input: {
  categoryConfidence: number;
  missingFields: string[];
  minFieldConfidence: number;
  threshold: number;
}): DocumentStatus {
  if (input.categoryConfidence < input.threshold) return DocumentStatus.NEEDS_REVIEW;
  if (input.missingFields.length > 0) return DocumentStatus.PARTIAL;
  if (input.minFieldConfidence < input.threshold) return DocumentStatus.NEEDS_REVIEW;
  return DocumentStatus.INDEXED;
}
