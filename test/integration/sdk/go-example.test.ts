// The Go SDK's example (sdk/go/examples/quickstart), built and run with `go run` against a live
// embedded Docmesh: upload a folder (one file through the presigned path, one identical pair),
// watch the batch to the end, search, get.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";

let docmesh: TestDocmesh;
beforeAll(async () => {
  docmesh = await startDocmesh("embedded");
});
afterAll(async () => {
  await docmesh?.stop();
});

function goRun(folder: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      "go",
      ["run", "./examples/quickstart", folder],
      {
        cwd: join(import.meta.dirname, "../../../sdk/go"),
        env: { ...process.env, DOCMESH_URL: docmesh.url, LARGE_FILE_BYTES: "65536" },
        timeout: 280_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    ),
  );
}

describe("sdk/go/examples/quickstart", () => {
  it("uploads a folder, watches the batch to the end, searches and gets", { timeout: 300_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), "docmesh-go-example-"));
    const invoice = "Invoice INV-5120 from Plover Paints. Date 2026-04-09. Total due 233.10 EUR.\n";
    writeFileSync(join(folder, "a-invoice.txt"), invoice);
    writeFileSync(join(folder, "b-invoice-copy.txt"), invoice);
    writeFileSync(
      join(folder, "c-large-invoice.txt"),
      `Invoice INV-77 from Grebe Freight. Total 75.00 EUR.\n${"Line item: container handling, 1 unit.\n".repeat(4000)}`,
    );

    const ran = await goRun(folder);
    expect(ran.code, ran.stderr).toBe(0);
    const out = JSON.parse(ran.stdout) as {
      batch: string;
      uploads: { name: string; method: string; duplicate: boolean }[];
      final: Record<string, string>;
      hits: string[];
      listed: string[];
      got: { name: string; status: string; fileName: string };
      missing: string;
    };
    expect(out.batch).toMatch(/^batches\//);
    const [a, b, c] = out.uploads;
    expect(a).toMatchObject({ method: "single", duplicate: false }); // uploaded one after another: a first
    expect(b).toMatchObject({ name: a?.name, method: "single", duplicate: true });
    expect(c).toMatchObject({ method: "presigned", duplicate: false });
    expect(Object.keys(out.final).sort()).toEqual([a?.name, c?.name].sort());
    for (const status of Object.values(out.final)) {
      expect([
        "DOCUMENT_STATUS_INDEXED",
        "DOCUMENT_STATUS_NEEDS_REVIEW",
        "DOCUMENT_STATUS_PARTIAL",
      ]).toContain(status);
    }
    expect(out.hits).toEqual(expect.arrayContaining([a?.name, c?.name]));
    // A fresh tenant: its two documents, one page each.
    expect([...out.listed].sort()).toEqual([a?.name, c?.name].sort());
    expect(out.got).toMatchObject({ name: a?.name, fileName: "a-invoice.txt" });
    expect(out.missing).toBe("ErrNotFound");
  });
});
