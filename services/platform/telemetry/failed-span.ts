import { type Span, SpanStatusCode } from "@opentelemetry/api";

/** Marks `span` as failed by `error` (recorded as an exception event). */
export function markFailed(span: Span, error: unknown): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
}

/**
 * Runs `work` for `span`: a failure marks the span and is rethrown; either way the span ends and
 * `recorded` gets the duration in seconds and the outcome (for the caller's latency metrics).
 */
export async function settleSpan<R>(
  span: Span,
  work: () => Promise<R>,
  recorded: (seconds: number, outcome: "ok" | "error") => void,
): Promise<R> {
  const started = performance.now();
  let outcome: "ok" | "error" = "ok";
  try {
    return await work();
  } catch (error) {
    outcome = "error";
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
    recorded((performance.now() - started) / 1000, outcome);
  }
}
