// The TypeScript SDK's example, run as a user would run it, against a live embedded Docmesh:
// upload a folder (one file through the presigned path, one identical pair), watch the batch to
// the end, search, get.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { runTs } from "./run-node.ts";

let docmesh: TestDocmesh;
beforeAll(async () => {
  docmesh = await startDocmesh("embedded");
});
afterAll(async () => {
  await docmesh?.stop();
});

describe("sdk/typescript/examples/quickstart.ts", () => {
  it("uploads a folder, watches the batch to the end, searches and gets", async () => {
    const folder = mkdtempSync(join(tmpdir(), "docmesh-sdk-example-"));
    const invoice = "Invoice INV-2041 from Marlin Supplies. Date 2026-03-02. Total due 418.20 EUR.\n";
    writeFileSync(join(folder, "a-invoice.txt"), invoice);
    writeFileSync(join(folder, "b-invoice-copy.txt"), invoice); // same bytes: one of the two is a duplicate
    writeFileSync(join(folder, "c-memo.txt"), "Memo: the quarterly planning meeting moves to Thursday.\n");
    // Above LARGE_FILE_BYTES below: goes through CreateUpload, PUT, CompleteUpload.
    writeFileSync(
      join(folder, "d-large-invoice.txt"),
      `Invoice INV-9 from Heron Logistics. Total 99.00 EUR.\n${"Line item: pallet transport, 1 unit.\n".repeat(4000)}`,
    );

    const ran = await runTs("sdk/typescript/examples/quickstart.ts", [folder], {
      DOCMESH_URL: docmesh.url,
      LARGE_FILE_BYTES: "65536",
    });
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
    const out = JSON.parse(ran.stdout) as {
      batch: string;
      uploads: { name: string; method: string; duplicate: boolean }[];
      failed: string[];
      final: Record<string, string>;
      hits: string[];
      got: { name: string; status: string; fileName: string };
      missing: string;
    };

    expect(out.batch).toMatch(/^batches\//);
    expect(out.failed).toEqual([]);
    expect(out.uploads).toHaveLength(4);
    const [a, b, c, d] = out.uploads;
    expect(a?.name).toBe(b?.name);
    expect([a?.duplicate, b?.duplicate].sort()).toEqual([false, true]);
    expect(c?.duplicate).toBe(false);
    expect(d?.method).toBe("presigned");
    expect(a?.method).toBe("single");

    const distinct = new Set(out.uploads.map((u) => u.name));
    expect(Object.keys(out.final).sort()).toEqual([...distinct].sort());
    for (const status of Object.values(out.final))
      expect(["INDEXED", "NEEDS_REVIEW", "PARTIAL"]).toContain(status);

    // Both invoices are found (2 per page, so the iterator followed a page token when there are more).
    expect(out.hits).toContain(a?.name);
    expect(out.hits).toContain(d?.name);
    expect(new Set(out.hits).size).toBe(out.hits.length);

    expect(out.got.name).toBe(a?.name);
    expect(out.got.fileName).toMatch(/invoice/);
    expect(out.missing).toBe("NotFoundError");
  });
});
