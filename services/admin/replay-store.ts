// Replays in SQL (migration 006): the replay rows, the documents each one sent back, and the
// re-queue itself: one transaction that moves a terminal document back to the status before a stage
// and appends the event that stage consumes, exactly like a stage's own transition.
import { randomUUID } from "node:crypto";
import type { JsonValue } from "@bufbuild/protobuf";
import { ReplayState } from "../../gen/docmesh/admin/v1/admin_service_pb.ts";
import { DocumentStatus, Stage } from "../../gen/docmesh/document/v1/document_pb.ts";
import { notFound } from "../platform/errors.ts";
import { appendEvent, type EventPayload } from "../platform/store/document-events.ts";
import type { DocumentRow } from "../platform/store/rows.ts";
import { fieldsFromJson } from "../platform/store/rows.ts";
import type { SqlDatabase } from "../platform/store/sql.ts";

export interface ReplayQuery {
  tenant?: string;
  batchId?: string;
  statuses: number[];
  categories: number[];
  createTimeAfter?: string;
  createTimeBefore?: string;
}

export interface ReplayRow {
  id: string;
  filter: ReplayQuery;
  from_stage: number;
  max_documents: number;
  state: number;
  matched: number;
  skipped: number;
  cancel_requested: boolean;
  created_by: string;
  create_time: Date;
  update_time: Date;
  requeued: number;
  finished: number;
}

const TERMINAL = [
  DocumentStatus.INDEXED,
  DocumentStatus.NEEDS_REVIEW,
  DocumentStatus.PARTIAL,
  DocumentStatus.FAILED,
];

/** The stage a replay starts from, the status the document goes back to, and what it must have passed. */
const STARTS = {
  [Stage.CLASSIFY]: { status: DocumentStatus.UPLOADED, passed: undefined },
  [Stage.EXTRACT]: { status: DocumentStatus.EXTRACTING, passed: "STAGE_CLASSIFY" },
  [Stage.INDEX]: { status: DocumentStatus.INDEXING, passed: "STAGE_EXTRACT" },
} as const;

export type ReplayStage = keyof typeof STARTS;

