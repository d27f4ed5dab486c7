// What a downstream consumer really receives: a document uploaded through the API of a cluster-mode
// Docmesh (real Kafka, schema registry, PostgreSQL, MinIO, OpenSearch) goes through the pipeline, and
// Python's confluent-kafka ProtobufDeserializer reads every event the outbox relay published for it
// from docmesh.document-events.v1, with the documented headers on each record.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentEventSchema } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import { DOCUMENT_EVENTS_TOPIC } from "../../../services/platform/events/topics.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { kafkaBrokers, requireEnv } from "./env.ts";
import { readWithPython } from "./python-peer.ts";

const brokers = kafkaBrokers();
const registryUrl = requireEnv("DOCMESH_SCHEMA_REGISTRY_URL");

/** The payload oneof's members, as the event-type header names them (protobuf-es local names). */
const PAYLOAD_CASES = new Map(
  DocumentEventSchema.oneofs.find((o) => o.name === "payload")?.fields.map((f) => [f.name, f.localName]) ??
    [],
);

describe("records the pipeline publishes, read by the Python Confluent deserializer", () => {
  let docmesh: TestDocmesh;

  beforeAll(async () => {
    docmesh = await startDocmesh("cluster");
  }, 180_000);
  afterAll(async () => {
    await docmesh?.stop();
  });

  it("carry event-id, event-type and correlation-id on every event of an uploaded document", async () => {
    const since = Date.now() - 1000; // the broker's clock is this machine's; a second of slack
    const { ingestion, progress } = docmesh.clients;
    const correlationId = `corr-${crypto.randomUUID()}`;
    const { document } = await ingestion.uploadDocument({
      fileName: "invoice.txt",
      content: new TextEncoder().encode(
        "INVOICE\nInvoice number: INV-2041\nFrom: ACME GmbH\nDate: 2024-03-31\nTotal: 1,234.50 EUR\n",
      ),
      correlationId,
    });
    const name = document?.name ?? "";
    const id = name.split("/").pop() ?? "";
    const sequences: bigint[] = [];
    for await (const message of progress.watchDocument({ name })) {
      if (message.message.case === "update") sequences.push(message.message.value.sequence);
    } // the stream ends at the terminal state
    expect(sequences.length).toBeGreaterThanOrEqual(4);

    const records = await readWithPython({
      brokers,
      topic: DOCUMENT_EVENTS_TOPIC,
      count: sequences.length,
      registryUrl,
      sinceMs: since,
      keys: [id],
    });
    expect(records).toHaveLength(sequences.length);
    const decodedSequences: number[] = [];
    for (const record of records) {
      const event = record.plain as {
        event_id: string;
        document_id: string;
        correlation_id: string;
        sequence: string;
      };
      expect(event).not.toHaveProperty("__error__");
      expect(event.document_id).toBe(id);
      decodedSequences.push(Number(event.sequence));
      const payloadCase = [...PAYLOAD_CASES.keys()].find((c) => c in event);
      expect(payloadCase).toBeDefined();
      expect(record.headers["event-id"]).toBe(event.event_id);
      expect(record.headers["event-type"]).toBe(PAYLOAD_CASES.get(payloadCase ?? ""));
      expect(event.correlation_id).toBe(correlationId);
      expect(record.headers["correlation-id"]).toBe(correlationId);
    }
    expect(decodedSequences).toEqual(sequences.map(Number));
    expect(records[0]?.headers["event-type"]).toBe("uploaded");
  }, 300_000);
});
