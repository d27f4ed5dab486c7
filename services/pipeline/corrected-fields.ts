// A human's corrected fields (MetadataService.UpdateDocument and ReviewService share them): checked
// before they are stored, and certain once they are. The contract cannot say this:
// document.proto is also the event schema, so its messages carry no validation rules.
// PostgreSQL jsonb cannot hold a NUL, and a date that does not exist would break indexing later.
import { DateFieldSchema, type ExtractedFields } from "../../gen/docmesh/document/v1/document_pb.ts";
import { invalid } from "../platform/errors.ts";

/** Throws INVALID_ARGUMENT naming every offending field, e.g. `fields.invoice.date.value`. */
export function checkCorrectedFields(fields: ExtractedFields | undefined): void {
  const problems: string[] = [];
  visit(fields, "fields", problems);
  if (problems.length > 0) throw invalid(problems.join("; "));
}

/** `YYYY-MM-DD` naming a day that exists, years 0001 to 9999 (the same rule as the filter's dates). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return year >= 1 && days !== undefined && day >= 1 && day <= days;
}

function visit(value: unknown, path: string, problems: string[]): void {
  if (typeof value === "string") {
    if (value.includes("\0")) problems.push(`${path}: must not contain a NUL character`);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) visit(item, `${path}[${i}]`, problems);
    return;
  }
  if (!value || typeof value !== "object") return;
  const record = value as Record<string, unknown>;
  if (record.$typeName === undefined && "case" in record) {
    // A oneof: the chosen case replaces the oneof's own name, e.g. fields.kind -> fields.invoice.
    const parent = path.slice(0, path.lastIndexOf("."));
    if (typeof record.case === "string") visit(record.value, `${parent}.${record.case}`, problems);
    return;
  }
  if (
    record.$typeName === DateFieldSchema.typeName &&
    record.value !== "" &&
    !isCalendarDate(String(record.value))
  ) {
    problems.push(`${path}.value: must be a real calendar date, YYYY-MM-DD (years 0001 to 9999)`);
  }
  for (const [key, child] of Object.entries(record)) {
    if (!key.startsWith("$")) visit(child, `${path}.${key}`, problems);
  }
}

/** A human's values are certain. */
export function withFullConfidence<T>(fields: T): T {
  const visit = (value: unknown): void => {
    if (!value || typeof value !== "object") return;
    if ("confidence" in value) (value as { confidence: number }).confidence = 1;
    for (const child of Object.values(value)) visit(child);
  };
  visit(fields);
  return fields;
}
