// A broker stop and restart while producing loses no acknowledged event. Stops and starts the real
// Kafka with the services script (single-service down/up); publishes run sequentially the whole time,
// and every publish that resolved is checked for afterwards by a fresh consumer group.
import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import type { BusRecord } from "../../../services/platform/bus/bus.ts";
import { KafkaBus } from "../../../services/platform/bus/kafka.ts";
import { waitFor } from "../../contract/bus.ts";
import { kafkaBrokers } from "./env.ts";

const run = promisify(execFile);
const REPO = join(import.meta.dirname, "../../..");
const services = (...args: string[]) =>
  run("bash", [join(REPO, "scripts/services/services.sh"), ...args], { cwd: REPO, timeout: 180_000 });

/**
 * `services.sh up kafka`, but ready = the broker serves the topic's metadata again. The script's own
 * readiness probe (`log_since_start | grep -q` under `set -o pipefail`) can miss a started broker when
 * `tail` is still writing as grep exits (SIGPIPE) — reported to its owner — so we stop waiting on it once
 * the broker answers, then rewrite services.env with an `up` of an already-running service (apicurio),
 * because `down kafka` rewrote it without DOCMESH_KAFKA_BROKERS.
 */
async function startKafka(brokers: string[], topic: string): Promise<void> {
  const child = spawn("bash", [join(REPO, "scripts/services/services.sh"), "up", "kafka"], {
    cwd: REPO,
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const admin = new Kafka({ clientId: "restart-probe", brokers, logLevel: logLevel.NOTHING }).admin();
  const deadline = Date.now() + 120_000;
  try {
    for (;;) {
      try {
        await admin.connect();
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        if (topics[0]?.partitions.every((p) => p.leader >= 0)) break;
      } catch {}
      if (Date.now() > deadline) throw new Error("kafka did not come back within 120 s");
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await admin.disconnect().catch(() => {});
    const grace = setTimeout(() => child.kill("SIGTERM"), 5000);
    await exited;
    clearTimeout(grace);
  }
  await services("up", "apicurio");
}

describe("broker restart while producing", () => {
  it("loses no acknowledged event", async () => {
    const brokers = kafkaBrokers();
    const topic = `restart.${randomUUID().slice(0, 8)}.events`;
    const bus = new KafkaBus({
      brokers,
      clientId: "restart-producer",
      replicationFactor: 1,
      kafka: { retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5000 } },
    });
    const acked = new Set<string>();
    let attempted = 0;
    let failed = 0;
    let producing = true;
    let kafkaDown = false;
    try {
      await bus.ensureTopics([{ name: topic, partitions: 6, retentionMs: 3_600_000 }]);
      const enc = new TextEncoder();
      const producer = (async () => {
        let n = 0;
        while (producing) {
          const batch = Array.from({ length: 20 }, () => `ev-${n++}`);
          attempted += batch.length;
          try {
            await bus.publish(
              topic,
              batch.map((id) => ({ key: `doc-${Number(id.slice(3)) % 97}`, value: enc.encode(id) })),
            );
            for (const id of batch) acked.add(id);
          } catch {
            failed += batch.length;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      })();
      await waitFor(() => acked.size >= 500, 30_000, "some acknowledged events before the stop");
      const beforeStop = acked.size;
      kafkaDown = true;
      await services("down", "kafka");
      await new Promise((r) => setTimeout(r, 2000));
      await startKafka(brokers, topic);
      kafkaDown = false;
      const afterUp = acked.size;
      await waitFor(() => acked.size >= afterUp + 500, 90_000, "acknowledged events after the restart");
      producing = false;
      await producer;
      console.info(
        `broker restart: ${attempted} attempted, ${acked.size} acknowledged (${beforeStop} before the stop), ${failed} failed publishes (not acknowledged, allowed)`,
      );

      // Check with a fresh client: every acknowledged event must be in the topic.
      const checker = new KafkaBus({ brokers, clientId: "restart-checker" });
      const seen = new Set<string>();
      const dec = new TextDecoder();
      try {
        const sub = await checker.subscribe({
          groupId: `restart-check-${randomUUID().slice(0, 8)}`,
          topic,
          deadLetterTopic: `${topic}.dlq`,
          handler: async (r: BusRecord) => void seen.add(dec.decode(r.value)),
        });
        await waitFor(
          () => [...acked].every((id) => seen.has(id)),
          120_000,
          "every acknowledged event",
        ).catch(() => {});
        await sub.stop();
      } finally {
        await checker.close();
      }
      const missing = [...acked].filter((id) => !seen.has(id));
      expect({ missing: missing.length, first: missing.slice(0, 5), seen: seen.size }).toEqual({
        missing: 0,
        first: [],
        seen: expect.any(Number),
      });
    } finally {
      producing = false;
      await bus.close();
      // Leave Kafka running for whoever comes next.
      if (kafkaDown) await startKafka(brokers, topic);
    }
  }, 300_000);
});
