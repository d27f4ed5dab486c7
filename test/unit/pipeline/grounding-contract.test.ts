// Grounding and review reasons in the contract: a field's source survives the typed message, its
// JSON (the documents.fields column and the DocumentExtracted event), and the flat view; review
// reasons go to the column as ReviewReason JSON and come back in the Document.
import { create, fromJson, toJson } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ExtractedFieldsSchema, ReviewReasonCode } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { DocumentExtractedSchema } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import type { FieldValue } from "../../../services/ai/ai.ts";
import { reviewDecision, reviewReasonsJson } from "../../../services/indexer/review.ts";
import { flattenFields, toExtractedFields } from "../../../services/pipeline/fields.ts";
import { type DocumentRow, documentFromRow } from "../../../services/platform/store/rows.ts";

const box = { x: 0.5212, y: 0.691, width: 0.4788, height: 0.0122 };
const FIELDS: Record<string, FieldValue> = {
  total_amount: { value: 279.84, confidence: 0.9, source: { page: 1, text: "Total $ 279.84", box } },
  // From the e-invoice XML: page and text, no box.
  buyer: {
    value: "Contoso GmbH",
    confidence: 0.99,
    source: { page: 1, text: "e-invoice XML: Contoso GmbH" },
  },
  date: { value: "2023-03-20", confidence: 0.8 },
  // Not in the contract: kept in `extra`, grounding included.
  order_ref: { value: "PO-77", confidence: 0.5, source: { page: 2, text: "Order PO-77", box } },
};

describe("grounding in the contract", () => {
  it("the typed message carries each field's grounding; the flat view gives it back", () => {
    const message = toExtractedFields("invoice", FIELDS);
    const invoice = message.kind.case === "invoice" ? message.kind.value : undefined;
    expect(invoice?.totalAmount?.grounding?.page).toBe(1);
    expect(invoice?.totalAmount?.grounding?.text).toBe("Total $ 279.84");
    expect(invoice?.totalAmount?.grounding?.boundingBox?.y).toBeCloseTo(0.691, 5);
    expect(invoice?.buyer?.grounding?.boundingBox).toBeUndefined();
    expect(invoice?.date?.grounding).toBeUndefined();
    expect(message.extra[0]?.grounding?.page).toBe(2);

    const flat = flattenFields(message);
    expect(flat.buyer).toEqual(FIELDS.buyer);
    expect(flat.date).toEqual(FIELDS.date);
    expect(flat.total_amount?.source?.text).toBe("Total $ 279.84");
    expect(flat.total_amount?.source?.box?.width).toBeCloseTo(box.width, 5);
    expect(flat.order_ref?.source?.page).toBe(2);
  });

  it("the JSON of the column and of the DocumentExtracted event names it `grounding.boundingBox`", () => {
    const fields = toExtractedFields("invoice", FIELDS);
    const event = toJson(
      DocumentExtractedSchema,
      create(DocumentExtractedSchema, { fields, missingFields: [], minConfidence: 0.5 }),
    ) as {
      fields: { invoice: { totalAmount: { grounding: { page: number; boundingBox: { x: number } } } } };
    };
    expect(event.fields.invoice.totalAmount.grounding.page).toBe(1);
    expect(event.fields.invoice.totalAmount.grounding.boundingBox.x).toBeCloseTo(box.x, 5);
    // The stored JSON reads back to the same message.
    const stored = toJson(ExtractedFieldsSchema, fields);
    expect(flattenFields(fromJson(ExtractedFieldsSchema, stored))).toEqual(flattenFields(fields));
  });
});

describe("review reasons in the contract", () => {
  it("are stored as ReviewReason JSON and shown on the Document, one per field", () => {
    const decision = reviewDecision({
      category: "invoice",
      categoryConfidence: 0.99,
      fieldConfidences: { total_amount: 0.95, issuer: 0.4, date: 0.7 },
      missingFields: [],
      threshold: 0.92,
    });
    const json = reviewReasonsJson(decision.reasons);
    expect(json).toEqual([
      { field: "issuer", code: "REVIEW_REASON_CODE_LOW_CONFIDENCE", confidence: 0.4 },
      { field: "date", code: "REVIEW_REASON_CODE_LOW_CONFIDENCE", confidence: 0.7 },
    ]);
    const row = {
      id: "00000000-0000-4000-8000-000000000001",
      tenant: "t",
      file_name: "a.pdf",
      media_type: "application/pdf",
      size_bytes: 1,
      sha256: "00",
      batch_id: null,
      correlation_id: "c",
      object_key: "k",
      status: decision.status,
      category: 1,
      category_confidence: 0.99,
      fields: null,
      missing_fields: [],
      failure_reason: "",
      page_count: 1,
      language: "en",
      stage_timings: [],
      review_reasons: JSON.parse(JSON.stringify(json)),
      sequence: 1,
      version: 1,
      updated_by: "",
      create_time: new Date(),
      update_time: new Date(),
    } satisfies DocumentRow;
    const doc = documentFromRow(row);
    expect(doc.reviewReasons.map((r) => [r.field, r.code])).toEqual([
      ["issuer", ReviewReasonCode.LOW_CONFIDENCE],
      ["date", ReviewReasonCode.LOW_CONFIDENCE],
    ]);
    expect(doc.reviewReasons[0]?.confidence).toBeCloseTo(0.4, 5);
  });

  it("a missing required field is MISSING, with no confidence", () => {
    const { reasons } = reviewDecision({
      category: "invoice",
      categoryConfidence: 0.99,
      fieldConfidences: {},
      missingFields: ["total_amount"],
      threshold: 0.92,
    });
    expect(reviewReasonsJson(reasons)).toEqual([
      { field: "total_amount", code: "REVIEW_REASON_CODE_MISSING" },
    ]);
  });
});
