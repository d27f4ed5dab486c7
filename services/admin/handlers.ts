// AdminService over Connect: the operator's view across tenants (the admin role is checked before
// any handler runs). The tenant is a filter here, never the caller's scope.
import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type AdminService,
  type DeadLetter,
  type DeadLetterFilter,
  DeadLetterSchema,
  DeadLetterState,
  type Replay,
  ReplaySchema,
  StageStatusSchema,
} from "../../gen/docmesh/admin/v1/admin_service_pb.ts";
import type { EventDecoder } from "../pipeline/stage-worker.ts";
import { mapErrors } from "../platform/connect-errors.ts";
import { identityOf } from "../platform/identity.ts";
import type { PageTokens } from "../platform/page-token.ts";
import type { SqlDatabase } from "../platform/store/sql.ts";
import type { ConsumerLag } from "./consumer-lag.ts";
import {
  type DeadLetterCursor,
  type DeadLetterQuery,
  type DeadLetterRow,
  type DeadLetterStore,
  deadLetterName,
  parseDeadLetterName,
} from "./dead-letter-store.ts";
import { pipelineFigures, STAGES, THROUGHPUT_WINDOW_SECONDS } from "./pipeline-status.ts";
import type { ReplayQuery, ReplayRow, ReplayStage, ReplayStore } from "./replay-store.ts";
import type { Replays } from "./replays.ts";

export interface AdminDeps {
  db: SqlDatabase;
  deadLetters: DeadLetterStore;
  decoder: EventDecoder;
  pageTokens: PageTokens;
  lag: ConsumerLag;
  /** Wakes the in-process outbox relay after a redrive committed. */
  committed: () => void;
  replays: Replays;
  replayStore: ReplayStore;
}

const DEFAULT_REDRIVE_LIMIT = 1000;

export function adminHandlers(deps: AdminDeps): ServiceImpl<typeof AdminService> {
  const { deadLetters } = deps;
  const decode = (value: Uint8Array) => deps.decoder.decode(value);
  return mapErrors<ServiceImpl<typeof AdminService>>({
    async listDeadLetters(request) {
      const query = queryOf(request.filter);
      const scope = { query, rpc: "ListDeadLetters" };
      const after = request.pageToken
        ? deps.pageTokens.decode<DeadLetterCursor>(scope, request.pageToken)
        : undefined;
      const page = await deadLetters.list(query, request.pageSize || 50, after);
      const letters = await Promise.all(page.rows.map((row) => deadLetterOf(row, deps.decoder)));
      return {
        deadLetters: letters,
        nextPageToken: page.next ? deps.pageTokens.encode(scope, page.next) : "",
        totalSize: BigInt(page.total),
      };
    },

    async redriveDeadLetters(request, context) {
      const actor = identityOf(context).subject;
      const result =
        request.names.length > 0
          ? await deadLetters.redriveKeys([...new Set(request.names)].map(parseDeadLetterName), actor, decode)
          : await deadLetters.redriveMatching(
              queryOf(request.filter),
              request.limit || DEFAULT_REDRIVE_LIMIT,
              actor,
              decode,
            );
      if (result.redriven.length > 0) deps.committed();
      return {
        redriven: result.redriven.map(deadLetterName),
        alreadyRedriven: result.alreadyRedriven.map(deadLetterName),
        undecodable: result.undecodable.map(deadLetterName),
      };
    },

    async replayDocuments(request, context) {
      const f = request.filter;
      const query: ReplayQuery = {
        tenant: f?.tenant || undefined,
        batchId: f?.batch ? idOf(f.batch) : undefined,
        statuses: f?.statuses ?? [],
        categories: f?.categories ?? [],
        createTimeAfter: f?.createTimeAfter ? timestampDate(f.createTimeAfter).toISOString() : undefined,
        createTimeBefore: f?.createTimeBefore ? timestampDate(f.createTimeBefore).toISOString() : undefined,
      };
      const id = await deps.replays.start(
        query,
        request.fromStage as ReplayStage,
        request.limit,
        identityOf(context).subject,
      );
      return { replay: replayOf(await deps.replayStore.get(id)) };
    },

    async getReplay(request) {
      return { replay: replayOf(await deps.replayStore.get(idOf(request.name))) };
    },

    async cancelReplay(request) {
      await deps.replayStore.requestCancel(idOf(request.name));
      return { replay: replayOf(await deps.replayStore.get(idOf(request.name))) };
    },

    async getPipelineStatus() {
      const [figures, pending, lag] = await Promise.all([
        pipelineFigures(deps.db, THROUGHPUT_WINDOW_SECONDS),
        deadLetters.pendingByGroup(),
        Promise.all(STAGES.map(async (s) => [s.group, await deps.lag(s.group)] as const)),
      ]);
      const lagOf = new Map<string, number>(lag);
      return {
        stages: figures.stages.map((s) =>
          create(StageStatusSchema, {
            stage: s.stage,
            consumerGroup: s.group,
            backlog: BigInt(s.backlog),
            lag: BigInt(lagOf.get(s.group) ?? 0),
            completed: BigInt(s.completed),
            throughputPerSecond: s.completed / THROUGHPUT_WINDOW_SECONDS,
            deadLettersPending: BigInt(pending.get(s.group) ?? 0),
          }),
        ),
        outboxBacklog: BigInt(figures.outboxBacklog),
        outboxOldestTime: figures.outboxOldest ? timestampFromDate(figures.outboxOldest) : undefined,
        deadLettersPending: BigInt([...pending.values()].reduce((a, b) => a + b, 0)),
        throughputWindowSeconds: THROUGHPUT_WINDOW_SECONDS,
      };
    },
  });
}

