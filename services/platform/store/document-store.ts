// The metadata store: documents, batches and uploads in SQL, with every state
// change and its event committed together (transactional outbox).
import { randomUUID } from "node:crypto";
import type { Batch, Document, ExtractedFields } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import type { DocumentEvent } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import { notFound, precondition } from "../errors.ts";
import { appendEvent, type EventPayload } from "./document-events.ts";
import {
  type BatchRow,
  batchFromRow,
  type DocumentRow,
  documentFromRow,
  etagOf,
  fieldsFromJson,
  fieldsToJson,
} from "./rows.ts";
import type { SqlDatabase, SqlExecutor } from "./sql.ts";

export interface NewDocument {
  tenant: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  batchId: string | null;
  correlationId: string;
  objectKey: string;
  id?: string;
}

export interface ListFilter {
  categories: number[];
  statuses: number[];
  batchId?: string;
  createTimeAfter?: Date;
  createTimeBefore?: Date;
}

export interface ListCursor {
  createTime: string;
  id: string;
}

/** What a transition does to the row, and the event it emits. */
export interface Transition {
  status: DocumentStatus;
  payload: EventPayload;
  /** Column values to set (column name → value); jsonb values as JSON text. */
  set?: Record<string, unknown>;
}

const TERMINAL = new Set([
  DocumentStatus.INDEXED,
  DocumentStatus.NEEDS_REVIEW,
  DocumentStatus.PARTIAL,
  DocumentStatus.FAILED,
]);
export const isTerminal = (status: DocumentStatus) => TERMINAL.has(status);

const UNIQUE_VIOLATION = "23505";