export class ReplayStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly topic: string,
  ) {}

  async create(query: ReplayQuery, fromStage: ReplayStage, limit: number, actor: string): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO replays (id, filter, from_stage, max_documents, state, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, JSON.stringify(query), fromStage, limit, ReplayState.RUNNING, actor],
    );
    return id;
  }

  async get(id: string): Promise<ReplayRow> {
    const { rows } = await this.db.query<ReplayRow>(
      `SELECT r.*,
              (SELECT count(*)::int FROM replay_documents rd WHERE rd.replay_id = r.id) AS requeued,
              (SELECT count(*)::int FROM replay_documents rd JOIN documents d ON d.id = rd.document_id
                WHERE rd.replay_id = r.id AND d.sequence > rd.requeue_sequence AND d.status = ANY($2)) AS finished
         FROM replays r WHERE r.id = $1`,
      [id, TERMINAL],
    );
    if (!rows[0]) throw notFound(`replays/${id} not found`);
    return rows[0];
  }

  /**
   * The ids the replay will work through, oldest first, at most its limit; recorded as `matched`
   * unless `record` is false (a resumed replay keeps the count it started with).
   */
  async match(replay: ReplayRow, record = true): Promise<string[]> {
    const q = replay.filter;
    const where = ["status = ANY($1)"];
    const params: unknown[] = [q.statuses.length > 0 ? q.statuses : TERMINAL];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace("?", `$${params.length}`));
    };
    if (q.tenant) add("tenant = ?", q.tenant);
    if (q.batchId) add("batch_id = ?::uuid", q.batchId);
    if (q.categories.length > 0) add("category = ANY(?)", q.categories);
    if (q.createTimeAfter) add("create_time >= ?::timestamptz", q.createTimeAfter);
    if (q.createTimeBefore) add("create_time < ?::timestamptz", q.createTimeBefore);
    params.push(replay.max_documents);
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT id FROM documents WHERE ${where.join(" AND ")} ORDER BY create_time, id LIMIT $${params.length}`,
      params,
    );
    if (record) {
      await this.db.query("UPDATE replays SET matched = $2, update_time = now() WHERE id = $1", [
        replay.id,
        rows.length,
      ]);
    }
    return rows.map((r) => r.id);
  }

  /** The documents this replay already sent back. */
  async sentBack(id: string): Promise<Set<string>> {
    const { rows } = await this.db.query<{ document_id: string }>(
      "SELECT document_id FROM replay_documents WHERE replay_id = $1",
      [id],
    );
    return new Set(rows.map((r) => r.document_id));
  }

  /** A running replay's runner says it is alive: update_time is its heartbeat. */
  async touch(id: string): Promise<void> {
    await this.db.query("UPDATE replays SET update_time = now() WHERE id = $1 AND state = $2", [
      id,
      ReplayState.RUNNING,
    ]);
  }

  /**
   * Takes over the RUNNING replays whose runner has not been heard of for `staleMs` (its process
   * died or stopped). One statement, so of several processes asking at once only one gets each.
   */
  async claimStale(staleMs: number): Promise<ReplayRow[]> {
    const { rows } = await this.db.query<ReplayRow>(
      `UPDATE replays SET update_time = now()
        WHERE state = $1 AND update_time < now() - $2 * interval '1 millisecond'
        RETURNING *`,
      [ReplayState.RUNNING, staleMs],
    );
    return rows;
  }

  /** Documents this replay sent back that are not terminal again yet. */
  async inFlight(id: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM replay_documents rd JOIN documents d ON d.id = rd.document_id
        WHERE rd.replay_id = $1 AND NOT (d.sequence > rd.requeue_sequence AND d.status = ANY($2))`,
      [id, TERMINAL],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Sends one document back to `fromStage`: false (skipped) when it is no longer terminal, or never
   * passed the stage before it. Recorded with the replay in the same transaction.
   */
  requeue(replayId: string, documentId: string, fromStage: ReplayStage, actor: string): Promise<boolean> {
    const start = STARTS[fromStage];
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<DocumentRow>("SELECT * FROM documents WHERE id = $1 FOR UPDATE", [
        documentId,
      ]);
      const row = rows[0];
      const passed =
        start.passed === undefined ||
        (row?.stage_timings ?? []).some((t) => (t as { stage?: string }).stage === start.passed);
      if (!row || !TERMINAL.includes(row.status) || !passed) {
        await tx.query("UPDATE replays SET skipped = skipped + 1, update_time = now() WHERE id = $1", [
          replayId,
        ]);
        return false;
      }
      const { rows: updated } = await tx.query<DocumentRow>(
        `UPDATE documents SET status = $2, failure_reason = '', review_reasons = '[]',
                sequence = sequence + 1, version = version + 1, update_time = now()
          WHERE id = $1 RETURNING *`,
        [documentId, start.status],
      );
      const moved = updated[0] as DocumentRow;
      await appendEvent(tx, this.topic, moved, start.status, payloadFor(fromStage, moved, actor));
      await tx.query(
        "INSERT INTO replay_documents (replay_id, document_id, requeue_sequence) VALUES ($1, $2, $3)",
        [replayId, documentId, moved.sequence],
      );
      await tx.query("UPDATE replays SET update_time = now() WHERE id = $1", [replayId]);
      return true;
    });
  }

  async requestCancel(id: string): Promise<void> {
    const { rowCount } = await this.db.query(
      "UPDATE replays SET cancel_requested = true, update_time = now() WHERE id = $1",
      [id],
    );
    if (rowCount === 0) throw notFound(`replays/${id} not found`);
  }

  async cancelRequested(id: string): Promise<boolean> {
    const { rows } = await this.db.query<{ c: boolean }>(
      "SELECT cancel_requested AS c FROM replays WHERE id = $1",
      [id],
    );
    return rows[0]?.c ?? true;
  }

  async finish(id: string, state: ReplayState): Promise<void> {
    await this.db.query("UPDATE replays SET state = $2, update_time = now() WHERE id = $1", [id, state]);
  }
}

/** The event the stage at `fromStage` consumes, carrying the document's current values. */
function payloadFor(fromStage: ReplayStage, row: DocumentRow, actor: string): EventPayload {
  switch (fromStage) {
    case Stage.CLASSIFY:
      return {
        case: "reprocessRequested",
        value: { $typeName: "docmesh.events.v1.ReprocessRequested", actor },
      };
    case Stage.EXTRACT:
      return {
        case: "classified",
        value: {
          $typeName: "docmesh.events.v1.DocumentClassified",
          category: row.category,
          confidence: row.category_confidence,
          pageCount: row.page_count,
          language: row.language,
        },
      };
    case Stage.INDEX:
      return {
        case: "extracted",
        value: {
          $typeName: "docmesh.events.v1.DocumentExtracted",
          fields: fieldsFromJson(row.fields as JsonValue | null),
          missingFields: row.missing_fields,
          minConfidence: 0,
        },
      };
  }
}
