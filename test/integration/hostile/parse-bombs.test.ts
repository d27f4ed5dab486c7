// Parse bombs uploaded through the embedded API: each document reaches FAILED quickly, with a clear
// reason, after one attempt (a parse failure is permanent), and an ordinary document uploaded
// behind them is still processed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import type { DocumentEvent } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import type { Subscription } from "../../../services/platform/bus/bus.ts";
import { DOCUMENT_EVENTS_TOPIC } from "../../../services/platform/events/topics.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { hugeImagePdf, tiffHeader } from "../../unit/parsing/hostile-fixtures.ts";

/** With five retries, the slowest of these took minutes; once each, all of them together take seconds. */
const QUICKLY_MS = 60_000;

describe("parse bombs through the embedded API", () => {
  let docmesh: TestDocmesh;
  let subscription: Subscription;
  /** DocumentFailed events by document id, read from the real event log. */
  const failures = new Map<string, Extract<DocumentEvent["payload"], { case: "failed" }>["value"][]>();

  beforeAll(async () => {
    docmesh = await startDocmesh("embedded");
    const { bus, codec } = docmesh.running.platform;
    subscription = await bus.subscribe({
      groupId: "test-parse-bombs",
      topic: DOCUMENT_EVENTS_TOPIC,
      handler: async (record) => {
        const event = await codec.decode(record.value);
        if (event.payload.case !== "failed") return;
        const list = failures.get(event.documentId) ?? [];
        list.push(event.payload.value);
        failures.set(event.documentId, list);
      },
    });
  }, 180_000);
  afterAll(async () => {
    await subscription?.stop();
    await docmesh?.stop();
  });

  async function uploadAndWait(fileName: string, content: Uint8Array) {
    const started = Date.now();
    const { document } = await docmesh.clients.ingestion.uploadDocument({ fileName, content });
    const name = document?.name ?? "";
    for await (const _ of docmesh.clients.progress.watchDocument({ name })) {
      // drain until terminal
    }
    const { document: done } = await docmesh.clients.metadata.getDocument({ name });
    return { document: done, id: name.replace("documents/", ""), ms: Date.now() - started };
  }

  const bombs: [string, () => Uint8Array, RegExp][] = [
    ["spaces.txt", () => Buffer.alloc(2 * 1024 * 1024, " "), /^parse: empty: /],
    [
      "nested.html",
      () => Buffer.from(`<html><body>${"<div>".repeat(200_000)}x${"</div>".repeat(200_000)}</body></html>`),
      /^parse: malformed: html: elements nested more than 1000 deep/,
    ],
    [
      "flood.tiff",
      () => tiffHeader(20_000, 20_000),
      /^parse: decompression_bomb: image: 20000x20000 exceeds/,
    ],
    ["flood.pdf", () => hugeImagePdf(20_000, 20_000), /^parse: empty: /],
  ];

  for (const [fileName, make, reason] of bombs) {
    it(`${fileName} fails at once with a clear reason, after one attempt`, async () => {
      const { document, id, ms } = await uploadAndWait(fileName, make());
      expect(document?.status).toBe(DocumentStatus.FAILED);
      expect(document?.failureReason).toMatch(reason);
      expect(ms).toBeLessThan(QUICKLY_MS);
      await expect.poll(() => failures.get(id)?.length ?? 0, { timeout: 10_000 }).toBe(1);
      expect(failures.get(id)?.[0]?.attempts).toBe(1);
    });
  }

  it("an ordinary document uploaded after the bombs is processed", async () => {
    const { document } = await uploadAndWait(
      "note.txt",
      Buffer.from(
        "Invoice INV-7 from Acme Ltd. Total due: 120.00 EUR by 2026-01-31. Thank you for your order.",
      ),
    );
    expect(document?.status).not.toBe(DocumentStatus.FAILED);
    expect([DocumentStatus.INDEXED, DocumentStatus.NEEDS_REVIEW, DocumentStatus.PARTIAL]).toContain(
      document?.status,
    );
  });
});
