// The event-bus port. Every service publishes and consumes through it; Kafka and
// the embedded durable log implement it and pass one contract suite (test/contract/bus).

import type { FairAdmission } from "./fair-admission.ts";

export interface OutgoingRecord {
  /** Partitioning key: the document id, so a document's events stay in order. */
  key: string;
  value: Uint8Array;
  headers?: Record<string, string>;
}

export interface BusRecord {
  topic: string;
  partition: number;
  /** Position in the partition, as a decimal string (Kafka offsets exceed 2^53 in theory). */
  offset: string;
  key: string;
  value: Uint8Array;
  headers: Record<string, string>;
  timestamp: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Retention in milliseconds; -1 keeps forever. */
  retentionMs: number;
}

export interface RetryPolicy {
  /** Attempts in place before a retriable failure is dead-lettered (a non-retriable one goes at once). */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface HandlerContext {
  /** 1 for the first try. */
  attempt: number;
  /** Aborted when the partition is revoked or the consumer stops. */
  signal: AbortSignal;
  /** Keeps group membership alive during long work. */
  heartbeat(): Promise<void>;
}

export interface SubscribeOptions {
  groupId: string;
  topic: string;
  /**
   * Where dead letters go; they carry headers dlq.topic, dlq.partition, dlq.offset, dlq.error, dlq.attempts.
   * Without one (fan-out listeners whose failure says nothing about the record), a record the handler
   * gives up on is logged and skipped.
   */
  deadLetterTopic?: string;
  retry?: Partial<RetryPolicy>;
  /**
   * Called once per record; records of one key strictly in order (at most one at a time), records
   * of different keys in one partition up to `concurrency` at once. The offset is committed only
   * after it resolves. Throwing a non-retriable error (or exhausting retries)
   * dead-letters the record and moves on.
   */
  handler(record: BusRecord, context: HandlerContext): Promise<void>;
  /**
   * Added for the adapters (optional, so existing callers are unaffected): how long stop() lets the
   * in-flight handler finish before aborting its signal. Default 30 s.
   */
  drainTimeoutMs?: number;
  /**
   * Where a group with no committed offset starts. "earliest" (default) for stage workers;
   * "latest" for fan-out listeners (e.g. progress instances) that take their history from the store:
   * every record published after subscribe() resolved is delivered, none from before it was called.
   */
  startFrom?: "earliest" | "latest";
  /**
   * A per-process listener group: offsets are never committed, and stop() deletes the group (Kafka) or
   * its offsets directory (embedded), so restarts leave no groups behind. Use with startFrom "latest".
   */
  ephemeral?: boolean;
  /**
   * How many records of one partition may be in the handler at once (never two of one key).
   * Default 1: one at a time, in partition order. Offsets are committed up to the first
   * unfinished record, so a restart redelivers only unfinished work.
   */
  concurrency?: number;
  /**
   * Fair admission across partitions: every record waits in `gate` for a permit, and waiting records
   * are admitted round robin by `fairKey` (a stage: the tenant), so one key's backlog cannot starve
   * another key. `concurrency` then bounds the read-ahead per partition (records fetched and waiting),
   * the gate the work done at once. Per-key order is kept: a record is admitted only after the earlier
   * records of its key finished.
   */
  admission?: { gate: FairAdmission; fairKey(record: BusRecord): string };
}

export interface Subscription {
  /** Drains in-flight work, commits, and leaves the group. */
  stop(): Promise<void>;
}

export interface EventBus {
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /** Resolves once every record is durably acknowledged (acks=all / fsync). */
  publish(topic: string, records: OutgoingRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Records of `topic` the group has not committed yet, per partition (index = partition): the end
   * offset minus the committed one (a group without a commit counts from the start). For status pages.
   */
  consumerLag?(groupId: string, topic: string): Promise<number[]>;
  close(): Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 10_000 };

/**
 * For consumers that must not miss a record (the dead-letter index, webhook intake): a failing
 * database is waited out, not skipped.
 */
export const WAIT_OUT_FAILURES: RetryPolicy = {
  maxAttempts: 1_000_000,
  initialBackoffMs: 200,
  maxBackoffMs: 10_000,
};

/** Exponential backoff with full jitter. */
export function backoffMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Header names on dead-lettered records. */
export const DLQ_HEADERS = {
  topic: "dlq.topic",
  partition: "dlq.partition",
  offset: "dlq.offset",
  error: "dlq.error",
  attempts: "dlq.attempts",
} as const;
