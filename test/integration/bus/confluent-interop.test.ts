// Confluent compatibility, proven by peers none of us wrote:
//  - Python confluent-kafka's ProtobufDeserializer decodes records our serializer wrote (via Kafka);
//  - Java's kafka-clients BuiltInPartitioner picks the same partition for a fixed key set as we do,
//    and as the records really landed through the Kafka bus.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { create, toJson } from "@bufbuild/protobuf";
import { DurationSchema, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Category, DocumentStatus, Stage } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { type DocumentEvent, DocumentEventSchema } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import type { BusRecord } from "../../../services/platform/bus/bus.ts";
import { KafkaBus } from "../../../services/platform/bus/kafka.ts";
import { partitionForKey } from "../../../services/platform/bus/murmur2.ts";
import { ConfluentEventCodec } from "../../../services/platform/events/codec.ts";
import { decodingHandler, eventRecord } from "../../../services/platform/events/records.ts";
import { frame } from "../../../services/platform/events/wire.ts";
import { waitFor } from "../../contract/bus.ts";
import { kafkaBrokers, requireEnv } from "./env.ts";
import { readWithPython } from "./python-peer.ts";

const run = promisify(execFile);
const CACHE = process.env.DOCMESH_CACHE ?? join(homedir(), ".cache", "docmesh");

function sampleEvents(): DocumentEvent[] {
  const doc = randomUUID();
  const base = {
    documentId: doc,
    tenant: "acme",
    correlationId: `corr-${randomUUID()}`,
    batch: "batches/b-1",
    eventTime: create(TimestampSchema, { seconds: 1_790_000_000n, nanos: 250_000_000 }),
  };
  return [
    create(DocumentEventSchema, {
      ...base,
      eventId: randomUUID(),
      sequence: 1n,
      status: DocumentStatus.UPLOADED,
      payload: {
        case: "uploaded",
        value: {
          fileName: "invoice-Ω.pdf",
          mediaType: "application/pdf",
          sizeBytes: 9_007_199_254_740_993n,
          sha256: "ab".repeat(32),
          objectKey: `acme/${doc}`,
        },
      },
    }),
    create(DocumentEventSchema, {
      ...base,
      eventId: randomUUID(),
      sequence: 2n,
      status: DocumentStatus.CLASSIFYING,
      payload: { case: "stageStarted", value: { stage: Stage.CLASSIFY, attempt: 2 } },
    }),
    create(DocumentEventSchema, {
      ...base,
      eventId: randomUUID(),
      sequence: 3n,
      status: DocumentStatus.EXTRACTING,
      payload: {
        case: "classified",
        value: {
          category: Category.INVOICE,
          confidence: 0.75,
          pageCount: 3,
          language: "de",
          duration: create(DurationSchema, { seconds: 1n, nanos: 500_000_000 }),
        },
      },
    }),
    create(DocumentEventSchema, {
      ...base,
      eventId: randomUUID(),
      sequence: 4n,
      status: DocumentStatus.INDEXED,
      payload: { case: "indexed", value: { chunkCount: 17 } },
    }),
  ];
}