const idOf = (name: string) => name.slice(name.indexOf("/") + 1);

function replayOf(row: ReplayRow): Replay {
  const q = row.filter;
  return create(ReplaySchema, {
    name: `replays/${row.id}`,
    filter: {
      tenant: q.tenant ?? "",
      batch: q.batchId ? `batches/${q.batchId}` : "",
      statuses: q.statuses,
      categories: q.categories,
      createTimeAfter: q.createTimeAfter ? timestampFromDate(new Date(q.createTimeAfter)) : undefined,
      createTimeBefore: q.createTimeBefore ? timestampFromDate(new Date(q.createTimeBefore)) : undefined,
    },
    fromStage: row.from_stage,
    limit: row.max_documents,
    state: row.state,
    matched: row.matched,
    requeued: row.requeued,
    finished: row.finished,
    skipped: row.skipped,
    createdBy: row.created_by,
    createTime: timestampFromDate(row.create_time),
    updateTime: timestampFromDate(row.update_time),
  });
}

function queryOf(filter: DeadLetterFilter | undefined): DeadLetterQuery {
  return {
    tenant: filter?.tenant || undefined,
    documentId: filter?.document ? filter.document.slice(filter.document.indexOf("/") + 1) : undefined,
    consumerGroup: filter?.consumerGroup || undefined,
    redriven:
      filter?.state === DeadLetterState.REDRIVEN
        ? true
        : filter?.state === DeadLetterState.PENDING
          ? false
          : undefined,
    after: filter?.deadLetterTimeAfter ? timestampDate(filter.deadLetterTimeAfter) : undefined,
    before: filter?.deadLetterTimeBefore ? timestampDate(filter.deadLetterTimeBefore) : undefined,
  };
}

async function deadLetterOf(row: DeadLetterRow, decoder: EventDecoder): Promise<DeadLetter> {
  let event: Awaited<ReturnType<EventDecoder["decode"]>> | undefined;
  let decodeError = row.decode_error;
  if (decodeError === "") {
    try {
      event = await decoder.decode(new Uint8Array(row.record_value));
    } catch (error) {
      decodeError = (error as Error).message;
    }
  }
  return create(DeadLetterSchema, {
    name: deadLetterName({ partition: row.dlq_partition, offset: row.dlq_offset }),
    event,
    decodeError,
    error: row.error,
    attempts: row.attempts,
    consumerGroup: row.consumer_group,
    originalTopic: row.original_topic,
    originalPartition: row.original_partition,
    originalOffset: BigInt(row.original_offset),
    deadLetterTime: timestampFromDate(row.dead_letter_time),
    state: row.redrive_time ? DeadLetterState.REDRIVEN : DeadLetterState.PENDING,
    redriveTime: row.redrive_time ? timestampFromDate(row.redrive_time) : undefined,
    redrivenBy: row.redriven_by,
  });
}
