// The review queue in SQL (migration 005): tasks are the NEEDS_REVIEW and PARTIAL documents,
// claims are leases in review_claims, completions are kept in review_completions and the change
// log, and each completion changes the document and emits DocumentReviewed in one transaction.
import type { Document, ExtractedFields } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { notFound, precondition } from "../errors.ts";
import type { DocumentStore } from "./document-store.ts";
import { type DocumentRow, documentFromRow, etagOf, fieldsFromJson, fieldsToJson } from "./rows.ts";
import type { SqlDatabase, SqlExecutor } from "./sql.ts";

const IN_REVIEW = [DocumentStatus.NEEDS_REVIEW, DocumentStatus.PARTIAL];
const IN_REVIEW_SQL = `(${IN_REVIEW.join(", ")})`;

export interface ReviewClaimRow {
  reviewer: string;
  claim_time: Date;
  expire_time: Date;
}

export interface ReviewTaskRow {
  document: Document;
  enqueueTime: Date;
  /** The unexpired claim on the document's current version, if any. */
  claim?: ReviewClaimRow;
}

export interface ReviewFilter {
  /** ReviewReasonCode names as stored in review_reasons (e.g. REVIEW_REASON_CODE_MISSING). */
  reasonCodes: string[];
  reasonField?: string;
  categories: number[];
  batchId?: string;
  minAgeSeconds?: number;
  /** Also tasks other reviewers hold; else only those free or held by `reviewer`. */
  includeClaimed: boolean;
  newestFirst: boolean;
}

/** Keyset cursor: the enqueue time as PostgreSQL prints it (microseconds kept), and the id. */
export interface ReviewCursor {
  enqueue: string;
  id: string;
}

export interface CompletionInput {
  tenant: string;
  id: string;
  reviewer: string;
  etag: string;
  category?: number;
  fields?: ExtractedFields;
  /** What the reviewer corrected ("category", "fields"); empty: accepted as it is. */
  paths: string[];
  keepInReview: boolean;
  comment: string;
}

export interface CompletionRow {
  id: number;
  document_id: string;
  reviewer: string;
  complete_time: Date;
  changed_paths: string[];
  category: number;
  fields: DocumentRow["fields"];
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  language: string;
}

type TaskQueryRow = DocumentRow & {
  enqueue_key: string;
  claim_reviewer: string | null;
  claim_time: Date | null;
  claim_expire_time: Date | null;
};

/** The documents row with its live claim (unexpired, on the current version) as claim_* columns. */
const TASK_SELECT = `SELECT d.*, d.update_time::text AS enqueue_key,
       c.reviewer AS claim_reviewer, c.claim_time AS claim_time, c.expire_time AS claim_expire_time
  FROM documents d
  LEFT JOIN review_claims c
    ON c.document_id = d.id AND c.expire_time > now() AND c.document_version = d.version`;

