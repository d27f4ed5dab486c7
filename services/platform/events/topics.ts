// Topic names, partition counts, retention and record headers of the Docmesh event backbone.
// docs/events.md is the reader's version of this file; keep them in step.
import type { TopicSpec } from "../bus/bus.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The one lifecycle topic: every DocumentEvent, key = document id. */
export const DOCUMENT_EVENTS_TOPIC = "docmesh.document-events.v1";
/** Dead letters of every consumer group of DOCUMENT_EVENTS_TOPIC (header dlq.group says whose). */
export const DOCUMENT_EVENTS_DLQ_TOPIC = "docmesh.document-events.v1.dlq";

export const DOCUMENT_EVENTS_PARTITIONS = 12;

export const TOPICS: readonly TopicSpec[] = [
  { name: DOCUMENT_EVENTS_TOPIC, partitions: DOCUMENT_EVENTS_PARTITIONS, retentionMs: 7 * DAY_MS },
  // Same partition count, so a replayed dead letter lands on the partition its document uses.
  { name: DOCUMENT_EVENTS_DLQ_TOPIC, partitions: DOCUMENT_EVENTS_PARTITIONS, retentionMs: 30 * DAY_MS },
];

/** Confluent TopicNameStrategy: the value schema's subject. */
export const valueSubject = (topic: string): string => `${topic}-value`;

/** Consumer groups of the pipeline stages (one group per stage). */
export const CONSUMER_GROUPS = {
  classifier: "docmesh.classifier",
  extractor: "docmesh.extractor",
  indexer: "docmesh.indexer",
} as const;

/** Record headers on DocumentEvent records (all UTF-8 strings). */
export const EVENT_HEADERS = {
  /** W3C trace context, injected by the bus from the active OpenTelemetry context. */
  traceparent: "traceparent",
  tracestate: "tracestate",
  /** DocumentEvent.correlation_id, for log correlation without decoding. */
  correlationId: "correlation-id",
  /** DocumentEvent.event_id. */
  eventId: "event-id",
  /** The payload case, e.g. "uploaded", "classified". */
  eventType: "event-type",
  /** DocumentEvent.tenant: stages admit records fairly across tenants without decoding them. */
  tenant: "tenant",
  /** The consumer group that dead-lettered a record (on DLQ records only, with the dlq.* headers). */
  dlqGroup: "dlq.group",
} as const;
