// Runs one pipeline stage as a consumer group on the document-events topic.
import type { DocumentEvent } from "../../gen/docmesh/events/v1/document_event_pb.ts";
import type { EventBus, HandlerContext, RetryPolicy, Subscription } from "../platform/bus/bus.ts";
import { DOCUMENT_EVENTS_DLQ_TOPIC, DOCUMENT_EVENTS_TOPIC } from "../platform/events/topics.ts";

export interface EventDecoder {
  /** Throws a non-retriable DocmeshError for bytes it cannot decode (they are dead-lettered). */
  decode(bytes: Uint8Array): Promise<DocumentEvent>;
}

export type StageHandler = (event: DocumentEvent, context: HandlerContext) => Promise<void>;

export const STAGE_RETRY: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 200, maxBackoffMs: 10_000 };

export function runStage(
  bus: EventBus,
  decoder: EventDecoder,
  groupId: string,
  handle: StageHandler,
  concurrency = 1,
): Promise<Subscription> {
  return bus.subscribe({
    groupId,
    concurrency,
    topic: DOCUMENT_EVENTS_TOPIC,
    deadLetterTopic: DOCUMENT_EVENTS_DLQ_TOPIC,
    retry: STAGE_RETRY,
    handler: async (record, context) => handle(await decoder.decode(record.value), context),
  });
}