export class ReviewStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly documents: DocumentStore,
  ) {}

  async listTasks(
    tenant: string,
    reviewer: string,
    filter: ReviewFilter,
    pageSize: number,
    after?: ReviewCursor,
  ): Promise<{ tasks: ReviewTaskRow[]; next?: ReviewCursor; total: number }> {
    const where = ["d.tenant = $1", `d.status IN ${IN_REVIEW_SQL}`];
    const params: unknown[] = [tenant];
    const add = (clause: string, ...values: unknown[]) => {
      let text = clause;
      for (const value of values) {
        params.push(value);
        text = text.replace("?", `$${params.length}`);
      }
      where.push(text);
    };
    if (filter.reasonCodes.length > 0) {
      add(
        "EXISTS (SELECT 1 FROM jsonb_array_elements(d.review_reasons) r WHERE r->>'code' = ANY(?))",
        filter.reasonCodes,
      );
    }
    if (filter.reasonField) {
      add(
        "EXISTS (SELECT 1 FROM jsonb_array_elements(d.review_reasons) r WHERE r->>'field' = ?)",
        filter.reasonField,
      );
    }
    if (filter.categories.length > 0) add("d.category = ANY(?)", filter.categories);
    if (filter.batchId) add("d.batch_id = ?", filter.batchId);
    if (filter.minAgeSeconds)
      add("d.update_time <= now() - ?::float8 * interval '1 second'", filter.minAgeSeconds);
    // An anti-join rather than a filter on the LEFT JOIN below: the planner then walks the
    // documents_review_queue index in order and stops at the page (0.1 ms instead of 50 ms at 10k tasks).
    if (!filter.includeClaimed) {
      add(
        `NOT EXISTS (SELECT 1 FROM review_claims x WHERE x.document_id = d.id AND x.expire_time > now()
           AND x.document_version = d.version AND x.reviewer <> ?)`,
        reviewer,
      );
    }
    const { rows: count } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM documents d WHERE ${where.join(" AND ")}`,
      params,
    );
    const direction = filter.newestFirst ? "DESC" : "ASC";
    if (after)
      add(
        `(d.update_time, d.id) ${filter.newestFirst ? "<" : ">"} (?::timestamptz, ?::uuid)`,
        after.enqueue,
        after.id,
      );
    params.push(pageSize + 1);
    const { rows } = await this.db.query<TaskQueryRow>(
      `${TASK_SELECT} WHERE ${where.join(" AND ")}
        ORDER BY d.update_time ${direction}, d.id ${direction} LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    return {
      tasks: page.map(taskFromRow),
      next: rows.length > pageSize && last ? { enqueue: last.enqueue_key, id: last.id } : undefined,
      total: count[0]?.n ?? 0,
    };
  }

  async getTask(tenant: string, id: string): Promise<ReviewTaskRow> {
    return taskFromRow(await this.lockTask(this.db, tenant, id, false));
  }

  /**
   * Takes (or, for its holder, renews) the lease. The document row is locked first, so two
   * reviewers claiming at once are serialised and the second sees the first one's claim.
   */
  async claim(tenant: string, id: string, reviewer: string, leaseSeconds: number): Promise<ReviewTaskRow> {
    return this.db.transaction(async (tx) => {
      const task = await this.lockTask(tx, tenant, id, true);
      if (task.claim_reviewer !== null && task.claim_reviewer !== reviewer) {
        throw precondition(
          `reviewTasks/${id} is claimed by ${task.claim_reviewer} until ${task.claim_expire_time?.toISOString()}`,
        );
      }
      await tx.query(
        `INSERT INTO review_claims (document_id, tenant, reviewer, document_version, expire_time)
         VALUES ($1, $2, $3, $4, now() + $5::float8 * interval '1 second')
         ON CONFLICT (document_id) DO UPDATE SET reviewer = EXCLUDED.reviewer,
           document_version = EXCLUDED.document_version, claim_time = now(), expire_time = EXCLUDED.expire_time`,
        [id, tenant, reviewer, task.version, leaseSeconds],
      );
      return taskFromRow(await this.lockTask(tx, tenant, id, false));
    });
  }

  /** Extends the caller's live claim from now. */
  async renew(tenant: string, id: string, reviewer: string, leaseSeconds: number): Promise<ReviewTaskRow> {
    return this.db.transaction(async (tx) => {
      await this.lockHeldTask(tx, tenant, id, reviewer);
      await tx.query(
        "UPDATE review_claims SET expire_time = now() + $2::float8 * interval '1 second' WHERE document_id = $1",
        [id, leaseSeconds],
      );
      return taskFromRow(await this.lockTask(tx, tenant, id, false));
    });
  }

  async release(tenant: string, id: string, reviewer: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.lockHeldTask(tx, tenant, id, reviewer);
      await tx.query("DELETE FROM review_claims WHERE document_id = $1", [id]);
    });
  }

  /**
   * Applies the review in one transaction: the change log and review_completions rows, the
   * document's new values and status, DocumentReviewed in the outbox, and the end of the claim.
   */
  async complete(input: CompletionInput): Promise<Document> {
    return this.db.transaction(async (tx) => {
      const row = await this.lockHeldTask(tx, input.tenant, input.id, input.reviewer);
      if (etagOf(row.version) !== input.etag) {
        throw precondition(
          `etag ${input.etag} is stale: documents/${input.id} is now at ${etagOf(row.version)}; read it again`,
        );
      }
      const category = input.category ?? row.category;
      const fieldsJson = input.fields !== undefined ? fieldsToJson(input.fields) : row.fields;
      const outcome = input.keepInReview
        ? "kept in review"
        : input.paths.length > 0
          ? "corrected"
          : "accepted";
      await tx.query(
        `INSERT INTO document_changes (document_id, tenant, actor, changed_paths, reason, previous_category, previous_fields)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          row.id,
          row.tenant,
          input.reviewer,
          input.paths,
          `review (${outcome})${input.comment ? `: ${input.comment}` : ""}`,
          row.category,
          JSON.stringify(row.fields),
        ],
      );
      await tx.query(
        `INSERT INTO review_completions (document_id, tenant, reviewer, changed_paths, kept_in_review, comment,
                                         previous_category, previous_fields, category, fields)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          row.id,
          row.tenant,
          input.reviewer,
          input.paths,
          input.keepInReview,
          input.comment,
          row.category,
          JSON.stringify(row.fields),
          category,
          JSON.stringify(fieldsJson),
        ],
      );
      await tx.query("DELETE FROM review_claims WHERE document_id = $1", [row.id]);
      const set: Record<string, unknown> = { updated_by: input.reviewer };
      if (input.category !== undefined) {
        set.category = input.category;
        set.category_confidence = 1;
      }
      if (input.fields !== undefined) set.fields = JSON.stringify(fieldsJson);
      if (!input.keepInReview) set.review_reasons = "[]";
      await this.documents.transition(tx, row, {
        status: input.keepInReview ? row.status : DocumentStatus.INDEXED,
        set,
        payload: {
          case: "reviewed",
          value: {
            $typeName: "docmesh.events.v1.DocumentReviewed",
            reviewer: input.reviewer,
            changedPaths: input.paths,
            category,
            fields: fieldsFromJson(fieldsJson),
            previousCategory: row.category,
            previousFields: fieldsFromJson(row.fields),
            keptInReview: input.keepInReview,
            comment: input.comment,
          },
        },
      });
      const { rows } = await tx.query<DocumentRow>("SELECT * FROM documents WHERE id = $1", [row.id]);
      return documentFromRow(rows[0] as DocumentRow);
    });
  }

  /** Queue depth and age percentiles (seconds), and completions per reviewer and UTC day. */
  async stats(tenant: string, days: number) {
    const { rows: queue } = await this.db.query<{
      depth: number;
      claimed: number;
      p50: number | null;
      p95: number | null;
      oldest: number | null;
    }>(
      `SELECT count(*)::int AS depth, count(c.document_id)::int AS claimed,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM now() - d.update_time)::float8) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM now() - d.update_time)::float8) AS p95,
              max(extract(epoch FROM now() - d.update_time))::float8 AS oldest
         FROM documents d
         LEFT JOIN review_claims c ON c.document_id = d.id AND c.expire_time > now() AND c.document_version = d.version
        WHERE d.tenant = $1 AND d.status IN ${IN_REVIEW_SQL}`,
      [tenant],
    );
    const { rows: completed } = await this.db.query<{ reviewer: string; day: string; n: number }>(
      `SELECT reviewer, to_char(complete_time AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS n
         FROM review_completions
        WHERE tenant = $1
          AND complete_time >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - ($2::int - 1) * interval '1 day'
        GROUP BY 1, 2 ORDER BY 2 DESC, 1`,
      [tenant, days],
    );
    const q = queue[0];
    return {
      depth: q?.depth ?? 0,
      claimed: q?.claimed ?? 0,
      p50: Number(q?.p50 ?? 0),
      p95: Number(q?.p95 ?? 0),
      oldest: Number(q?.oldest ?? 0),
      completed,
    };
  }

  /**
   * The latest review of each document that left it INDEXED (the reviewer vouched for every
   * value), in completion order; with `includeAccepted`, also reviews that changed nothing.
   */
  async listCompletions(
    tenant: string,
    options: { pageSize: number; afterId?: number; since?: Date; includeAccepted: boolean },
  ): Promise<{ completions: CompletionRow[]; more: boolean }> {
    const { rows } = await this.db.query<CompletionRow>(
      `SELECT r.id::int AS id, r.document_id, r.reviewer, r.complete_time, r.changed_paths, r.category, r.fields,
              d.file_name, d.media_type, d.size_bytes, d.sha256, d.language
         FROM review_completions r JOIN documents d ON d.id = r.document_id
        WHERE r.tenant = $1 AND NOT r.kept_in_review
          AND r.id = (SELECT max(l.id) FROM review_completions l WHERE l.document_id = r.document_id)
          AND ($2::boolean OR cardinality(r.changed_paths) > 0)
          AND ($3::bigint IS NULL OR r.id > $3)
          AND ($4::timestamptz IS NULL OR r.complete_time >= $4)
        ORDER BY r.id LIMIT $5`,
      [tenant, options.includeAccepted, options.afterId ?? null, options.since ?? null, options.pageSize + 1],
    );
    return { completions: rows.slice(0, options.pageSize), more: rows.length > options.pageSize };
  }

  // ---- internals -----------------------------------------------------------

  /** The document in review with its live claim; NOT_FOUND when there is no such task. */
  private async lockTask(
    exec: SqlExecutor,
    tenant: string,
    id: string,
    lock: boolean,
  ): Promise<TaskQueryRow> {
    if (lock) {
      const { rows } = await exec.query<{ status: number }>(
        "SELECT status FROM documents WHERE id = $1 AND tenant = $2 FOR UPDATE",
        [id, tenant],
      );
      if (!rows[0]) throw notFound(`reviewTasks/${id} not found`);
    }
    const { rows } = await exec.query<TaskQueryRow>(`${TASK_SELECT} WHERE d.id = $1 AND d.tenant = $2`, [
      id,
      tenant,
    ]);
    const row = rows[0];
    if (!row) throw notFound(`reviewTasks/${id} not found`);
    if (!IN_REVIEW.includes(row.status)) {
      throw notFound(
        `reviewTasks/${id} not found: documents/${id} is ${DocumentStatus[row.status]}, not in review`,
      );
    }
    return row;
  }

  /** lockTask, and the caller must hold its live claim. */
  private async lockHeldTask(
    tx: SqlExecutor,
    tenant: string,
    id: string,
    reviewer: string,
  ): Promise<TaskQueryRow> {
    const row = await this.lockTask(tx, tenant, id, true);
    if (row.claim_reviewer !== reviewer) {
      throw precondition(
        row.claim_reviewer === null
          ? `you hold no claim on reviewTasks/${id} (never claimed, expired, or the document changed); claim it first`
          : `reviewTasks/${id} is claimed by ${row.claim_reviewer} until ${row.claim_expire_time?.toISOString()}`,
      );
    }
    return row;
  }
}

function taskFromRow(row: TaskQueryRow): ReviewTaskRow {
  return {
    document: documentFromRow(row),
    enqueueTime: row.update_time,
    claim:
      row.claim_reviewer !== null && row.claim_time && row.claim_expire_time
        ? { reviewer: row.claim_reviewer, claim_time: row.claim_time, expire_time: row.claim_expire_time }
        : undefined,
  };
}
