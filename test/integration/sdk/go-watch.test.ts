// The Go SDK's watch resumes after its connection is cut: `go test -tags live` (sdk/go/watch_live_test.go)
// watches a batch through a proxy in front of a live embedded Docmesh and asks this test, over HTTP,
// to cut every proxied connection right after the first update.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { type CuttableProxy, cuttableProxy } from "./cuttable-proxy.ts";

let docmesh: TestDocmesh;
let proxy: CuttableProxy;
let cutter: Server;
let cuts = 0;
beforeAll(async () => {
  docmesh = await startDocmesh("embedded");
  proxy = await cuttableProxy(new URL(docmesh.url));
  cutter = createServer((_request, response) => {
    cuts++;
    proxy.cut();
    response.end("cut");
  });
  await new Promise<void>((resolve) => cutter.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  cutter?.close();
  proxy?.server.close();
  await docmesh?.stop();
});

describe("sdk/go Watch", () => {
  it("reopens a cut stream and yields every update once, in order", { timeout: 300_000 }, async () => {
    const { port } = cutter.address() as { port: number };
    const ran = await new Promise<{ code: number; output: string }>((resolve) =>
      execFile(
        "go",
        ["test", "-tags", "live", "-count=1", "-v", "-run", "TestWatchResumesAfterTheConnectionIsCut", "."],
        {
          cwd: join(import.meta.dirname, "../../../sdk/go"),
          env: {
            ...process.env,
            DOCMESH_URL: proxy.url,
            DOCMESH_DIRECT_URL: docmesh.url,
            DOCMESH_CUT_URL: `http://127.0.0.1:${port}/cut`,
          },
          timeout: 280_000,
        },
        (error, stdout, stderr) =>
          resolve({
            code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
            output: stdout + stderr,
          }),
      ),
    );
    expect(ran.code, ran.output).toBe(0);
    expect(ran.output).toMatch(/--- PASS: TestWatchResumesAfterTheConnectionIsCut/);
    expect(ran.output).toMatch(/\d+ updates, [1-9]\d* reconnect\(s\)/);
    expect(cuts).toBe(1);
  });
});