describe("Confluent interop", () => {
  const brokers = kafkaBrokers();
  const registryUrl = requireEnv("DOCMESH_SCHEMA_REGISTRY_URL");
  let bus: KafkaBus;
  let codec: ConfluentEventCodec;
  const runId = randomUUID().slice(0, 8);

  beforeAll(async () => {
    bus = new KafkaBus({ brokers, clientId: "docmesh-interop", replicationFactor: 1 });
    codec = await ConfluentEventCodec.create({ registryUrl });
  });
  afterAll(async () => {
    await bus?.close();
  });

  it("registers the schema with its references under <topic>-value, compatibility BACKWARD", async () => {
    expect(codec.subject).toBe("docmesh.document-events.v1-value");
    expect(codec.schemaId).toBeGreaterThan(0);
    expect(await codec.registry.getCompatibility(codec.subject)).toBe("BACKWARD");
    const schema = await codec.registry.schemaById(codec.schemaId);
    expect(schema.schemaType).toBe("PROTOBUF");
    expect(schema.schema).toContain("message DocumentEvent");
    expect(schema.references.map((r) => r.name)).toEqual(["docmesh/document/v1/document.proto"]);
    // Registration is idempotent: startup of every service registers again and gets the same id.
    const again = await ConfluentEventCodec.create({ registryUrl });
    expect(again.schemaId).toBe(codec.schemaId);
  });

  it("Python confluent-kafka ProtobufDeserializer decodes our records with the same field values", async () => {
    const topic = `interop.${runId}.events`;
    await bus.ensureTopics([{ name: topic, partitions: 3, retentionMs: 3_600_000 }]);
    const events = [...sampleEvents(), ...sampleEvents()];
    await bus.publish(topic, await Promise.all(events.map((e) => eventRecord(codec, e))));
    const lines = await readWithPython({ brokers, topic, count: events.length, registryUrl });
    expect(lines).toHaveLength(events.length);
    const expected = new Map(
      events.map((e) => [e.eventId, toJson(DocumentEventSchema, e, { useProtoFieldName: true })]),
    );
    for (const line of lines) {
      const decoded = line.plain as { event_id: string; document_id: string };
      expect(decoded).not.toHaveProperty("__error__");
      expect(decoded).toEqual(expected.get(decoded.event_id));
      expect(line.key).toBe(decoded.document_id);
      expect(line.partition).toBe(partitionForKey(line.key, 3));
      expect(line.headers["event-id"]).toBe(decoded.event_id);
    }
    // With a registry client the deserializer also fetches the writer schema by id (format=serialized).
    // Recorded, not asserted: Apicurio 3.3.3's ccompat API returns that format as raw descriptor bytes
    // instead of base64, which this client cannot parse (see docs/events.md).
    const registryOutcome = lines.map((l) => (l.registry as { __error__?: string }).__error__ ?? "ok");
    console.info("python ProtobufDeserializer with SchemaRegistryClient:", [...new Set(registryOutcome)]);
  });

  it("picks the same partition as Java's kafka-clients for a fixed key set, and records land there", async () => {
    const libs = join(CACHE, "kafka", "libs");
    const jars = (await readdir(libs)).filter((f) => f.startsWith("kafka-clients-"));
    expect(jars.length).toBeGreaterThan(0);
    const keys = [
      ...Array.from({ length: 40 }, (_, i) => `${(i * 2654435761) % 2 ** 32}`.padStart(10, "0")),
      "0b7f3c1e-5b2a-4c7d-9e8f-1a2b3c4d5e6f",
      "f47ac10b-58cc-4372-a567-0e02b2c3d479",
      "documents/7d9f0e2a",
      "ümlaut-ключ-鍵",
      "a",
      "ab",
      "abc",
      "abcd",
    ];
    const { stdout } = await run(
      "java",
      ["-cp", `${libs}/*`, join(import.meta.dirname, "JavaPartitioner.java"), "12", ...keys],
      { timeout: 120_000 },
    );
    const java = stdout
      .trim()
      .split("\n")
      .map((l) => Number(l.split(" ")[1]));
    expect(java).toHaveLength(keys.length);
    expect(keys.map((k) => partitionForKey(k, 12))).toEqual(java);

    const topic = `interop.${runId}.partitions`;
    await bus.ensureTopics([{ name: topic, partitions: 12, retentionMs: 3_600_000 }]);
    await bus.publish(
      topic,
      keys.map((key) => ({ key, value: new TextEncoder().encode(key) })),
    );
    const seen: BusRecord[] = [];
    const sub = await bus.subscribe({
      groupId: `interop-${runId}`,
      topic,
      deadLetterTopic: `${topic}.dlq`,
      handler: async (r) => void seen.push(r),
    });
    await waitFor(() => seen.length >= keys.length, 60_000, "all keyed records");
    await sub.stop();
    const landed = new Map(seen.map((r) => [r.key, r.partition]));
    expect(keys.map((k) => landed.get(k))).toEqual(java);
  });

  it("dead-letters an unknown schema id and undecodable bytes while the events behind them flow", async () => {
    const topic = `interop.${runId}.poison`;
    await bus.ensureTopics([
      { name: topic, partitions: 1, retentionMs: 3_600_000 },
      { name: `${topic}.dlq`, partitions: 1, retentionMs: -1 },
    ]);
    const [a, b] = sampleEvents();
    if (!a || !b) throw new Error("no sample events");
    const good1 = await eventRecord(codec, a);
    const good2 = await eventRecord(codec, b);
    const unknownId = { key: a.documentId, value: frame(2_000_000_000, [0], new Uint8Array([8, 1])) };
    const garbage = { key: a.documentId, value: new TextEncoder().encode("not a confluent frame") };
    await bus.publish(topic, [good1, unknownId, garbage, good2]);
    const handled: string[] = [];
    const letters: BusRecord[] = [];
    const subs = [
      await bus.subscribe({
        groupId: `poison-${runId}`,
        topic,
        deadLetterTopic: `${topic}.dlq`,
        handler: decodingHandler(codec, async (event) => void handled.push(event.eventId)),
      }),
      await bus.subscribe({
        groupId: `poison-dlq-${runId}`,
        topic: `${topic}.dlq`,
        deadLetterTopic: `${topic}.dlq.dlq`,
        handler: async (r) => void letters.push(r),
      }),
    ];
    await waitFor(() => handled.length >= 2 && letters.length >= 2, 60_000, "events and dead letters");
    await Promise.all(subs.map((s) => s.stop()));
    expect(handled).toEqual([a.eventId, b.eventId]);
    expect(letters.map((l) => l.headers["dlq.attempts"])).toEqual(["1", "1"]);
    expect(letters[0]?.headers["dlq.error"]).toContain("unknown schema id 2000000000");
    expect(letters[1]?.headers["dlq.error"]).toContain("magic byte");
    expect(letters.map((l) => l.headers["dlq.offset"])).toEqual(["1", "2"]);
  });
});
