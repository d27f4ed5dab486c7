// W3C trace context and the correlation id travel in record headers through the Kafka bus: the
// publisher's active span context is injected as `traceparent`, and the handler runs inside the
// extracted remote context. A minimal AsyncLocalStorage context manager and a W3C propagator stand
// in for the OpenTelemetry SDK the composition root registers.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import {
  type Context,
  type ContextManager,
  context,
  propagation,
  ROOT_CONTEXT,
  type TextMapPropagator,
  type TraceFlags,
  trace,
} from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaBus } from "../../../services/platform/bus/kafka.ts";
import { waitFor } from "../../contract/bus.ts";
import { kafkaBrokers } from "./env.ts";

class AlsContextManager implements ContextManager {
  private readonly als = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.als.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.als.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

const w3c: TextMapPropagator = {
  inject(ctx, carrier, setter) {
    const sc = trace.getSpanContext(ctx);
    if (!sc) return;
    setter.set(carrier, "traceparent", `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags}`);
  },
  extract(ctx, carrier, getter) {
    const value = getter.get(carrier, "traceparent");
    const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(value ?? ""));
    if (!m) return ctx;
    return trace.setSpanContext(ctx, {
      traceId: m[1] as string,
      spanId: m[2] as string,
      traceFlags: Number.parseInt(m[3] as string, 16) as TraceFlags,
      isRemote: true,
    });
  },
  fields: () => ["traceparent"],
};

const brokers = kafkaBrokers();

describe("trace context and correlation id headers (Kafka)", () => {
  let bus: KafkaBus;
  beforeAll(() => {
    context.setGlobalContextManager(new AlsContextManager());
    propagation.setGlobalPropagator(w3c);
    bus = new KafkaBus({ brokers, clientId: "docmesh-trace", replicationFactor: 1 });
  });
  afterAll(async () => {
    await bus.close();
    propagation.disable();
    context.disable();
  });

  it("injects traceparent from the active context, passes headers through, and extracts it for the handler", async () => {
    const topic = `trace.${randomUUID().slice(0, 8)}.events`;
    await bus.ensureTopics([{ name: topic, partitions: 1, retentionMs: 3_600_000 }]);
    const traceId = randomUUID().replaceAll("-", "");
    const spanId = traceId.slice(0, 16);
    const spanCtx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: 1 });
    await context.with(spanCtx, () =>
      bus.publish(topic, [
        { key: "doc-1", value: new Uint8Array([1]), headers: { "correlation-id": "corr-42" } },
      ]),
    );
    const got: { headers: Record<string, string>; activeTraceId: string | undefined }[] = [];
    const sub = await bus.subscribe({
      groupId: `trace-${randomUUID().slice(0, 8)}`,
      topic,
      deadLetterTopic: `${topic}.dlq`,
      handler: async (r) => {
        got.push({ headers: r.headers, activeTraceId: trace.getSpanContext(context.active())?.traceId });
      },
    });
    await waitFor(() => got.length >= 1, 60_000, "the record");
    await sub.stop();
    expect(got[0]?.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(got[0]?.headers["correlation-id"]).toBe("corr-42");
    expect(got[0]?.activeTraceId).toBe(traceId);
  });
});
