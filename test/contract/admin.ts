// AdminService's dead-letter contract, run on both buses (embedded: PGlite + the embedded bus;
// cluster: PostgreSQL + Kafka + the schema registry). Dead letters are made the way production makes
// them: a consumer group (run by the real stage runner) gives up on an event, and a poison record
// is published to the lifecycle topic. Two test groups follow the topic from its end: group A fails
// the first run of each of its target events, group B only counts what it sees.
import { randomUUID } from "node:crypto";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AdminService,
  type DeadLetter,
  DeadLetterState,
  ReplayState,
} from "../../gen/docmesh/admin/v1/admin_service_pb.ts";
import { DocumentStatus, Stage } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { DocumentEvent } from "../../gen/docmesh/events/v1/document_event_pb.ts";
import { ReplayStore } from "../../services/admin/replay-store.ts";
import { Replays } from "../../services/admin/replays.ts";
import { runStage } from "../../services/pipeline/stage-worker.ts";
import type { Subscription } from "../../services/platform/bus/bus.ts";
import { partitionForKey } from "../../services/platform/bus/murmur2.ts";
import { DocmeshError } from "../../services/platform/errors.ts";
import { DOCUMENT_EVENTS_PARTITIONS, DOCUMENT_EVENTS_TOPIC } from "../../services/platform/events/topics.ts";
import { type Mode, startDocmesh, type TestDocmesh } from "../support/docmesh.ts";
import { waitFor } from "./bus.ts";

const TERMINAL = new Set([
  DocumentStatus.INDEXED,
  DocumentStatus.NEEDS_REVIEW,
  DocumentStatus.PARTIAL,
  DocumentStatus.FAILED,
]);

