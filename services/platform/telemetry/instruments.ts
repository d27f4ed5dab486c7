// Every metric a Docmesh process records, made once from the global meter. Made on first use, so
// a process that started telemetry (services/main.ts) gets real instruments and one that did not
// (unit tests) gets the API's no-op ones. Prometheus names: dots become underscores, counters
// get _total; units are in the names (seconds).
import { type Histogram, metrics } from "@opentelemetry/api";

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const CONFIDENCE = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.95, 0.98, 0.99, 1];

function create() {
  const meter = metrics.getMeter("docmesh");
  const seconds = (name: string, description: string): Histogram =>
    meter.createHistogram(name, { description, advice: { explicitBucketBoundaries: SECONDS } });
  return {
    meter,
    rpcRequests: meter.createCounter("docmesh_rpc_requests", {
      description: "RPCs handled, by method and Connect code (ok for success).",
    }),
    rpcSeconds: seconds(
      "docmesh_rpc_duration_seconds",
      "RPC handling time until the response (or its stream) ended.",
    ),
    stageSeconds: seconds(
      "docmesh_stage_duration_seconds",
      "Time a stage spent on one event, by stage and outcome.",
    ),
    stageEvents: meter.createCounter("docmesh_stage_events", {
      description: "Events a stage handled, by stage and outcome (ok, error).",
    }),
    parseSeconds: seconds(
      "docmesh_parse_duration_seconds",
      "Parsing one original (in a parser thread), by media type.",
    ),
    pages: meter.createCounter("docmesh_pages_parsed", {
      description: "Pages parsed; rate() gives pages per second.",
    }),
    ocrSeconds: meter.createCounter("docmesh_ocr_seconds", { description: "Seconds spent in OCR." }),
    aiSeconds: seconds("docmesh_ai_duration_seconds", "AI provider calls, by operation."),
    aiConfidence: meter.createHistogram("docmesh_ai_confidence", {
      description:
        "Confidence of AI answers: kind=classification (the category's) or field (each extracted field's).",
      advice: { explicitBucketBoundaries: CONFIDENCE },
    }),
    dependencySeconds: seconds(
      "docmesh_dependency_duration_seconds",
      "Calls to object storage and the search index, by port, operation and outcome.",
    ),
    outboxPublished: meter.createCounter("docmesh_outbox_published", {
      description: "Outbox rows the relay published, by topic.",
    }),
  };
}

let made: ReturnType<typeof create> | undefined;

/** The instruments, from the meter provider registered at the first call. */
export function instruments(): ReturnType<typeof create> {
  made ??= create();
  return made;
}
