// The dead-letter index in SQL: every record of the dead-letter topic, decoded for filtering, and
// the redrives done. A redrive marks the row and writes the event to the outbox in one transaction,
// so it is recorded and published together, and never twice.
import { toBinary } from "@bufbuild/protobuf";
import { type DocumentEvent, DocumentEventSchema } from "../../gen/docmesh/events/v1/document_event_pb.ts";
import { REDRIVE_GROUP_HEADER } from "../pipeline/stage-worker.ts";
import type { BusRecord } from "../platform/bus/bus.ts";
import { DLQ_HEADERS } from "../platform/bus/bus.ts";
import { DLQ_GROUP_HEADER } from "../platform/bus/delivery.ts";
import { notFound } from "../platform/errors.ts";
import { EVENT_HEADERS } from "../platform/events/topics.ts";
import type { SqlDatabase, SqlExecutor } from "../platform/store/sql.ts";

export interface DeadLetterRow {
  dlq_partition: number;
  dlq_offset: number;
  record_key: string;
  record_value: Uint8Array;
  record_headers: Record<string, string>;
  tenant: string;
  document_id: string | null;
  event_id: string | null;
  decode_error: string;
  consumer_group: string;
  error: string;
  attempts: number;
  original_topic: string;
  original_partition: number;
  original_offset: number;
  dead_letter_time: Date;
  redrive_time: Date | null;
  redriven_by: string;
}

export interface DeadLetterQuery {
  tenant?: string;
  documentId?: string;
  consumerGroup?: string;
  /** true: only redriven ones; false: only pending ones. */
  redriven?: boolean;
  after?: Date;
  before?: Date;
}

/** A position in the dead-letter topic; also the list cursor (rows come oldest first). */
export interface DeadLetterKey {
  partition: number;
  offset: number;
}

export interface DeadLetterCursor extends DeadLetterKey {
  time: string;
}

export interface RedriveResult {
  redriven: DeadLetterKey[];
  alreadyRedriven: DeadLetterKey[];
  undecodable: DeadLetterKey[];
}

/** On a redriven record: the group that runs it again (the stage runner skips it elsewhere), and its dead letter. */
export const REDRIVE_HEADERS = { group: REDRIVE_GROUP_HEADER, of: "redrive.of" } as const;

export const deadLetterName = (key: DeadLetterKey) => `deadLetters/${key.partition}-${key.offset}`;

export function parseDeadLetterName(name: string): DeadLetterKey {
  const [partition, offset] = name.slice(name.indexOf("/") + 1).split("-");
  return { partition: Number(partition), offset: Number(offset) };
}

