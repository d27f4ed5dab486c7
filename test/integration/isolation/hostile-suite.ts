// A hostile document next to a bystander: tenant A uploads documents whose OCR would take many
// minutes (ocrBombPdf), tenant B uploads a one-page document right after. Each hostile document
// fails at its parse budget with reason timeout, after one attempt; B's document is delayed by at
// most one budget (plus a stated slack), against the same document alone, and nothing is lost.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, mintToken } from "../../../gateway/dev-token.ts";
import { type Document, DocumentStatus, Stage } from "../../../gen/docmesh/document/v1/document_pb.ts";
import type { Config } from "../../../services/platform/config.ts";
import { clientsFor, type Mode, startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { ocrBombPdf } from "../../unit/parsing/hostile-fixtures.ts";

/** The parse budget under test (DOCMESH_PARSE_TIMEOUT_MS); the default is 60 s. */
export const BUDGET_MS = 3000;
/**
 * What B's delay may exceed the budget by: a parser thread spawned to replace the one terminated at
 * the budget loads its modules before it parses (about 1 s; several on the loaded 2-core
 * development machine), and B shares the cores with the hostile threads and the engines.
 */
export const SLACK_MS = 8000;

const TERMINAL = [
  DocumentStatus.INDEXED,
  DocumentStatus.NEEDS_REVIEW,
  DocumentStatus.PARTIAL,
  DocumentStatus.FAILED,
];

const millis = (t: Document["createTime"]) => Number(t?.seconds ?? 0n) * 1000 + (t?.nanos ?? 0) / 1e6;
/** Upload → terminal, both stamped by the server. */
const latencyMs = (d: Document) => millis(d.updateTime) - millis(d.createTime);

function onePager(n: number): Uint8Array {
  return new TextEncoder().encode(
    [
      `INVOICE ${n}-${randomUUID().slice(0, 8)}`,
      "Invoice date: 2026-11-27",
      "Bill to: Example Customer Ltd, 1 Sample Street, Springfield",
      "Item 1: consulting services, 2 h, EUR 200.00",
      "Total amount due: EUR 238.00",
    ].join("\n"),
  );
}

/**
 * `hostile` documents at least as many as the parser threads (1 embedded, 2 cluster on 2 cores), so
 * B's parse has to wait for a thread a hostile document holds.
 */
export function hostileDocumentSuite(mode: Mode, hostile: number, overrides: Partial<Config> = {}): void {
  const HOSTILE = hostile;
  describe(`a hostile document and a bystander (${mode})`, () => {
    let docmesh: TestDocmesh;
    let hostile: ReturnType<typeof clientsFor>;
    let bystander: ReturnType<typeof clientsFor>;

    beforeAll(async () => {
      docmesh = await startDocmesh(mode, {
        auth: "jwt",
        jwks: DEV_JWKS_PATH,
        parseTimeoutMs: BUDGET_MS,
        // Room in the stage for all of them and the bystander: what is tested is the parser threads.
        stageConcurrency: HOSTILE + 2,
        ...overrides,
      });
      const run = randomUUID().slice(0, 8);
      const as = async (tenant: string) =>
        clientsFor(docmesh.url, { authorization: `Bearer ${await mintToken({ tenant })}` });
      hostile = await as(`hostile-${run}`);
      bystander = await as(`bystander-${run}`);
    }, 180_000);
    afterAll(async () => docmesh?.stop(), 60_000);

    async function untilTerminal(clients: ReturnType<typeof clientsFor>, name: string): Promise<Document> {
      for await (const _ of clients.progress.watchDocument({ name })) {
        // the stream ends at a terminal status
      }
      const { document } = await clients.metadata.getDocument({ name });
      if (!document) throw new Error(`${name} not found`);
      return document;
    }

    it("the bystander waits at most one budget; the hostile documents fail at theirs", async () => {
      // Warm parser threads and models, then the bystander's own processing time, alone.
      const warm = await bystander.ingestion.uploadDocument({ fileName: "warm.txt", content: onePager(0) });
      await untilTerminal(bystander, warm.document?.name ?? "");
      const alone = await bystander.ingestion.uploadDocument({ fileName: "alone.txt", content: onePager(1) });
      const aloneDoc = await untilTerminal(bystander, alone.document?.name ?? "");
      expect(aloneDoc.status).not.toBe(DocumentStatus.FAILED);

      const bombs = await Promise.all(
        Array.from({ length: HOSTILE }, (_, i) =>
          hostile.ingestion.uploadDocument({ fileName: `scan-${i}.pdf`, content: ocrBombPdf(20, 7 + i) }),
        ),
      );
      const during = await bystander.ingestion.uploadDocument({
        fileName: "during.txt",
        content: onePager(2),
      });
      const duringDoc = await untilTerminal(bystander, during.document?.name ?? "");
      const failed = await Promise.all(bombs.map((b) => untilTerminal(hostile, b.document?.name ?? "")));

      const delayMs = latencyMs(duringDoc) - latencyMs(aloneDoc);
      console.log(
        `${mode}: bystander alone ${latencyMs(aloneDoc).toFixed(0)} ms, next to ${HOSTILE} hostile documents ` +
          `${latencyMs(duringDoc).toFixed(0)} ms: delayed ${delayMs.toFixed(0)} ms (bound ${BUDGET_MS} + ${SLACK_MS} ms); ` +
          `hostile failed after ${failed.map((d) => latencyMs(d).toFixed(0)).join(", ")} ms`,
      );
      const created = millis(duringDoc.createTime);
      console.log(
        `${mode}: bystander stages (start after upload, duration): ${duringDoc.stageTimings
          .map(
            (t) =>
              `${Stage[t.stage]} +${(millis(t.startTime) - created).toFixed(0)} ms ${(Number(t.duration?.seconds ?? 0n) * 1000 + (t.duration?.nanos ?? 0) / 1e6).toFixed(0)} ms`,
          )
          .join(", ")}`,
      );
      expect(duringDoc.status).toBe(aloneDoc.status);
      expect(delayMs).toBeLessThanOrEqual(BUDGET_MS + SLACK_MS);
      for (const doc of failed) {
        expect(doc.status).toBe(DocumentStatus.FAILED);
        expect(doc.failureReason).toBe(`parse: timeout: parser exceeded its time budget of ${BUDGET_MS} ms`);
        // One attempt: a budget that ran out is not retried.
        expect(latencyMs(doc)).toBeLessThan(HOSTILE * BUDGET_MS + 30_000);
      }

      // Nothing lost: every upload of both tenants is there, each at a terminal status.
      for (const [clients, count] of [
        [hostile, HOSTILE],
        [bystander, 3],
      ] as const) {
        const { documents } = await clients.metadata.listDocuments({});
        expect(documents).toHaveLength(count);
        for (const d of documents) expect(TERMINAL).toContain(d.status);
      }
    }, 240_000);
  });
}
