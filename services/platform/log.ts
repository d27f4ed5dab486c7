// A small structured logger: one JSON line per event on stderr, so logs stay
// machine-readable in every deployment without a logging dependency. Each line carries the active
// trace and span id (OpenTelemetry) and the fields of the surrounding withLogFields scope (the
// document id and tenant a stage works on), so one document's lines can be found across processes.
import { AsyncLocalStorage } from "node:async_hooks";
import { trace } from "@opentelemetry/api";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let threshold: Level = (process.env.DOCMESH_LOG_LEVEL as Level | undefined) ?? "info";

export function setLogLevel(level: Level): void {
  threshold = level;
}

const scope = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs `fn` with `fields` added to every log line written inside it (async work included). */
export function withLogFields<T>(fields: Record<string, unknown>, fn: () => T): T {
  return scope.run({ ...scope.getStore(), ...fields }, fn);
}

function traceFields(): Record<string, string> | undefined {
  const span = trace.getActiveSpan()?.spanContext();
  return span ? { trace_id: span.traceId, span_id: span.spanId } : undefined;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function logger(component: string): Logger {
  const emit = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[threshold]) return;
    const line = {
      time: new Date().toISOString(),
      level,
      component,
      msg,
      ...traceFields(),
      ...scope.getStore(),
      ...fields,
    };
    process.stderr.write(`${JSON.stringify(line, errorReplacer)}\n`);
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
