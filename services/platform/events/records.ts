// Glue between DocumentEvents and the bus: the record headers of an event (one definition, used by the
// outbox in production and by eventRecord), the outgoing record (key = document id), and a typed
// handler wrapper so that decoding failures dead-letter (non-retriable) like any poison record.
import type { DocumentEvent } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import type { BusRecord, HandlerContext, OutgoingRecord } from "../bus/bus.ts";
import type { EventCodec } from "./codec.ts";
import { EVENT_HEADERS } from "./topics.ts";

/** The headers every DocumentEvent record carries (docs/events.md#headers). */
export function eventHeaders(event: DocumentEvent): Record<string, string> {
  const headers: Record<string, string> = {
    [EVENT_HEADERS.eventId]: event.eventId,
    [EVENT_HEADERS.eventType]: event.payload.case ?? "",
  };
  if (event.tenant) headers[EVENT_HEADERS.tenant] = event.tenant;
  if (event.correlationId) headers[EVENT_HEADERS.correlationId] = event.correlationId;
  return headers;
}

export async function eventRecord(codec: EventCodec, event: DocumentEvent): Promise<OutgoingRecord> {
  return { key: event.documentId, value: await codec.encode(event), headers: eventHeaders(event) };
}

export type EventHandler = (
  event: DocumentEvent,
  record: BusRecord,
  context: HandlerContext,
) => Promise<void>;

/** A bus handler that decodes the value first; an undecodable value throws non-retriable → DLQ. */
export function decodingHandler(
  codec: EventCodec,
  handler: EventHandler,
): (record: BusRecord, context: HandlerContext) => Promise<void> {
  return async (record, context) => handler(await codec.decode(record.value), record, context);
}
