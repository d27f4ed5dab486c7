// The delivery log in SQL: one row per event per endpoint, the attempts' outcome, and the lease a
// sending process holds. Every state change after intake is conditional on that lease, so a
// delivery is recorded SUCCEEDED once even when two processes raced for it.
import { randomUUID } from "node:crypto";
import { WebhookDeliveryState } from "../../gen/docmesh/webhook/v1/webhook_service_pb.ts";
import { notFound, precondition } from "../platform/errors.ts";
import type { SqlExecutor } from "../platform/store/sql.ts";
import { endpointNotFound } from "./endpoint-store.ts";
import { type NewestFirstCursor, newestFirstPage } from "./newest-first-page.ts";

const PENDING = WebhookDeliveryState.PENDING;
const SUCCEEDED = WebhookDeliveryState.SUCCEEDED;
const FAILED = WebhookDeliveryState.FAILED;

export interface IncomingEvent {
  tenant: string;
  eventId: string;
  documentId: string;
  eventType: number;
  eventTime: Date;
  body: string;
}

/** A delivery a process has leased to send now. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  leaseId: string;
  eventId: string;
  eventType: number;
  body: string;
  url: string;
  secret: string;
  /** Attempts made before this one in the current round. */
  roundAttempts: number;
}

export interface DeliveryRow {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: number;
  documentId: string;
  state: WebhookDeliveryState;
  attempts: number;
  lastResponseCode: number;
  lastError: string;
  createTime: Date;
  nextAttemptTime: Date;
  deliverTime?: Date;
}

interface SqlRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: number;
  document_id: string;
  state: number;
  attempts: number;
  last_response_code: number;
  last_error: string;
  create_time: Date;
  next_attempt_time: Date;
  deliver_time: Date | null;
}

const COLUMNS = `id, endpoint_id, event_id, event_type, document_id, state, attempts, last_response_code,
  last_error, create_time, next_attempt_time, deliver_time`;

export class DeliveryStore {
  constructor(private readonly db: SqlExecutor) {}

