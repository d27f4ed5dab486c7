// The outbox relay wakes on PostgreSQL notifications: a row committed by another connection (another
// process, in cluster mode) is published at once, not at the relay's next poll. One case restarts
// the real PostgreSQL (scripts/services), so this file must not share the engines with another run.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusRecord } from "../../../services/platform/bus/bus.ts";
import { EmbeddedBus } from "../../../services/platform/bus/embedded.ts";
import { migrate } from "../../../services/platform/store/migrate.ts";
import { OutboxRelay } from "../../../services/platform/store/outbox-relay.ts";
import { openPostgres } from "../../../services/platform/store/postgres.ts";
import type { SqlDatabase } from "../../../services/platform/store/sql.ts";
import { waitFor } from "../../contract/bus.ts";
import { requireEnv } from "../../support/env.ts";

const TOPIC = "outbox-notify.test";
const REPO = join(import.meta.dirname, "../../..");
const execFileAsync = promisify(execFile);
const services = (...args: string[]) =>
  execFileAsync("bash", [join(REPO, "scripts/services/services.sh"), ...args], {
    cwd: REPO,
    timeout: 180_000,
  });

/** Retries `attempt` until it resolves (e.g. while a restarted server comes back). */
async function waitForAsync(attempt: () => Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
/** Far longer than the test waits: only a notification can make the relay publish in time. */
const POLL_MS = 120_000;

describe("outbox relay on PostgreSQL notifications", () => {
  const schema = `outbox_notify_${randomUUID().replaceAll("-", "")}`;
  let url: string;
  let admin: SqlDatabase;
  let db: SqlDatabase;
  let writer: SqlDatabase;
  let bus: EmbeddedBus;
  let directory: string;
  const received: BusRecord[] = [];

  beforeAll(async () => {
    const base = requireEnv("DOCMESH_DATABASE_URL", "postgres");
    admin = openPostgres(base);
    await admin.exec(`CREATE SCHEMA ${schema}`);
    url = `${base}${base.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    db = openPostgres(url);
    writer = openPostgres(url);
    await migrate(db);
    directory = mkdtempSync(join(tmpdir(), "docmesh-outbox-notify-"));
    bus = await EmbeddedBus.open({ directory });
    await bus.ensureTopics([{ name: TOPIC, partitions: 1, retentionMs: -1 }]);
    await bus.subscribe({
      groupId: "observer",
      topic: TOPIC,
      deadLetterTopic: `${TOPIC}.dlq`,
      handler: async (record) => void received.push(record),
    });
  });

  afterAll(async () => {
    await bus?.close();
    await db?.close();
    await writer?.close();
    await admin?.exec(`DROP SCHEMA ${schema} CASCADE`);
    await admin?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  const insertRow = async (marker: string) => {
    await writer.query("INSERT INTO outbox (document_id, topic, payload, headers) VALUES ($1, $2, $3, $4)", [
      randomUUID(),
      TOPIC,
      Buffer.from(marker),
      { marker },
    ]);
  };
  const markers = () => received.map((record) => record.headers.marker);
  /** A relay that polls only every POLL_MS: anything it publishes sooner came from a notification. */
  const startRelay = (database: SqlDatabase) => {
    const relay = new OutboxRelay(database, bus, {
      encode: async (_topic, payload) => payload,
      idleDelayMs: POLL_MS,
    });
    relay.start();
    return relay;
  };

  it("publishes a row committed by another connection within seconds, although it polls every 2 minutes", async () => {
    const relay = startRelay(db);
    try {
      // Let the relay finish its first (empty) drain and start its long idle wait.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const started = Date.now();
      await insertRow("woken");
      await waitFor(() => markers().includes("woken"), 15_000, "the notified row to be published");
      expect(Date.now() - started).toBeLessThan(15_000);
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox");
      expect(rows[0]?.n).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  it("keeps listening across a PostgreSQL restart", async () => {
    const relay = startRelay(db);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await services("down", "postgres");
      await services("up", "postgres");
      // The listener reconnects within about a second; the pools replace their dead connections.
      await waitForAsync(async () => {
        await insertRow("after-restart");
      }, 30_000);
      const started = Date.now();
      await waitFor(() => markers().includes("after-restart"), 20_000, "the row committed after the restart");
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await relay.stop();
    }
  }, 240_000);

  it("without LISTEN (control), the same row waits for the next poll", async () => {
    const relay = startRelay({ ...db, listen: undefined });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await insertRow("not-woken");
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(markers()).not.toContain("not-woken");
    } finally {
      await relay.stop();
    }
    // Stopped: drain what it left so the schema is clean.
    await new OutboxRelay(db, bus, { encode: async (_topic, payload) => payload }).drainOnce();
    await waitFor(() => markers().includes("not-woken"), 15_000, "the drained row");
  });
});
