// The relay's part of a document's trace: one PRODUCER span per outbox row, a child of the span
// whose transaction wrote the row (its stored traceparent). The published record carries the
// relay span's own traceparent, so the consuming stage's span hangs below the publish.
import { context, propagation, type Span, SpanKind, trace } from "@opentelemetry/api";
import { markFailed } from "./failed-span.ts";
import { instruments } from "./instruments.ts";

export interface RelayedRow {
  document_id: string;
  topic: string;
  headers: Record<string, string>;
}

export interface RelaySpans {
  /** The headers to publish the row with. */
  headersOf(index: number): Record<string, string>;
  /** Ends every span: failed when `error` is given. */
  end(error?: unknown): void;
}

export function relaySpans(rows: readonly RelayedRow[]): RelaySpans {
  const tracer = trace.getTracer("docmesh.outbox");
  const spans: Span[] = [];
  const headers = rows.map((row) => {
    const parent = propagation.extract(context.active(), row.headers);
    const span = tracer.startSpan(
      `publish ${row.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "kafka",
          "messaging.operation.type": "send",
          "messaging.destination.name": row.topic,
          "messaging.kafka.message.key": row.document_id,
          "docmesh.document_id": row.document_id,
        },
      },
      parent,
    );
    spans.push(span);
    const out = { ...row.headers };
    propagation.inject(trace.setSpan(parent, span), out);
    return out;
  });
  return {
    headersOf: (index) => headers[index] ?? {},
    end(error) {
      for (const [i, span] of spans.entries()) {
        if (error !== undefined) {
          markFailed(span, error);
        } else {
          instruments().outboxPublished.add(1, { topic: rows[i]?.topic ?? "" });
        }
        span.end();
      }
    },
  };
}
