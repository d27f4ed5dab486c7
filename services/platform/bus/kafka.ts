// The Kafka event bus (kafkajs 2.2.4) behind the EventBus port.
//
// Producer: idempotent, acks=all, maxInFlightRequests 1, the Java-compatible murmur2 DefaultPartitioner,
// no broker-side topic auto-creation (topics come from ensureTopics). W3C trace context is injected into
// record headers through @opentelemetry/api's global propagator; headers given by the caller (e.g. the
// correlation id, or an explicit traceparent) are passed through as they are.
//
// Consumers: one kafkajs consumer per subscription, eachBatch with autoCommit off and
// eachBatchAutoResolve off. Records of a partition go through a KeyOrderedWindow: one at a time by
// default, or up to `concurrency` of different keys at once (partitions in parallel as well);
// resolveOffset + commit cover only the finished prefix of the partition (commits at the end of each batch and
// at least every commitIntervalMs inside long batches). A timer heartbeats while a handler runs; when
// the heartbeat reports a rebalance (kafkajs uses the eager protocol, so every partition is revoked)
// the in-flight handler's signal is aborted and its record is left uncommitted for the next owner.
// stop() stops fetching, lets in-flight handlers finish (drainTimeoutMs, then aborts them), commits,
// and leaves the group. startFrom "latest" seeks to the end offsets read before joining; an ephemeral
// subscription never commits and deletes its group after leaving.
import { setMaxListeners } from "node:events";
import { context, propagation, ROOT_CONTEXT } from "@opentelemetry/api";
import {
  type Admin,
  type Consumer,
  type IHeaders,
  Kafka,
  type KafkaConfig,
  type KafkaMessage,
  logLevel,
  type Message,
  Partitioners,
  type Producer,
} from "kafkajs";
import { DocmeshError, unavailable } from "../errors.ts";
import { logger } from "../log.ts";
import type {
  BusRecord,
  EventBus,
  OutgoingRecord,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from "./bus.ts";
import { deliver, resolvePolicy, sleep } from "./delivery.ts";
import { KeyOrderedWindow } from "./key-window.ts";

export interface KafkaBusOptions {
  /** host:port list (DOCMESH_KAFKA_BROKERS, comma-separated). */
  brokers: string[];
  clientId?: string;
  /** Replication factor for topics created by ensureTopics; -1 = the broker default. */
  replicationFactor?: number;
  /** Partitions handled in parallel per subscription. Default 8. */
  partitionsConsumedConcurrently?: number;
  /** Longest time between offset commits inside a long batch. Default 1000 ms. */
  commitIntervalMs?: number;
  /** Heartbeat timer period while a handler runs. Default 1000 ms (kafkajs sends at most one per heartbeatInterval). */
  heartbeatTimerMs?: number;
  sessionTimeoutMs?: number;
  /** How long subscribe() waits for the first group join before resolving anyway. Default 30 s. */
  joinTimeoutMs?: number;
  logLevel?: logLevel;
  /** Extra kafkajs client settings (retry, connectionTimeout, ...). */
  kafka?: Partial<KafkaConfig>;
}

interface PendingPublish {
  topic: string;
  messages: Message[];
  resolve(): void;
  reject(error: unknown): void;
}

const log = logger("kafka-bus");

const isRebalancing = (e: unknown): boolean => {
  const type = (e as { type?: string } | undefined)?.type;
  return (
    type === "REBALANCE_IN_PROGRESS" || type === "NOT_COORDINATOR_FOR_GROUP" || type === "ILLEGAL_GENERATION"
  );
};

function headersIn(raw: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value === undefined) continue;
    const v = Array.isArray(value) ? value[value.length - 1] : value;
    if (v !== undefined) out[name] = typeof v === "string" ? v : v.toString("utf8");
  }
  return out;
}

export class KafkaBus implements EventBus {
  readonly kafka: Kafka;
  private producer: Producer;
  private producerReady: Promise<void> | undefined;
  private outbox: PendingPublish[] = [];
  private sending: Promise<void> | undefined;
  private readonly admin: Admin;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly partitionCounts = new Map<string, number>();
  private connected: Promise<void> | undefined;

