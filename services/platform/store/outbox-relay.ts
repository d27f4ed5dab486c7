// Publishes outbox rows to the bus in commit order per document, then deletes them.
// A crash between publish and delete republishes a row: consumers deduplicate by event id.
import type { EventBus } from "../bus/bus.ts";
import { logger } from "../log.ts";
import { relaySpans } from "../telemetry/outbox.ts";
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
  /** Poll interval while idle. Default 50 ms, or 1 s when the database wakes the relay (LISTEN). */
  idleDelayMs?: number;
}

/** Channel the outbox trigger (migration 002) notifies on every insert. */
export const OUTBOX_CHANNEL = "docmesh_outbox";

const RELAY_LOCK = 4243;
const log = logger("outbox-relay");

export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  /** A kick arrived since the last drain started (it may have missed the rows behind the kick). */
  private kicked = false;
  private failures = 0;
  /** Set while the database wakes us on new rows (other processes' writes included). */
  private unlisten?: Promise<(() => Promise<void>) | undefined>;

  constructor(
    private readonly db: SqlDatabase,
    private readonly bus: EventBus,
    private readonly options: OutboxRelayOptions,
  ) {}

  /** Tells an idle relay there is work (same-process writers call this after commit). */
  kick(): void {
    this.kicked = true;
    // While publishing fails, keep the backoff: wake early only to stop.
    if (this.failures === 0 || !this.running) this.wakeUp?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unlisten = this.db.listen
      ? this.db
          .listen(OUTBOX_CHANNEL, () => this.kick())
          .catch((error: unknown) => {
            log.warn("cannot listen for outbox notifications; polling", { error });
            return undefined;
          })
      : undefined;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    await (await this.unlisten)?.();
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
        const spans = relaySpans(topicRows);
        try {
          const records = await Promise.all(
            topicRows.map(async (row, i) => ({
              key: row.document_id,
              value: await this.options.encode(topic, new Uint8Array(row.payload)),
              headers: spans.headersOf(i),
            })),
          );
          await this.bus.publish(topic, records);
          spans.end();
        } catch (error) {
          spans.end(error);
          throw error;
        }
      }
      await tx.query("DELETE FROM outbox WHERE id = ANY($1)", [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    const pollMs = this.options.idleDelayMs ?? (this.unlisten ? 1000 : 50);
    const backoffBaseMs = this.options.idleDelayMs ?? 50;
    while (this.running) {
      this.kicked = false;
      let published = 0;
      try {
        published = await this.drainOnce();
        this.failures = 0;
      } catch (error) {
        this.failures++;
        log.warn("publish failed; will retry", { error, failures: this.failures });
      }
      if (published > 0 || !this.running || (this.kicked && this.failures === 0)) continue;
      const delay = this.failures > 0 ? Math.min(5000, backoffBaseMs * 2 ** this.failures) : pollMs;
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
