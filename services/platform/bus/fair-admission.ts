// Admission of records into a consumer's handler, shared by every partition of a subscription (or
// several subscriptions): at most `permits` run at once, and when records wait, the next permit goes
// to the waiting fairness key with the fewest records running, ties to the key admitted longest ago
// (a key never admitted first), each key's records in arrival order. A stage keys records by tenant,
// so one tenant's 10,000-document batch queues behind itself while another tenant's single upload
// is admitted at the next free permit, even when the big tenant's last record got in without
// waiting. Per-key order inside a partition is the window's (key-window.ts): a record reaches
// admission only after the earlier records of its document finished, so admission never reorders
// one document's events. The parser pool uses the same gate for its threads (one hostile document
// per tenant at a time holds a thread others wait for).

interface Waiter {
  admit(): void;
}

export class FairAdmission {
  private running = 0;
  /** Waiting records per fairness key, in arrival order; a key is present only while it has waiters. */
  private readonly waiting = new Map<string, Waiter[]>();
  /** Records running per key (a key is present only while it has some). */
  private readonly runningByKey = new Map<string, number>();
  /** When each key was last admitted (a counter, not a clock); forgotten keys count as never. */
  private readonly lastAdmitted = new Map<string, number>();
  private admissions = 0;

  constructor(readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError("permits must be an integer ≥ 1");
  }

  /** Records waiting for a permit (for status and tests). */
  get queued(): number {
    let n = 0;
    for (const list of this.waiting.values()) n += list.length;
    return n;
  }

  /**
   * Runs `work` once a permit is free and it is `key`'s turn. Resolves "aborted" without running it
   * when `signal` aborts first (the consumer stops or loses the partition: the record is redelivered).
   */
  async run<T>(key: string, work: () => Promise<T>, signal: AbortSignal): Promise<T | "aborted"> {
    if (signal.aborted) return "aborted";
    if (this.running >= this.permits || this.waiting.size > 0) {
      const admitted = await new Promise<boolean>((resolve) => {
        const waiter: Waiter = {
          admit: () => {
            signal.removeEventListener("abort", onAbort);
            resolve(true);
          },
        };
        const onAbort = () => {
          this.remove(key, waiter);
          resolve(false);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        const list = this.waiting.get(key);
        if (list) list.push(waiter);
        else this.waiting.set(key, [waiter]);
        this.admitNext();
      });
      if (!admitted) return "aborted";
    } else {
      this.started(key);
    }
    try {
      return await work();
    } finally {
      this.running--;
      const left = (this.runningByKey.get(key) ?? 1) - 1;
      if (left > 0) this.runningByKey.set(key, left);
      else this.runningByKey.delete(key);
      this.admitNext();
    }
  }

  /** Hands free permits to waiting keys: fewest running first, then the one admitted longest ago. */
  private admitNext(): void {
    while (this.running < this.permits && this.waiting.size > 0) {
      const key = this.nextKey();
      const list = this.waiting.get(key) as Waiter[];
      const waiter = list.shift() as Waiter;
      if (list.length === 0) this.waiting.delete(key);
      this.started(key);
      waiter.admit();
    }
  }

  /** Map order is arrival order of the keys' first waiters, so equal keys go first come, first served. */
  private nextKey(): string {
    let best = "";
    let bestRunning = Number.POSITIVE_INFINITY;
    let bestLast = Number.POSITIVE_INFINITY;
    for (const key of this.waiting.keys()) {
      const running = this.runningByKey.get(key) ?? 0;
      const last = this.lastAdmitted.get(key) ?? -1;
      if (running < bestRunning || (running === bestRunning && last < bestLast)) {
        best = key;
        bestRunning = running;
        bestLast = last;
      }
    }
    return best;
  }

  private started(key: string): void {
    this.running++;
    this.runningByKey.set(key, (this.runningByKey.get(key) ?? 0) + 1);
    // Re-inserted so the map's order is admission order: the oldest entries can be dropped.
    this.lastAdmitted.delete(key);
    this.lastAdmitted.set(key, this.admissions++);
    if (this.lastAdmitted.size > MAX_REMEMBERED_KEYS) this.forgetOldest();
  }

  /** A key admitted long ago and idle since is as good as new: keep the memory bounded. */
  private forgetOldest(): void {
    for (const key of this.lastAdmitted.keys()) {
      if (this.lastAdmitted.size <= MAX_REMEMBERED_KEYS) return;
      this.lastAdmitted.delete(key);
    }
  }

  private remove(key: string, waiter: Waiter): void {
    const list = this.waiting.get(key);
    if (!list) return;
    const at = list.indexOf(waiter);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.waiting.delete(key);
  }
}

/** Keys whose last admission is remembered (tenants active recently); older ones count as never admitted. */
const MAX_REMEMBERED_KEYS = 10_000;
