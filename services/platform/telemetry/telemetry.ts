// The OpenTelemetry SDK for one Docmesh process: W3C trace context in and out, spans exported by
// OTLP/HTTP when an endpoint is configured, metrics served for Prometheus when a port is.
// Started once per process (services/main.ts), before any role opens its adapters.
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import type { Config } from "../config.ts";
import { logger } from "../log.ts";
import { registerMetricsTarget } from "./targets.ts";

export interface TelemetryOptions {
  /** service.name of every span and metric (e.g. docmesh-classifier). */
  serviceName: string;
  /** OTLP/HTTP base URL (spans go to `${endpoint}/v1/traces`); empty: spans are recorded, not exported. */
  otlpEndpoint: string;
  /** Fraction of new traces recorded (a caller's sampled flag is followed). */
  sampleRatio: number;
  /** Port of the Prometheus /metrics endpoint; undefined: no endpoint. */
  metricsPort?: number;
  metricsHost: string;
  /** Where this process announces its metrics address for Prometheus file discovery; empty: nowhere. */
  metricsTargetsDir: string;
}

/** The options from configuration; `roles` (when the process was given some) name the service. */
export function telemetryOptions(config: Config, roles?: readonly string[]): TelemetryOptions {
  return {
    serviceName: config.serviceName || (roles ? `docmesh-${roles.join("-")}` : "docmesh"),
    otlpEndpoint: config.otlpEndpoint,
    sampleRatio: config.traceSampleRatio,
    metricsPort: config.metricsPort,
    metricsHost: config.metricsHost,
    metricsTargetsDir: config.metricsTargetsDir,
  };
}

export interface Telemetry {
  /** The /metrics URL, when served. */
  metricsUrl?: string;
  /** Exports what is buffered, then stops; never throws (a collector that is gone is not an error). */
  shutdown(): Promise<void>;
}

const log = logger("telemetry");

export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  // Context must flow through async code and across processes even when nothing is exported:
  // logs carry the trace id, and the outbox keeps the caller's traceparent.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const resource = resourceFromAttributes({
    "service.name": options.serviceName,
    "service.instance.id": `${process.pid}`,
  });

  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpEndpoint) {
    const exporter = new OTLPTraceExporter({
      url: `${options.otlpEndpoint.replace(/\/+$/, "")}/v1/traces`,
      timeoutMillis: 5000,
    });
    // A short delay: a document's spans reach the collector about as fast as the document moves.
    spanProcessors.push(new BatchSpanProcessor({ exporter, scheduledDelayMillis: 500 }));
  }
  const tracerProvider = new TracerProvider({
    resource,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors,
  });
  trace.setGlobalTracerProvider(tracerProvider);

  let meterProvider: MeterProvider | undefined;
  let metricsUrl: string | undefined;
  let unregister: (() => Promise<void>) | undefined;
  if (options.metricsPort !== undefined) {
    const exporter = new PrometheusExporter({
      host: options.metricsHost,
      port: options.metricsPort,
      preventServerStart: true,
      withoutScopeInfo: true,
    });
    // Fails the start when the port is taken: a process that cannot be scraped should say so.
    await exporter.startServer();
    const port = options.metricsPort;
    metricsUrl = `http://${options.metricsHost}:${port}/metrics`;
    meterProvider = new MeterProvider({ resource, readers: [exporter] });
    metrics.setGlobalMeterProvider(meterProvider);
    if (options.metricsTargetsDir) {
      unregister = await registerMetricsTarget(options.metricsTargetsDir, options.serviceName, {
        host: options.metricsHost,
        port,
      });
    }
    log.info("metrics served", { url: metricsUrl });
  }
  if (options.otlpEndpoint) log.info("exporting traces", { endpoint: options.otlpEndpoint });

  return {
    metricsUrl,
    async shutdown() {
      const results = await Promise.allSettled([
        tracerProvider.shutdown(),
        meterProvider?.shutdown(),
        unregister?.(),
      ]);
      for (const r of results)
        if (r.status === "rejected") log.warn("telemetry shutdown failed", { error: r.reason });
    },
  };
}
