// The span and metrics of one parse (which runs in a parser thread): its duration by media type,
// the pages it read (rate() of the counter is pages per second), and the OCR time inside it.

import { context, trace } from "@opentelemetry/api";
import type { ParsedDocument } from "../../parsing/types.ts";
import { settleSpan } from "./failed-span.ts";
import { instruments } from "./instruments.ts";

export interface OcrRun {
  /** Epoch milliseconds, measured in the parser thread. */
  startMs: number;
  endMs: number;
}

export async function tracedParse(
  mediaType: string,
  bytes: number,
  parse: () => Promise<{ doc: ParsedDocument; ocrRuns: OcrRun[] }>,
): Promise<ParsedDocument> {
  const tracer = trace.getTracer("docmesh.parsing");
  const span = tracer.startSpan("parse", {
    attributes: { "docmesh.media_type": mediaType, "docmesh.bytes": bytes },
  });
  return settleSpan(
    span,
    async () => {
      const { doc, ocrRuns } = await context.with(trace.setSpan(context.active(), span), parse);
      span.setAttributes({ "docmesh.pages": doc.pageCount, "docmesh.ocr": doc.ocr });
      instruments().pages.add(doc.pageCount, { media_type: mediaType });
      // OCR ran in the parser thread: its spans are made here, from the times the thread measured.
      const parent = trace.setSpan(context.active(), span);
      for (const run of ocrRuns) {
        tracer.startSpan("ocr", { startTime: run.startMs }, parent).end(run.endMs);
        instruments().ocrSeconds.add((run.endMs - run.startMs) / 1000);
      }
      return doc;
    },
    (seconds, outcome) => instruments().parseSeconds.record(seconds, { media_type: mediaType, outcome }),
  );
}
