// The ReviewService contract's validation rules (as the server's validate interceptor applies
// them) and the golden-set record format.
import { create } from "@bufbuild/protobuf";
import { createValidator } from "@bufbuild/protovalidate";
import { describe, expect, it } from "vitest";
import { Category, ExtractedFieldsSchema } from "../../../gen/docmesh/document/v1/document_pb.ts";
import {
  ClaimReviewTaskRequestSchema,
  CompleteReviewTaskRequestSchema,
  ListReviewTasksRequestSchema,
} from "../../../gen/docmesh/review/v1/review_service_pb.ts";
import { fieldsToJson } from "../../../services/platform/store/rows.ts";
import { goldenRecord } from "../../../services/review/golden-set.ts";

const validator = createValidator();
const NAME = "reviewTasks/00000000-0000-0000-0000-000000000001";

/** The violated rule ids, or [] when the message is valid. */
function violations(result: ReturnType<typeof validator.validate>): string[] {
  return result.kind === "valid"
    ? []
    : result.kind === "invalid"
      ? result.violations.map((v) => v.ruleId)
      : ["error"];
}

describe("ReviewService validation", () => {
  it("CompleteReviewTask: an empty mask accepts as is; a masked category or fields must be sent", () => {
    const complete = (init: object) =>
      violations(
        validator.validate(CompleteReviewTaskRequestSchema, create(CompleteReviewTaskRequestSchema, init)),
      );
    expect(complete({ name: NAME, etag: '"3"' })).toEqual([]);
    expect(
      complete({ name: NAME, etag: '"3"', updateMask: { paths: ["category"] }, category: Category.RECEIPT }),
    ).toEqual([]);
    expect(complete({ name: NAME, etag: '"3"', updateMask: { paths: ["category"] } })).toEqual([
      "complete_review_task.category_set",
    ]);
    expect(complete({ name: NAME, etag: '"3"', updateMask: { paths: ["fields"] } })).toEqual([
      "complete_review_task.fields_set",
    ]);
    expect(complete({ name: "documents/x", etag: "" })).toEqual(["string.pattern", "string.min_len"]);
    expect(complete({ name: NAME, etag: '"3"', comment: "a\u0000b" })).toEqual(["string.no_nul"]);
  });

  it("ClaimReviewTask: a lease of 1 s to 1 h, or none", () => {
    const claim = (init: object) =>
      violations(
        validator.validate(
          ClaimReviewTaskRequestSchema,
          create(ClaimReviewTaskRequestSchema, { name: NAME, ...init }),
        ),
      );
    expect(claim({})).toEqual([]);
    expect(claim({ leaseDuration: { seconds: 600n } })).toEqual([]);
    expect(claim({ leaseDuration: { seconds: 7200n } })).toEqual(["duration.gte_lte"]);
    expect(claim({ leaseDuration: { nanos: 5 } })).toEqual(["duration.gte_lte"]);
  });

  it("ListReviewTasks: known orderings, defined reason codes, a batch name", () => {
    const list = (init: object) =>
      violations(
        validator.validate(ListReviewTasksRequestSchema, create(ListReviewTasksRequestSchema, init)),
      );
    expect(list({ orderBy: "enqueue_time desc", reasons: [1, 2], batch: "" })).toEqual([]);
    expect(list({ orderBy: "create_time" })).toEqual(["string.in"]);
    expect(list({ reasons: [0] })).toEqual(["enum.not_in"]);
    expect(list({ reasons: [9] })).toEqual(["enum.defined_only"]);
    expect(list({ batch: "batches/nope" })).toEqual(["string.pattern"]);
  });
});

describe("golden-set record", () => {
  it("is a truth.jsonl record: corpus category and keys (a receipt's merchant is its issuer), plain values", () => {
    const fields = create(ExtractedFieldsSchema, {
      kind: {
        case: "receipt",
        value: {
          merchant: { value: "Corner Shop", confidence: 1 },
          date: { value: "2018-03-05", confidence: 1 },
          totalAmount: { value: 29.3, confidence: 1 },
          currency: { value: "MYR", confidence: 1 },
        },
      },
    });
    const record = goldenRecord({
      id: 7,
      document_id: "0b6f0000-0000-0000-0000-000000000001",
      reviewer: "alice",
      complete_time: new Date("2026-11-27T19:05:00Z"),
      changed_paths: ["fields"],
      category: Category.RECEIPT,
      fields: fieldsToJson(fields),
      file_name: "Scan 12.JPG",
      media_type: "image/jpeg",
      size_bytes: 5120,
      sha256: "ab".repeat(32),
      language: "en",
    });
    expect(record).toEqual({
      file: "Scan 12.JPG",
      source: "docmesh:documents/0b6f0000-0000-0000-0000-000000000001",
      category: "receipt",
      fields: { issuer: "Corner Shop", date: "2018-03-05", total_amount: 29.3, currency: "MYR" },
      truth_origin: "manual (docmesh review, corrected)",
      manually_derived_fields: ["*"],
      format: "jpg",
      language: "en",
      bytes: 5120,
      sha256: "ab".repeat(32),
      media_type: "image/jpeg",
      reviewer: "alice",
      review_time: "2026-11-27T19:05:00.000Z",
    });
  });
});
