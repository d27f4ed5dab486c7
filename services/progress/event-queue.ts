// A single-consumer queue that a watcher awaits with an idle timeout.

export type Next<T> = { kind: "item"; item: T } | { kind: "idle" } | { kind: "closed" };

export class EventQueue<T> {
  private readonly items: T[] = [];
  private waiter?: () => void;
  private closed = false;

  push(item: T): void {
    this.items.push(item);
    this.waiter?.();
  }

  close(): void {
    this.closed = true;
    this.waiter?.();
  }

  get size(): number {
    return this.items.length;
  }

  /** The next item; "idle" after `idleMs` without one; "closed" once closed and empty. */
  async next(idleMs: number): Promise<Next<T>> {
    if (this.items.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, idleMs);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    const item = this.items.shift();
    if (item !== undefined) return { kind: "item", item };
    return this.closed ? { kind: "closed" } : { kind: "idle" };
  }
}
