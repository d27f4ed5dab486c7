// Admission of records into a consumer's handler, shared by every partition of a subscription (or
// several subscriptions): at most `permits` run at once, and when records wait, the next permit goes
// to the next fairness key in turn (round robin), each key's records in arrival order. A stage keys
// records by tenant, so one tenant's 10,000-document batch queues behind itself while another
// tenant's single upload is admitted at the next free permit. Per-key order inside a partition is
// the window's (key-window.ts): a record reaches admission only after the earlier records of its
// document finished, so admission never reorders one document's events.

interface Waiter {
  admit(): void;
}

export class FairAdmission {
  private running = 0;
  /** Waiting records per fairness key, in arrival order; a key is present only while it has waiters. */
  private readonly waiting = new Map<string, Waiter[]>();
  /** Keys in turn order; the head is served next. */
  private readonly turn: string[] = [];

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
    if (this.running >= this.permits || this.turn.length > 0) {
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
        else {
          this.waiting.set(key, [waiter]);
          this.turn.push(key);
        }
        this.admitNext();
      });
      if (!admitted) return "aborted";
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      this.running--;
      this.admitNext();
    }
  }

  /** Hands free permits to the waiting keys in turn: one record per key, then the key goes to the back. */
  private admitNext(): void {
    while (this.running < this.permits && this.turn.length > 0) {
      const key = this.turn.shift() as string;
      const list = this.waiting.get(key);
      const waiter = list?.shift();
      if (!list || !waiter) continue;
      if (list.length > 0) this.turn.push(key);
      else this.waiting.delete(key);
      this.running++;
      waiter.admit();
    }
  }

  private remove(key: string, waiter: Waiter): void {
    const list = this.waiting.get(key);
    if (!list) return;
    const at = list.indexOf(waiter);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) {
      this.waiting.delete(key);
      const index = this.turn.indexOf(key);
      if (index >= 0) this.turn.splice(index, 1);
    }
  }
}
