// What every SDK's quickstart example prints (one JSON line) and what it must say after uploading
// a-invoice.txt, its identical copy b-invoice-copy.txt and a large c-large-invoice.txt, in that order.
import { expect } from "vitest";

export interface QuickstartOutput {
  batch: string;
  uploads: { name: string; method: string; duplicate: boolean }[];
  final: Record<string, string>;
  hits: string[];
  listed: string[];
  got: { name: string; status: string; fileName: string };
  missing: string;
}

/** `missing` is the SDK's name for the not-found error (e.g. "ErrNotFound", "NotFoundError"). */
export function expectQuickstartOutput(stdout: string, missing: string): void {
  const out = JSON.parse(stdout) as QuickstartOutput;
  expect(out.batch).toMatch(/^batches\//);
  const [a, b, c] = out.uploads;
  expect(a).toMatchObject({ method: "single", duplicate: false }); // uploaded one after another: a first
  expect(b).toMatchObject({ name: a?.name, method: "single", duplicate: true });
  expect(c).toMatchObject({ method: "presigned", duplicate: false });
  expect(Object.keys(out.final).sort()).toEqual([a?.name, c?.name].sort());
  for (const status of Object.values(out.final)) {
    expect(["DOCUMENT_STATUS_INDEXED", "DOCUMENT_STATUS_NEEDS_REVIEW", "DOCUMENT_STATUS_PARTIAL"]).toContain(
      status,
    );
  }
  expect(out.hits).toEqual(expect.arrayContaining([a?.name, c?.name]));
  // A fresh tenant: its two documents, one page each.
  expect([...out.listed].sort()).toEqual([a?.name, c?.name].sort());
  expect(out.got).toMatchObject({ name: a?.name, fileName: "a-invoice.txt" });
  expect(out.missing).toBe(missing);
}
