// The Python SDK's example (sdk/python/examples/quickstart.py), run with the SDK venv against a live
// embedded Docmesh: upload a folder (one file through the presigned path, one identical pair),
// watch the batch to the end, search, get.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { expectQuickstartOutput } from "./quickstart-output.ts";
import { pythonVenv, runPython } from "./run-python.ts";

let docmesh: TestDocmesh;
let venv: string;
beforeAll(async () => {
  venv = await pythonVenv();
  docmesh = await startDocmesh("embedded");
}, 600_000);
afterAll(async () => {
  await docmesh?.stop();
});

describe("sdk/python/examples/quickstart.py", () => {
  it("uploads a folder, watches the batch to the end, searches and gets", { timeout: 300_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), "docmesh-python-example-"));
    const invoice = "Invoice INV-6120 from Tern Tiles. Date 2026-05-11. Total due 318.40 EUR.\n";
    writeFileSync(join(folder, "a-invoice.txt"), invoice);
    writeFileSync(join(folder, "b-invoice-copy.txt"), invoice);
    writeFileSync(
      join(folder, "c-large-invoice.txt"),
      `Invoice INV-78 from Heron Haulage. Total 81.00 EUR.\n${"Line item: pallet handling, 1 unit.\n".repeat(4000)}`,
    );

    const ran = await runPython(venv, ["examples/quickstart.py", folder], {
      DOCMESH_URL: docmesh.url,
      LARGE_FILE_BYTES: "65536",
    });
    expect(ran.code, ran.stderr).toBe(0);
    expectQuickstartOutput(ran.stdout, "NotFoundError");
  });
});
