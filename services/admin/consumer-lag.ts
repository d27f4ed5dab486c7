// A consumer group's lag on the document-events topic, summed over partitions; 0 where the bus
// cannot tell (an adapter without consumerLag).
import type { EventBus } from "../platform/bus/bus.ts";
import { DOCUMENT_EVENTS_TOPIC } from "../platform/events/topics.ts";

export type ConsumerLag = (groupId: string) => Promise<number>;

export function consumerLagOf(bus: EventBus, topic = DOCUMENT_EVENTS_TOPIC): ConsumerLag {
  return async (groupId) => {
    const perPartition = (await bus.consumerLag?.(groupId, topic)) ?? [];
    return perPartition.reduce((sum, n) => sum + (n ?? 0), 0);
  };
}
