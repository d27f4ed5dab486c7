import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  ContractFieldsSchema,
  DateFieldSchema,
  type ExtractedFields,
  ExtractedFieldsSchema,
  InvoiceFieldsSchema,
  TextFieldSchema,
} from "../../../gen/docmesh/document/v1/document_pb.ts";
import { checkCorrectedFields, isCalendarDate } from "../../../services/pipeline/corrected-fields.ts";

function problemOf(fields: ExtractedFields): string | undefined {
  try {
    checkCorrectedFields(fields);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("a human's corrected fields", () => {
  it.each([
    ["2024-02-29", true],
    ["2000-02-29", true],
    ["1900-02-29", false],
    ["2026-02-29", false],
    ["2026-04-31", false],
    ["2026-12-31", true],
    ["2026-13-01", false],
    ["2026-00-10", false],
    ["2026-01-00", false],
    ["0000-01-01", false],
    ["0001-01-01", true],
    ["26-01-01", false],
  ])("%s is a calendar date: %s", (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it("accepts clean fields, and an empty date", () => {
    const fields = create(ExtractedFieldsSchema, {
      kind: {
        case: "invoice",
        value: create(InvoiceFieldsSchema, {
          issuer: create(TextFieldSchema, { value: "Quillfeather Holdings" }),
          date: create(DateFieldSchema, { value: "2024-02-29" }),
          dueDate: create(DateFieldSchema, { value: "" }),
        }),
      },
    });
    expect(problemOf(fields)).toBeUndefined();
  });

  it("names every NUL and every impossible date, by path", () => {
    const fields = create(ExtractedFieldsSchema, {
      kind: {
        case: "contract",
        value: create(ContractFieldsSchema, {
          parties: { values: ["Acme", "Evil\0Corp"] },
          agreementDate: create(DateFieldSchema, { value: "2026-02-30" }),
        }),
      },
      extra: [{ key: "k\0", value: "v" }],
    });
    const problem = problemOf(fields);
    expect(problem).toContain("fields.contract.parties.values[1]: must not contain a NUL character");
    expect(problem).toContain("fields.contract.agreementDate.value: must be a real calendar date");
    expect(problem).toContain("fields.extra[0].key: must not contain a NUL character");
  });
});
