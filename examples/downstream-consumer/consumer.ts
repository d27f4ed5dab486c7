// Downstream consumer of docmesh.document-events.v1 (copy me). See README.md next to this file.
//
//   npx tsx examples/downstream-consumer/consumer.ts <group-id>
//
// Env: DOCMESH_KAFKA_BROKERS (host:port,...); DOCMESH_EVENTS_TOPIC to read another topic; APPLIED_FILE for
// the applied event ids. Stop with Ctrl-C (commits what was applied, leaves the group).
import { appendFileSync, readFileSync } from "node:fs";
import { fromBinary } from "@bufbuild/protobuf";
import { Kafka, logLevel } from "kafkajs";
import { type DocumentEvent, DocumentEventSchema } from "../../gen/docmesh/events/v1/document_event_pb.ts";

const TOPIC = process.env.DOCMESH_EVENTS_TOPIC ?? "docmesh.document-events.v1";
const APPLIED_FILE = process.env.APPLIED_FILE ?? "applied-events.log";

/** Confluent Protobuf framing → DocumentEvent. Throws on anything else. */
export function decodeDocumentEvent(value: Uint8Array): DocumentEvent {
  if (value.length < 6 || value[0] !== 0) throw new Error("not Confluent-framed (magic byte)");
  let at = 5; // magic byte + 4-byte schema id (any registered version of the subject decodes with our class)
  // Message-index array: zigzag varint count (0 means [0]), then that many zigzag varints.
  const varint = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = value[at++];
      if (b === undefined) throw new Error("truncated message indexes");
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (result >>> 1) ^ -(result & 1);
      shift += 7;
    }
  };
  const count = varint();
  const indexes = count === 0 ? [0] : Array.from({ length: count }, varint);
  if (indexes.length !== 1 || indexes[0] !== 0) throw new Error(`unexpected message indexes [${indexes}]`);
  return fromBinary(DocumentEventSchema, value.subarray(at));
}

/** Your effect. Must be idempotent or guarded by the event id (see `applied`). */
function applyEffect(event: DocumentEvent): void {
  console.log(
    `${event.documentId} #${event.sequence} ${event.payload.case ?? "?"} status=${event.status} tenant=${event.tenant}`,
  );
}

async function main(): Promise<void> {
  const groupId = process.argv[2];
  const brokers = process.env.DOCMESH_KAFKA_BROKERS;
  if (!groupId || !brokers) throw new Error("usage: DOCMESH_KAFKA_BROKERS=host:port consumer.ts <group-id>");

  const applied = new Set<string>();
  try {
    for (const line of readFileSync(APPLIED_FILE, "utf8").split("\n")) if (line) applied.add(line);
  } catch {}

  const kafka = new Kafka({ clientId: groupId, brokers: brokers.split(","), logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      let next: string | undefined;
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        let event: DocumentEvent | undefined;
        try {
          event = decodeDocumentEvent(message.value ?? new Uint8Array());
        } catch (error) {
          console.error(`poison record ${batch.partition}@${message.offset}: ${(error as Error).message}`);
        }
        if (event && !applied.has(event.eventId)) {
          applyEffect(event);
          appendFileSync(APPLIED_FILE, `${event.eventId}\n`); // durable enough for a demo; use a DB transaction
          applied.add(event.eventId);
        }
        resolveOffset(message.offset);
        next = (BigInt(message.offset) + 1n).toString();
        await heartbeat();
      }
      if (next !== undefined) {
        await commitOffsetsIfNecessary({
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
        });
      }
    },
  });
  const stop = () => void consumer.disconnect().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
