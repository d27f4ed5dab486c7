// Spans and latency metrics around the calls a stage makes to object storage (MinIO or the local
// directory), the search index (OpenSearch or PGlite) and the AI provider. Wrapped once where the
// platform is opened, so every role and stage gets them without touching the adapters.
import { context, type Span, SpanKind, trace } from "@opentelemetry/api";
import type { AiProvider, Classification, Extraction } from "../../ai/ai.ts";
import { settleSpan } from "./failed-span.ts";
import { instruments } from "./instruments.ts";

const tracer = () => trace.getTracer("docmesh.ports");

/** Runs `call` in a CLIENT span named `${port}.${operation}`, recording its latency by outcome. */
async function traced<R>(
  port: string,
  operation: string,
  attributes: Record<string, string>,
  call: (span: Span) => Promise<R>,
): Promise<R> {
  const span = tracer().startSpan(`${port}.${operation}`, { kind: SpanKind.CLIENT, attributes });
  return settleSpan(
    span,
    () => context.with(trace.setSpan(context.active(), span), () => call(span)),
    (seconds, outcome) => {
      if (port === "ai") instruments().aiSeconds.record(seconds, { operation, outcome });
      else instruments().dependencySeconds.record(seconds, { port, operation, outcome });
    },
  );
}

const SYSTEM = Symbol("docmesh.system");

/** The engine behind a port that tracedPort wrapped; undefined for a port it did not wrap. */
export function tracedSystem(port: object): string | undefined {
  return (port as { [SYSTEM]?: string })[SYSTEM];
}

/**
 * One traced operation of `port` that does not go through tracedPort's proxy: the indexer's
 * document write waits for a request it shares with other documents (services/indexer), and each
 * document's trace should still show its own write.
 */
export function traceOperation<R>(
  port: string,
  system: string,
  operation: string,
  call: () => Promise<R>,
): Promise<R> {
  return traced(port, operation, { "docmesh.port": port, "docmesh.system": system }, () => call());
}

/**
 * The same object, with `operations` (its async methods) traced. `system` names the engine behind
 * the port (minio, filesystem, opensearch, pglite). A Proxy keeps `instanceof` and every other member.
 */
export function tracedPort<T extends object>(
  port: string,
  system: string,
  target: T,
  operations: readonly (keyof T & string)[],
): T {
  const wrapped = new Map<PropertyKey, unknown>();
  for (const operation of operations) {
    const method = target[operation] as unknown;
    if (typeof method !== "function") continue;
    wrapped.set(operation, (...args: unknown[]) =>
      traced(port, operation, { "docmesh.port": port, "docmesh.system": system }, () =>
        (method as (...a: unknown[]) => Promise<unknown>).apply(target, args),
      ),
    );
  }
  return new Proxy(target, {
    get: (obj, key) =>
      key === SYSTEM ? system : wrapped.has(key) ? wrapped.get(key) : Reflect.get(obj, key, obj),
  });
}

export const BLOB_OPERATIONS = ["put", "get", "read", "stat", "delete", "copyNew", "presignPut"] as const;
export const INDEX_OPERATIONS = [
  "upsert",
  "upsertMany",
  "delete",
  "keyword",
  "semantic",
  "countChunks",
] as const;

/** The AI provider with spans, latency, and the confidence of every answer it gives. */
export function tracedAi(ai: AiProvider): AiProvider {
  const attributes = { "docmesh.port": "ai", "docmesh.system": ai.name };
  return new Proxy(ai, {
    get(obj, key) {
      if (key === "classify")
        return (doc: Parameters<AiProvider["classify"]>[0]) =>
          traced("ai", "classify", attributes, async (span) => {
            const result: Classification = await obj.classify(doc);
            span.setAttributes({
              "docmesh.category": result.category,
              "docmesh.confidence": result.confidence,
            });
            instruments().aiConfidence.record(result.confidence, {
              kind: "classification",
              category: result.category,
            });
            return result;
          });
      if (key === "extract")
        return (category: Parameters<AiProvider["extract"]>[0], doc: Parameters<AiProvider["extract"]>[1]) =>
          traced("ai", "extract", attributes, async (span) => {
            const result: Extraction = await obj.extract(category, doc);
            const fields = Object.values(result.fields);
            span.setAttributes({ "docmesh.category": category, "docmesh.fields": fields.length });
            for (const field of fields)
              instruments().aiConfidence.record(field.confidence, { kind: "field", category });
            return result;
          });
      if (key === "embed")
        return (texts: string[]) =>
          traced("ai", "embed", { ...attributes, "docmesh.texts": String(texts.length) }, () =>
            obj.embed(texts),
          );
      return Reflect.get(obj, key, obj);
    },
  });
}
