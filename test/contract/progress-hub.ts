// What ProgressHub takes from the bus, on either adapter (embedded: test/unit/bus/progress-hub.test.ts,
// Kafka: test/integration/bus/progress-hub.test.ts): a restarted process dispatches no history, its
// group is gone after a clean stop, and no failure of the hub ever dead-letters (or publishes) anything.
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DocumentEvent, DocumentEventSchema } from "../../gen/docmesh/events/v1/document_event_pb.ts";
import type { EventBus, SubscribeOptions } from "../../services/platform/bus/bus.ts";
import { PlainEventCodec } from "../../services/platform/events/codec.ts";
import { eventRecord } from "../../services/platform/events/records.ts";
import { ProgressHub } from "../../services/progress/hub.ts";
import { type BusHarness, waitFor } from "./bus.ts";

/** The bus, recording what is published and how it is subscribed to. */
function observed(bus: EventBus) {
  const published: string[] = [];
  const subscriptions: SubscribeOptions[] = [];
  const wrapped: EventBus = {
    ensureTopics: (topics) => bus.ensureTopics(topics),
    publish: (topic, records) => {
      published.push(topic);
      return bus.publish(topic, records);
    },
    subscribe: (options) => {
      subscriptions.push(options);
      return bus.subscribe(options);
    },
    close: () => bus.close(),
  };
  return { bus: wrapped, published, subscriptions };
}

export function progressHubSuite(
  name: string,
  makeHarness: () => Promise<BusHarness>,
  options: { waitMs?: number; quietMs?: number } = {},
): void {
  const waitMs = options.waitMs ?? 10_000;
  const quietMs = options.quietMs ?? 300;

  describe(`ProgressHub on the ${name} bus`, () => {
    let harness: BusHarness;
    let bus: EventBus;
    const codec = new PlainEventCodec();
    const topic = `hub.${randomUUID().slice(0, 8)}.events`;
    const doc = randomUUID();
    let sequence = 0n;
    const event = (): DocumentEvent =>
      create(DocumentEventSchema, {
        eventId: randomUUID(),
        documentId: doc,
        tenant: "acme",
        sequence: ++sequence,
        payload: { case: "deleted", value: { actor: "bob" } },
      });
    const publish = async (events: DocumentEvent[]) =>
      bus.publish(topic, await Promise.all(events.map((e) => eventRecord(codec, e))));
    const hubs: ProgressHub[] = [];

    beforeAll(async () => {
      harness = await makeHarness();
      bus = await harness.open();
      await bus.ensureTopics([{ name: topic, partitions: 3, retentionMs: 3_600_000 }]);
    });
    afterAll(async () => {
      await Promise.allSettled(hubs.map((h) => h.stop()));
      await bus?.close();
      await harness?.dispose();
    });

    it("a restarted process dispatches only live events, and leaves no group behind", async () => {
      await publish([event(), event(), event()]); // history: sequences 1-3
      const first = new ProgressHub();
      hubs.push(first);
      await first.start(bus, codec, topic);
      const seenFirst: bigint[] = [];
      first.onDocument(doc, (e) => seenFirst.push(e.sequence));
      await publish([event()]);
      await waitFor(() => seenFirst.length >= 1, waitMs, "the live event");
      await first.stop();
      expect(await harness.groupExists(first.groupId)).toBe(false);

      // The API process restarts: a new bus client and a new hub, over a topic full of history.
      await bus.close();
      bus = await harness.open();
      const second = new ProgressHub();
      hubs.push(second);
      await second.start(bus, codec, topic);
      const seenSecond: bigint[] = [];
      second.onDocument(doc, (e) => seenSecond.push(e.sequence));
      await publish([event()]);
      await waitFor(() => seenSecond.length >= 1, waitMs, "the event after the restart");
      await new Promise((r) => setTimeout(r, quietMs));
      expect(seenFirst).toEqual([4n]);
      expect(seenSecond).toEqual([5n]);
      await second.stop();
      expect(await harness.groupExists(second.groupId)).toBe(false);
    });

    it("a failing watcher or an undecodable record dead-letters nothing; the other watchers still get the event", async () => {
      const watched = observed(bus);
      const hub = new ProgressHub();
      hubs.push(hub);
      await hub.start(watched.bus, codec, topic);
      expect(watched.subscriptions).toHaveLength(1);
      expect(watched.subscriptions[0]?.deadLetterTopic).toBeUndefined();
      expect(watched.subscriptions[0]?.startFrom).toBe("latest");
      expect(watched.subscriptions[0]?.ephemeral).toBe(true);
      const seen: bigint[] = [];
      hub.onDocument(doc, () => {
        throw new Error("watcher broke");
      });
      hub.onDocument(doc, (e) => seen.push(e.sequence));
      await bus.publish(topic, [{ key: doc, value: new TextEncoder().encode("not an event") }]);
      const live = event();
      await publish([live]);
      await waitFor(() => seen.length >= 1, waitMs, "the event behind the failures");
      await new Promise((r) => setTimeout(r, quietMs));
      expect(seen).toEqual([live.sequence]);
      expect(watched.published).toEqual([]);
      await hub.stop();
    });
  });
}
