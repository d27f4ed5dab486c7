// A thin wrapper around the `ollama` package: a hard timeout per attempt (AbortSignal), retries
// with exponential backoff and jitter for transient failures, and a circuit breaker around it all,
// so that a slow or dead server costs a bounded time per call and, once it is known to be down,
// nothing at all (calls fail fast with a retriable `unavailable` error).
import { type ChatRequest, type ChatResponse, type EmbedResponse, Ollama } from "ollama";
import { DocmeshError, unavailable } from "../../platform/errors.ts";
import { type BreakerOptions, CircuitBreaker, CircuitOpenError } from "./breaker.ts";

export interface OllamaClientOptions {
  /** Server URL, e.g. http://127.0.0.1:11434. */
  host: string;
  /** Hard limit per attempt of a chat (generation) call, default 180 s (a 270M model on 2 busy cores). */
  chatTimeoutMs?: number;
  /** Hard limit per attempt of an embed call, default 20 s. */
  embedTimeoutMs?: number;
  /** Further attempts after a transient failure (default 1, so at most 2 attempts). */
  retries?: number;
  /** First backoff delay; doubled per attempt with ±50% jitter, capped at 5 s (default 250 ms). */
  backoffMs?: number;
  breaker?: BreakerOptions | CircuitBreaker;
  /** For tests: the fetch to use (defaults to global fetch). */
  fetch?: typeof fetch;
}

/** Why an attempt failed, as far as retrying and the breaker are concerned. */
export function isTransient(err: unknown): boolean {
  if (err instanceof DocmeshError) return err.retriable;
  const status = (err as { status_code?: unknown }).status_code;
  if (typeof status === "number") return status >= 500 || status === 429 || status === 408;
  // Network errors (fetch failed, ECONNREFUSED, ECONNRESET), aborts and timeouts.
  return true;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class OllamaClient {
  readonly host: string;
  readonly breaker: CircuitBreaker;
  private readonly chatTimeoutMs: number;
  private readonly embedTimeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: OllamaClientOptions) {
    this.host = options.host.replace(/\/+$/, "");
    this.chatTimeoutMs = options.chatTimeoutMs ?? 180_000;
    this.embedTimeoutMs = options.embedTimeoutMs ?? 20_000;
    this.retries = Math.max(0, options.retries ?? 1);
    this.backoffMs = options.backoffMs ?? 250;
    this.fetchImpl = options.fetch ?? fetch;
    this.breaker =
      options.breaker instanceof CircuitBreaker
        ? options.breaker
        : new CircuitBreaker({ name: `ollama ${this.host}`, ...options.breaker });
  }

  chat(request: Omit<ChatRequest, "stream">): Promise<ChatResponse> {
    return this.call("chat", this.chatTimeoutMs, (o) => o.chat({ ...request, stream: false }));
  }

  embed(model: string, input: string[]): Promise<EmbedResponse> {
    return this.call("embed", this.embedTimeoutMs, (o) => o.embed({ model, input, truncate: true }));
  }

  /** One logical call: attempts through the breaker, with backoff between transient failures. */
  private async call<T>(what: string, timeoutMs: number, fn: (o: Ollama) => Promise<T>): Promise<T> {
    let last: unknown;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) {
        const base = Math.min(5_000, this.backoffMs * 2 ** (attempt - 1));
        await sleep(base * (0.5 + Math.random()));
      }
      try {
        return await this.breaker.run(() => this.attempt(what, timeoutMs, fn), isTransient);
      } catch (err) {
        if (err instanceof CircuitOpenError) throw err; // fail fast: no further attempts
        last = err;
        if (!isTransient(err) || this.breaker.state === "open") break;
      }
    }
    if (last instanceof DocmeshError) throw last;
    if (!isTransient(last)) {
      throw new DocmeshError("internal", `ollama ${what}: ${(last as Error).message}`, false, {
        cause: last,
      });
    }
    throw unavailable(
      `ollama ${what} failed after ${this.retries + 1} attempt(s): ${(last as Error).message}`,
      last,
    );
  }

  /** One attempt, with its own client whose fetch carries a timeout signal. */
  private async attempt<T>(what: string, timeoutMs: number, fn: (o: Ollama) => Promise<T>): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const fetchImpl = this.fetchImpl;
    const client = new Ollama({
      host: this.host,
      fetch: ((input: string | URL | Request, init?: RequestInit) =>
        fetchImpl(input, {
          ...init,
          signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
        })) as typeof fetch,
    });
    try {
      return await fn(client);
    } catch (err) {
      if (timeout.aborted) {
        throw unavailable(`ollama ${what}: no answer within ${timeoutMs} ms`, err);
      }
      throw err;
    }
  }
}
