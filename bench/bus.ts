// Event-bus benchmark (not a test): npx tsx bench/bus.ts
//
//  1. Kafka produce-and-consume throughput of DocumentEvents through our library (KafkaBus + codec +
//     decodingHandler) vs raw kafkajs doing the same work with the same batching (idempotent acks=all
//     producer, 500-record sends; eachBatch consumer decoding each record, committing per batch). Prints the ratio.
//  2. Publish→handler latency p50/p99 at a steady rate (one event per publish).
//  3. The same two figures for the embedded bus.
// Bounded: BENCH_ROUNDS (default 3) rounds of BENCH_EVENTS (default 20,000) per throughput run, BENCH_LATENCY_EVENTS (default 1,000) at
// BENCH_RATE events/s (default 200). Kafka needs DOCMESH_KAFKA_BROKERS (services.env); without it only the
// embedded figures are printed.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { DocumentStatus, Stage } from "../gen/docmesh/document/v1/document_pb.ts";
import { type DocumentEvent, DocumentEventSchema } from "../gen/docmesh/events/v1/document_event_pb.ts";
import type { EventBus } from "../services/platform/bus/bus.ts";
import { EmbeddedBus } from "../services/platform/bus/embedded.ts";
import { KafkaBus } from "../services/platform/bus/kafka.ts";
import { PlainEventCodec } from "../services/platform/events/codec.ts";
import { decodingHandler, eventRecord } from "../services/platform/events/records.ts";
import { frame, unframe } from "../services/platform/events/wire.ts";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 1_000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH = 500;
const PARTITIONS = 12;
const DEADLINE_MS = 120_000;
const codec = new PlainEventCodec();

function makeEvents(n: number): DocumentEvent[] {
  const docs = Array.from({ length: 1000 }, () => randomUUID());
  return Array.from({ length: n }, (_, i) =>
    create(DocumentEventSchema, {
      eventId: randomUUID(),
      documentId: docs[i % docs.length] as string,
      tenant: "acme",
      correlationId: randomUUID(),
      sequence: BigInt(Math.floor(i / docs.length) + 1),
      eventTime: create(TimestampSchema, { seconds: BigInt(Math.floor(Date.now() / 1000)) }),
      status: DocumentStatus.CLASSIFYING,
      payload: { case: "stageStarted", value: { stage: Stage.CLASSIFY, attempt: 1 } },
    }),
  );
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 1 });

/** Our library: subscribe (joined), then publish in batches of BATCH and wait for every event in the handler. */
async function libraryThroughput(bus: EventBus, topic: string, events: DocumentEvent[]): Promise<number> {
  let handled = 0;
  const sub = await bus.subscribe({
    groupId: `bench-${randomUUID().slice(0, 8)}`,
    topic,
    deadLetterTopic: `${topic}.dlq`,
    handler: decodingHandler(codec, async () => {
      handled++;
    }),
  });
  const start = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    await bus.publish(topic, await Promise.all(events.slice(i, i + BATCH).map((e) => eventRecord(codec, e))));
  }
  await until(() => handled >= events.length, "library consumer");
  const seconds = (performance.now() - start) / 1000;
  await sub.stop();
  return events.length / seconds;
}

async function latency(
  bus: EventBus,
  topic: string,
  events: DocumentEvent[],
): Promise<{ p50: number; p99: number; ackP50: number; ackP99: number }> {
  const sent = new Map<string, number>();
  const samples: number[] = [];
  const acks: number[] = [];
  const sub = await bus.subscribe({
    groupId: `bench-lat-${randomUUID().slice(0, 8)}`,
    topic,
    deadLetterTopic: `${topic}.dlq`,
    handler: decodingHandler(codec, async (event) => {
      const t0 = sent.get(event.eventId);
      if (t0 !== undefined) samples.push(performance.now() - t0);
    }),
  });
  const interval = 1000 / RATE;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < events.length; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const event = events[i] as DocumentEvent;
    const t0 = performance.now();
    sent.set(event.eventId, t0);
    inflight.push(
      eventRecord(codec, event)
        .then((r) => bus.publish(topic, [r]))
        .then(() => void acks.push(performance.now() - t0)),
    );
  }
  await Promise.all(inflight);
  await until(() => samples.length >= events.length, "latency samples");
  await sub.stop();
  samples.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  return { p50: pct(samples, 50), p99: pct(samples, 99), ackP50: pct(acks, 50), ackP99: pct(acks, 99) };
}