export class DocumentStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly topic: string,
  ) {}

  // ---- batches -------------------------------------------------------------

  async createBatch(tenant: string, displayName: string, correlationId: string): Promise<Batch> {
    const { rows } = await this.db.query<BatchRow>(
      `INSERT INTO batches (id, tenant, display_name, correlation_id) VALUES ($1, $2, $3, $4) RETURNING *`,
      [randomUUID(), tenant, displayName, correlationId],
    );
    return batchFromRow(rows[0] as BatchRow);
  }

  async getBatch(tenant: string, id: string): Promise<Batch> {
    const { rows } = await this.db.query<BatchRow>(
      `SELECT b.*, (SELECT count(*) FROM documents d WHERE d.batch_id = b.id)::int AS document_count
         FROM batches b WHERE b.id = $1 AND b.tenant = $2`,
      [id, tenant],
    );
    if (!rows[0]) throw notFound(`batches/${id} not found`);
    return batchFromRow(rows[0]);
  }

  // ---- documents -----------------------------------------------------------

  async findBySha256(tenant: string, sha256: string): Promise<Document | undefined> {
    const { rows } = await this.db.query<DocumentRow>(
      "SELECT * FROM documents WHERE tenant = $1 AND sha256 = $2",
      [tenant, sha256],
    );
    return rows[0] ? documentFromRow(rows[0]) : undefined;
  }

  /**
   * Records an uploaded document and its DocumentUploaded event in one transaction.
   * Identical content for the tenant returns the existing document instead.
   */
  async createDocument(input: NewDocument): Promise<{ document: Document; duplicate: boolean }> {
    try {
      const document = await this.db.transaction(async (tx) => {
        const { rows } = await tx.query<DocumentRow>(
          `INSERT INTO documents (id, tenant, file_name, media_type, size_bytes, sha256, batch_id, correlation_id,
                                  object_key, status, sequence)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1) RETURNING *`,
          [
            input.id ?? randomUUID(),
            input.tenant,
            input.fileName,
            input.mediaType,
            input.sizeBytes,
            input.sha256,
            input.batchId,
            input.correlationId,
            input.objectKey,
            DocumentStatus.UPLOADED,
          ],
        );
        const row = rows[0] as DocumentRow;
        await appendEvent(tx, this.topic, row, DocumentStatus.UPLOADED, {
          case: "uploaded",
          value: {
            $typeName: "docmesh.events.v1.DocumentUploaded",
            fileName: row.file_name,
            mediaType: row.media_type,
            sizeBytes: BigInt(row.size_bytes),
            sha256: row.sha256,
            objectKey: row.object_key,
          },
        });
        return documentFromRow(row);
      });
      return { document, duplicate: false };
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      const existing = await this.findBySha256(input.tenant, input.sha256);
      if (!existing) throw error;
      return { document: existing, duplicate: true };
    }
  }

  async getDocument(tenant: string, id: string): Promise<Document> {
    const row = await this.getRow(this.db, tenant, id);
    return documentFromRow(row);
  }

  /** Internal lookup by id alone, for workers acting on an event. */
  async getDocumentRow(id: string): Promise<DocumentRow | undefined> {
    const { rows } = await this.db.query<DocumentRow>("SELECT * FROM documents WHERE id = $1", [id]);
    return rows[0];
  }

  async listDocuments(
    tenant: string,
    filter: ListFilter,
    pageSize: number,
    after?: ListCursor,
  ): Promise<{ documents: Document[]; next?: ListCursor; total: number }> {
    const where: string[] = ["tenant = $1"];
    const params: unknown[] = [tenant];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace("?", `$${params.length}`));
    };
    if (filter.categories.length > 0) add("category = ANY(?)", filter.categories);
    if (filter.statuses.length > 0) add("status = ANY(?)", filter.statuses);
    if (filter.batchId) add("batch_id = ?", filter.batchId);
    if (filter.createTimeAfter) add("create_time >= ?", filter.createTimeAfter);
    if (filter.createTimeBefore) add("create_time < ?", filter.createTimeBefore);
    const filtered = where.join(" AND ");
    const { rows: countRows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM documents WHERE ${filtered}`,
      params,
    );
    if (after) {
      params.push(after.createTime, after.id);
      where.push(`(create_time, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(pageSize + 1);
    const { rows } = await this.db.query<DocumentRow>(
      `SELECT * FROM documents WHERE ${where.join(" AND ")} ORDER BY create_time DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    return {
      documents: page.map(documentFromRow),
      next:
        rows.length > pageSize && last
          ? { createTime: last.create_time.toISOString(), id: last.id }
          : undefined,
      total: countRows[0]?.n ?? 0,
    };
  }

  /**
   * Applies a worker's state change exactly once per (consumer, event id):
   * a redelivered event returns undefined and changes nothing.
   * `decide` sees the locked row and returns the transition, or undefined to skip.
   */
  async applyOnce(
    consumer: string,
    eventId: string,
    documentId: string,
    decide: (row: DocumentRow) => Transition | undefined,
  ): Promise<DocumentEvent | undefined> {
    return this.db.transaction(async (tx) => {
      const claimed = await tx.query(
        "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        [consumer, eventId],
      );
      if (claimed.rowCount === 0) return undefined;
      const { rows } = await tx.query<DocumentRow>("SELECT * FROM documents WHERE id = $1 FOR UPDATE", [
        documentId,
      ]);
      const row = rows[0];
      if (!row) return undefined; // deleted meanwhile: nothing to do
      const transition = decide(row);
      if (!transition) return undefined;
      return this.transition(tx, row, transition);
    });
  }

  /** A human correction, guarded by etag, recorded in the change log. */
  async updateByHuman(input: {
    tenant: string;
    id: string;
    etag: string;
    actor: string;
    reason: string;
    category?: number;
    fields?: ExtractedFields;
    paths: string[];
  }): Promise<Document> {
    return this.db.transaction(async (tx) => {
      const row = await this.lockWithEtag(tx, input.tenant, input.id, input.etag);
      await tx.query(
        `INSERT INTO document_changes (document_id, tenant, actor, changed_paths, reason, previous_category, previous_fields)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          row.id,
          row.tenant,
          input.actor,
          input.paths,
          input.reason,
          row.category,
          JSON.stringify(row.fields),
        ],
      );
      const set: Record<string, unknown> = { updated_by: input.actor };
      if (input.category !== undefined) {
        set.category = input.category;
        set.category_confidence = 1;
      }
      if (input.fields !== undefined) set.fields = JSON.stringify(fieldsToJson(input.fields));
      const status = row.status === DocumentStatus.NEEDS_REVIEW ? DocumentStatus.INDEXED : row.status;
      await this.transition(tx, row, {
        status,
        set,
        payload: {
          case: "updated",
          value: {
            $typeName: "docmesh.events.v1.DocumentUpdated",
            actor: input.actor,
            changedPaths: input.paths,
            category: (input.category ?? row.category) as number,
            fields: input.fields ?? fieldsFromJson(row.fields),
          },
        },
      });
      return documentFromRow(await this.getRow(tx, input.tenant, input.id));
    });
  }

  /** Deletes the rows and emits DocumentDeleted; returns the deleted document. */
  async deleteDocument(tenant: string, id: string, etag: string, actor: string): Promise<Document> {
    return this.db.transaction(async (tx) => {
      const row = etag
        ? await this.lockWithEtag(tx, tenant, id, etag)
        : await this.getRow(tx, tenant, id, "FOR UPDATE");
      await this.transition(tx, row, {
        status: row.status,
        payload: { case: "deleted", value: { $typeName: "docmesh.events.v1.DocumentDeleted", actor } },
      });
      await tx.query("DELETE FROM document_changes WHERE document_id = $1", [id]);
      await tx.query("DELETE FROM documents WHERE id = $1", [id]);
      return documentFromRow(row);
    });
  }

  /** Restarts the pipeline for a document; the classifier picks it up. */
  async requestReprocess(tenant: string, id: string, actor: string): Promise<Document> {
    return this.db.transaction(async (tx) => {
      const row = await this.getRow(tx, tenant, id, "FOR UPDATE");
      if (!isTerminal(row.status)) {
        throw precondition(`documents/${id} is still being processed (status ${DocumentStatus[row.status]})`);
      }
      await this.transition(tx, row, {
        status: DocumentStatus.UPLOADED,
        set: { failure_reason: "", missing_fields: [], review_reasons: "[]" },
        payload: {
          case: "reprocessRequested",
          value: { $typeName: "docmesh.events.v1.ReprocessRequested", actor },
        },
      });
      return documentFromRow(await this.getRow(tx, tenant, id));
    });
  }

  async listChanges(tenant: string, id: string, limit: number, beforeId?: number) {
    await this.getRow(this.db, tenant, id);
    const { rows } = await this.db.query<{
      id: number;
      actor: string;
      change_time: Date;
      changed_paths: string[];
      reason: string;
      previous_category: number;
      previous_fields: unknown;
    }>(
      `SELECT * FROM document_changes WHERE document_id = $1 AND tenant = $2 AND ($3::bigint IS NULL OR id < $3)
       ORDER BY id DESC LIMIT $4`,
      [id, tenant, beforeId ?? null, limit + 1],
    );
    return { changes: rows.slice(0, limit), more: rows.length > limit };
  }

  async stats(tenant: string) {
    const byStatus = await this.db.query<{ status: number; n: number }>(
      "SELECT status, count(*)::int AS n FROM documents WHERE tenant = $1 GROUP BY status ORDER BY status",
      [tenant],
    );
    const byCategory = await this.db.query<{ category: number; n: number }>(
      "SELECT category, count(*)::int AS n FROM documents WHERE tenant = $1 GROUP BY category ORDER BY category",
      [tenant],
    );
    const latencies = await this.db.query<{
      stage: string;
      n: number;
      p50: number;
      p95: number;
      p99: number;
    }>(
      `SELECT t->>'stage' AS stage, count(*)::int AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY rtrim(t->>'duration', 's')::float8) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY rtrim(t->>'duration', 's')::float8) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY rtrim(t->>'duration', 's')::float8) AS p99
         FROM documents, jsonb_array_elements(stage_timings) AS t
        WHERE tenant = $1 GROUP BY 1 ORDER BY 1`,
      [tenant],
    );
    return { byStatus: byStatus.rows, byCategory: byCategory.rows, latencies: latencies.rows };
  }

  // ---- internals -----------------------------------------------------------

  private async getRow(exec: SqlExecutor, tenant: string, id: string, lock = ""): Promise<DocumentRow> {
    const { rows } = await exec.query<DocumentRow>(
      `SELECT * FROM documents WHERE id = $1 AND tenant = $2 ${lock}`,
      [id, tenant],
    );
    if (!rows[0]) throw notFound(`documents/${id} not found`);
    return rows[0];
  }

  private async lockWithEtag(
    tx: SqlExecutor,
    tenant: string,
    id: string,
    etag: string,
  ): Promise<DocumentRow> {
    const row = await this.getRow(tx, tenant, id, "FOR UPDATE");
    if (etagOf(row.version) !== etag) {
      throw precondition(
        `etag ${etag} is stale: documents/${id} is now at ${etagOf(row.version)}; read it again`,
      );
    }
    return row;
  }

  /** Updates the locked row and appends its event; also used by the review store (review-store.ts). */
  async transition(tx: SqlExecutor, row: DocumentRow, transition: Transition): Promise<DocumentEvent> {
    const set = { ...transition.set, status: transition.status };
    const columns = Object.keys(set);
    const assignments = columns.map((column, i) => `${column} = $${i + 2}`).join(", ");
    const { rows } = await tx.query<DocumentRow>(
      `UPDATE documents SET ${assignments}, sequence = sequence + 1, version = version + 1, update_time = now()
        WHERE id = $1 RETURNING *`,
      [row.id, ...columns.map((c) => (set as Record<string, unknown>)[c])],
    );
    return appendEvent(tx, this.topic, rows[0] as DocumentRow, transition.status, transition.payload);
  }
}
