// Reads the lifecycle topic with a consumer group of its own and turns each event into PENDING
// deliveries, one per matching endpoint. It never sends anything: an endpoint's speed cannot hold
// up the consumer, and the offset is committed once the rows are written.

import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { EventDecoder } from "../pipeline/stage-worker.ts";
import { type EventBus, type Subscription, WAIT_OUT_FAILURES } from "../platform/bus/bus.ts";
import { DOCUMENT_EVENTS_TOPIC } from "../platform/events/topics.ts";
import type { DeliveryStore } from "./delivery-store.ts";
import { webhookBody, webhookEventType } from "./webhook-event.ts";

export const WEBHOOK_INTAKE_GROUP = "docmesh.webhooks";

export function startWebhookIntake(
  bus: EventBus,
  decoder: EventDecoder,
  deliveries: DeliveryStore,
  added: () => void,
): Promise<Subscription> {
  return bus.subscribe({
    groupId: WEBHOOK_INTAKE_GROUP,
    topic: DOCUMENT_EVENTS_TOPIC,
    retry: WAIT_OUT_FAILURES,
    // A new group starts at the end: no endpoint can want an event from before the role first ran.
    startFrom: "latest",
    concurrency: 8,
    handler: async (record) => {
      // Undecodable bytes (non-retriable) are logged and skipped by the bus: the stages dead-letter them.
      const event = await decoder.decode(record.value);
      const type = webhookEventType(event);
      if (type === undefined) return;
      const count = await deliveries.enqueue({
        tenant: event.tenant,
        eventId: event.eventId,
        documentId: event.documentId,
        eventType: type,
        eventTime: event.eventTime ? timestampDate(event.eventTime) : new Date(record.timestamp),
        body: webhookBody(event, type),
      });
      if (count > 0) added();
    },
  });
}
