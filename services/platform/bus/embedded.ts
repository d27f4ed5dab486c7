// The embedded event bus: in-process, durable on local disk, for `npm start` (single process).
//
// Layout under the directory it is given:
//   topics/<topic>/meta.json           {"partitions": n, "retentionMs": ms}   (atomic write+rename)
//   topics/<topic>/<partition>.log     append-only, length-prefixed, crc32-checked records (partition-log.ts)
//   groups/<group>/<topic>.json        committed next offset per partition     (atomic write+rename)
//
// Same partitioning as Kafka (murmur2 of the key), per-partition order, consumer groups with
// committed offsets, and the retry / dead-letter rules of delivery.ts. publish() resolves after
// fdatasync; offsets are committed after the handler resolved (per fetched batch, and at least
// every second during long batches), so a restart loses no published record and redelivers only
// records whose handler had not resolved-and-committed. Within a process a group's partitions are
// spread over its subscribers (partition p → subscriber p mod n); every group sees every record.
// A new group starts at offset 0, or at the end with startFrom "latest"; an ephemeral group keeps
// its offsets in memory only (no groups/ directory).
// Not covered: several processes on one directory (single writer), retention (kept forever).
import { setMaxListeners } from "node:events";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DocmeshError } from "../errors.ts";
import type {
  BusRecord,
  EventBus,
  OutgoingRecord,
  RetryPolicy,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from "./bus.ts";
import { deliver, resolvePolicy } from "./delivery.ts";
import { writeFileAtomic } from "./fsutil.ts";
import { KeyOrderedWindow } from "./key-window.ts";
import { partitionForKey } from "./murmur2.ts";
import { PartitionLog, type StoredRecord } from "./partition-log.ts";

export interface EmbeddedBusOptions {
  /** Where topics and offsets live; created if missing. */
  directory: string;
  /** Records fetched per partition read. Default 500. */
  maxBatch?: number;
  /** Longest time between offset commits while working through a batch. Default 1000 ms. */
  commitIntervalMs?: number;
}

interface Topic {
  spec: TopicSpec;
  logs: PartitionLog[];
}

const NAME = /^[A-Za-z0-9._-]{1,249}$/;

function checkName(kind: string, name: string): void {
  if (!NAME.test(name) || name === "." || name === "..") {
    throw new DocmeshError("invalid", `${kind} name ${JSON.stringify(name)} must match ${NAME}`);
  }
}

export class EmbeddedBus implements EventBus {
  private readonly topics = new Map<string, Topic>();
  private readonly groups = new Map<string, Group>();
  private readonly subscriptions = new Set<Member>();
  private topicLock: Promise<unknown> = Promise.resolve();
  private closed = false;
  readonly maxBatch: number;
  readonly commitIntervalMs: number;

  private constructor(
    readonly directory: string,
    options: EmbeddedBusOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.commitIntervalMs = options.commitIntervalMs ?? 1000;
  }

  /**
   * Opens the bus and every existing topic (scanning each partition log and truncating a torn tail).
   * One process per directory: a LOCK file holding the owner's pid refuses a second live owner and is
   * taken over when its pid is gone (e.g. after kill -9).
   */
  static async open(options: EmbeddedBusOptions): Promise<EmbeddedBus> {
    const bus = new EmbeddedBus(options.directory, options);
    await mkdir(join(options.directory, "topics"), { recursive: true });
    await mkdir(join(options.directory, "groups"), { recursive: true });
    await acquireLock(join(options.directory, "LOCK"));
    for (const name of await readdir(join(options.directory, "topics"))) {
      const meta = await readFile(join(options.directory, "topics", name, "meta.json"), "utf8").catch(
        () => undefined,
      );
      if (meta === undefined) continue;
      const spec = JSON.parse(meta) as Omit<TopicSpec, "name">;
      await bus.openTopic({ name, partitions: spec.partitions, retentionMs: spec.retentionMs });
    }
    return bus;
  }

  /** Bytes cut from torn log tails when the bus opened, per topic (for tests and startup logs). */
  truncatedOnOpen(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, topic] of this.topics) {
      const bytes = topic.logs.reduce((sum, log) => sum + log.truncatedBytes, 0);
      if (bytes > 0) out[name] = bytes;
    }
    return out;
  }

  private async openTopic(spec: TopicSpec): Promise<Topic> {
    const dir = join(this.directory, "topics", spec.name);
    await mkdir(dir, { recursive: true });
    const existing = this.topics.get(spec.name);
    const logs = existing?.logs ?? [];
    for (let p = logs.length; p < spec.partitions; p++)
      logs.push(await PartitionLog.open(join(dir, `${p}.log`)));
    const topic = { spec, logs };
    this.topics.set(spec.name, topic);
    return topic;
  }

  private withTopicLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.topicLock.then(fn, fn);
    this.topicLock = run.catch(() => {});
    return run;
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    this.checkOpen();
    for (const spec of specs) {
      checkName("topic", spec.name);
      if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
        throw new DocmeshError("invalid", `topic ${spec.name}: partitions must be a positive integer`);
      }
      await this.withTopicLock(async () => {
        const existing = this.topics.get(spec.name);
        // Like Kafka: partitions can grow, never shrink.
        const partitions = Math.max(spec.partitions, existing?.spec.partitions ?? 0);
        const next = { name: spec.name, partitions, retentionMs: spec.retentionMs };
        if (
          existing &&
          existing.spec.partitions === partitions &&
          existing.spec.retentionMs === spec.retentionMs
        )
          return;
        await writeFileAtomic(
          join(this.directory, "topics", spec.name, "meta.json"),
          JSON.stringify({ partitions, retentionMs: spec.retentionMs }),
        );
        await this.openTopic(next);
      });
    }
  }

  private topic(name: string): Topic {
    const topic = this.topics.get(name);
    if (!topic) throw new DocmeshError("not_found", `topic ${name} does not exist; call ensureTopics first`);
    return topic;
  }

  /** Number of partitions of a topic (an admin helper the contract tests use). */
  partitionsOf(name: string): number {
    return this.topic(name).spec.partitions;
  }

  async publish(topicName: string, records: OutgoingRecord[]): Promise<void> {
    this.checkOpen();
    const topic = this.topic(topicName);
    const now = Date.now();
    const byPartition = new Map<number, OutgoingRecord[]>();
    for (const record of records) {
      const p = partitionForKey(record.key, topic.spec.partitions);
      const list = byPartition.get(p);
      if (list) list.push(record);
      else byPartition.set(p, [record]);
    }
    await Promise.all(
      [...byPartition].map(([p, list]) =>
        logAt(topic, p).append(
          list.map((r) => ({ key: r.key, value: r.value, headers: r.headers ?? {}, timestamp: now })),
        ),
      ),
    );
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.checkOpen();
    checkName("group", options.groupId);
    const topic = this.topic(options.topic);
    if (options.deadLetterTopic && !this.topics.has(options.deadLetterTopic)) {
      await this.ensureTopics([
        {
          name: options.deadLetterTopic,
          partitions: topic.spec.partitions,
          retentionMs: topic.spec.retentionMs,
        },
      ]);
    }
    const policy = resolvePolicy(options.retry);
    const key = groupKey(options.groupId, options.topic);
    let group = this.groups.get(key);
    if (!group) {
      group = await Group.load(this, options, topic);
      this.groups.set(key, group);
    }
    const member = new Member(options, policy, group);
    this.subscriptions.add(member);
    await group.join(member);
    return {
      stop: async () => {
        this.subscriptions.delete(member);
        await group.leave(member);
      },
    };
  }

  async consumerLag(groupId: string, topicName: string): Promise<number[]> {
    const topic = this.topic(topicName);
    const live = this.groups.get(groupKey(groupId, topicName));
    const saved = live
      ? undefined
      : (JSON.parse(await readFile(this.offsetsPath(groupId, topicName), "utf8").catch(() => "{}")) as Record<
          string,
          number
        >);
    return topic.logs.map(
      (log, p) =>
        log.endOffset - Math.min(live ? (live.offsets[p] ?? 0) : (saved?.[String(p)] ?? 0), log.endOffset),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((m) => m.group.leave(m)));
    this.subscriptions.clear();
    this.closed = true;
    for (const topic of this.topics.values()) for (const log of topic.logs) await log.close();
    await rm(join(this.directory, "LOCK"), { force: true });
  }

  private checkOpen(): void {
    if (this.closed) throw new DocmeshError("precondition", "the embedded bus is closed");
  }

  /** @internal An ephemeral group whose last member left: a later subscribe starts afresh. */
  forgetGroup(groupId: string, topic: string): void {
    this.groups.delete(groupKey(groupId, topic));
  }

  /** @internal */
  offsetsPath(groupId: string, topic: string): string {
    return join(this.directory, "groups", groupId, `${topic}.json`);
  }
}