export class DeadLetterStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly topic: string,
  ) {}

  /** Indexes one dead-letter record; reading it again changes nothing. */
  async record(record: BusRecord, decoded: { event: DocumentEvent } | { error: string }): Promise<void> {
    const h = record.headers;
    const event = "event" in decoded ? decoded.event : undefined;
    await this.db.query(
      `INSERT INTO dead_letters (dlq_partition, dlq_offset, record_key, record_value, record_headers, tenant,
         document_id, event_id, decode_error, consumer_group, error, attempts, original_topic,
         original_partition, original_offset, dead_letter_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT DO NOTHING`,
      [
        record.partition,
        record.offset,
        record.key,
        record.value,
        JSON.stringify(h),
        event?.tenant ?? "",
        event && isUuid(event.documentId) ? event.documentId : null,
        event && isUuid(event.eventId) ? event.eventId : null,
        "error" in decoded ? decoded.error : "",
        h[DLQ_GROUP_HEADER] ?? "",
        h[DLQ_HEADERS.error] ?? "",
        intOr(h[DLQ_HEADERS.attempts], 0),
        h[DLQ_HEADERS.topic] ?? "",
        intOr(h[DLQ_HEADERS.partition], -1),
        intOr(h[DLQ_HEADERS.offset], -1),
        new Date(record.timestamp),
      ],
    );
  }

  async list(
    query: DeadLetterQuery,
    pageSize: number,
    after?: DeadLetterCursor,
  ): Promise<{ rows: DeadLetterRow[]; next?: DeadLetterCursor; total: number }> {
    const { where, params } = whereOf(query);
    const { rows: count } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM dead_letters WHERE ${where.join(" AND ")}`,
      params,
    );
    if (after) {
      params.push(after.time, after.partition, after.offset);
      const n = params.length;
      where.push(
        `(dead_letter_time, dlq_partition, dlq_offset) > ($${n - 2}::timestamptz, $${n - 1}, $${n})`,
      );
    }
    params.push(pageSize + 1);
    const { rows } = await this.db.query<DeadLetterRow>(
      `SELECT * FROM dead_letters WHERE ${where.join(" AND ")}
        ORDER BY dead_letter_time, dlq_partition, dlq_offset LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    return {
      rows: page,
      next:
        rows.length > pageSize && last
          ? {
              time: last.dead_letter_time.toISOString(),
              partition: last.dlq_partition,
              offset: last.dlq_offset,
            }
          : undefined,
      total: count[0]?.n ?? 0,
    };
  }

  /**
   * Redrives the named dead letters; each is published again at most once, ever. A name that is not
   * in the index is NOT_FOUND and nothing is redriven.
   */
  redriveKeys(
    keys: DeadLetterKey[],
    actor: string,
    decode: (value: Uint8Array) => Promise<DocumentEvent>,
  ): Promise<RedriveResult> {
    return this.db.transaction(async (tx) => {
      const result: RedriveResult = { redriven: [], alreadyRedriven: [], undecodable: [] };
      for (const key of keys) {
        const { rows } = await tx.query<DeadLetterRow>(
          "SELECT * FROM dead_letters WHERE dlq_partition = $1 AND dlq_offset = $2 FOR UPDATE",
          [key.partition, key.offset],
        );
        const row = rows[0];
        if (!row) throw notFound(`${deadLetterName(key)} not found`);
        if (row.redrive_time) result.alreadyRedriven.push(key);
        else if (await this.redriveRow(tx, row, actor, decode)) result.redriven.push(key);
        else result.undecodable.push(key);
      }
      return result;
    });
  }

  /** Redrives up to `limit` pending, decodable dead letters matching the query, oldest first. */
  redriveMatching(
    query: DeadLetterQuery,
    limit: number,
    actor: string,
    decode: (value: Uint8Array) => Promise<DocumentEvent>,
  ): Promise<RedriveResult> {
    return this.db.transaction(async (tx) => {
      const { where, params } = whereOf({ ...query, redriven: false });
      where.push("decode_error = ''");
      params.push(limit);
      const { rows } = await tx.query<DeadLetterRow>(
        `SELECT * FROM dead_letters WHERE ${where.join(" AND ")}
          ORDER BY dead_letter_time, dlq_partition, dlq_offset LIMIT $${params.length} FOR UPDATE SKIP LOCKED`,
        params,
      );
      const result: RedriveResult = { redriven: [], alreadyRedriven: [], undecodable: [] };
      for (const row of rows) {
        const key = { partition: row.dlq_partition, offset: row.dlq_offset };
        if (await this.redriveRow(tx, row, actor, decode)) result.redriven.push(key);
        else result.undecodable.push(key);
      }
      return result;
    });
  }

  /** Pending dead letters per consumer group. */
  async pendingByGroup(): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ consumer_group: string; n: number }>(
      "SELECT consumer_group, count(*)::int AS n FROM dead_letters WHERE redrive_time IS NULL GROUP BY 1",
    );
    return new Map(rows.map((r) => [r.consumer_group, r.n]));
  }

  /**
   * The event goes back to the topic through the outbox (so the record and the publish commit
   * together), with its original headers and the redrive headers instead of the dlq.* ones.
   */
  private async redriveRow(
    tx: SqlExecutor,
    row: DeadLetterRow,
    actor: string,
    decode: (value: Uint8Array) => Promise<DocumentEvent>,
  ): Promise<boolean> {
    // The outbox needs the document's id (the partition key); a poison record has none.
    if (row.decode_error !== "" || !row.document_id) return false;
    let event: DocumentEvent;
    try {
      event = await decode(new Uint8Array(row.record_value));
    } catch {
      return false;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(row.record_headers)) {
      if (!name.startsWith("dlq.") && !name.startsWith("redrive.")) headers[name] = value;
    }
    headers[REDRIVE_HEADERS.group] = row.consumer_group;
    headers[REDRIVE_HEADERS.of] = deadLetterName({ partition: row.dlq_partition, offset: row.dlq_offset });
    headers[EVENT_HEADERS.eventId] ??= event.eventId;
    await tx.query("INSERT INTO outbox (document_id, topic, payload, headers) VALUES ($1, $2, $3, $4)", [
      row.document_id,
      row.original_topic || this.topic,
      toBinary(DocumentEventSchema, event),
      JSON.stringify(headers),
    ]);
    await tx.query(
      `UPDATE dead_letters SET redrive_time = now(), redriven_by = $3
        WHERE dlq_partition = $1 AND dlq_offset = $2`,
      [row.dlq_partition, row.dlq_offset, actor],
    );
    return true;
  }
}

function whereOf(query: DeadLetterQuery): { where: string[]; params: unknown[] } {
  const where: string[] = ["true"];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace("?", `$${params.length}`));
  };
  if (query.tenant) add("tenant = ?", query.tenant);
  if (query.documentId) add("document_id = ?::uuid", query.documentId);
  if (query.consumerGroup) add("consumer_group = ?", query.consumerGroup);
  if (query.redriven === true) where.push("redrive_time IS NOT NULL");
  if (query.redriven === false) where.push("redrive_time IS NULL");
  if (query.after) add("dead_letter_time >= ?", query.after);
  if (query.before) add("dead_letter_time < ?", query.before);
  return { where, params };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (text: string) => UUID.test(text);

function intOr(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text !== undefined && Number.isSafeInteger(n) ? n : fallback;
}
