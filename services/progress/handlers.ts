import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampNow } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { DocumentStatus } from "../../gen/docmesh/document/v1/document_pb.ts";
import {
  BatchSummarySchema,
  HeartbeatSchema,
  type ProgressService,
} from "../../gen/docmesh/progress/v1/progress_service_pb.ts";
import { mapErrors } from "../platform/connect-errors.ts";
import { identityOf } from "../platform/identity.ts";
import type { DocumentStore } from "../platform/store/document-store.ts";
import type { ProgressStore } from "../platform/store/progress-store.ts";
import type { ProgressHub } from "./hub.ts";
import { toUpdate } from "./updates.ts";
import { type BatchState, newBatchState, watchBatch, watchDocument } from "./watch.ts";

export interface ProgressDeps {
  hub: ProgressHub;
  log: ProgressStore;
  store: DocumentStore;
  heartbeatMs: number;
}

const idOf = (name: string) => name.slice(name.indexOf("/") + 1);

export function progressHandlers(deps: ProgressDeps): ServiceImpl<typeof ProgressService> {
  return mapErrors<ServiceImpl<typeof ProgressService>>({
    async *watchDocument(request, context) {
      const { tenant } = identityOf(context);
      const id = idOf(request.name);
      await deps.store.getDocument(tenant, id); // NOT_FOUND for another tenant's or a missing document
      const options = { heartbeatMs: deps.heartbeatMs, signal: context.signal };
      for await (const item of watchDocument(
        deps.hub,
        deps.log,
        tenant,
        id,
        Number(request.afterSequence),
        options,
      )) {
        if (item.kind === "event") yield { message: { case: "update", value: toUpdate(item.event) } };
        else if (item.kind === "heartbeat") yield { message: { case: "heartbeat", value: heartbeat() } };
      }
    },

    async *watchBatch(request, context) {
      const { tenant } = identityOf(context);
      await deps.store.getBatch(tenant, idOf(request.name));
      const cursors = new Map(request.cursors.map((c) => [idOf(c.document), Number(c.afterSequence)]));
      const state = newBatchState();
      const options = { heartbeatMs: deps.heartbeatMs, signal: context.signal };
      for await (const item of watchBatch(
        deps.hub,
        deps.log,
        tenant,
        request.name,
        cursors,
        state,
        options,
      )) {
        if (item.kind === "event") yield { message: { case: "update", value: toUpdate(item.event) } };
        else if (item.kind === "heartbeat") yield { message: { case: "heartbeat", value: heartbeat() } };
        else yield { message: { case: "summary", value: summarize(request.name, state) } };
      }
    },
  });
}

function heartbeat() {
  return create(HeartbeatSchema, { time: timestampNow() });
}

function summarize(batch: string, state: BatchState) {
  const counts = new Map<number, number>();
  for (const status of state.statuses.values())
    if (status >= 0) counts.set(status, (counts.get(status) ?? 0) + 1);
  const total = state.statuses.size;
  const terminal = state.terminalCount();
  const elapsedMs = Date.now() - state.firstEventMs;
  // Remaining documents at the rate observed so far in this batch.
  const eta =
    terminal > 0 && terminal < total && Number.isFinite(elapsedMs)
      ? durationFromMs(Math.round((elapsedMs / terminal) * (total - terminal)))
      : undefined;
  return create(BatchSummarySchema, {
    batch,
    totalDocuments: total,
    terminalDocuments: terminal,
    byStatus: [...counts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => ({ status: status as DocumentStatus, count })),
    estimatedTimeRemaining: eta,
  });
}
