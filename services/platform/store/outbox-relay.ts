// Publishes outbox rows to the bus in commit order per document, then deletes them.
// A crash between publish and delete republishes a row: consumers deduplicate by event id.
import type { EventBus } from "../bus/bus.ts";
import { logger } from "../log.ts";
import type { SqlDatabase } from "./sql.ts";

interface OutboxRow {
  id: number;
  document_id: string;
  topic: string;
  payload: Uint8Array;
  headers: Record<string, string>;
}

export interface OutboxRelayOptions {
  /** Turns the stored protobuf binary into the wire value (e.g. Confluent framing). */
  encode(topic: string, payload: Uint8Array): Promise<Uint8Array>;
  batchSize?: number;
  idleDelayMs?: number;
}

const RELAY_LOCK = 4243;
const log = logger("outbox-relay");

export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;

  constructor(
    private readonly db: SqlDatabase,
    private readonly bus: EventBus,
    private readonly options: OutboxRelayOptions,
  ) {}

  /** Tells an idle relay there is work (same-process writers call this after commit). */
  kick(): void {
    this.wakeUp?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
  }

  /** Publishes what is pending now; returns how many rows went out. */
  async drainOnce(): Promise<number> {
    const limit = this.options.batchSize ?? 500;
    return this.db.transaction(async (tx) => {
      // Only one relay publishes at a time, which keeps per-document order across processes.
      const { rows: lock } = await tx.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [
        RELAY_LOCK,
      ]);
      if (!lock[0]?.ok) return 0;
      const { rows } = await tx.query<OutboxRow>("SELECT * FROM outbox ORDER BY id LIMIT $1", [limit]);
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, OutboxRow[]>();
      for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
      for (const [topic, topicRows] of byTopic) {
        const records = await Promise.all(
          topicRows.map(async (row) => ({
            key: row.document_id,
            value: await this.options.encode(topic, new Uint8Array(row.payload)),
            headers: row.headers,
          })),
        );
        await this.bus.publish(topic, records);
      }
      await tx.query("DELETE FROM outbox WHERE id = ANY($1)", [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    const idle = this.options.idleDelayMs ?? 50;
    let failures = 0;
    while (this.running) {
      let published = 0;
      try {
        published = await this.drainOnce();
        failures = 0;
      } catch (error) {
        failures++;
        log.warn("publish failed; will retry", { error, failures });
      }
      if (published === 0 && this.running) {
        const delay = failures > 0 ? Math.min(5000, idle * 2 ** failures) : idle;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = undefined;
      }
    }
  }
}
