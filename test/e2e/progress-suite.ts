// Live progress: snapshot then live updates, resume without gaps or repeats,
// heartbeats while idle, and no listener left behind when a client goes away.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WatchDocumentResponse } from "../../gen/docmesh/progress/v1/progress_service_pb.ts";
import { type Mode, startDocmesh, type TestDocmesh } from "../support/docmesh.ts";
import { corpus, readDoc } from "./corpus.ts";

async function collect(stream: AsyncIterable<WatchDocumentResponse>, stopAfter = Number.POSITIVE_INFINITY) {
  const sequences: bigint[] = [];
  let heartbeats = 0;
  for await (const message of stream) {
    if (message.message.case === "update") sequences.push(message.message.value.sequence);
    else if (message.message.case === "heartbeat") heartbeats++;
    if (sequences.length >= stopAfter) break;
  }
  return { sequences, heartbeats };
}

export function progressSuite(mode: Mode) {
  describe(`progress streaming (${mode})`, () => {
    let docmesh: TestDocmesh;
    const { root, truth } = corpus();
    const textDocs = truth.filter((t) => t.file.endsWith(".pdf") && !t.needs_ocr).slice(0, 3);

    beforeAll(async () => {
      docmesh = await startDocmesh(mode);
    }, 180_000);
    afterAll(async () => {
      await docmesh?.stop();
    });

    it("sends the whole history, then live updates, ending at the terminal state", async () => {
      const record = textDocs[0];
      if (!record) throw new Error("corpus has no text PDF");
      const { document } = await docmesh.clients.ingestion.uploadDocument({
        fileName: "a.pdf",
        content: readDoc(root, record.file),
      });
      const { sequences } = await collect(
        docmesh.clients.progress.watchDocument({ name: document?.name ?? "" }),
      );
      expect(sequences.length).toBeGreaterThanOrEqual(5);
      expect(sequences).toEqual(sequences.map((_, i) => BigInt(i + 1)));
      // Watching a finished document again replays exactly the same history.
      const again = await collect(docmesh.clients.progress.watchDocument({ name: document?.name ?? "" }));
      expect(again.sequences).toEqual(sequences);
      // Resuming after sequence 2 sends exactly what came after it.
      const resumed = await collect(
        docmesh.clients.progress.watchDocument({ name: document?.name ?? "", afterSequence: 2n }),
      );
      expect(resumed.sequences).toEqual(sequences.slice(2));
    });

    it("resumes after a disconnect with exactly the missed updates", async () => {
      const record = textDocs[1];
      if (!record) throw new Error("corpus has no second text PDF");
      const { document } = await docmesh.clients.ingestion.uploadDocument({
        fileName: "b.pdf",
        content: readDoc(root, record.file),
      });
      const name = document?.name ?? "";
      const abort = new AbortController();
      const first = await collect(
        docmesh.clients.progress.watchDocument({ name }, { signal: abort.signal }),
        1,
      );
      abort.abort();
      const last = first.sequences.at(-1) ?? 0n;
      const rest = await collect(docmesh.clients.progress.watchDocument({ name, afterSequence: last }));
      const all = [...first.sequences, ...rest.sequences];
      expect(all).toEqual(all.map((_, i) => BigInt(i + 1)));
      expect(all.length).toBeGreaterThanOrEqual(5);
    });

    it("sends heartbeats while idle and releases its listener when the client leaves", async () => {
      const hub = () => docmesh.running.hub;
      const { batch } = await docmesh.clients.ingestion.createBatch({ displayName: "empty" });
      const abort = new AbortController();
      let heartbeats = 0;
      const stream = docmesh.clients.progress.watchBatch(
        { name: batch?.name ?? "" },
        { signal: abort.signal },
      );
      const started = Date.now();
      try {
        for await (const message of stream) {
          if (message.message.case === "heartbeat") heartbeats++;
          if (heartbeats >= 2) break;
        }
      } finally {
        abort.abort();
      }
      expect(heartbeats).toBe(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1500); // heartbeatSeconds = 1 in tests
      await expect.poll(() => hub()?.listenerCount ?? -1, { timeout: 5000 }).toBe(0);
    });
  });
}
