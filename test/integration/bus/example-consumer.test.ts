// The downstream example (examples/downstream-consumer) really consumes what Docmesh publishes:
// Confluent-framed DocumentEvents from the registry codec, deduplicated by event id across a restart.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { DocumentEventSchema } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import { KafkaBus } from "../../../services/platform/bus/kafka.ts";
import { ConfluentEventCodec } from "../../../services/platform/events/codec.ts";
import { eventRecord } from "../../../services/platform/events/records.ts";
import { waitFor } from "../../contract/bus.ts";
import { kafkaBrokers, requireEnv } from "./env.ts";

const REPO = join(import.meta.dirname, "../../..");

function runExample(env: Record<string, string>, group: string): { child: ChildProcess; out: () => string } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(REPO, "examples/downstream-consumer/consumer.ts"), group],
    { cwd: REPO, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  return { child, out: () => out };
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });

describe("examples/downstream-consumer", () => {
  it("decodes our events, skips poison, and applies each event once across a restart", async () => {
    const brokers = kafkaBrokers();
    const codec = await ConfluentEventCodec.create({
      registryUrl: requireEnv("DOCMESH_SCHEMA_REGISTRY_URL"),
    });
    const topic = `example.${randomUUID().slice(0, 8)}.events`;
    const work = await mkdtemp(join(tmpdir(), "docmesh-example-"));
    const bus = new KafkaBus({ brokers, clientId: "example-producer", replicationFactor: 1 });
    try {
      await bus.ensureTopics([{ name: topic, partitions: 3, retentionMs: 3_600_000 }]);
      const doc = randomUUID();
      const events = [1n, 2n, 3n].map((sequence) =>
        create(DocumentEventSchema, {
          eventId: randomUUID(),
          documentId: doc,
          tenant: "acme",
          sequence,
          payload: { case: "deleted", value: { actor: "bob" } },
        }),
      );
      await bus.publish(topic, [
        ...(await Promise.all(events.map((e) => eventRecord(codec, e)))),
        { key: doc, value: new TextEncoder().encode("poison") },
      ]);
      const env = {
        DOCMESH_KAFKA_BROKERS: brokers.join(","),
        DOCMESH_EVENTS_TOPIC: topic,
        APPLIED_FILE: join(work, "applied.log"),
      };
      const group = `example-${randomUUID().slice(0, 8)}`;
      const first = runExample(env, group);
      await waitFor(
        () => first.out().includes("#3") && first.out().includes("poison record"),
        60_000,
        "3 events",
      );
      await stop(first.child);
      expect(first.out()).toContain(`${doc} #1 deleted`);
      expect(first.out().indexOf("#1")).toBeLessThan(first.out().indexOf("#2"));
      // A new group replays everything; the applied file makes the effects no-ops.
      const second = runExample(env, `${group}-replay`);
      await waitFor(() => second.out().includes("poison record"), 60_000, "the replay");
      await stop(second.child);
      expect(second.out()).not.toContain(`${doc} #`);
      const applied = (await readFile(env.APPLIED_FILE, "utf8")).trim().split("\n");
      expect(applied).toEqual(events.map((e) => e.eventId));
    } finally {
      await bus.close();
      await rm(work, { recursive: true, force: true });
    }
  }, 180_000);
});
