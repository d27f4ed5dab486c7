// Resumable progress watches. The server sends each update once per stream, in sequence order,
// with heartbeats while idle. A watch here remembers the last sequence seen per document; when the
// stream breaks (network, restart, no heartbeat for too long) it reopens with those cursors, so the
// caller sees every update exactly once and in order, across any number of reconnects.
import type { DocmeshClients } from "./client.ts";
import { DocmeshError, toDocmeshError } from "./errors.ts";
import type {
  BatchSummary,
  DocumentCursor,
  ProgressUpdate,
} from "./gen/docmesh/progress/v1/progress_service_pb.ts";

export type WatchEvent = { case: "update"; value: ProgressUpdate } | { case: "summary"; value: BatchSummary };

export interface WatchOptions {
  /** Resume points, e.g. saved from an earlier watch's `cursors()`. */
  cursors?: Iterable<{ document: string; afterSequence: bigint }>;
  /** Reopen attempts in a row without a message before giving up (default 10). */
  maxReconnects?: number;
  /** A stream silent this long is treated as dead and reopened (default 30 s; heartbeats arrive every few seconds). */
  idleTimeoutMs?: number;
  /** Backoff before the first reopen, doubled per failed attempt up to 5 s (default 200 ms). */
  initialBackoffMs?: number;
  signal?: AbortSignal;
  /** Called before each reopen, with the error that broke the stream. */
  onReconnect?: (error: DocmeshError, attempt: number) => void;
}

class IdleTimeout extends DocmeshError {}

/** Watches a batch or a document (`batches/{id}` or `documents/{id}`) to its end, resuming after disconnects. */
export class ProgressWatch implements AsyncIterable<WatchEvent> {
  readonly #positions = new Map<string, bigint>();
  #reconnects = 0;

  constructor(
    private readonly clients: DocmeshClients,
    readonly name: string,
    private readonly options: WatchOptions = {},
  ) {
    for (const cursor of options.cursors ?? []) this.#positions.set(cursor.document, cursor.afterSequence);
  }

  /** Where the watch stands: pass these as `cursors` to resume later, even from another process. */
  cursors(): DocumentCursor[] {
    return [...this.#positions].map(
      ([document, afterSequence]) => ({ document, afterSequence }) as DocumentCursor,
    );
  }

  /** Streams reopened so far. */
  get reconnects(): number {
    return this.#reconnects;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    const maxReconnects = this.options.maxReconnects ?? 10;
    let failures = 0;
    for (;;) {
      const idle = new AbortController();
      const signal = this.options.signal ? AbortSignal.any([this.options.signal, idle.signal]) : idle.signal;
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => idle.abort(new IdleTimeout("no message or heartbeat")),
          this.options.idleTimeoutMs ?? 30_000,
        );
      };
      try {
        arm();
        for await (const message of this.open(signal)) {
          arm();
          failures = 0;
          if (message.case === "update") {
            const update = message.value;
            // After a reopen the server resends from the cursor; anything at or below it was already seen.
            if (update.sequence <= (this.#positions.get(update.document) ?? 0n)) continue;
            this.#positions.set(update.document, update.sequence);
            yield { case: "update", value: update };
          } else if (message.case === "summary") {
            yield { case: "summary", value: message.value };
          }
        }
        return;
      } catch (thrown) {
        if (this.options.signal?.aborted) throw toDocmeshError(this.options.signal.reason ?? thrown);
        const error = idle.signal.aborted ? (idle.signal.reason as IdleTimeout) : toDocmeshError(thrown);
        if (!(error instanceof IdleTimeout) && !error.retryable) throw error;
        if (++failures > maxReconnects) throw error;
        this.#reconnects++;
        this.options.onReconnect?.(error, failures);
        const backoff = Math.min(5_000, (this.options.initialBackoffMs ?? 200) * 2 ** (failures - 1));
        await new Promise((resolve) => setTimeout(resolve, backoff));
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private async *open(signal: AbortSignal) {
    if (this.name.startsWith("batches/")) {
      const stream = this.clients.progress.watchBatch(
        { name: this.name, cursors: this.cursors() },
        { signal },
      );
      for await (const response of stream) yield response.message;
    } else {
      const afterSequence = this.#positions.get(this.name) ?? 0n;
      const stream = this.clients.progress.watchDocument({ name: this.name, afterSequence }, { signal });
      for await (const response of stream) yield response.message;
    }
  }
}