/** Raw kafkajs with the same settings and batching, doing the same encode/decode work. */
async function rawKafkaThroughput(
  brokers: string[],
  topic: string,
  events: DocumentEvent[],
): Promise<number> {
  const kafka = new Kafka({ clientId: "bench-raw", brokers, logLevel: logLevel.ERROR });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID().slice(0, 8)}` });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let handled = 0;
  const joined = new Promise<void>((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 8,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }) => {
      let last: string | undefined;
      for (const m of batch.messages) {
        fromBinary(DocumentEventSchema, unframe(new Uint8Array(m.value ?? Buffer.alloc(0))).payload);
        handled++;
        resolveOffset(m.offset);
        last = m.offset;
      }
      if (last !== undefined) {
        await commitOffsetsIfNecessary({
          topics: [
            {
              topic: batch.topic,
              partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }],
            },
          ],
        });
      }
      await heartbeat();
    },
  });
  await joined;
  const start = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    await producer.send({
      topic,
      acks: -1,
      messages: events.slice(i, i + BATCH).map((e) => ({
        key: e.documentId,
        value: Buffer.from(frame(1, [0], toBinary(DocumentEventSchema, e))),
        headers: {
          "event-id": e.eventId,
          "event-type": e.payload.case ?? "",
          "correlation-id": e.correlationId,
        },
      })),
    });
  }
  await until(() => handled >= events.length, "raw consumer");
  const seconds = (performance.now() - start) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  return events.length / seconds;
}

async function main(): Promise<void> {
  const brokers = process.env.DOCMESH_KAFKA_BROKERS?.split(",");
  const run = randomUUID().slice(0, 8);
  console.log(
    `bus bench: ${EVENTS} events per throughput run, batches of ${BATCH}, ${PARTITIONS} partitions; latency: ${LATENCY_EVENTS} events at ${RATE}/s`,
  );

  if (brokers) {
    const bus = new KafkaBus({ brokers, clientId: "bench", replicationFactor: 1 });
    const rawTopic = `bench.${run}.raw`;
    const libTopic = `bench.${run}.lib`;
    const latTopic = `bench.${run}.latency`;
    await bus.ensureTopics(
      [rawTopic, libTopic, latTopic].map((name) => ({
        name,
        partitions: PARTITIONS,
        retentionMs: 3_600_000,
      })),
    );
    // Alternating rounds (the first pays for connections and JIT); the ratio compares the medians.
    const raws: number[] = [];
    const libs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      raws.push(await rawKafkaThroughput(brokers, rawTopic, makeEvents(EVENTS)));
      libs.push(await libraryThroughput(bus, libTopic, makeEvents(EVENTS)));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    console.log(`kafka raw kafkajs     : ${raws.map(fmt).join(" / ")} events/s (produce+consume)`);
    console.log(`kafka docmesh KafkaBus: ${libs.map(fmt).join(" / ")} events/s (produce+consume)`);
    console.log(
      `kafka ratio library/raw (median of ${ROUNDS}): ${(median(libs) / median(raws)).toFixed(2)} (goal ≥ 0.8)`,
    );
    const lat = await latency(bus, latTopic, makeEvents(LATENCY_EVENTS));
    console.log(
      `kafka publish→handler latency at ${RATE}/s: p50 ${fmt(lat.p50)} ms, p99 ${fmt(lat.p99)} ms (publish ack p50 ${fmt(lat.ackP50)} ms, p99 ${fmt(lat.ackP99)} ms)`,
    );
    await bus.close();
  } else {
    console.log("kafka: DOCMESH_KAFKA_BROKERS not set (source services.env); skipping the Kafka figures");
  }

  const dir = await mkdtemp(join(tmpdir(), "docmesh-bench-"));
  try {
    const bus = await EmbeddedBus.open({ directory: dir });
    await bus.ensureTopics(
      ["bench.lib", "bench.latency"].map((name) => ({ name, partitions: PARTITIONS, retentionMs: -1 })),
    );
    const t = await libraryThroughput(bus, "bench.lib", makeEvents(EVENTS));
    console.log(`embedded EmbeddedBus  : ${fmt(t)} events/s (produce+consume, fsync per publish)`);
    const lat = await latency(bus, "bench.latency", makeEvents(LATENCY_EVENTS));
    console.log(
      `embedded publish→handler latency at ${RATE}/s: p50 ${fmt(lat.p50)} ms, p99 ${fmt(lat.p99)} ms (publish ack p50 ${fmt(lat.ackP50)} ms, p99 ${fmt(lat.ackP99)} ms)`,
    );
    await bus.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
