// Sends due deliveries. Its state is all in SQL, so it never holds up the event consumer: intake
// only inserts rows, and this loop works them off at its own pace. A slow or failing endpoint
// occupies at most PER_ENDPOINT of this process's `concurrency` slots, so other endpoints (and
// tenants) keep being served. Several processes share the work through leases.
import { setMaxListeners } from "node:events";
import { backoffMs } from "../platform/bus/bus.ts";
import { logger } from "../platform/log.ts";
import type { ClaimedDelivery, DeliveryStore } from "./delivery-store.ts";
import { type SendOptions, send } from "./sender.ts";

export interface DispatchOptions extends SendOptions {
  /** Deliveries in flight at once in this process. */
  concurrency: number;
  /** Attempts per round before a delivery is FAILED. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** How often to look for due deliveries when nothing woke the loop. */
  pollMs: number;
}

/** Sends to one endpoint at most this many at once per process. */
export const PER_ENDPOINT = 4;

const log = logger("webhooks");

export class Dispatcher {
  private readonly inFlight = new Map<string, number>();
  private readonly sending = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private kicked = false;

  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly options: DispatchOptions,
  ) {
    // Every request in flight listens on this one signal.
    setMaxListeners(options.concurrency + 10, this.abort.signal);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** New deliveries may be due: look now instead of at the next poll. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.sending]);
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      let claimed: ClaimedDelivery[] = [];
      const free = this.options.concurrency - this.sending.size;
      if (free > 0) {
        try {
          claimed = await this.deliveries.claim(
            free,
            this.inFlight,
            PER_ENDPOINT,
            this.options.timeoutMs + 30_000,
          );
        } catch (error) {
          log.warn("claiming due webhook deliveries failed; retrying", { error: String(error) });
        }
      }
      for (const delivery of claimed) this.launch(delivery);
      // More may be due right away; otherwise wait for a kick, a finished send or the poll.
      if (claimed.length > 0 && this.sending.size < this.options.concurrency) continue;
      await this.sleep();
    }
  }

  private launch(delivery: ClaimedDelivery): void {
    this.inFlight.set(delivery.endpointId, (this.inFlight.get(delivery.endpointId) ?? 0) + 1);
    const work = this.attempt(delivery).finally(() => {
      const left = (this.inFlight.get(delivery.endpointId) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(delivery.endpointId);
      else this.inFlight.set(delivery.endpointId, left);
      this.sending.delete(work);
      this.kick();
    });
    this.sending.add(work);
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const result = await send(
      {
        url: delivery.url,
        secret: delivery.secret,
        body: delivery.body,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        deliveryName: `webhookEndpoints/${delivery.endpointId}/deliveries/${delivery.id}`,
      },
      this.options,
      this.abort.signal,
    );
    // Cut short by stop(): not the endpoint's failure; the lease expires and another process sends it.
    if (this.abort.signal.aborted) return;
    try {
      if (result.ok) {
        await this.deliveries.succeeded(delivery, result.responseCode);
        return;
      }
      const attempt = delivery.roundAttempts + 1;
      const retryInMs =
        attempt < this.options.maxAttempts
          ? backoffMs(
              {
                maxAttempts: this.options.maxAttempts,
                initialBackoffMs: this.options.initialBackoffMs,
                maxBackoffMs: this.options.maxBackoffMs,
              },
              attempt,
            )
          : undefined;
      await this.deliveries.failed(delivery, { ...result, retryInMs });
    } catch (error) {
      // The lease expires and the delivery is tried again; the receiver dedupes by event id.
      log.warn("recording a webhook attempt failed", { delivery: delivery.id, error: String(error) });
    }
  }

  private sleep(): Promise<void> {
    if (this.kicked || this.abort.signal.aborted) {
      this.kicked = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    }).then(() => {
      this.kicked = false;
    });
  }
}