class Member {
  constructor(
    readonly options: SubscribeOptions,
    readonly policy: RetryPolicy,
    readonly group: Group,
  ) {}
  left = false;
}

/** A consumer group on one topic: committed offsets plus the partition workers of its members. */
class Group {
  private members: Member[] = [];
  private readonly workers = new Map<number, Worker>();
  private lock: Promise<unknown> = Promise.resolve();
  private written: number[];
  private writing: Promise<void> | undefined;

  private constructor(
    readonly bus: EmbeddedBus,
    readonly groupId: string,
    readonly topic: Topic,
    /** Committed next offset per partition. */
    readonly offsets: number[],
    /** Offsets stay in memory only; the group's directory is removed when its last member leaves. */
    readonly ephemeral: boolean,
  ) {
    this.written = [...offsets];
  }

  /** A group without committed offsets starts at 0, or at the current end for startFrom "latest". */
  static async load(bus: EmbeddedBus, options: SubscribeOptions, topic: Topic): Promise<Group> {
    const { groupId } = options;
    const raw = await readFile(bus.offsetsPath(groupId, topic.spec.name), "utf8").catch(() => "{}");
    const saved = JSON.parse(raw) as Record<string, number>;
    const offsets = topic.logs.map((log, p) =>
      Math.min(saved[String(p)] ?? (options.startFrom === "latest" ? log.endOffset : 0), log.endOffset),
    );
    return new Group(bus, groupId, topic, offsets, options.ephemeral === true);
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => {});
    return run;
  }

  join(member: Member): Promise<void> {
    return this.serialized(async () => {
      this.members.push(member);
      await this.rebalance();
    });
  }

  leave(member: Member): Promise<void> {
    return this.serialized(async () => {
      if (member.left) return;
      member.left = true;
      const mine = [...this.workers].filter(([, w]) => w.member === member);
      await Promise.all(mine.map(([, w]) => w.drain(member.options.drainTimeoutMs ?? 30_000)));
      for (const [p] of mine) this.workers.delete(p);
      this.members = this.members.filter((m) => m !== member);
      await this.rebalance();
      if (this.ephemeral && this.members.length === 0) {
        await rm(join(this.bus.directory, "groups", this.groupId), { recursive: true, force: true });
        this.bus.forgetGroup(this.groupId, this.topic.spec.name);
      }
    });
  }

  /** Partition p goes to member p mod n; a partition changing hands is revoked (signal aborted) first. */
  private async rebalance(): Promise<void> {
    const n = this.members.length;
    const partitions = this.topic.logs.length;
    const revoked: Worker[] = [];
    for (let p = 0; p < partitions; p++) {
      const owner = n > 0 ? this.members[p % n] : undefined;
      const current = this.workers.get(p);
      if (current && current.member !== owner) {
        revoked.push(current);
        this.workers.delete(p);
      }
    }
    await Promise.all(revoked.map((w) => w.revoke()));
    for (let p = 0; p < partitions; p++) {
      const owner = n > 0 ? this.members[p % n] : undefined;
      if (owner && !this.workers.has(p)) {
        const worker = new Worker(this, owner, p);
        this.workers.set(p, worker);
        worker.start();
      }
    }
  }

  /** Persist offsets[partition] = next; concurrent commits of several partitions share one atomic write. */
  async commit(partition: number, next: number): Promise<void> {
    this.offsets[partition] = next;
    if (this.ephemeral) return;
    while (this.written[partition] !== this.offsets[partition]) {
      if (!this.writing) {
        const snapshot = [...this.offsets];
        this.writing = writeFileAtomic(
          this.bus.offsetsPath(this.groupId, this.topic.spec.name),
          JSON.stringify(Object.fromEntries(snapshot.map((o, p) => [String(p), o]))),
        )
          .then(() => {
            this.written = snapshot;
          })
          .finally(() => {
            this.writing = undefined;
          });
      }
      await this.writing;
    }
  }
}

