// Handles the records of one partition with up to `limit` in flight at once, but never two of the
// same key together, so per-key order (all that consumers rely on: one key = one document) holds
// while a slow document no longer holds up the other documents of its partition. The position to
// commit is one past the longest finished prefix, so a crash or revocation redelivers only
// unfinished work and whatever finished behind it (stage effects are idempotent by event id).
// With limit 1 this is the plain one-record-at-a-time loop.
import type { Outcome } from "./delivery.ts";

interface Slot {
  offset: bigint;
  finished: boolean;
}

/** Finished-but-uncommittable records kept behind a slow head, per unit of `limit`, before submit() waits. */
const OUTSTANDING_PER_SLOT = 64;

export class KeyOrderedWindow {
  /** Submitted records in offset order, from the first unfinished one. */
  private readonly slots: Slot[] = [];
  private head = 0;
  /** The last task of each key: the next record of that key starts after it. */
  private readonly tails = new Map<string, Promise<Outcome>>();
  private readonly running = new Set<Promise<void>>();
  private next: bigint | undefined;
  private halted = false;
  private failure: unknown;

  /** `mayStart` is asked right before each record's handler starts; false leaves it (and the rest) undelivered. */
  constructor(
    private readonly limit: number,
    private readonly mayStart: () => boolean = () => true,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError("window limit must be an integer ≥ 1");
  }

  /** True once a record came back "aborted" (or failed): submit nothing more, drain and commit what finished. */
  get stopped(): boolean {
    return this.halted;
  }

  /** Resolves when another record may be started (check `stopped` and your own stop flags after it). */
  async room(): Promise<void> {
    while (
      this.running.size > 0 &&
      (this.running.size >= this.limit || this.slots.length - this.head >= this.limit * OUTSTANDING_PER_SLOT)
    ) {
      await Promise.race(this.running);
      this.prune();
    }
  }

  /** Queues `run` behind the earlier records of `key`. Call in offset order, after room(). */
  start(offset: string, key: string, run: () => Promise<Outcome>): void {
    if (this.halted) return;
    const slot: Slot = { offset: BigInt(offset), finished: false };
    this.slots.push(slot);
    const previous = this.tails.get(key);
    const task = (async (): Promise<Outcome> => {
      if (previous && (await previous) === "aborted") return "aborted";
      if (this.halted || !this.mayStart()) return "aborted";
      return run();
    })();
    this.tails.set(key, task);
    const tracked: Promise<void> = task
      .then(
        (outcome) => {
          if (outcome === "aborted") this.halted = true;
          else slot.finished = true;
        },
        (error: unknown) => {
          this.halted = true;
          this.failure ??= error;
        },
      )
      .finally(() => {
        this.running.delete(tracked);
        if (this.tails.get(key) === task) this.tails.delete(key);
      });
    this.running.add(tracked);
  }

  /** The offset to commit next (one past the finished prefix), or undefined when nothing has finished yet. */
  committable(): string | undefined {
    this.prune();
    return this.next?.toString();
  }

  /** Waits for every submitted record; rethrows the first unexpected failure. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    this.prune();
    if (this.failure !== undefined) throw this.failure;
  }

  private prune(): void {
    while (this.head < this.slots.length && this.slots[this.head]?.finished) {
      this.next = (this.slots[this.head]?.offset ?? 0n) + 1n;
      this.head++;
    }
    // Drop the consumed prefix now and then instead of shifting on every record.
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots.splice(0, this.head);
      this.head = 0;
    }
  }
}
