// Delivery rules shared by the Kafka and embedded buses: retry in place with backoff and jitter
// (the partition waits, so per-key order holds), dead-letter non-retriable or exhausted failures,
// and stop without committing when the work was aborted (revoked partition or stopping consumer).
import { isRetriable } from "../errors.ts";
import { logger } from "../log.ts";
import {
  type BusRecord,
  backoffMs,
  DEFAULT_RETRY,
  DLQ_HEADERS,
  type HandlerContext,
  type OutgoingRecord,
  type RetryPolicy,
  type SubscribeOptions,
} from "./bus.ts";

export type Outcome = "done" | "dead-lettered" | "skipped" | "aborted";

const log = logger("bus");

export function resolvePolicy(retry: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...retry };
  if (policy.maxAttempts < 1) throw new RangeError("retry.maxAttempts must be ≥ 1");
  return policy;
}

/** Sleep that ends early (returning false) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const MAX_ERROR_HEADER = 1000;

/** Added next to DLQ_HEADERS: the consumer group that dead-lettered the record. */
export const DLQ_GROUP_HEADER = "dlq.group";

export function describeError(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : typeof error === "string"
        ? error
        : String(error);
  return text.length > MAX_ERROR_HEADER ? `${text.slice(0, MAX_ERROR_HEADER - 1)}…` : text;
}

/** The dead letter for a record: same key and value, original headers plus the dlq.* headers. */
export function deadLetterOf(
  record: BusRecord,
  error: unknown,
  attempts: number,
  groupId?: string,
): OutgoingRecord {
  return {
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      [DLQ_HEADERS.topic]: record.topic,
      [DLQ_HEADERS.partition]: String(record.partition),
      [DLQ_HEADERS.offset]: record.offset,
      [DLQ_HEADERS.error]: describeError(error),
      [DLQ_HEADERS.attempts]: String(attempts),
      ...(groupId === undefined ? {} : { [DLQ_GROUP_HEADER]: groupId }),
    },
  };
}

export interface DeliverOptions {
  handler: SubscribeOptions["handler"];
  policy: RetryPolicy;
  signal: AbortSignal;
  heartbeat: HandlerContext["heartbeat"];
  /** Recorded in the dlq.group header. */
  groupId?: string;
  /**
   * Publishes the dead letter; failures here are retried with backoff until it succeeds or the work is aborted.
   * Absent (a subscription without a dead-letter topic): the record is logged and skipped.
   */
  deadLetter?: (record: OutgoingRecord) => Promise<void>;
  random?: () => number;
}

/**
 * Run the handler for one record until it succeeds, is dead-lettered, or the work is aborted.
 * "aborted" means: do not commit this record; the next owner of the partition gets it again.
 */
export async function deliver(record: BusRecord, options: DeliverOptions): Promise<Outcome> {
  const { policy, signal } = options;
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) return "aborted";
    try {
      await options.handler(record, { attempt, signal, heartbeat: options.heartbeat });
      return "done";
    } catch (error) {
      if (signal.aborted) return "aborted";
      if (!isRetriable(error) || attempt >= policy.maxAttempts) {
        const letter = deadLetterOf(record, error, attempt, options.groupId);
        if (!options.deadLetter) {
          log.warn("handler gave up on a record; skipped (no dead-letter topic)", {
            group: options.groupId,
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            error: letter.headers?.[DLQ_HEADERS.error],
          });
          return "skipped";
        }
        for (let tries = 1; ; tries++) {
          try {
            await options.deadLetter(letter);
            return "dead-lettered";
          } catch {
            if (!(await sleep(backoffMs(policy, Math.min(tries, 20), options.random), signal)))
              return "aborted";
          }
        }
      }
      if (!(await sleep(backoffMs(policy, attempt, options.random), signal))) return "aborted";
    }
  }
}
