// A replay left RUNNING by a process that died is taken over: the next admin process that looks
// sends back only the documents not yet sent, waits for them, and ends it SUCCEEDED (embedded mode:
// PGlite runs the same SQL as PostgreSQL). A replay whose runner is alive is left alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplayState } from "../../../gen/docmesh/admin/v1/admin_service_pb.ts";
import { DocumentStatus, Stage } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { ReplayStore } from "../../../services/admin/replay-store.ts";
import { Replays } from "../../../services/admin/replays.ts";
import { DOCUMENT_EVENTS_TOPIC } from "../../../services/platform/events/topics.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";

const DOCUMENTS = 4;

describe("a replay whose runner died", () => {
  let docmesh: TestDocmesh;
  let store: ReplayStore;
  const ids: string[] = [];

  beforeAll(async () => {
    docmesh = await startDocmesh("embedded");
    store = new ReplayStore(docmesh.running.platform.db, DOCUMENT_EVENTS_TOPIC);
    for (let i = 0; i < DOCUMENTS; i++) {
      const { document } = await docmesh.clients.ingestion.uploadDocument({
        fileName: `note-${i}.txt`,
        content: new TextEncoder().encode(`Invoice ${i}\nTotal amount due: EUR ${i + 10}.00\n`),
      });
      const name = document?.name ?? "";
      for await (const _ of docmesh.clients.progress.watchDocument({ name })) {
        // until terminal
      }
      ids.push(name.slice("documents/".length));
    }
  }, 180_000);
  afterAll(async () => docmesh?.stop(), 60_000);

  it("is resumed from the documents not yet sent back, each sent once, and ends SUCCEEDED", async () => {
    const query = { tenant: docmesh.tenant, statuses: [], categories: [] };
    // What a runner that died after two documents leaves behind.
    const id = await store.create(query, Stage.INDEX, 10, "admin-who-left");
    const matched = await store.match(await store.get(id));
    expect(matched).toHaveLength(DOCUMENTS);
    for (const documentId of matched.slice(0, 2))
      await store.requeue(id, documentId, Stage.INDEX, "admin-who-left");
    await docmesh.running.platform.db.query(
      "UPDATE replays SET update_time = now() - interval '1 hour' WHERE id = $1",
      [id],
    );
    // A replay whose runner is alive (touched just now) is not taken.
    const live = await store.create(query, Stage.INDEX, 10, "admin-still-here");

    const replays = new Replays(store, () => {}, 20, { heartbeatMs: 100, staleMs: 5000, checkMs: 60_000 });
    try {
      const resumed = await replays.resumeStale();
      expect(resumed).toContain(id);
      expect(resumed).not.toContain(live);
      // Ended before this process's own admin role would find it stale too.
      await store.finish(live, ReplayState.CANCELLED);
      await expect
        .poll(async () => (await store.get(id)).state, { timeout: 90_000, interval: 200 })
        .toBe(ReplayState.SUCCEEDED);
    } finally {
      await replays.stop();
    }
    const done = await store.get(id);
    expect(done.matched).toBe(DOCUMENTS);
    expect(done.requeued).toBe(DOCUMENTS);
    expect(done.finished).toBe(DOCUMENTS);
    expect(done.skipped).toBe(0);
    expect([...(await store.sentBack(id))].sort()).toEqual([...ids].sort());
    // Each document was indexed twice in all: once on upload, once by the replay (not three times).
    for (const documentId of ids) {
      const { document } = await docmesh.clients.metadata.getDocument({ name: `documents/${documentId}` });
      expect([DocumentStatus.INDEXED, DocumentStatus.NEEDS_REVIEW]).toContain(document?.status);
      expect(document?.stageTimings.filter((t) => t.stage === Stage.INDEX)).toHaveLength(2);
    }
  }, 150_000);
});