/** Feeds one partition to one member's handler: in order, or key-ordered with `concurrency` > 1. */
class Worker {
  /** Aborted to stop fetching new records (records waiting for admission listen to it too). */
  private readonly fetching = unlimitedListeners(new AbortController());
  /** Aborted to stop the in-flight handler (revocation, or the drain timeout on stop). */
  private readonly work = new AbortController();
  private done: Promise<void> = Promise.resolve();

  constructor(
    readonly group: Group,
    readonly member: Member,
    readonly partition: number,
  ) {}

  start(): void {
    this.done = this.run().catch((error) => {
      // A failure of the bus itself (disk): surface it, the partition stays uncommitted past this point.
      console.error(
        `embedded bus: partition worker ${this.group.topic.spec.name}/${this.partition} failed`,
        error,
      );
    });
  }

  /**
   * Reads ahead continuously: new records are fetched while earlier ones are still in the handler (up
   * to the window's limit), so a record that arrives behind a long backlog is seen at once and fair
   * admission (options.admission) can let it in before the backlog. Commits the finished prefix at
   * least every commitIntervalMs, also while waiting for new records.
   */
  private async run(): Promise<void> {
    const { options, policy } = this.member;
    const { deadLetterTopic, admission } = options;
    const log = logAt(this.group.topic, this.partition);
    const topicName = this.group.topic.spec.name;
    const { commitIntervalMs, maxBatch } = this.group.bus;
    let next = this.group.offsets[this.partition] ?? 0;
    let fetchFrom = next;
    let lastCommit = Date.now();
    const window = new KeyOrderedWindow(options.concurrency ?? 1, () => !this.fetching.signal.aborted);
    const commit = async () => {
      const finished = window.committable();
      if (finished !== undefined) next = Number(finished);
      await this.group.commit(this.partition, next);
      lastCommit = Date.now();
    };
    try {
      while (!this.fetching.signal.aborted && !window.stopped) {
        const batch = await log.read(fetchFrom, maxBatch);
        if (batch.length === 0) {
          await commit();
          const tick = AbortSignal.any([this.fetching.signal, AbortSignal.timeout(commitIntervalMs)]);
          await log.waitFor(fetchFrom, tick);
          continue;
        }
        for (const stored of batch) {
          await window.room();
          if (this.fetching.signal.aborted || window.stopped) break;
          const record = toBusRecord(topicName, this.partition, stored);
          const work = () =>
            deliver(record, {
              handler: options.handler,
              policy,
              groupId: options.groupId,
              signal: this.work.signal,
              heartbeat: async () => {},
              deadLetter: deadLetterTopic
                ? (letter) => this.group.bus.publish(deadLetterTopic, [letter])
                : undefined,
            });
          window.start(String(stored.offset), record.key, () =>
            admission ? admission.gate.run(admission.fairKey(record), work, this.fetching.signal) : work(),
          );
          fetchFrom = stored.offset + 1;
          if (Date.now() - lastCommit >= commitIntervalMs) await commit();
        }
      }
      await window.drain();
    } finally {
      await commit();
    }
  }