export function adminContract(mode: Mode) {
  const quietMs = mode === "cluster" ? 4000 : 1500;
  const waitMs = mode === "cluster" ? 60_000 : 30_000;

  describe(`AdminService dead letters (${mode})`, () => {
    let docmesh: TestDocmesh;
    let admin: ReturnType<typeof createClient<typeof AdminService>>;
    const groupA = `test.admin-a-${randomUUID()}`;
    const groupB = `test.admin-b-${randomUUID()}`;
    /** Runs per event id, per test group. */
    const runsA = new Map<string, number>();
    const runsB = new Map<string, number>();
    /** The test groups act on uploads of this file name only (known before the upload returns). */
    const targetName = `admin-contract-${randomUUID()}.txt`;
    const isTarget = (event: DocumentEvent) =>
      event.payload.case === "uploaded" && event.payload.value.fileName === targetName;
    const subscriptions: Subscription[] = [];
    const documents: string[] = [];

    const listA = async (extra: { pageSize?: number; pageToken?: string } = {}) =>
      admin.listDeadLetters({ filter: { consumerGroup: groupA }, ...extra });

    async function waitForLetters(filter: Parameters<typeof admin.listDeadLetters>[0], n: number) {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const page = await admin.listDeadLetters(filter);
        if (page.deadLetters.length >= n) return page.deadLetters;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} dead letter(s)`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    async function waitTerminal(id: string) {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const { document } = await docmesh.clients.metadata.getDocument({ name: `documents/${id}` });
        if (document && TERMINAL.has(document.status)) return document;
        if (Date.now() > deadline) throw new Error(`documents/${id} did not reach a terminal status`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    async function upload(text: string): Promise<string> {
      const { document } = await docmesh.clients.ingestion.uploadDocument({
        fileName: targetName,
        content: new TextEncoder().encode(`${text} ${randomUUID()}`),
      });
      const id = document?.name.slice("documents/".length) ?? "";
      documents.push(id);
      return id;
    }

    beforeAll(async () => {
      docmesh = await startDocmesh(mode);
      admin = createClient(AdminService, createConnectTransport({ baseUrl: docmesh.url, httpVersion: "2" }));
      const { bus, codec } = docmesh.running.platform;
      subscriptions.push(
        await runStage(
          bus,
          codec,
          groupA,
          async (event) => {
            if (!isTarget(event)) return;
            const runs = (runsA.get(event.eventId) ?? 0) + 1;
            runsA.set(event.eventId, runs);
            if (runs === 1) throw new DocmeshError("invalid", "test group A refuses the first run");
          },
          1,
          "latest",
        ),
        await runStage(
          bus,
          codec,
          groupB,
          async (event) => {
            if (!isTarget(event)) return;
            runsB.set(event.eventId, (runsB.get(event.eventId) ?? 0) + 1);
          },
          1,
          "latest",
        ),
      );
    }, 120_000);

    afterAll(async () => {
      for (const subscription of subscriptions) await subscription.stop();
      await docmesh?.stop();
    }, 60_000);

    it("lists a dead letter with its decoded event, error, attempts, group and original position", async () => {
      const id = await upload("first dead letter");
      const [letter] = await waitForLetters(
        { filter: { consumerGroup: groupA, document: `documents/${id}` } },
        1,
      );
      expect(letter?.name).toMatch(/^deadLetters\/\d+-\d+$/);
      expect(letter?.event?.documentId).toBe(id);
      expect(letter?.event?.payload.case).toBe("uploaded");
      expect(letter?.event?.tenant).toBe(docmesh.tenant);
      expect(letter?.decodeError).toBe("");
      expect(letter?.error).toContain("test group A refuses the first run");
      expect(letter?.attempts).toBe(1); // a non-retriable failure is dead-lettered at once
      expect(letter?.consumerGroup).toBe(groupA);
      expect(letter?.originalTopic).toBe(DOCUMENT_EVENTS_TOPIC);
      expect(letter?.originalPartition).toBe(partitionForKey(id, DOCUMENT_EVENTS_PARTITIONS));
      expect(letter?.originalOffset).toBeGreaterThanOrEqual(0n);
      expect(letter?.state).toBe(DeadLetterState.PENDING);
      expect(letter?.redriveTime).toBeUndefined();
      expect(runsA.get(letter?.event?.eventId ?? "")).toBe(1);
    });

    it("redrives by name: the event runs exactly once more, for the group that gave up only", async () => {
      const id = documents[0] ?? "";
      const [letter] = await waitForLetters(
        { filter: { consumerGroup: groupA, document: `documents/${id}` } },
        1,
      );
      const eventId = letter?.event?.eventId ?? "";
      const name = letter?.name ?? "";
      const first = await admin.redriveDeadLetters({ names: [name] });
      expect(first.redriven).toEqual([name]);
      expect(first.alreadyRedriven).toEqual([]);
      await waitFor(() => runsA.get(eventId) === 2, waitMs, "group A's second run");
      // Idempotent: a second call publishes nothing.
      const second = await admin.redriveDeadLetters({ names: [name] });
      expect(second.redriven).toEqual([]);
      expect(second.alreadyRedriven).toEqual([name]);
      await new Promise((r) => setTimeout(r, quietMs));
      expect(runsA.get(eventId)).toBe(2);
      // Group B handled the original and never sees the redrive.
      expect(runsB.get(eventId)).toBe(1);
      // Recorded on the dead letter.
      const [after] = (
        await admin.listDeadLetters({ filter: { consumerGroup: groupA, document: `documents/${id}` } })
      ).deadLetters;
      expect(after?.state).toBe(DeadLetterState.REDRIVEN);
      expect(after?.redrivenBy).toBe("local");
      expect(after?.redriveTime).toBeDefined();
      // The real classifier did not run the document again.
      const document = await waitTerminal(id);
      expect(document.stageTimings.filter((t) => t.stage === Stage.CLASSIFY)).toHaveLength(1);
    });

    it("shows a poison record with its decode error and refuses to redrive it", async () => {
      const key = randomUUID();
      await docmesh.running.platform.bus.publish(DOCUMENT_EVENTS_TOPIC, [
        { key, value: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) },
      ]);
      const deadline = Date.now() + waitMs;
      let poison: DeadLetter | undefined;
      while (!poison) {
        const page = await admin.listDeadLetters({ filter: { consumerGroup: groupA }, pageSize: 1000 });
        poison = page.deadLetters.find((l) => l.event === undefined);
        if (!poison) {
          if (Date.now() > deadline) throw new Error("timed out waiting for the poison dead letter");
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      expect(poison.decodeError).not.toBe("");
      expect(poison.originalPartition).toBe(partitionForKey(key, DOCUMENT_EVENTS_PARTITIONS));
      const result = await admin.redriveDeadLetters({ names: [poison.name] });
      expect(result.undecodable).toEqual([poison.name]);
      expect(result.redriven).toEqual([]);
    });

    it("redrives by filter, skipping records that are not events", async () => {
      const id = await upload("second dead letter");
      const [letter] = await waitForLetters(
        { filter: { consumerGroup: groupA, document: `documents/${id}` } },
        1,
      );
      const eventId = letter?.event?.eventId ?? "";
      const result = await admin.redriveDeadLetters({
        filter: { consumerGroup: groupA, state: DeadLetterState.PENDING },
      });
      expect(result.redriven).toEqual([letter?.name]);
      expect(result.undecodable).toEqual([]);
      await waitFor(() => runsA.get(eventId) === 2, waitMs, "group A's second run");
      const pending = await admin.listDeadLetters({
        filter: { consumerGroup: groupA, state: DeadLetterState.PENDING },
      });
      expect(pending.deadLetters.every((l) => l.event === undefined)).toBe(true);
    });

    it("pages through the list with tokens bound to the filter", async () => {
      const all = await listA({ pageSize: 1000 });
      expect(all.totalSize).toBe(3n);
      const seen: string[] = [];
      let token = "";
      do {
        const page = await listA({ pageSize: 1, pageToken: token });
        expect(page.totalSize).toBe(3n);
        seen.push(...page.deadLetters.map((l) => l.name));
        token = page.nextPageToken;
      } while (token);
      expect(seen).toEqual(all.deadLetters.map((l) => l.name));
      const first = await listA({ pageSize: 1 });
      const other = admin.listDeadLetters({
        filter: { consumerGroup: groupB },
        pageSize: 1,
        pageToken: first.nextPageToken,
      });
      await expect(other).rejects.toMatchObject({ code: Code.InvalidArgument });
    });

    it("answers bad requests with clear codes", async () => {
      await expect(admin.redriveDeadLetters({})).rejects.toMatchObject({ code: Code.InvalidArgument });
      await expect(admin.redriveDeadLetters({ names: ["deadLetters/99999-1"] })).rejects.toMatchObject({
        code: Code.NotFound,
      });
      await expect(admin.redriveDeadLetters({ names: ["letters/1"] })).rejects.toBeInstanceOf(ConnectError);
      await expect(admin.listDeadLetters({ filter: { state: 7 as DeadLetterState } })).rejects.toMatchObject({
        code: Code.InvalidArgument,
      });
    });

    it("replays a tenant's documents from a stage, bounded, with progress", async () => {
      for (const id of documents) await waitTerminal(id);
      const { replay } = await admin.replayDocuments({
        filter: { tenant: docmesh.tenant },
        fromStage: Stage.EXTRACT,
        limit: 10,
      });
      expect(replay?.name).toMatch(/^replays\/[0-9a-f-]{36}$/);
      expect(replay?.state).toBe(ReplayState.RUNNING);
      let current = replay;
      const deadline = Date.now() + waitMs;
      while (current?.state === ReplayState.RUNNING && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        current = (await admin.getReplay({ name: replay?.name ?? "" })).replay;
      }
      expect(current).toMatchObject({
        state: ReplayState.SUCCEEDED,
        matched: 2,
        requeued: 2,
        finished: 2,
        skipped: 0,
        fromStage: Stage.EXTRACT,
        limit: 10,
        createdBy: "local",
      });
      expect(current?.filter?.tenant).toBe(docmesh.tenant);
      for (const id of documents) {
        const document = await waitTerminal(id);
        const runs = (stage: Stage) => document.stageTimings.filter((t) => t.stage === stage).length;
        // Classified once, extracted and indexed again.
        expect([runs(Stage.CLASSIFY), runs(Stage.EXTRACT), runs(Stage.INDEX)]).toEqual([1, 2, 2]);
      }
    });

    it("cancels a replay: nothing more is re-queued, what was re-queued finishes", async () => {
      const { db } = docmesh.running.platform;
      const store = new ReplayStore(db, DOCUMENT_EVENTS_TOPIC);
      const replays = new Replays(store, () => {}, 1); // one document at a time
      const id = await replays.start(
        { tenant: docmesh.tenant, statuses: [], categories: [] },
        Stage.INDEX,
        2,
        "test",
      );
      const cancelled = await admin.cancelReplay({ name: `replays/${id}` });
      expect(cancelled.replay?.name).toBe(`replays/${id}`);
      const deadline = Date.now() + waitMs;
      let row = await store.get(id);
      while (row.state === ReplayState.RUNNING && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        row = await store.get(id);
      }
      await replays.stop();
      expect(row.state).toBe(ReplayState.CANCELLED);
      expect(row.requeued).toBeLessThan(2);
      for (const documentId of documents) await waitTerminal(documentId);
    });

    it("refuses unbounded or unknown replays", async () => {
      await expect(
        admin.replayDocuments({ filter: { tenant: docmesh.tenant }, fromStage: Stage.EXTRACT, limit: 0 }),
      ).rejects.toMatchObject({ code: Code.InvalidArgument });
      await expect(
        admin.replayDocuments({ filter: {}, fromStage: Stage.INGEST, limit: 5 }),
      ).rejects.toMatchObject({ code: Code.InvalidArgument });
      await expect(admin.getReplay({ name: `replays/${randomUUID()}` })).rejects.toMatchObject({
        code: Code.NotFound,
      });
    });

    it("reports the pipeline's status per stage", async () => {
      await waitTerminal(documents[1] ?? "");
      const status = await admin.getPipelineStatus({});
      expect(status.stages.map((s) => s.stage)).toEqual([Stage.CLASSIFY, Stage.EXTRACT, Stage.INDEX]);
      expect(status.stages.map((s) => s.consumerGroup)).toEqual([
        "docmesh.classifier",
        "docmesh.extractor",
        "docmesh.indexer",
      ]);
      for (const stage of status.stages) {
        expect(stage.completed).toBeGreaterThanOrEqual(1n);
        expect(stage.throughputPerSecond).toBeCloseTo(
          Number(stage.completed) / status.throughputWindowSeconds,
        );
        expect(stage.lag).toBeGreaterThanOrEqual(0n);
        expect(stage.backlog).toBeGreaterThanOrEqual(0n);
      }
      expect(status.throughputWindowSeconds).toBe(300);
      expect(status.outboxBacklog).toBeGreaterThanOrEqual(0n);
    });
  });
}
