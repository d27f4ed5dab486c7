// Appending a document's next event: one sequence number, written to the outbox
// (for the relay to publish) and to the progress log (for watchers to resume from),
// inside the caller's transaction.
import { randomUUID } from "node:crypto";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { context, propagation } from "@opentelemetry/api";
import type { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { type DocumentEvent, DocumentEventSchema } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import { eventHeaders } from "../events/records.ts";
import { batchName } from "./rows.ts";
import type { SqlExecutor } from "./sql.ts";

export type EventPayload = DocumentEvent["payload"];

export interface EventTarget {
  id: string;
  tenant: string;
  correlation_id: string;
  batch_id: string | null;
  /** The sequence the new event takes: the row's sequence after it was incremented. */
  sequence: number;
}

export interface EventHeaders {
  traceparent?: string;
}

/** Writes the event to the outbox and the progress log; returns it. */
export async function appendEvent(
  tx: SqlExecutor,
  topic: string,
  target: EventTarget,
  status: DocumentStatus,
  payload: EventPayload,
  headers: EventHeaders = {},
): Promise<DocumentEvent> {
  const event = create(DocumentEventSchema, {
    eventId: randomUUID(),
    documentId: target.id,
    tenant: target.tenant,
    correlationId: target.correlation_id,
    sequence: BigInt(target.sequence),
    eventTime: timestampFromDate(new Date()),
    batch: batchName(target.batch_id),
    status,
    payload,
  });
  const bytes = toBinary(DocumentEventSchema, event);
  // The relay publishes these headers as they are: the same ones eventRecord() builds, plus the
  // traceparent of the span this transaction runs in, so the trace goes on where the event is read.
  const trace: Record<string, string> = {};
  propagation.inject(context.active(), trace);
  const outboxHeaders: Record<string, string> = { ...eventHeaders(event), ...trace, ...headers };
  await tx.query("INSERT INTO outbox (document_id, topic, payload, headers) VALUES ($1, $2, $3, $4)", [
    target.id,
    topic,
    bytes,
    JSON.stringify(outboxHeaders),
  ]);
  await tx.query(
    "INSERT INTO progress_log (document_id, sequence, tenant, batch_id, payload) VALUES ($1, $2, $3, $4, $5)",
    [target.id, target.sequence, target.tenant, target.batch_id, bytes],
  );
  return event;
}
