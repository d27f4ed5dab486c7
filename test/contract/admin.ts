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
} from "../../gen/docmesh/admin/v1/admin_service_pb.ts";
import { DocumentStatus, Stage } from "../../gen/docmesh/document/v1/document_pb.ts";
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
    const targets = new Set<string>();
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
        fileName: "note.txt",
        content: new TextEncoder().encode(`${text} ${randomUUID()}`),
      });
      const id = document?.name.slice("documents/".length) ?? "";
      targets.add(id);
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
            if (event.payload.case !== "uploaded" || !targets.has(event.documentId)) return;
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
            if (event.payload.case !== "uploaded" || !targets.has(event.documentId)) return;
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
