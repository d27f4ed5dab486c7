// The Python SDK's watch resumes after its connection is cut: python_watch_cut.py watches a batch
// through a proxy in front of a live embedded Docmesh and asks this test, over HTTP, to cut every
// proxied connection right after the first update; the updates must equal an undisturbed watch's.
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { type CuttableProxy, cuttableProxy } from "./cuttable-proxy.ts";
import { pythonVenv, runPython } from "./run-python.ts";

let docmesh: TestDocmesh;
let proxy: CuttableProxy;
let cutter: Server;
let venv: string;
let cuts = 0;
beforeAll(async () => {
  venv = await pythonVenv();
  docmesh = await startDocmesh("embedded");
  proxy = await cuttableProxy(new URL(docmesh.url));
  cutter = createServer((_request, response) => {
    cuts++;
    proxy.cut();
    response.end("cut");
  });
  await new Promise<void>((resolve) => cutter.listen(0, "127.0.0.1", resolve));
}, 600_000);
afterAll(async () => {
  cutter?.close();
  proxy?.server.close();
  await docmesh?.stop();
});

describe("sdk/python Docmesh.watch", () => {
  it("reopens a cut stream and yields every update once, in order", { timeout: 120_000 }, async () => {
    const { port } = cutter.address() as { port: number };
    const ran = await runPython(
      venv,
      [join(import.meta.dirname, "python_watch_cut.py")],
      {
        DOCMESH_URL: proxy.url,
        DOCMESH_DIRECT_URL: docmesh.url,
        DOCMESH_CUT_URL: `http://127.0.0.1:${port}/cut`,
      },
      100_000,
    );
    expect(ran.code, ran.stderr).toBe(0);
    const out = JSON.parse(ran.stdout) as {
      seen: number[];
      undisturbed: number[];
      reconnects: number;
      cursor: number;
    };
    expect(cuts).toBe(1);
    expect(out.reconnects).toBeGreaterThanOrEqual(1);
    expect(out.undisturbed.length).toBeGreaterThan(1);
    expect(out.seen).toEqual(out.undisturbed);
    expect(out.cursor).toBe(out.undisturbed.at(-1));
  });
});
