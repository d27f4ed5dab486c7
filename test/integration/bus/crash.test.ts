// Crash test: a consumer process (tsx) is killed with SIGKILL in the middle of 10,000 events over
// 500 documents, then restarted. Nothing is lost, each effect is applied exactly once (by event id),
// and per-document order holds. Runs on Kafka (and, cheaply, on the embedded bus).
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { afterAll, describe, expect, it } from "vitest";
import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { DocumentEventSchema } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import type { EventBus } from "../../../services/platform/bus/bus.ts";
import { EmbeddedBus } from "../../../services/platform/bus/embedded.ts";
import { KafkaBus } from "../../../services/platform/bus/kafka.ts";
import {
  ConfluentEventCodec,
  type EventCodec,
  PlainEventCodec,
} from "../../../services/platform/events/codec.ts";
import { eventRecord } from "../../../services/platform/events/records.ts";
import { kafkaBrokers, requireEnv } from "./env.ts";

const TOTAL = 10_000;
const DOCS = 500;
const REPO = join(import.meta.dirname, "../../..");

async function produce(bus: EventBus, codec: EventCodec, topic: string): Promise<void> {
  const docs = Array.from({ length: DOCS }, () => randomUUID());
  const perDoc = TOTAL / DOCS;
  const all = [];
  for (let seq = 1; seq <= perDoc; seq++) {
    for (const doc of docs) {
      all.push(
        create(DocumentEventSchema, {
          eventId: randomUUID(),
          documentId: doc,
          tenant: "acme",
          correlationId: doc,
          sequence: BigInt(seq),
          status: DocumentStatus.CLASSIFYING,
          payload: { case: "stageStarted", value: { attempt: seq } },
        }),
      );
    }
  }
  for (let i = 0; i < all.length; i += 500) {
    await bus.publish(topic, await Promise.all(all.slice(i, i + 500).map((e) => eventRecord(codec, e))));
  }
}

function startConsumer(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "crash-consumer.ts"), ...args],
    { cwd: REPO, stdio: ["ignore", "pipe", "pipe"], env: process.env },
  );
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  return { child, output: () => out };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });

async function lineCount(file: string): Promise<number> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").length - 1;
}

/**
 * The kill must land after the group's first commit (a crash mid-way, not before any commit), so
 * both runs also wait until the bus holds a committed offset for the group.
 */
type CommittedCheck = () => Promise<boolean>;

async function crashAndRecover(
  topic: string,
  group: string,
  effects: string,
  extra: string[],
  hasCommitted: CommittedCheck,
) {
  const first = startConsumer([effects, topic, group, ...extra]);
  const killAt = 4000 + Math.floor(Math.random() * 3000);
  const deadline = Date.now() + 90_000;
  while ((await lineCount(effects)) < killAt || !(await hasCommitted())) {
    if (Date.now() > deadline || first.child.exitCode !== null)
      throw new Error(`consumer did not progress: ${first.output()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  first.child.kill("SIGKILL");
  await exited(first.child);
  const appliedAtKill = await lineCount(effects);

  const second = startConsumer([effects, topic, group, ...extra]);
  const deadline2 = Date.now() + 120_000;
  while ((await lineCount(effects)) < TOTAL) {
    if (Date.now() > deadline2 || second.child.exitCode !== null)
      throw new Error(`restart did not finish: ${second.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Let any (wrong) extra deliveries show up before stopping.
  await new Promise((r) => setTimeout(r, 1500));
  second.child.kill("SIGTERM");
  await exited(second.child);
  const skipped = Number(/stopped \d+ skipped (\d+)/.exec(second.output())?.[1] ?? Number.NaN);

  const lines = (await readFile(effects, "utf8")).trim().split("\n");
  const ids = new Set(lines.map((l) => l.split(" ")[0]));
  const seqByDoc = new Map<string, number[]>();
  for (const line of lines) {
    const [, doc, seq] = line.split(" ");
    const list = seqByDoc.get(doc ?? "") ?? [];
    list.push(Number(seq));
    seqByDoc.set(doc ?? "", list);
  }
  return { lines, ids, seqByDoc, appliedAtKill, skipped };
}

function check(result: Awaited<ReturnType<typeof crashAndRecover>>) {
  expect(result.appliedAtKill).toBeGreaterThan(0);
  expect(result.appliedAtKill).toBeLessThan(TOTAL);
  // Some offsets were committed before the kill (so this is a crash mid-way, not before the first commit).
  expect(result.skipped).toBeLessThan(result.appliedAtKill);
  expect(result.lines).toHaveLength(TOTAL); // nothing lost, nothing applied twice
  expect(result.ids.size).toBe(TOTAL);
  expect(result.seqByDoc.size).toBe(DOCS);
  const expected = Array.from({ length: TOTAL / DOCS }, (_, i) => i + 1);
  for (const seqs of result.seqByDoc.values()) expect(seqs).toEqual(expected); // per-document order
  console.info(
    `crash test: killed after ${result.appliedAtKill} effects; after restart ${result.skipped} redelivered events were skipped by event id`,
  );
}

describe("crash test: SIGKILL a consumer mid-way through 10,000 events", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("Kafka: nothing lost, effects exactly once, per-document order", async () => {
    const brokers = kafkaBrokers();
    const registryUrl = requireEnv("DOCMESH_SCHEMA_REGISTRY_URL");
    const work = await mkdtemp(join(tmpdir(), "docmesh-crash-"));
    dirs.push(work);
    const topic = `crash.${randomUUID().slice(0, 8)}.events`;
    const bus = new KafkaBus({ brokers, clientId: "crash-producer", replicationFactor: 1 });
    try {
      await bus.ensureTopics([{ name: topic, partitions: 12, retentionMs: 3_600_000 }]);
      await produce(bus, await ConfluentEventCodec.create({ registryUrl }), topic);
    } finally {
      await bus.close();
    }
    const group = `crash-${randomUUID().slice(0, 8)}`;
    const admin = new KafkaBus({ brokers, clientId: "crash-observer" }).kafka.admin();
    await admin.connect();
    try {
      const hasCommitted = async () => {
        const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        return (offsets?.partitions ?? []).some((p) => Number(p.offset) > 0);
      };
      check(await crashAndRecover(topic, group, join(work, "effects.log"), [], hasCommitted));
    } finally {
      await admin.disconnect();
    }
  }, 300_000);

  it("embedded: nothing lost, effects exactly once, per-document order", async () => {
    const work = await mkdtemp(join(tmpdir(), "docmesh-crash-"));
    dirs.push(work);
    const busDir = join(work, "bus");
    const topic = "crash.events";
    const bus = await EmbeddedBus.open({ directory: busDir });
    await bus.ensureTopics([{ name: topic, partitions: 12, retentionMs: -1 }]);
    await produce(bus, new PlainEventCodec(), topic);
    await bus.close();
    // The embedded bus keeps a group's committed offsets in groups/<group>/<topic>.json.
    const hasCommitted = async () => {
      const text = await readFile(join(busDir, "groups", "crash", `${topic}.json`), "utf8").catch(() => "{}");
      return Object.values(JSON.parse(text) as Record<string, number>).some((next) => next > 0);
    };
    check(
      await crashAndRecover(topic, "crash", join(work, "effects.log"), ["--embedded", busDir], hasCommitted),
    );
  }, 300_000);
});
