// A stage-like consumer process for the crash test (run with tsx; killed with SIGKILL mid-way).
//
//   tsx crash-consumer.ts <effects-file> <topic> <group>        (Kafka: DOCMESH_KAFKA_BROKERS, DOCMESH_SCHEMA_REGISTRY_URL)
//   tsx crash-consumer.ts <effects-file> <topic> <group> --embedded <dir>
//
// Effect: one line "<event id> <document id> <sequence>" appended to the effects file per event, applied
// exactly once by event id: the ids already in the file are loaded at start and skipped on redelivery.
// appendFileSync puts the line in the kernel before the handler resolves, so it survives SIGKILL of
// this process (a machine crash would need an fsync). SIGTERM stops gracefully (drain + commit).
import { appendFileSync, readFileSync } from "node:fs";
import type { EventBus } from "../../../services/platform/bus/bus.ts";
import { EmbeddedBus } from "../../../services/platform/bus/embedded.ts";
import { KafkaBus } from "../../../services/platform/bus/kafka.ts";
import {
  ConfluentEventCodec,
  type EventCodec,
  PlainEventCodec,
} from "../../../services/platform/events/codec.ts";
import { decodingHandler } from "../../../services/platform/events/records.ts";

const [effectsFile, topic, group, mode, dir] = process.argv.slice(2);
if (!effectsFile || !topic || !group)
  throw new Error("usage: crash-consumer.ts <effects-file> <topic> <group> [--embedded <dir>]");

async function main(): Promise<void> {
  const applied = new Set<string>();
  let text = "";
  try {
    text = readFileSync(effectsFile as string, "utf8");
  } catch {}
  const lines = text.split("\n");
  lines.pop(); // the part after the last newline is empty or a torn line
  for (const line of lines) applied.add(line.split(" ")[0] ?? "");

  let bus: EventBus;
  let codec: EventCodec;
  if (mode === "--embedded") {
    bus = await EmbeddedBus.open({ directory: dir as string, commitIntervalMs: 200 });
    codec = new PlainEventCodec();
  } else {
    const brokers = process.env.DOCMESH_KAFKA_BROKERS;
    const registryUrl = process.env.DOCMESH_SCHEMA_REGISTRY_URL;
    if (!brokers || !registryUrl)
      throw new Error("DOCMESH_KAFKA_BROKERS and DOCMESH_SCHEMA_REGISTRY_URL are required");
    bus = new KafkaBus({
      brokers: brokers.split(","),
      clientId: "crash-consumer",
      partitionsConsumedConcurrently: 12,
      commitIntervalMs: 200,
    });
    codec = await ConfluentEventCodec.create({ registryUrl });
  }
  let skipped = 0;
  const sub = await bus.subscribe({
    groupId: group as string,
    topic: topic as string,
    deadLetterTopic: `${topic}.dlq`,
    handler: decodingHandler(codec, async (event) => {
      if (applied.has(event.eventId)) {
        skipped++;
        return;
      }
      // A little work per event, so a kill lands between commits.
      await new Promise((r) => setImmediate(r));
      appendFileSync(effectsFile as string, `${event.eventId} ${event.documentId} ${event.sequence}\n`);
      applied.add(event.eventId);
    }),
  });
  process.stdout.write(`ready ${applied.size}\n`);
  const report = setInterval(
    () => process.stdout.write(`progress ${applied.size} skipped ${skipped}\n`),
    500,
  );
  process.on("SIGTERM", () => {
    clearInterval(report);
    void sub
      .stop()
      .then(() => bus.close())
      .then(() => {
        process.stdout.write(`stopped ${applied.size} skipped ${skipped}\n`);
        process.exit(0);
      });
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
