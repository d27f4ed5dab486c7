// Around every event a pipeline stage handles: a CONSUMER span that continues the trace carried in
// the record's traceparent header (Kafka headers, or the embedded bus's stored headers), log lines
// tagged with the document and tenant, and the stage latency metrics by outcome.
import { context, propagation, SpanKind, trace } from "@opentelemetry/api";
import type { DocumentEvent } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import type { BusRecord, HandlerContext } from "../bus/bus.ts";
import { CONSUMER_GROUPS } from "../events/topics.ts";
import { withLogFields } from "../log.ts";
import { settleSpan } from "./failed-span.ts";
import { instruments } from "./instruments.ts";

/**
 * The events each stage acts on; it returns at once on the others (every group reads every event).
 * Only these get a span and count in the stage metrics, so a trace shows the work, not the skips.
 */
export const STAGE_EVENTS: Record<string, readonly string[]> = {
  [CONSUMER_GROUPS.classifier]: ["uploaded", "reprocessRequested"],
  [CONSUMER_GROUPS.extractor]: ["classified"],
  [CONSUMER_GROUPS.indexer]: ["extracted", "updated", "reviewed", "deleted"],
};

export function tracedStage(
  stage: string,
  decode: (record: BusRecord) => Promise<DocumentEvent>,
  handle: (event: DocumentEvent, context: HandlerContext) => Promise<void>,
): (record: BusRecord, context: HandlerContext) => Promise<void> {
  const tracer = trace.getTracer("docmesh.pipeline");
  const acts = STAGE_EVENTS[stage];
  const name = stage.replace(/^docmesh\./, "");
  return async (record, handlerContext) => {
    const event = await decode(record);
    const kind = event.payload.case ?? "";
    if (acts && !acts.includes(kind)) return handle(event, handlerContext);
    const parent = propagation.extract(context.active(), record.headers);
    return tracer.startActiveSpan(
      `${name} ${kind}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          "messaging.system": "kafka",
          "messaging.operation.type": "process",
          "messaging.destination.name": record.topic,
          "messaging.consumer.group.name": stage,
          "messaging.destination.partition.id": String(record.partition),
          "messaging.kafka.offset": Number(record.offset),
          "messaging.kafka.message.key": record.key,
          "docmesh.attempt": handlerContext.attempt,
          "docmesh.document_id": event.documentId,
          "docmesh.tenant": event.tenant,
          "docmesh.event": kind,
        },
      },
      parent,
      async (span) => {
        await settleSpan(
          span,
          () =>
            withLogFields({ document_id: event.documentId, tenant: event.tenant }, () =>
              handle(event, handlerContext),
            ),
          (seconds, outcome) => {
            const labels = { stage: name, outcome };
            instruments().stageEvents.add(1, labels);
            instruments().stageSeconds.record(seconds, labels);
          },
        );
      },
    );
  };
}
