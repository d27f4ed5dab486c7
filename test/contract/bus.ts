// The shared contract every EventBus adapter passes (embedded: test/unit/bus/embedded.test.ts,
// Kafka: test/integration/bus/kafka.test.ts). A "harness" owns the storage (a directory, a cluster);
// harness.open() opens a bus on it, and opening again after close() is a process restart.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BusRecord,
  DLQ_HEADERS,
  type EventBus,
  type OutgoingRecord,
  type SubscribeOptions,
  type Subscription,
} from "../../services/platform/bus/bus.ts";
import { partitionForKey } from "../../services/platform/bus/murmur2.ts";
import { invalid, unavailable } from "../../services/platform/errors.ts";

export interface BusHarness {
  /** Open a bus on this harness's storage; open again after close() = a restart of the process. */
  open(): Promise<EventBus>;
  /** Whether the storage still holds anything of this consumer group (Kafka: listed; embedded: its directory). */
  groupExists(groupId: string): Promise<boolean>;
  dispose(): Promise<void>;
}

export interface ContractOptions {
  /** How long to wait for deliveries (Kafka group joins take seconds). */
  waitMs?: number;
  /** How long to wait to be sure nothing more arrives. */
  quietMs?: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

interface Msg {
  k: string;
  i: number;
}

const msg = (k: string, i: number): OutgoingRecord => ({
  key: k,
  value: enc.encode(JSON.stringify({ k, i })),
  headers: { "x-seq": String(i) },
});
const parse = (r: BusRecord): Msg => JSON.parse(dec.decode(r.value)) as Msg;

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const FAST_RETRY = { maxAttempts: 4, initialBackoffMs: 5, maxBackoffMs: 40 };

export function busContract(
  name: string,
  makeBus: () => Promise<BusHarness>,
  options: ContractOptions = {},
): void {
  const waitMs = options.waitMs ?? 10_000;
  const quietMs = options.quietMs ?? 300;

  describe(`EventBus contract: ${name}`, () => {
    let harness: BusHarness;
    let bus: EventBus;
    const run = randomUUID().slice(0, 8);
    let n = 0;
    const fresh = (partitions = 4) => {
      const topic = `contract.${run}.t${++n}`;
      return { topic, dlq: `${topic}.dlq`, group: `contract-${run}-g${n}`, partitions };
    };
    const subs: Subscription[] = [];
    const subscribe = async (o: SubscribeOptions, on = bus) => {
      const s = await on.subscribe({ retry: FAST_RETRY, ...o });
      subs.push(s);
      return s;
    };

    beforeAll(async () => {
      harness = await makeBus();
      bus = await harness.open();
    });
    afterAll(async () => {
      await Promise.allSettled(subs.map((s) => s.stop()));
      await bus?.close();
      await harness?.dispose();
    });

    it("keeps per-key order, and puts each key on its murmur2 partition", async () => {
      const t = fresh(4);
      await bus.ensureTopics([
        { name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 },
        { name: t.dlq, partitions: 1, retentionMs: -1 },
      ]);
      const keys = Array.from({ length: 16 }, (_, i) => `doc-${i}-${randomUUID()}`);
      const perKey = 20;
      for (let round = 0; round < perKey; round += 5) {
        const batch: OutgoingRecord[] = [];
        for (let i = round; i < round + 5; i++) for (const k of keys) batch.push(msg(k, i));
        await bus.publish(t.topic, batch);
      }
      const seen: BusRecord[] = [];
      await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        handler: async (r) => {
          seen.push(r);
        },
      });
      await waitFor(() => seen.length >= keys.length * perKey, waitMs, "all records");
      for (const k of keys) {
        const mine = seen.filter((r) => r.key === k);
        expect(mine.map((r) => parse(r).i)).toEqual(Array.from({ length: perKey }, (_, i) => i));
        for (const r of mine) expect(r.partition).toBe(partitionForKey(k, t.partitions));
        const offsets = mine.map((r) => BigInt(r.offset));
        expect([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(offsets);
        expect(new Set(offsets).size).toBe(offsets.length);
        expect(mine[0]?.headers["x-seq"]).toBe("0");
      }
    });

    it("keeps call order for concurrent publish() calls on one key", async () => {
      const t = fresh(3);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      await Promise.all(Array.from({ length: 60 }, (_, i) => bus.publish(t.topic, [msg("hot-doc", i)])));
      const seen: number[] = [];
      await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        handler: async (r) => void seen.push(parse(r).i),
      });
      await waitFor(() => seen.length >= 60, waitMs, "60 records");
      expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i));
    });

    it("delivers every record to every group (and splits a group's partitions among its subscribers)", async () => {
      const t = fresh(4);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      const keys = Array.from({ length: 12 }, (_, i) => `k${i}-${randomUUID()}`);
      await bus.publish(
        t.topic,
        keys.flatMap((k) => [0, 1, 2].map((i) => msg(k, i))),
      );
      const total = keys.length * 3;
      const a1: Msg[] = [];
      const a2: Msg[] = [];
      const b: Msg[] = [];
      const base = { topic: t.topic, deadLetterTopic: t.dlq };
      await subscribe({ ...base, groupId: `${t.group}-a`, handler: async (r) => void a1.push(parse(r)) });
      await subscribe({ ...base, groupId: `${t.group}-a`, handler: async (r) => void a2.push(parse(r)) });
      await subscribe({ ...base, groupId: `${t.group}-b`, handler: async (r) => void b.push(parse(r)) });
      const ids = (list: Msg[]) => new Set(list.map((m) => `${m.k}/${m.i}`));
      await waitFor(() => ids([...a1, ...a2]).size >= total && ids(b).size >= total, waitMs, "both groups");
      await new Promise((r) => setTimeout(r, quietMs));
      expect(ids(b).size).toBe(total);
      expect(b.length).toBe(total);
      expect(ids([...a1, ...a2]).size).toBe(total);
    });

    it("after commit and restart, redelivers nothing that was committed", async () => {
      const t = fresh(2);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      await bus.publish(
        t.topic,
        Array.from({ length: 10 }, (_, i) => msg(`d${i % 3}`, i)),
      );
      const first: Msg[] = [];
      const s = await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        handler: async (r) => void first.push(parse(r)),
      });
      await waitFor(() => first.length >= 10, waitMs, "first run");
      await s.stop();
      await bus.close();
      bus = await harness.open();
      await bus.publish(t.topic, [msg("d0", 100)]);
      const second: Msg[] = [];
      await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        handler: async (r) => void second.push(parse(r)),
      });
      await waitFor(() => second.length >= 1, waitMs, "the record published after the restart");
      await new Promise((r) => setTimeout(r, quietMs));
      expect(second.map((m) => m.i)).toEqual([100]);
    });

    it("after a restart without commit, redelivers the uncommitted records in order", async () => {
      const t = fresh(1);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      await bus.publish(
        t.topic,
        Array.from({ length: 6 }, (_, i) => msg("doc", i)),
      );
      const done: number[] = [];
      let stuck = false;
      const s = await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        drainTimeoutMs: 100,
        handler: async (r, ctx) => {
          const m = parse(r);
          if (m.i >= 3) {
            stuck = true;
            // Work that never finishes before the consumer goes away (a crash, from the log's view).
            await new Promise((_, reject) =>
              ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
            );
          }
          done.push(m.i);
        },
      });
      await waitFor(() => stuck, waitMs, "the handler to get stuck on record 3");
      await s.stop();
      expect(done).toEqual([0, 1, 2]);
      await bus.close();
      bus = await harness.open();
      const again: number[] = [];
      await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        handler: async (r) => void again.push(parse(r).i),
      });
      await waitFor(() => again.length >= 3, waitMs, "redelivery");
      await new Promise((r) => setTimeout(r, quietMs));
      expect(again).toEqual([3, 4, 5]);
    });

    it('startFrom "latest" delivers what is published after subscribe(), nothing older; committed offsets win', async () => {
      const t = fresh(3);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      await bus.publish(
        t.topic,
        Array.from({ length: 12 }, (_, i) => msg(`old-${i}`, i)),
      );
      const seen: Msg[] = [];
      const s = await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        startFrom: "latest",
        handler: async (r) => void seen.push(parse(r)),
      });
      // Published right after subscribe() resolved, on every partition.
      await bus.publish(
        t.topic,
        Array.from({ length: 12 }, (_, i) => msg(`new-${i}`, 100 + i)),
      );
      await waitFor(() => seen.length >= 12, waitMs, "the records published after subscribe()");
      await new Promise((r) => setTimeout(r, quietMs));
      expect(seen.map((m) => m.i).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 12 }, (_, i) => 100 + i),
      );
      await s.stop();
      // A group that has committed offsets resumes from them: "latest" only places a group without any.
      await bus.publish(t.topic, [msg("later", 200)]);
      const resumed: Msg[] = [];
      await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        startFrom: "latest",
        handler: async (r) => void resumed.push(parse(r)),
      });
      await waitFor(() => resumed.length >= 1, waitMs, "the record published while stopped");
      await new Promise((r) => setTimeout(r, quietMs));
      expect(resumed.map((m) => m.i)).toEqual([200]);
    });

    it("an ephemeral group commits nothing, is gone after stop(), and a restart dispatches no history", async () => {
      const t = fresh(2);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      await bus.publish(t.topic, [msg("a", 0), msg("b", 1)]);
      const first: Msg[] = [];
      const s = await subscribe({
        groupId: t.group,
        topic: t.topic,
        startFrom: "latest",
        ephemeral: true,
        handler: async (r) => void first.push(parse(r)),
      });
      await bus.publish(t.topic, [msg("a", 2), msg("b", 3)]);
      await waitFor(() => first.length >= 2, waitMs, "the live records");
      await s.stop();
      expect(first.map((m) => m.i).sort()).toEqual([2, 3]);
      expect(await harness.groupExists(t.group)).toBe(false);
      // A restart of the process: the same group again sees only what is published after it subscribed.
      await bus.publish(t.topic, [msg("a", 4)]);
      await bus.close();
      bus = await harness.open();
      const second: Msg[] = [];
      const again = await subscribe({
        groupId: t.group,
        topic: t.topic,
        startFrom: "latest",
        ephemeral: true,
        handler: async (r) => void second.push(parse(r)),
      });
      await bus.publish(t.topic, [msg("b", 5)]);
      await waitFor(() => second.length >= 1, waitMs, "the record published after the restart");
      await new Promise((r) => setTimeout(r, quietMs));
      expect(second.map((m) => m.i)).toEqual([5]);
      await again.stop();
      expect(await harness.groupExists(t.group)).toBe(false);
    });

    it("without a dead-letter topic, a record the handler gives up on is skipped and later records flow", async () => {
      const t = fresh(1);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      await bus.publish(
        t.topic,
        Array.from({ length: 5 }, (_, i) => msg("doc", i)),
      );
      const handled: number[] = [];
      const attempts = new Map<number, number>();
      await subscribe({
        groupId: t.group,
        topic: t.topic,
        retry: { maxAttempts: 2, initialBackoffMs: 5, maxBackoffMs: 10 },
        handler: async (r, ctx) => {
          const m = parse(r);
          attempts.set(m.i, ctx.attempt);
          if (m.i === 1) throw invalid("the listener cannot use it");
          if (m.i === 3) throw unavailable("always down");
          handled.push(m.i);
        },
      });
      await waitFor(() => handled.length >= 3, waitMs, "the records after the failures");
      expect(handled).toEqual([0, 2, 4]);
      expect(attempts.get(1)).toBe(1);
      expect(attempts.get(3)).toBe(2);
    });

    it("retries a transient error in place, keeping the partition's order", async () => {
      const t = fresh(1);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      await bus.publish(
        t.topic,
        Array.from({ length: 5 }, (_, i) => msg("doc", i)),
      );
      const handled: number[] = [];
      const attempts: number[] = [];
      await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        handler: async (r, ctx) => {
          const m = parse(r);
          if (m.i === 2) {
            attempts.push(ctx.attempt);
            if (ctx.attempt < 3) throw unavailable("flaky dependency");
          }
          handled.push(m.i);
        },
      });
      await waitFor(() => handled.length >= 5, waitMs, "all records");
      expect(handled).toEqual([0, 1, 2, 3, 4]);
      expect(attempts).toEqual([1, 2, 3]);
    });

    it("dead-letters poison and exhausted records with headers while later records flow", async () => {
      const t = fresh(1);
      await bus.ensureTopics([
        { name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 },
        { name: t.dlq, partitions: 1, retentionMs: -1 },
      ]);
      await bus.publish(
        t.topic,
        Array.from({ length: 6 }, (_, i) => msg("doc", i)),
      );
      const handled: number[] = [];
      const offsets = new Map<number, string>();
      await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        retry: { maxAttempts: 2, initialBackoffMs: 5, maxBackoffMs: 10 },
        handler: async (r) => {
          const m = parse(r);
          offsets.set(m.i, r.offset);
          if (m.i === 1) throw invalid("poison: cannot be decoded");
          if (m.i === 3) throw unavailable("always down");
          handled.push(m.i);
        },
      });
      const letters: BusRecord[] = [];
      await subscribe({
        groupId: `${t.group}-dlq-reader`,
        topic: t.dlq,
        deadLetterTopic: `${t.dlq}.dlq`,
        handler: async (r) => void letters.push(r),
      });
      await waitFor(() => handled.length >= 4 && letters.length >= 2, waitMs, "records and dead letters");
      expect(handled).toEqual([0, 2, 4, 5]);
      const byI = new Map(letters.map((l) => [parse(l).i, l]));
      const poison = byI.get(1);
      if (!poison) throw new Error("record 1 was not dead-lettered");
      expect(poison.key).toBe("doc");
      expect(poison.headers[DLQ_HEADERS.topic]).toBe(t.topic);
      expect(poison.headers[DLQ_HEADERS.partition]).toBe("0");
      expect(poison.headers[DLQ_HEADERS.offset]).toBe(offsets.get(1));
      expect(poison.headers[DLQ_HEADERS.error]).toContain("poison: cannot be decoded");
      expect(poison.headers[DLQ_HEADERS.attempts]).toBe("1");
      expect(poison.headers["x-seq"]).toBe("1");
      expect(poison.headers["dlq.group"]).toBe(t.group);
      const exhausted = byI.get(3);
      if (!exhausted) throw new Error("record 3 was not dead-lettered");
      expect(exhausted.headers[DLQ_HEADERS.attempts]).toBe("2");
      expect(exhausted.headers[DLQ_HEADERS.error]).toContain("always down");
    });

    it("a rebalance aborts the in-flight handler of a revoked partition; the record is redelivered", async () => {
      const t = fresh(2);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      // A key on partition 1: the partition that moves to the second subscriber in the embedded bus
      // (p mod n); Kafka's eager protocol revokes every partition anyway.
      let key = "doc";
      for (let i = 0; partitionForKey(key, 2) !== 1; i++) key = `doc-${i}`;
      await bus.publish(t.topic, [msg(key, 0), msg(key, 1)]);
      let blocked = false;
      let abortedSeen = false;
      const processed: number[] = [];
      const base = { groupId: t.group, topic: t.topic, deadLetterTopic: t.dlq };
      await subscribe({
        ...base,
        handler: async (r, ctx) => {
          const m = parse(r);
          if (m.i === 0 && !blocked) {
            blocked = true;
            // Long work that only ends when the partition is taken away.
            await new Promise((_, reject) =>
              ctx.signal.addEventListener("abort", () => {
                abortedSeen = true;
                reject(new Error("revoked"));
              }),
            );
          }
          processed.push(m.i);
        },
      });
      await waitFor(() => blocked, waitMs, "the first handler to block");
      await subscribe({ ...base, handler: async (r) => void processed.push(parse(r).i) });
      await waitFor(() => abortedSeen && processed.length >= 2, waitMs, "abort and redelivery");
      expect(processed).toEqual([0, 1]);
    });

    it("with concurrency, overlaps different keys of a partition but never two records of one key", async () => {
      const t = fresh(1);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      const keys = Array.from({ length: 6 }, (_, i) => `doc-${i}`);
      const perKey = 5;
      await bus.publish(t.topic, Array.from({ length: perKey }, (_, i) => keys.map((k) => msg(k, i))).flat());
      const seen = new Map<string, number[]>();
      const active = new Set<string>();
      let peak = 0;
      let sameKeyOverlap = false;
      let total = 0;
      await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        concurrency: 4,
        handler: async (r) => {
          if (active.has(r.key)) sameKeyOverlap = true;
          active.add(r.key);
          peak = Math.max(peak, active.size);
          await new Promise((resolve) => setTimeout(resolve, 20));
          active.delete(r.key);
          seen.set(r.key, [...(seen.get(r.key) ?? []), parse(r).i]);
          total++;
        },
      });
      await waitFor(() => total >= keys.length * perKey, waitMs, "all records");
      expect(sameKeyOverlap).toBe(false);
      expect(peak).toBeGreaterThan(1);
      expect(peak).toBeLessThanOrEqual(4);
      for (const k of keys) expect(seen.get(k)).toEqual([0, 1, 2, 3, 4]);
    });

    it("a slow record holds up no other partition; its own partition resumes after it", async () => {
      const t = fresh(2);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      const keyOn = (partition: number, tag: string) => {
        for (let i = 0; ; i++) {
          const key = `${tag}-${i}`;
          if (partitionForKey(key, t.partitions) === partition) return key;
        }
      };
      const slow = keyOn(0, "slow");
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const handled: string[] = [];
      const { group: groupId, topic } = t;
      const first = await subscribe({
        groupId,
        topic,
        concurrency: 4,
        handler: async (r) => {
          if (r.key === slow) {
            handled.push("slow started");
            await held; // a document at its parse budget
          }
          handled.push(r.key);
        },
      });
      await bus.publish(t.topic, [msg(slow, 0)]);
      await waitFor(() => handled.includes("slow started"), waitMs, "the slow record to start");
      // Published (and fetched) after the slow record: the other partition's flows meanwhile.
      const other = keyOn(1, "other");
      const behind = keyOn(0, "behind");
      await bus.publish(t.topic, [msg(other, 0), msg(behind, 0)]);
      await waitFor(() => handled.includes(other), waitMs, "the other partition's record");
      expect(handled).not.toContain(slow);
      release();
      await waitFor(() => handled.includes(behind), waitMs, "the record behind the slow one");
      expect(handled.indexOf(slow)).toBeGreaterThan(-1);
      expect(handled.filter((k) => k === behind)).toHaveLength(1);
      // All of it was committed: a restart of the group gets only what is published afterwards.
      await first.stop();
      const again: string[] = [];
      await subscribe({ groupId, topic, handler: async (r) => void again.push(r.key) });
      await bus.publish(topic, [msg(other, 1)]);
      await waitFor(() => again.length >= 1, waitMs, "the record published after the restart");
      await new Promise((r) => setTimeout(r, quietMs));
      expect(again).toEqual([other]);
    });

    it("with concurrency, commits only the finished prefix: a restart redelivers from the first unfinished record", async () => {
      const t = fresh(1);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      await bus.publish(t.topic, [
        msg("done-first", 0),
        msg("stuck", 0),
        msg("after-a", 0),
        msg("after-b", 0),
      ]);
      const finished: string[] = [];
      const s = await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        concurrency: 4,
        drainTimeoutMs: 300,
        handler: async (r, ctx) => {
          if (r.key === "stuck") {
            // Never finishes on its own: only stop()'s drain timeout aborts it.
            await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
            throw new Error("aborted");
          }
          finished.push(r.key);
        },
      });
      await waitFor(() => finished.length >= 3, waitMs, "the three quick records");
      await s.stop();
      const again: string[] = [];
      await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        handler: async (r) => void again.push(r.key),
      });
      await waitFor(() => again.length >= 3, waitMs, "the redelivered records");
      await new Promise((r) => setTimeout(r, quietMs));
      // "done-first" finished before the stuck record, so it was committed; the rest is redelivered in order.
      expect(again).toEqual(["stuck", "after-a", "after-b"]);
    });

    it("stop() drains the in-flight record, commits it, and starts nothing new", async () => {
      const t = fresh(1);
      await bus.ensureTopics([{ name: t.topic, partitions: t.partitions, retentionMs: 3_600_000 }]);
      await bus.publish(
        t.topic,
        Array.from({ length: 4 }, (_, i) => msg("doc", i)),
      );
      const started: number[] = [];
      const finished: { i: number; aborted: boolean }[] = [];
      const s = await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        handler: async (r, ctx) => {
          const m = parse(r);
          started.push(m.i);
          if (m.i === 1) await new Promise((resolve) => setTimeout(resolve, 400));
          finished.push({ i: m.i, aborted: ctx.signal.aborted });
        },
      });
      await waitFor(() => started.includes(1), waitMs, "record 1 to start");
      await s.stop();
      expect(finished).toEqual([
        { i: 0, aborted: false },
        { i: 1, aborted: false },
      ]);
      expect(started).toEqual([0, 1]);
      const again: number[] = [];
      await subscribe({
        groupId: t.group,
        topic: t.topic,
        deadLetterTopic: t.dlq,
        handler: async (r) => void again.push(parse(r).i),
      });
      await waitFor(() => again.length >= 2, waitMs, "the rest");
      await new Promise((r) => setTimeout(r, quietMs));
      expect(again).toEqual([2, 3]);
    });
  });
}
