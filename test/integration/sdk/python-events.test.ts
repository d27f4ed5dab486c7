// The Python SDK's downstream-consumer example (sdk/python/examples/consume_events.py) reads events
// our own Confluent serializer wrote to the real Kafka, decodes them with confluent-kafka's
// ProtobufDeserializer and the SDK's generated DocumentEvent class, and reports the same values.
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Category, DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { DocumentEventSchema } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import { KafkaBus } from "../../../services/platform/bus/kafka.ts";
import { ConfluentEventCodec } from "../../../services/platform/events/codec.ts";
import { eventRecord } from "../../../services/platform/events/records.ts";
import { kafkaBrokers, requireEnv } from "../bus/env.ts";
import { pythonVenv, runPython } from "./run-python.ts";

let venv: string;
let bus: KafkaBus;
let codec: ConfluentEventCodec;
beforeAll(async () => {
  venv = await pythonVenv();
  bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: "docmesh-python-events", replicationFactor: 1 });
  codec = await ConfluentEventCodec.create({ registryUrl: requireEnv("DOCMESH_SCHEMA_REGISTRY_URL") });
}, 600_000);
afterAll(async () => {
  await bus?.close();
});

describe("sdk/python/examples/consume_events.py", () => {
  it("decodes Confluent-framed lifecycle events from Kafka with the SDK's event classes", {
    timeout: 120_000,
  }, async () => {
    const topic = `python-sdk.${randomUUID().slice(0, 8)}.events`;
    await bus.ensureTopics([{ name: topic, partitions: 1, retentionMs: 3_600_000 }]);
    const documentId = randomUUID();
    const base = {
      documentId,
      tenant: "acme",
      correlationId: `corr-${randomUUID()}`,
      eventTime: create(TimestampSchema, { seconds: 1_790_000_000n }),
    };
    const events = [
      create(DocumentEventSchema, {
        ...base,
        eventId: randomUUID(),
        sequence: 1n,
        status: DocumentStatus.UPLOADED,
        payload: {
          case: "uploaded",
          value: { fileName: "invoice-Ω.pdf", mediaType: "application/pdf", sizeBytes: 2048n },
        },
      }),
      create(DocumentEventSchema, {
        ...base,
        eventId: randomUUID(),
        sequence: 2n,
        status: DocumentStatus.EXTRACTING,
        payload: {
          case: "classified",
          value: { category: Category.INVOICE, confidence: 0.75, pageCount: 3 },
        },
      }),
    ];
    await bus.publish(topic, await Promise.all(events.map((event) => eventRecord(codec, event))));

    const ran = await runPython(
      venv,
      [
        "examples/consume_events.py",
        kafkaBrokers().join(","),
        "--topic",
        topic,
        "--group",
        `python-sdk-${randomUUID()}`,
        "--from-beginning",
        "--max",
        "2",
        "--idle-seconds",
        "60",
      ],
      {},
      100_000,
    );
    expect(ran.code, ran.stderr).toBe(0);
    const lines = ran.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      {
        event_id: events[0]?.eventId,
        document: `documents/${documentId}`,
        tenant: "acme",
        sequence: 1,
        status: "DOCUMENT_STATUS_UPLOADED",
        kind: "uploaded",
        payload: { file_name: "invoice-Ω.pdf", media_type: "application/pdf", size_bytes: "2048" },
      },
      {
        event_id: events[1]?.eventId,
        document: `documents/${documentId}`,
        tenant: "acme",
        sequence: 2,
        status: "DOCUMENT_STATUS_EXTRACTING",
        kind: "classified",
        payload: { category: "CATEGORY_INVOICE", confidence: 0.75, page_count: 3 },
      },
    ]);
  });
});
