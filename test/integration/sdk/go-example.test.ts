// The Go SDK's example (sdk/go/examples/quickstart), built and run with `go run` against a live
// embedded Docmesh: upload a folder (one file through the presigned path, one identical pair),
// watch the batch to the end, search, get.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { expectQuickstartOutput } from "./quickstart-output.ts";

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
    expectQuickstartOutput(ran.stdout, "ErrNotFound");
  });
});
