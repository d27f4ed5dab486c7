// Kill -9 in the middle of processing, restart on the same data: every document
// still reaches a terminal state, and every stage took effect exactly once.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Mode } from "../support/docmesh.ts";
import { clientsFor, startDocmesh, type TestDocmesh } from "../support/docmesh.ts";
import { type ChildDocmesh, freePort, spawnDocmesh } from "../support/process.ts";
import { corpus, readDoc } from "./corpus.ts";

/**
 * embedded: the whole single process is killed and restarted on its data directory.
 * cluster: the API and relay run in this test; the stage workers are a child process that is killed.
 */
export function crashSuite(mode: Mode) {
  describe(`a worker killed mid-stream (${mode})`, () => {
    const { root, truth } = corpus();
    const docs = truth.filter((t) => !t.needs_ocr && !t.file.endsWith(".epub")).slice(0, 30);
    const children: ChildDocmesh[] = [];
    let inProcess: TestDocmesh | undefined;

    afterAll(async () => {
      for (const child of children) await child.kill();
      await inProcess?.stop();
    });

    it("loses nothing and repeats nothing", async () => {
      const tenant = `crash-${randomUUID()}`;
      const port = await freePort();
      const env: Record<string, string> = {
        DOCMESH_MODE: mode,
        DOCMESH_PORT: String(port),
        DOCMESH_DATA_DIR: mkdtempSync(join(tmpdir(), "docmesh-crash-")),
        DOCMESH_AUTH: "none",
        DOCMESH_DEFAULT_TENANT: tenant,
      };
      let url: string;
      let startWorkers: () => Promise<ChildDocmesh>;
      if (mode === "embedded") {
        startWorkers = () => spawnDocmesh(env);
        url = `http://127.0.0.1:${port}`;
      } else {
        inProcess = await startDocmesh("cluster", { defaultTenant: tenant }, ["api", "relay"]);
        url = inProcess.url;
        startWorkers = () => spawnDocmesh(env, "classifier,extractor,indexer");
      }
      let workers = await startWorkers();
      children.push(workers);
      let clients = clientsFor(url);

      const names: string[] = [];
      for (const record of docs) {
        const { document } = await clients.ingestion.uploadDocument({
          fileName: record.file.split("/").pop() ?? "doc",
          content: readDoc(root, record.file),
        });
        names.push(document?.name ?? "");
      }
      // Kill once some but not all documents are done.
      for (;;) {
        const { documents } = await clients.metadata.listDocuments({ pageSize: 1000 });
        const done = documents.filter((d) => d.status >= 5).length;
        if (done >= 3) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await workers.kill("SIGKILL");
      workers = await startWorkers();
      children.push(workers);
      clients = clientsFor(url);

      for (const name of names) {
        const events: { sequence: bigint; stage: number; status: number }[] = [];
        for await (const message of clients.progress.watchDocument({ name })) {
          if (message.message.case === "update") events.push(message.message.value);
        }
        expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => BigInt(i + 1)));
        // Exactly one terminal update per document: no stage ran its effect twice.
        expect(events.filter((e) => e.status >= 5)).toHaveLength(1);
      }
      const { documents } = await clients.metadata.listDocuments({ pageSize: 1000 });
      expect(documents).toHaveLength(docs.length);
      expect(documents.every((d) => d.status >= 5)).toBe(true);
    }, 600_000);
  });
}
