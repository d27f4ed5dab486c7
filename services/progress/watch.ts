// One watcher: the stored history after the client's cursor, then live events,
// merged by per-document sequence so nothing is missed or repeated.
import type { DocumentEvent } from "../../gen/docmesh/events/v1/document_event_pb.ts";
import { isTerminal } from "../platform/store/document-store.ts";
import type { ProgressStore } from "../platform/store/progress-store.ts";
import { EventQueue } from "./event-queue.ts";
import type { ProgressHub } from "./hub.ts";
import { endsWatch } from "./updates.ts";

export type WatchItem = { kind: "event"; event: DocumentEvent } | { kind: "heartbeat" } | { kind: "summary" };

export interface WatchOptions {
  heartbeatMs: number;
  signal: AbortSignal;
}

/**
 * Events of one document after `afterSequence`, ending at a terminal event.
 * Live listening starts before the history is read, so an event committed in
 * between arrives live and is dropped there if the history already had it.
 */
export async function* watchDocument(
  hub: ProgressHub,
  log: ProgressStore,
  tenant: string,
  documentId: string,
  afterSequence: number,
  options: WatchOptions,
): AsyncGenerator<WatchItem> {
  const queue = new EventQueue<DocumentEvent>();
  const unsubscribe = hub.onDocument(documentId, (event) => queue.push(event));
  const abort = () => queue.close();
  options.signal.addEventListener("abort", abort);
  try {
    let last = afterSequence;
    const history = async function* () {
      for (const event of await log.documentEvents(tenant, documentId, last)) {
        last = Number(event.sequence);
        yield event;
      }
    };
    let ended = false;
    for await (const event of history()) {
      yield { kind: "event", event };
      ended = endsWatch(event);
    }
    if (ended) return;
    while (!options.signal.aborted) {
      const next = await queue.next(options.heartbeatMs);
      if (next.kind === "closed") return;
      if (next.kind === "idle") {
        yield { kind: "heartbeat" };
        continue;
      }
      const sequence = Number(next.item.sequence);
      if (sequence <= last) continue;
      if (sequence > last + 1) {
        // A gap (this process joined the topic late): the log has every event in order.
        for await (const event of history()) {
          yield { kind: "event", event };
          if (endsWatch(event)) return;
        }
        continue;
      }
      last = sequence;
      yield { kind: "event", event: next.item };
      if (endsWatch(next.item)) return;
    }
  } finally {
    options.signal.removeEventListener("abort", abort);
    unsubscribe();
  }
}

export interface BatchState {
  statuses: Map<string, number>;
  firstEventMs: number;
  terminalCount(): number;
}

/**
 * Events of every document of a batch, each after its cursor; ends when every
 * known document is terminal. Yields a summary after each change.
 */
export async function* watchBatch(
  hub: ProgressHub,
  log: ProgressStore,
  tenant: string,
  batch: string,
  cursors: Map<string, number>,
  state: BatchState,
  options: WatchOptions,
): AsyncGenerator<WatchItem> {
  const batchId = batch.slice("batches/".length);
  const queue = new EventQueue<DocumentEvent>();
  const unsubscribe = hub.onBatch(batch, (event) => queue.push(event));
  const abort = () => queue.close();
  options.signal.addEventListener("abort", abort);
  const last = new Map<string, number>();
  const accept = (event: DocumentEvent): boolean => {
    const seen = last.get(event.documentId) ?? 0;
    const sequence = Number(event.sequence);
    if (sequence <= seen) return false;
    last.set(event.documentId, sequence);
    state.statuses.set(event.documentId, event.payload.case === "deleted" ? -1 : event.status);
    const time = event.eventTime ? Number(event.eventTime.seconds) * 1000 : Date.now();
    state.firstEventMs = Math.min(state.firstEventMs, time);
    return sequence > (cursors.get(event.documentId) ?? 0);
  };
  const done = () => state.statuses.size > 0 && state.terminalCount() === state.statuses.size;
  try {
    const replay = async function* () {
      for (const event of await log.batchEvents(tenant, batchId)) if (accept(event)) yield event;
    };
    for await (const event of replay()) yield { kind: "event", event };
    yield { kind: "summary" };
    if (done()) return;
    while (!options.signal.aborted) {
      const next = await queue.next(options.heartbeatMs);
      if (next.kind === "closed") return;
      if (next.kind === "idle") {
        yield { kind: "heartbeat" };
        continue;
      }
      const event = next.item;
      const seen = last.get(event.documentId) ?? 0;
      if (Number(event.sequence) > seen + 1) {
        for await (const missed of replay()) yield { kind: "event", event: missed };
      } else if (accept(event)) {
        yield { kind: "event", event };
      } else {
        continue;
      }
      yield { kind: "summary" };
      if (done()) return;
    }
  } finally {
    options.signal.removeEventListener("abort", abort);
    unsubscribe();
  }
}

export function newBatchState(): BatchState {
  const statuses = new Map<string, number>();
  return {
    statuses,
    firstEventMs: Number.POSITIVE_INFINITY,
    terminalCount: () => [...statuses.values()].filter((s) => s === -1 || isTerminal(s)).length,
  };
}
