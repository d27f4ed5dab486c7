// A circuit breaker for one dependency (the Ollama server): after `failureThreshold` consecutive
// failures it opens and every call fails fast with a retriable `unavailable` error; after
// `coolDownMs` it lets one trial call through (half-open). Success closes it, failure re-opens it.
import { DocmeshError } from "../../platform/errors.ts";

/** The `unavailable` (retriable) error a call gets, without being attempted, while the circuit is open. */
export class CircuitOpenError extends DocmeshError {
  override name = "CircuitOpenError";
  constructor(message: string) {
    super("unavailable", message, true);
  }
}

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through (default 30 s). */
  coolDownMs?: number;
  /** Name used in error messages. */
  name?: string;
  /** Clock, for tests. */
  now?: () => number;
}

export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly coolDownMs: number;
  private readonly label: string;
  private readonly now: () => number;
  private failures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;

  constructor(options: BreakerOptions = {}) {
    this.failureThreshold = Math.max(1, options.failureThreshold ?? 5);
    this.coolDownMs = Math.max(0, options.coolDownMs ?? 30_000);
    this.label = options.name ?? "dependency";
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.openedAt === undefined) return "closed";
    return this.now() - this.openedAt >= this.coolDownMs ? "half-open" : "open";
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /**
   * Runs `fn` through the breaker. `isFailure` decides which errors count against the dependency
   * (a bad request is the caller's fault, not the server's); by default every error counts.
   */
  async run<T>(fn: () => Promise<T>, isFailure: (err: unknown) => boolean = () => true): Promise<T> {
    const state = this.state;
    if (state === "open" || (state === "half-open" && this.trialInFlight)) {
      throw this.openError();
    }
    const trial = state === "half-open";
    if (trial) this.trialInFlight = true;
    try {
      const result = await fn();
      this.onSuccess();
      return result;
    } catch (err) {
      if (isFailure(err)) this.onFailure(trial);
      else if (trial) this.onSuccess(); // the server answered; it is up
      throw err;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }

  /** The error a call gets while the circuit is open. */
  openError(): CircuitOpenError {
    const retryIn = this.openedAt === undefined ? 0 : this.coolDownMs - (this.now() - this.openedAt);
    return new CircuitOpenError(
      `${this.label}: circuit open after ${this.failures} consecutive failures; next trial in ${Math.max(0, Math.ceil(retryIn))} ms`,
    );
  }

  private onSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
  }

  private onFailure(trial: boolean): void {
    this.failures++;
    if (trial || this.failures >= this.failureThreshold) this.openedAt = this.now();
  }
}
