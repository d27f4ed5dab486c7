import { appendFile, mkdtemp, readFile, rm, stat, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BusRecord } from "../../../services/platform/bus/bus.ts";
import { EmbeddedBus } from "../../../services/platform/bus/embedded.ts";
import { partitionForKey } from "../../../services/platform/bus/murmur2.ts";
import { encodeRecord, PartitionLog, scanLog } from "../../../services/platform/bus/partition-log.ts";
import { waitFor } from "../../contract/bus.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

describe("embedded bus durability", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "docmesh-bus-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes length-prefixed, checksummed records and rejects a corrupted one", () => {
    const a = encodeRecord({ key: "k", value: enc.encode("v1"), headers: { h: "1" }, timestamp: 1 });
    const b = encodeRecord({ key: "k", value: enc.encode("v2"), headers: {}, timestamp: 2 });
    const image = Buffer.concat([a, b]);
    expect(scanLog(image)).toEqual({ positions: [0, a.length], validLength: image.length });
    const corrupt = Buffer.from(image);
    corrupt[a.length + 12] = (corrupt[a.length + 12] ?? 0) ^ 0xff;
    expect(scanLog(corrupt)).toEqual({ positions: [0], validLength: a.length });
  });

  it("truncates a torn tail on open and keeps appending after it", async () => {
    const path = join(dir, "0.log");
    const log = await PartitionLog.open(path);
    await log.append([
      { key: "a", value: enc.encode("one"), headers: {}, timestamp: 1 },
      { key: "a", value: enc.encode("two"), headers: {}, timestamp: 2 },
    ]);
    await log.close();
    const whole = (await stat(path)).size;
    // A crash mid-write: half a record at the end.
    const torn = encodeRecord({ key: "a", value: enc.encode("three"), headers: {}, timestamp: 3 });
    await appendFile(path, torn.subarray(0, torn.length - 3));
    const reopened = await PartitionLog.open(path);
    expect(reopened.truncatedBytes).toBe(torn.length - 3);
    expect(reopened.endOffset).toBe(2);
    expect((await stat(path)).size).toBe(whole);
    await reopened.append([{ key: "a", value: enc.encode("three"), headers: {}, timestamp: 3 }]);
    const all = await reopened.read(0, 10);
    expect(all.map((r) => dec.decode(r.value))).toEqual(["one", "two", "three"]);
    expect(all.map((r) => r.offset)).toEqual([0, 1, 2]);
    await reopened.close();
    // A torn length prefix alone.
    await truncate(path, (await stat(path)).size - 1);
    const again = await PartitionLog.open(path);
    expect(again.endOffset).toBe(2);
    await again.close();
  });

  it("keeps every published record and the committed offsets across a restart", async () => {
    const topic = "docmesh.test.v1";
    let bus = await EmbeddedBus.open({ directory: dir });
    await bus.ensureTopics([{ name: topic, partitions: 3, retentionMs: -1 }]);
    const keys = Array.from({ length: 30 }, (_, i) => `doc-${i}`);
    await bus.publish(
      topic,
      keys.map((k) => ({ key: k, value: enc.encode(k) })),
    );
    const seen: BusRecord[] = [];
    const sub = await bus.subscribe({
      groupId: "g",
      topic,
      deadLetterTopic: `${topic}.dlq`,
      handler: async (r) => void seen.push(r),
    });
    await waitFor(() => seen.length === 30, 5000, "30 records");
    for (const r of seen) expect(r.partition).toBe(partitionForKey(r.key, 3));
    await sub.stop();
    await bus.close();
    const offsets = JSON.parse(await readFile(join(dir, "groups", "g", `${topic}.json`), "utf8")) as Record<
      string,
      number
    >;
    expect(Object.values(offsets).reduce((a, b) => a + b, 0)).toBe(30);

    bus = await EmbeddedBus.open({ directory: dir });
    expect(bus.partitionsOf(topic)).toBe(3);
    const fresh: BusRecord[] = [];
    const other = await bus.subscribe({
      groupId: "other",
      topic,
      deadLetterTopic: `${topic}.dlq`,
      handler: async (r) => void fresh.push(r),
    });
    await waitFor(() => fresh.length === 30, 5000, "a new group to read all 30");
    await other.stop();
    await bus.close();
  });

  it("allows one live process per directory and takes over a dead owner's lock", async () => {
    const bus = await EmbeddedBus.open({ directory: dir });
    await bus.close();
    const { writeFile } = await import("node:fs/promises");
    // A live foreign owner (our parent process stands in for another `npm start`).
    await writeFile(join(dir, "LOCK"), String(process.ppid));
    await expect(EmbeddedBus.open({ directory: dir })).rejects.toMatchObject({ kind: "precondition" });
    // A dead owner (kill -9): taken over.
    await writeFile(join(dir, "LOCK"), "2147483646");
    const again = await EmbeddedBus.open({ directory: dir });
    await again.close();
  });

  it("refuses to publish to a topic that was never created", async () => {
    const bus = await EmbeddedBus.open({ directory: dir });
    await expect(bus.publish("nope", [{ key: "k", value: new Uint8Array() }])).rejects.toMatchObject({
      kind: "not_found",
    });
    await bus.close();
  });
});
