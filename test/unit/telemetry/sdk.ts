// An in-process OpenTelemetry SDK for unit tests: spans kept in memory, metrics read on demand.
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";

class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export function installTestSdk() {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const spans = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(
    new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }),
  );
  const reader = new TestReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  return {
    spans,
    /** The sum (counters) or count (histograms) of the data point of `name` with exactly these labels. */
    async value(name: string, labels: Record<string, string>): Promise<number | undefined> {
      const { resourceMetrics } = await reader.collect();
      for (const scope of resourceMetrics.scopeMetrics)
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== name) continue;
          for (const point of metric.dataPoints as {
            attributes: Record<string, unknown>;
            value: unknown;
          }[]) {
            const attrs = point.attributes;
            if (Object.keys(attrs).length !== Object.keys(labels).length) continue;
            if (!Object.entries(labels).every(([k, v]) => attrs[k] === v)) continue;
            const v = point.value;
            return typeof v === "number" ? v : (v as { count: number }).count;
          }
        }
      return undefined;
    },
  };
}