  /** Stop fetching, let the in-flight handler finish (up to the timeout), then abort it; commits what finished. */
  async drain(timeoutMs: number): Promise<void> {
    this.fetching.abort();
    const timer = setTimeout(() => this.work.abort(), timeoutMs);
    try {
      await this.done;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The partition moves to another member: abort in-flight work now; it is redelivered to the new owner. */
  async revoke(): Promise<void> {
    this.fetching.abort();
    this.work.abort();
    await this.done;
  }
}

/** Every record waiting for admission listens to its consumer's signal: thousands are expected. */
function unlimitedListeners(controller: AbortController): AbortController {
  setMaxListeners(0, controller.signal);
  return controller;
}

const groupKey = (groupId: string, topic: string): string => `${groupId}\u0000${topic}`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function acquireLock(path: string): Promise<void> {
  for (let tries = 0; tries < 3; tries++) {
    try {
      await writeFile(path, String(process.pid), { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number((await readFile(path, "utf8").catch(() => "")).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new DocmeshError(
        "precondition",
        `${path} is held by process ${owner}: the embedded bus allows one process per directory`,
      );
    }
    await rm(path, { force: true }); // stale: its owner is gone (or it is ours from an unclosed bus)
  }
  throw new DocmeshError("precondition", `could not take ${path}`);
}

function logAt(topic: Topic, partition: number): PartitionLog {
  const log = topic.logs[partition];
  if (!log) throw new Error(`topic ${topic.spec.name} has no partition ${partition}`);
  return log;
}

function toBusRecord(topic: string, partition: number, stored: StoredRecord): BusRecord {
  return {
    topic,
    partition,
    offset: String(stored.offset),
    key: stored.key,
    value: stored.value,
    headers: stored.headers,
    timestamp: stored.timestamp,
  };
}
