// Reads the dead-letter topic into the dead-letter index, so operators can filter, page and redrive
// dead letters through AdminService instead of Kafka tools. One consumer group for the deployment:
// API processes that serve AdminService share its partitions; a record read twice is indexed once.
import type { EventDecoder } from "../pipeline/stage-worker.ts";
import { type EventBus, type Subscription, WAIT_OUT_FAILURES } from "../platform/bus/bus.ts";
import { describeError } from "../platform/bus/delivery.ts";
import { isRetriable } from "../platform/errors.ts";
import { DOCUMENT_EVENTS_DLQ_TOPIC } from "../platform/events/topics.ts";
import type { DeadLetterStore } from "./dead-letter-store.ts";

export const DEAD_LETTER_INTAKE_GROUP = "docmesh.admin.dead-letters";

export function startDeadLetterIntake(
  bus: EventBus,
  decoder: EventDecoder,
  store: DeadLetterStore,
): Promise<Subscription> {
  return bus.subscribe({
    groupId: DEAD_LETTER_INTAKE_GROUP,
    topic: DOCUMENT_EVENTS_DLQ_TOPIC,
    retry: WAIT_OUT_FAILURES,
    concurrency: 4,
    handler: async (record) => {
      let decoded: Parameters<DeadLetterStore["record"]>[1];
      try {
        decoded = { event: await decoder.decode(record.value) };
      } catch (error) {
        if (isRetriable(error)) throw error; // the schema registry is down: try again
        decoded = { error: describeError(error) };
      }
      await store.record(record, decoded);
    },
  });
}
