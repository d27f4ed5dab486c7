// Webhook endpoints in SQL, always within one tenant: a tenant never reads, changes or learns of
// another tenant's endpoint (a foreign id is NOT_FOUND, as a missing one).
import { randomUUID } from "node:crypto";
import { notFound } from "../platform/errors.ts";
import type { SqlExecutor } from "../platform/store/sql.ts";
import { type NewestFirstCursor, newestFirstPage } from "./newest-first-page.ts";
import { newWebhookSecret } from "./signature.ts";

export interface EndpointRow {
  id: string;
  tenant: string;
  url: string;
  eventTypes: number[];
  description: string;
  createTime: Date;
  secretRotateTime: Date;
}

interface SqlRow {
  id: string;
  tenant: string;
  url: string;
  event_types: number[];
  description: string;
  create_time: Date;
  secret_rotate_time: Date;
}

const COLUMNS = "id, tenant, url, event_types, description, create_time, secret_rotate_time";

export class EndpointStore {
  constructor(private readonly db: SqlExecutor) {}

  /** Registers an endpoint with a new secret; the secret is returned here only. */
  async create(
    tenant: string,
    endpoint: { url: string; eventTypes: number[]; description: string },
  ): Promise<{ endpoint: EndpointRow; secret: string }> {
    const secret = newWebhookSecret();
    const { rows } = await this.db.query<SqlRow>(
      `INSERT INTO webhook_endpoints (id, tenant, url, event_types, description, secret)
       VALUES ($1, $2, $3, $4::smallint[], $5, $6) RETURNING ${COLUMNS}`,
      [randomUUID(), tenant, endpoint.url, endpoint.eventTypes, endpoint.description, secret],
    );
    return { endpoint: toRow(first(rows)), secret };
  }

  async get(tenant: string, id: string): Promise<EndpointRow> {
    const { rows } = await this.db.query<SqlRow>(
      `SELECT ${COLUMNS} FROM webhook_endpoints WHERE tenant = $1 AND id = $2`,
      [tenant, id],
    );
    const row = rows[0];
    if (!row) throw endpointNotFound(id);
    return toRow(row);
  }

  async list(
    tenant: string,
    pageSize: number,
    after?: NewestFirstCursor,
  ): Promise<{ endpoints: EndpointRow[]; next?: NewestFirstCursor }> {
    const { rows } = await this.db.query<SqlRow>(
      `SELECT ${COLUMNS} FROM webhook_endpoints
       WHERE tenant = $1 AND ($2::timestamptz IS NULL OR (create_time, id) < ($2::timestamptz, $3::uuid))
       ORDER BY create_time DESC, id DESC LIMIT $4`,
      [tenant, after?.createTime ?? null, after?.id ?? null, pageSize + 1],
    );
    const { items, next } = newestFirstPage(rows.map(toRow), pageSize);
    return { endpoints: items, next };
  }

  /** Deletes the endpoint and, with it, its delivery log (ON DELETE CASCADE). */
  async delete(tenant: string, id: string): Promise<void> {
    const { rowCount } = await this.db.query("DELETE FROM webhook_endpoints WHERE tenant = $1 AND id = $2", [
      tenant,
      id,
    ]);
    if (rowCount === 0) throw endpointNotFound(id);
  }

  async rotateSecret(tenant: string, id: string): Promise<{ endpoint: EndpointRow; secret: string }> {
    const secret = newWebhookSecret();
    const { rows } = await this.db.query<SqlRow>(
      `UPDATE webhook_endpoints SET secret = $3, secret_rotate_time = now()
       WHERE tenant = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [tenant, id, secret],
    );
    const row = rows[0];
    if (!row) throw endpointNotFound(id);
    return { endpoint: toRow(row), secret };
  }
}

export const endpointNotFound = (id: string) => notFound(`webhookEndpoints/${id} does not exist`);

function first<T>(rows: T[]): T {
  const row = rows[0];
  if (!row) throw new Error("INSERT … RETURNING returned no row");
  return row;
}

function toRow(row: SqlRow): EndpointRow {
  return {
    id: row.id,
    tenant: row.tenant,
    url: row.url,
    eventTypes: row.event_types.map(Number),
    description: row.description,
    createTime: new Date(row.create_time),
    secretRotateTime: new Date(row.secret_rotate_time),
  };
}
