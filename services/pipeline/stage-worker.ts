// Runs one pipeline stage as a consumer group on the document-events topic.
import type { DocumentEvent } from "../../gen/docmesh/events/v1/document_event_pb.ts";
import type {
  EventBus,
  HandlerContext,
  RetryPolicy,
  SubscribeOptions,
  Subscription,
} from "../platform/bus/bus.ts";
import { FairAdmission } from "../platform/bus/fair-admission.ts";
import {
  DOCUMENT_EVENTS_DLQ_TOPIC,
  DOCUMENT_EVENTS_TOPIC,
  EVENT_HEADERS,
} from "../platform/events/topics.ts";
import { STAGE_EVENTS, tracedStage } from "../platform/telemetry/stage.ts";

export interface EventDecoder {
  /** Throws a non-retriable DocmeshError for bytes it cannot decode (they are dead-lettered). */
  decode(bytes: Uint8Array): Promise<DocumentEvent>;
}

export type StageHandler = (event: DocumentEvent, context: HandlerContext) => Promise<void>;

export const STAGE_RETRY: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 200, maxBackoffMs: 10_000 };

/**
 * A redriven dead letter (AdminService.RedriveDeadLetters) carries the group that gave up on it:
 * only that group runs it again; the others already handled the original.
 */
export const REDRIVE_GROUP_HEADER = "redrive.group";

/** Records a stage reads ahead per partition, waiting for admission (DOCMESH_STAGE_READ_AHEAD's default). */
export const STAGE_READ_AHEAD = 1000;

/**
 * `concurrency` documents at once for the whole subscription, admitted round robin across tenants
 * (FairAdmission, keyed by the record's tenant header), from up to `readAhead` records per partition:
 * a tenant's single upload waits for the next free slot, not behind another tenant's backlog.
 */
export function runStage(
  bus: EventBus,
  decoder: EventDecoder,
  groupId: string,
  handle: StageHandler,
  concurrency = 1,
  startFrom: SubscribeOptions["startFrom"] = "earliest",
  readAhead = STAGE_READ_AHEAD,
): Promise<Subscription> {
  const traced = tracedStage(groupId, (record) => decoder.decode(record.value), handle);
  const acts = STAGE_EVENTS[groupId];
  return bus.subscribe({
    groupId,
    concurrency: Math.max(concurrency, readAhead),
    admission: {
      gate: new FairAdmission(concurrency),
      fairKey: (record) => record.headers[EVENT_HEADERS.tenant] ?? "",
    },
    startFrom,
    topic: DOCUMENT_EVENTS_TOPIC,
    deadLetterTopic: DOCUMENT_EVENTS_DLQ_TOPIC,
    retry: STAGE_RETRY,
    handler: async (record, context) => {
      const redriveFor = record.headers[REDRIVE_GROUP_HEADER];
      if (redriveFor !== undefined && redriveFor !== groupId) return;
      // Every group reads every event; a pipeline stage skips the ones it does not act on by their
      // event-type header, without decoding them (a record without the header is decoded, and
      // dead-lettered if it cannot be).
      const type = record.headers[EVENT_HEADERS.eventType];
      if (acts && type !== undefined && !acts.includes(type)) return;
      // A span per event the stage acts on, continuing the trace in the record's headers.
      await traced(record, context);
    },
  });
}
