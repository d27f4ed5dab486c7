// A 48 MiB text without a single line break, uploaded through the embedded API, must not freeze the
// server: a second client calling a cheap RPC every 100 ms keeps getting answers, and the document
// still reaches a terminal status. Before the built-in AI read a bounded window and chunking stopped
// at what it keeps, the longest gap between answers was ~7 s (two stalls of 6.4 s and 6.9 s).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Category, DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { clientsFor, startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";

const SIZE = 48 * 1024 * 1024;
/** Generous for a loaded 2-core machine; the old behaviour stalled ~7 s. */
const MAX_GAP_MS = 2_000;
const PROBE_EVERY_MS = 100;

/** Lorem ipsum sentences, no line breaks, with an invoice-like head so classification has work to do. */
function longLine(size = SIZE): Buffer {
  const head = "INVOICE No. INV-4711 Date: 2024-03-01 Bill to: Example GmbH, Berlin. ";
  const sentence =
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore. ";
  const body = Buffer.alloc(size, sentence);
  body.write(head, 0);
  return body;
}

describe("a 48 MiB single-line text upload", () => {
  let docmesh: TestDocmesh;

  beforeAll(async () => {
    docmesh = await startDocmesh("embedded");
  }, 180_000);
  afterAll(async () => {
    await docmesh?.stop();
  });

  it("is processed to a terminal status while other RPCs keep being answered", async () => {
    const { ingestion, progress } = docmesh.clients;
    // The probe is a second client: its own HTTP/2 session, as another tenant's caller would have.
    const { metadata } = clientsFor(docmesh.url);
    // A small document whose GetDocument is the probe's cheap RPC.
    const { document: probeDoc } = await ingestion.uploadDocument({
      fileName: "probe.txt",
      content: Buffer.from("Meeting notes: nothing to report."),
    });
    const probeName = probeDoc?.name ?? "";

    let stop = false;
    let maxGap = 0;
    let answered = 0;
    const probing = (async () => {
      let last = Date.now();
      while (!stop) {
        await metadata.getDocument({ name: probeName });
        const now = Date.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        answered++;
        await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
      }
    })();

    const started = Date.now();
    const { document } = await ingestion.uploadDocument({ fileName: "long-line.txt", content: longLine() });
    const name = document?.name ?? "";
    for await (const _ of progress.watchDocument({ name })) {
      // drain until terminal
    }
    const { document: done } = await metadata.getDocument({ name });
    stop = true;
    await probing;
    console.info(
      `long line: ${DocumentStatus[done?.status ?? 0]} in ${Date.now() - started} ms; ` +
        `${answered} probes, longest gap ${maxGap} ms`,
    );

    // An invoice head (number, date, buyer) over lorem ipsum without a single amount: classified as
    // an invoice, its required total missing, so PARTIAL, as a short text like it would be.
    expect(done?.status).toBe(DocumentStatus.PARTIAL);
    expect(done?.category).toBe(Category.INVOICE);
    expect(done?.missingFields).toContain("total_amount");

    // The same head over a few sentences gets the same verdict: the long text was read, not skipped.
    const { document: short } = await ingestion.uploadDocument({
      fileName: "short.txt",
      content: longLine(4096),
    });
    for await (const _ of progress.watchDocument({ name: short?.name ?? "" })) {
      // drain until terminal
    }
    const { document: shortDone } = await metadata.getDocument({ name: short?.name ?? "" });
    expect(shortDone?.status).toBe(done?.status);
    expect(shortDone?.category).toBe(done?.category);
    expect(shortDone?.missingFields).toEqual(done?.missingFields);
    expect(answered).toBeGreaterThan(10);
    expect(maxGap).toBeLessThan(MAX_GAP_MS);
  }, 240_000);
});