  constructor(readonly options: KafkaBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? "docmesh",
      brokers: options.brokers,
      logLevel: options.logLevel ?? logLevel.ERROR,
      ...options.kafka,
    });
    this.producer = this.newProducer();
    this.admin = this.kafka.admin();
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  private async readyProducer(): Promise<Producer> {
    const producer = this.producer;
    this.producerReady ??= producer.connect().catch((error) => {
      this.producerReady = undefined;
      throw unavailable("cannot connect the Kafka producer", error);
    });
    await this.producerReady;
    return producer;
  }

  /**
   * After a failed send the idempotent producer's sequence numbers may no longer match the broker's
   * (kafkajs then fails every later send with OUT_OF_ORDER_SEQUENCE_NUMBER, e.g. after a broker
   * restart). Replace it: a new producer id starts fresh sequences. A send that did reach the broker
   * before failing may then be duplicated by the caller's retry; consumers deduplicate by event id.
   */
  private resetProducer(failed: Producer): void {
    if (this.producer !== failed) return;
    this.producer = this.newProducer();
    this.producerReady = undefined;
    void failed.disconnect().catch(() => {});
  }

  /** Connects the admin client (ensureTopics/subscribe do it on first use; the producer connects on first publish). */
  connect(): Promise<void> {
    this.connected ??= this.admin.connect().then(
      () => {},
      (error) => {
        this.connected = undefined;
        throw unavailable("cannot connect to Kafka", error);
      },
    );
    return this.connected;
  }

  /**
   * Creates missing topics (partitions, retention.ms), grows partition counts, and sets retention.
   * Retried with backoff while the cluster reports transient states (e.g. leaders not elected yet
   * right after a broker restart); still failing after ~20 s → `unavailable`.
   */
  ensureTopics(specs: TopicSpec[]): Promise<void> {
    return this.retrying(`ensureTopics(${specs.map((s) => s.name).join(", ")})`, () =>
      this.ensureTopicsOnce(specs),
    );
  }

  private async retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const retriable =
          error instanceof DocmeshError
            ? error.retriable
            : (error as { retriable?: boolean }).retriable === true;
        if (!retriable || attempt >= 10) {
          if (error instanceof DocmeshError) throw error;
          throw unavailable(`${what} failed`, error);
        }
        await sleep(Math.min(3000, 300 * 2 ** (attempt - 1)));
      }
    }
  }

  private async ensureTopicsOnce(specs: TopicSpec[]): Promise<void> {
    await this.connect();
    const existing = new Set(await this.admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      await this.admin
        .createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: this.options.replicationFactor ?? -1,
            configEntries: [{ name: "retention.ms", value: String(s.retentionMs) }],
          })),
        })
        .catch((error: unknown) => {
          // Another process created it in between: fine, the checks below still run.
          if ((error as { type?: string }).type !== "TOPIC_ALREADY_EXISTS") throw error;
        });
    }
    const present = specs.filter((s) => existing.has(s.name));
    if (present.length === 0) {
      for (const s of specs) this.partitionCounts.set(s.name, s.partitions);
      return;
    }
    const { topics } = await this.admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
    const grow = present.filter((s) => {
      const have = topics.find((t) => t.name === s.name)?.partitions.length ?? 0;
      this.partitionCounts.set(s.name, Math.max(have, s.partitions));
      return have < s.partitions;
    });
    if (grow.length > 0) {
      // Growing a topic moves keys to other partitions: per-key order across the change is not kept.
      await this.admin.createPartitions({
        topicPartitions: grow.map((s) => ({ topic: s.name, count: s.partitions })),
      });
    }
    await this.admin.alterConfigs({
      validateOnly: false,
      resources: present.map((s) => ({
        type: 2, // ConfigResourceTypes.TOPIC
        name: s.name,
        configEntries: [{ name: "retention.ms", value: String(s.retentionMs) }],
      })),
    });
  }

  /** Partition count of a topic, from the cluster's metadata (0 when the topic does not exist). */
  async partitionsOf(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known !== undefined) return known;
    return this.retrying(`partitionsOf(${topic})`, async () => {
      await this.connect();
      if (!(await this.admin.listTopics()).includes(topic)) return 0;
      const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
      const n = topics[0]?.partitions.length ?? 0;
      this.partitionCounts.set(topic, n);
      return n;
    });
  }

  /**
   * Concurrent publish() calls are coalesced: while one produce request is in flight (idempotence
   * allows one per connection), the calls that arrive queue up and go out together in the next
   * sendBatch, in call order (so per-key order follows call order). Each call resolves when the
   * request carrying its records is acknowledged by all in-sync replicas.
   */
  publish(topic: string, records: OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const active = context.active();
    const messages: Message[] = records.map((r) => {
      const headers: Record<string, string> = {};
      propagation.inject(active, headers);
      Object.assign(headers, r.headers);
      return {
        key: r.key,
        value: Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength),
        headers,
      };
    });
    return new Promise<void>((resolve, reject) => {
      this.outbox.push({ topic, messages, resolve, reject });
      this.sending ??= this.sendLoop();
    });
  }

  private async sendLoop(): Promise<void> {
    try {
      while (this.outbox.length > 0) {
        let count = 0;
        let take = 0;
        while (
          take < this.outbox.length &&
          (take === 0 || count + (this.outbox[take]?.messages.length ?? 0) <= 10_000)
        ) {
          count += this.outbox[take]?.messages.length ?? 0;
          take++;
        }
        const batch = this.outbox.splice(0, take);
        try {
          await this.sendTogether(batch);
          for (const p of batch) p.resolve();
        } catch (error) {
          if (batch.length === 1) {
            batch[0]?.reject(error);
            continue;
          }
          // Attribute the failure: send each call on its own (a missing topic fails only its caller).
          for (const p of batch) await this.sendTogether([p]).then(p.resolve, p.reject);
        }
      }
    } finally {
      this.sending = undefined;
    }
  }

  private async sendTogether(batch: PendingPublish[]): Promise<void> {
    const producer = await this.readyProducer();
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      const list = byTopic.get(p.topic);
      if (list) list.push(...p.messages);
      else byTopic.set(p.topic, [...p.messages]);
    }
    const count = batch.reduce((n, p) => n + p.messages.length, 0);
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type === "UNKNOWN_TOPIC_OR_PARTITION") {
        throw new DocmeshError(
          "not_found",
          `topic ${[...byTopic.keys()].join(", ")} does not exist; call ensureTopics first`,
          false,
          {
            cause: error,
          },
        );
      }
      this.resetProducer(producer);
      throw unavailable(`publishing ${count} record(s) to ${[...byTopic.keys()].join(", ")} failed`, error);
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    await this.connect();
    const partitions = await this.partitionsOf(options.topic);
    if (partitions === 0) throw new DocmeshError("not_found", `topic ${options.topic} does not exist`);
    if (options.deadLetterTopic && (await this.partitionsOf(options.deadLetterTopic)) === 0) {
      await this.ensureTopics([{ name: options.deadLetterTopic, partitions, retentionMs: -1 }]);
    }
    const sub = new KafkaSubscription(this, options);
    this.subscriptions.add(sub);
    await sub.start();
    return {
      stop: async () => {
        this.subscriptions.delete(sub);
        await sub.stop();
      },
    };
  }

  /**
   * Where a "latest" subscription starts: the end offset of each partition the group has no committed
   * offset for (all of them for an ephemeral group), read before the group is joined.
   */
  async startOffsets(options: SubscribeOptions): Promise<Map<number, string>> {
    await this.connect();
    const ends = await this.admin.fetchTopicOffsets(options.topic);
    const committed = new Set<number>();
    if (!options.ephemeral) {
      const [mine] = await this.admin.fetchOffsets({ groupId: options.groupId, topics: [options.topic] });
      for (const p of mine?.partitions ?? []) if (Number(p.offset) >= 0) committed.add(p.partition);
    }
    return new Map(ends.filter((e) => !committed.has(e.partition)).map((e) => [e.partition, e.high]));
  }

  async consumerLag(groupId: string, topic: string): Promise<number[]> {
    await this.connect();
    const ends = await this.admin.fetchTopicOffsets(topic);
    const [mine] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = new Map((mine?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    const lag: number[] = [];
    for (const end of ends) {
      const at = committed.get(end.partition) ?? -1;
      lag[end.partition] = Math.max(0, Number(end.high) - (at >= 0 ? at : Number(end.low)));
    }
    return lag;
  }

  /** Removes an (empty) consumer group; a group the broker already dropped is fine. */
  async deleteGroup(groupId: string): Promise<void> {
    await this.connect();
    await this.admin.deleteGroups([groupId]).catch((error: unknown) => {
      const results = (error as { groups?: { errorCode: number; error?: { type?: string } }[] }).groups;
      if (results?.every((g) => g.errorCode === 0 || g.error?.type === "GROUP_ID_NOT_FOUND")) return;
      // Not fatal: an empty group without offsets expires on the broker by itself.
      log.warn("could not delete consumer group", { groupId, error });
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    while (this.sending) await this.sending.catch(() => {});
    this.subscriptions.clear();
    const producerReady = this.producerReady;
    this.producerReady = undefined;
    if (producerReady) await Promise.allSettled([this.producer.disconnect()]);
    if (this.connected) {
      this.connected = undefined;
      await Promise.allSettled([this.admin.disconnect()]);
    }
  }
}

class KafkaSubscription {
  private readonly consumer: Consumer;
  private readonly inFlight = new Set<AbortController>();
  private stopping: Promise<void> | undefined;
  /** Aborted by stop(): records still waiting for admission are left for the next owner. */
  private readonly halt = new AbortController();
  /** Batches handed back to kafkajs while some of their records still run (finishDetached). */
  private readonly detached = new Set<Promise<void>>();

  constructor(
    private readonly bus: KafkaBus,
    private readonly options: SubscribeOptions,
  ) {
    this.consumer = bus.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: bus.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3000,
      allowAutoTopicCreation: false,
      // Keep consuming after any failure of the client itself; handler failures never reach kafkajs.
      retry: { restartOnFailure: async () => true },
    });
  }

  async start(): Promise<void> {
    const { topic } = this.options;
    // "latest" means: from the end offsets as they are now. Left to kafkajs, the end would be read at
    // the first fetch, after subscribe() resolved, and records published in between would be skipped.
    const startAt =
      this.options.startFrom === "latest" ? await this.bus.startOffsets(this.options) : undefined;
    const joined = new Promise<void>((resolve) => {
      const off = this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
        off();
        // Emitted before the first fetch; with autoCommit off a seek only sets the fetch position.
        for (const partition of payload.memberAssignment[topic] ?? []) {
          const offset = startAt?.get(partition);
          if (offset !== undefined) this.consumer.seek({ topic, partition, offset });
        }
        resolve();
      });
      setTimeout(resolve, this.bus.options.joinTimeoutMs ?? 30_000).unref();
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topic], fromBeginning: this.options.startFrom !== "latest" });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.bus.options.partitionsConsumedConcurrently ?? 8,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    await joined;
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: Parameters<NonNullable<Parameters<Consumer["run"]>[0]>["eachBatch"] & {}>[0]): Promise<void> {
    const { topic, partition } = batch;
    const { deadLetterTopic, admission } = this.options;
    const policy = resolvePolicy(this.options.retry);
    const work = new AbortController();
    // Records waiting for admission give up when the batch's work stops or the subscription stops.
    const admissionSignal = AbortSignal.any([work.signal, this.halt.signal]);
    setMaxListeners(0, admissionSignal); // one listener per record waiting for admission
    this.inFlight.add(work);
    const window = new KeyOrderedWindow(
      this.options.concurrency ?? 1,
      () => isRunning() && !isStale() && !work.signal.aborted,
    );
    let committed: string | undefined;
    const commitIntervalMs = this.bus.options.commitIntervalMs ?? 1000;
    let lastCommit = Date.now();
    /** Commits the finished prefix; `fetchFrom` also moves kafkajs's fetch position there. */
    const commit = async (fetchFrom = true) => {
      const offset = window.committable();
      if (offset === undefined || offset === committed) return;
      if (fetchFrom) resolveOffset((BigInt(offset) - 1n).toString());
      if (!this.options.ephemeral)
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
      committed = offset;
      lastCommit = Date.now();
    };
    const beat = async () => {
      try {
        await heartbeat();
      } catch (error) {
        if (isRebalancing(error)) work.abort(error);
        else throw error;
      }
    };
    const timer = setInterval(() => void beat().catch(() => {}), this.bus.options.heartbeatTimerMs ?? 1000);
    let allStarted = false;
    let detached = false;
    try {
      for (const message of batch.messages) {
        await window.room();
        if (!isRunning() || isStale() || work.signal.aborted || window.stopped) break;
        const record = toBusRecord(topic, partition, message);
        const run = () =>
          context.with(propagation.extract(ROOT_CONTEXT, record.headers), () =>
            deliver(record, {
              handler: this.options.handler,
              policy,
              groupId: this.options.groupId,
              signal: work.signal,
              heartbeat: beat,
              deadLetter: deadLetterTopic
                ? (letter) => this.bus.publish(deadLetterTopic, [letter])
                : undefined,
            }),
          );
        window.start(message.offset, record.key, () =>
          admission ? admission.gate.run(admission.fairKey(record), run, admissionSignal) : run(),
        );
        if (Date.now() - lastCommit >= commitIntervalMs) await commit();
      }
      allStarted = !window.stopped && !work.signal.aborted;
      const last = batch.messages.at(-1);
      if (allStarted && last && !(await settlesWithin(window.drain(), DETACH_AFTER_MS))) {
        // kafkajs fetches again only once every partition's batch of the last fetch returned, so one
        // slow record (a document at its parse budget) would hold up the records of all partitions.
        // Hand the batch back instead: this partition pauses until its stragglers finish (its order
        // kept), the fetch position moves past the batch, the other partitions keep flowing.
        await commit();
        this.consumer.pause([{ topic, partitions: [partition] }]);
        resolveOffset(last.offset);
        detached = true;
        const first = batch.messages[0]?.offset ?? last.offset;
        const finishing = this.finishDetached({ topic, partition, first }, window, work, () =>
          commit(false),
        ).finally(() => {
          clearInterval(timer);
          this.inFlight.delete(work);
          this.detached.delete(finishing);
        });
        this.detached.add(finishing);
        return;
      }
      await window.drain();
      await commit();
    } catch (error) {
      // A commit failed (rebalance, broker gone): the uncommitted records are redelivered to whoever owns
      // the partition next; effects are idempotent by event id. Let kafkajs rejoin / reconnect, but
      // first stop this batch's handlers, so no record outlives the batch that delivered it.
      const wasAborted = work.signal.aborted;
      work.abort(error);
      await window.drain().catch(() => {});
      if (!wasAborted) throw error;
    } finally {
      if (!detached) {
        clearInterval(timer);
        this.inFlight.delete(work);
      }
    }
  }

  /**
   * The rest of a handed-back batch: waits for its records, commits, and resumes the partition. If
   * they fail to finish (rebalance, stop) the fetch position goes back to the first unfinished
   * record, so it is redelivered as from an ordinary batch.
   */
  private async finishDetached(
    { topic, partition, first }: { topic: string; partition: number; first: string },
    window: KeyOrderedWindow,
    work: AbortController,
    commit: () => Promise<void>,
  ): Promise<void> {
    let redeliver = false;
    try {
      await window.drain();
      await commit();
      redeliver = window.stopped; // some records came back aborted
    } catch (error) {
      redeliver = true;
      work.abort(error);
      await window.drain().catch(() => {});
    } finally {
      if (!this.halt.signal.aborted) {
        if (redeliver) this.consumer.seek({ topic, partition, offset: window.committable() ?? first });
        this.consumer.resume([{ topic, partitions: [partition] }]);
      }
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.halt.abort();
      const drainTimeoutMs = this.options.drainTimeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        for (const work of this.inFlight) work.abort(new Error("consumer stopping"));
      }, drainTimeoutMs);
      try {
        // Handed-back batches finish and commit while this member still owns their partitions.
        await Promise.allSettled([...this.detached]);
        // kafkajs stop(): no new fetches, waits for the running eachBatch calls (which stop after the
        // in-flight record and commit), then leaves the group.
        await this.consumer.disconnect();
      } finally {
        clearTimeout(timer);
      }
      if (this.options.ephemeral) await this.bus.deleteGroup(this.options.groupId);
    })();
    return this.stopping;
  }
}

/** How long a batch whose records all started may take before it is handed back to kafkajs. */
const DETACH_AFTER_MS = 200;

/** True if `promise` settles within `ms` (its rejection is rethrown), false if not yet. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

function toBusRecord(topic: string, partition: number, message: KafkaMessage): BusRecord {
  const value = message.value ?? Buffer.alloc(0);
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString("utf8") ?? "",
    value: new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
    headers: headersIn(message.headers),
    timestamp: Number(message.timestamp),
  };
}
