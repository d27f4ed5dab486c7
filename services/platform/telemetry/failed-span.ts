import { type Span, SpanStatusCode } from "@opentelemetry/api";

/** Marks `span` as failed by `error` (recorded as an exception event). */
export function markFailed(span: Span, error: unknown): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
}