  /**
   * One PENDING delivery per endpoint of the event's tenant whose filter admits its type and that
   * existed when the event happened (a new endpoint gets no history). Reading an event again adds
   * nothing. Returns how many deliveries were added.
   */
  async enqueue(event: IncomingEvent): Promise<number> {
    const { rowCount } = await this.db.query(
      `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, document_id, body)
       SELECT gen_random_uuid(), id, $2, $3, $4, $5 FROM webhook_endpoints
       WHERE tenant = $1 AND (cardinality(event_types) = 0 OR $3 = ANY (event_types)) AND create_time <= $6
       ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
      [event.tenant, event.eventId, event.eventType, event.documentId, event.body, event.eventTime],
    );
    return rowCount;
  }

  /**
   * Leases up to `limit` due deliveries, oldest due first, and of one endpoint no more than
   * `perEndpoint` minus what this process already sends to it (`inFlight`), so one endpoint's backlog
   * cannot take every slot. The lease lasts `leaseMs`; a process that dies mid-send leaves it to expire.
   */
  async claim(
    limit: number,
    inFlight: ReadonlyMap<string, number>,
    perEndpoint: number,
    leaseMs: number,
  ): Promise<ClaimedDelivery[]> {
    const { rows: due } = await this.db.query<{ id: string }>(
      `SELECT id FROM (
         SELECT id, endpoint_id, next_attempt_time,
                row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_time, id) AS n
         FROM webhook_deliveries
         WHERE state = ${PENDING} AND next_attempt_time <= now()
           AND (lease_expire_time IS NULL OR lease_expire_time < now())
       ) due
       LEFT JOIN unnest($2::uuid[], $3::int[]) AS busy (endpoint_id, sending) USING (endpoint_id)
       WHERE n <= $4 - coalesce(busy.sending, 0)
       ORDER BY next_attempt_time LIMIT $1`,
      [limit, [...inFlight.keys()], [...inFlight.values()], perEndpoint],
    );
    if (due.length === 0) return [];
    const leaseId = randomUUID();
    // Conditional on the row still being due and unleased: of two processes that saw it, one wins.
    const { rows } = await this.db.query<{
      id: string;
      endpoint_id: string;
      event_id: string;
      event_type: number;
      body: string;
      url: string;
      secret: string;
      round_attempts: number;
    }>(
      `UPDATE webhook_deliveries d
       SET lease_id = $2, lease_expire_time = now() + $3 * interval '1 millisecond'
       FROM webhook_endpoints e
       WHERE d.id = ANY ($1::uuid[]) AND e.id = d.endpoint_id AND d.state = ${PENDING}
         AND d.next_attempt_time <= now() AND (d.lease_expire_time IS NULL OR d.lease_expire_time < now())
       RETURNING d.id, d.endpoint_id, d.event_id, d.event_type, d.body, d.round_attempts, e.url, e.secret`,
      [due.map((row) => row.id), leaseId, leaseMs],
    );
    return rows.map((row) => ({
      id: row.id,
      endpointId: row.endpoint_id,
      leaseId,
      eventId: row.event_id,
      eventType: Number(row.event_type),
      body: row.body,
      url: row.url,
      secret: row.secret,
      roundAttempts: Number(row.round_attempts),
    }));
  }

  /** Records a 2xx answer. False when the lease was lost meanwhile (another process owns it now). */
  async succeeded(delivery: ClaimedDelivery, responseCode: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE webhook_deliveries
       SET state = ${SUCCEEDED}, attempts = attempts + 1, round_attempts = round_attempts + 1,
           last_response_code = $3, last_error = '', deliver_time = now(), lease_id = NULL, lease_expire_time = NULL
       WHERE id = $1 AND lease_id = $2 AND state = ${PENDING}`,
      [delivery.id, delivery.leaseId, responseCode],
    );
    return rowCount === 1;
  }

  /** Records a failed attempt: tried again after `retryInMs`, or FAILED when that is undefined. */
  async failed(
    delivery: ClaimedDelivery,
    outcome: { responseCode: number; error: string; retryInMs?: number },
  ): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries
       SET state = $5, attempts = attempts + 1, round_attempts = round_attempts + 1, last_response_code = $3,
           last_error = $4, next_attempt_time = now() + $6 * interval '1 millisecond',
           lease_id = NULL, lease_expire_time = NULL
       WHERE id = $1 AND lease_id = $2 AND state = ${PENDING}`,
      [
        delivery.id,
        delivery.leaseId,
        outcome.responseCode,
        outcome.error.slice(0, 1000),
        outcome.retryInMs === undefined ? FAILED : PENDING,
        outcome.retryInMs ?? 0,
      ],
    );
  }

  /** The endpoint's log, newest first; NOT_FOUND for an endpoint of another tenant. */
  async list(
    tenant: string,
    endpointId: string,
    state: WebhookDeliveryState,
    pageSize: number,
    after?: NewestFirstCursor,
  ): Promise<{ deliveries: DeliveryRow[]; next?: NewestFirstCursor }> {
    await this.assertEndpoint(tenant, endpointId);
    const { rows } = await this.db.query<SqlRow>(
      `SELECT ${COLUMNS} FROM webhook_deliveries
       WHERE endpoint_id = $1 AND ($2::smallint = 0 OR state = $2)
         AND ($3::timestamptz IS NULL OR (create_time, id) < ($3::timestamptz, $4::uuid))
       ORDER BY create_time DESC, id DESC LIMIT $5`,
      [endpointId, state, after?.createTime ?? null, after?.id ?? null, pageSize + 1],
    );
    const { items, next } = newestFirstPage(rows.map(toRow), pageSize);
    return { deliveries: items, next };
  }

  /** Puts a FAILED delivery back to PENDING for a fresh round of attempts, due now. */
  async redeliver(tenant: string, endpointId: string, id: string): Promise<DeliveryRow> {
    await this.assertEndpoint(tenant, endpointId);
    const { rows } = await this.db.query<SqlRow>(
      `UPDATE webhook_deliveries SET state = ${PENDING}, round_attempts = 0, next_attempt_time = now()
       WHERE endpoint_id = $1 AND id = $2 AND state = ${FAILED} RETURNING ${COLUMNS}`,
      [endpointId, id],
    );
    const row = rows[0];
    if (row) return toRow(row);
    const { rows: current } = await this.db.query<{ state: number }>(
      "SELECT state FROM webhook_deliveries WHERE endpoint_id = $1 AND id = $2",
      [endpointId, id],
    );
    const state = current[0]?.state;
    if (state === undefined) throw notFound(`webhookEndpoints/${endpointId}/deliveries/${id} does not exist`);
    throw precondition(
      `only a FAILED delivery can be redelivered; this one is ${WebhookDeliveryState[Number(state)]}`,
    );
  }

  private async assertEndpoint(tenant: string, endpointId: string): Promise<void> {
    const { rows } = await this.db.query("SELECT 1 FROM webhook_endpoints WHERE tenant = $1 AND id = $2", [
      tenant,
      endpointId,
    ]);
    if (rows.length === 0) throw endpointNotFound(endpointId);
  }
}

function toRow(row: SqlRow): DeliveryRow {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: Number(row.event_type),
    documentId: row.document_id,
    state: Number(row.state),
    attempts: Number(row.attempts),
    lastResponseCode: Number(row.last_response_code),
    lastError: row.last_error,
    createTime: new Date(row.create_time),
    nextAttemptTime: new Date(row.next_attempt_time),
    deliverTime: row.deliver_time ? new Date(row.deliver_time) : undefined,
  };
}
