// What a delivery carries: the event type an endpoint filters on, and the JSON body that is signed
// and POSTed. The body is built once, at intake, and sent byte for byte on every attempt.
import { toJson } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { type DocumentEvent, DocumentEventSchema } from "../../gen/docmesh/events/v1/document_event_pb.ts";
import { WebhookEventType } from "../../gen/docmesh/webhook/v1/webhook_service_pb.ts";

type PayloadCase = NonNullable<DocumentEvent["payload"]["case"]>;

const TYPE_OF_CASE: Record<PayloadCase, WebhookEventType> = {
  uploaded: WebhookEventType.UPLOADED,
  stageStarted: WebhookEventType.STAGE_STARTED,
  classified: WebhookEventType.CLASSIFIED,
  extracted: WebhookEventType.EXTRACTED,
  indexed: WebhookEventType.INDEXED,
  failed: WebhookEventType.FAILED,
  updated: WebhookEventType.UPDATED,
  deleted: WebhookEventType.DELETED,
  reprocessRequested: WebhookEventType.REPROCESS_REQUESTED,
  reviewed: WebhookEventType.REVIEWED,
};

const CASE_OF_TYPE = new Map(Object.entries(TYPE_OF_CASE).map(([key, type]) => [type, key]));

/** The event's webhook type; undefined for a payload this version does not know. */
export function webhookEventType(event: DocumentEvent): WebhookEventType | undefined {
  return event.payload.case ? TYPE_OF_CASE[event.payload.case] : undefined;
}

/** The `type` in a delivery body and the `Docmesh-Event-Type` header: `document.indexed`. */
export function eventTypeName(type: WebhookEventType): string {
  return `document.${CASE_OF_TYPE.get(type) ?? "unknown"}`;
}

/** The delivery body: an envelope with the event's id and type, and the event in Protobuf JSON. */
export function webhookBody(event: DocumentEvent, type: WebhookEventType): string {
  return JSON.stringify({
    id: event.eventId,
    type: eventTypeName(type),
    createTime: event.eventTime ? timestampDate(event.eventTime).toISOString() : undefined,
    data: toJson(DocumentEventSchema, event),
  });
}
