// How the pipeline is doing, per stage: documents waiting for it (backlog, from the documents'
// statuses), records its consumer group has not committed (lag, from the bus), runs finished in the
// last window (throughput, from the stage timings), and dead letters; plus the outbox backlog.
import { DocumentStatus, Stage } from "../../gen/docmesh/document/v1/document_pb.ts";
import { CONSUMER_GROUPS } from "../platform/events/topics.ts";
import type { SqlDatabase } from "../platform/store/sql.ts";

export const THROUGHPUT_WINDOW_SECONDS = 300;

export const STAGES = [
  {
    stage: Stage.CLASSIFY,
    group: CONSUMER_GROUPS.classifier,
    waiting: [DocumentStatus.UPLOADED, DocumentStatus.CLASSIFYING],
  },
  { stage: Stage.EXTRACT, group: CONSUMER_GROUPS.extractor, waiting: [DocumentStatus.EXTRACTING] },
  { stage: Stage.INDEX, group: CONSUMER_GROUPS.indexer, waiting: [DocumentStatus.INDEXING] },
] as const;

export interface StageFigures {
  stage: Stage;
  group: string;
  backlog: number;
  completed: number;
}

export interface PipelineFigures {
  stages: StageFigures[];
  outboxBacklog: number;
  outboxOldest?: Date;
}

export async function pipelineFigures(db: SqlDatabase, windowSeconds: number): Promise<PipelineFigures> {
  const { rows: byStatus } = await db.query<{ status: number; n: number }>(
    "SELECT status, count(*)::int AS n FROM documents WHERE status = ANY($1) GROUP BY status",
    [STAGES.flatMap((s) => [...s.waiting])],
  );
  // A run's timing is appended when it ends (stage_timings of documents updated within the window).
  const { rows: runs } = await db.query<{ stage: string; n: number }>(
    `SELECT t->>'stage' AS stage, count(*)::int AS n
       FROM documents, jsonb_array_elements(stage_timings) AS t
      WHERE update_time >= now() - make_interval(secs => $1)
        AND (t->>'startTime')::timestamptz + rtrim(t->>'duration', 's')::float8 * interval '1 second'
            >= now() - make_interval(secs => $1)
      GROUP BY 1`,
    [windowSeconds],
  );
  const { rows: outbox } = await db.query<{ n: number; oldest: Date | null }>(
    "SELECT count(*)::int AS n, min(create_time) AS oldest FROM outbox",
  );
  const count = (statuses: readonly DocumentStatus[]) =>
    byStatus.filter((r) => statuses.includes(r.status)).reduce((sum, r) => sum + r.n, 0);
  return {
    stages: STAGES.map((s) => ({
      stage: s.stage,
      group: s.group,
      backlog: count(s.waiting),
      completed: runs.find((r) => r.stage === `STAGE_${Stage[s.stage]}`)?.n ?? 0,
    })),
    outboxBacklog: outbox[0]?.n ?? 0,
    outboxOldest: outbox[0]?.oldest ?? undefined,
  };
}
