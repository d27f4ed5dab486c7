// The telemetry hooks without any engine: RPC spans and metrics, the relay's PRODUCER spans, the
// stage wrapper (context from record headers, skipped events, failures), log lines with trace,
// document and tenant, and the parse span made in the main thread.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DocumentEventSchema } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import { MetadataService } from "../../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { parseDocument } from "../../../services/parsing/parser.ts";
import type { BusRecord, HandlerContext } from "../../../services/platform/bus/bus.ts";
import { loadConfig } from "../../../services/platform/config.ts";
import { logger } from "../../../services/platform/log.ts";
import { type RelayedRow, relaySpans } from "../../../services/platform/telemetry/outbox.ts";
import { telemetryInterceptor } from "../../../services/platform/telemetry/rpc-interceptor.ts";
import { tracedStage } from "../../../services/platform/telemetry/stage.ts";
import { telemetryOptions } from "../../../services/platform/telemetry/telemetry.ts";
import { installTestSdk } from "./sdk.ts";

let sdk: ReturnType<typeof installTestSdk>;
beforeAll(() => {
  sdk = installTestSdk();
});
afterEach(() => sdk.spans.reset());

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";
const TRACEPARENT = `00-${TRACE}-${PARENT}-01`;
const DOC = "00000000-0000-0000-0000-00000000000a";

describe("RPC interceptor", () => {
  const client = (headers: Record<string, string>) =>
    createClient(
      MetadataService,
      createRouterTransport(
        (router) =>
          router.service(MetadataService, {
            getDocument: () => {
              throw new ConnectError("no such document", Code.NotFound);
            },
            getStats: () => {
              throw new ConnectError("database down", Code.Unavailable);
            },
          }),
        {
          router: { interceptors: [telemetryInterceptor()] },
          transport: {
            interceptors: [
              (next) => (req) => {
                for (const [k, v] of Object.entries(headers)) req.header.set(k, v);
                return next(req);
              },
            ],
          },
        },
      ),
    );

  it("continues the caller's traceparent in a SERVER span and counts the call by method and code", async () => {
    await expect(
      client({ traceparent: TRACEPARENT }).getDocument({ name: `documents/${DOC}` }),
    ).rejects.toThrow(/no such document/);
    const [span] = sdk.spans.getFinishedSpans();
    expect(span?.name).toBe("docmesh.metadata.v1.MetadataService/GetDocument");
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.spanContext().traceId).toBe(TRACE);
    expect(span?.parentSpanContext?.spanId).toBe(PARENT);
    expect(span?.attributes["rpc.connect_rpc.error_code"]).toBe("not_found");
    // A client's mistake is not a server failure.
    expect(span?.status.code).not.toBe(SpanStatusCode.ERROR);
    const labels = { method: "docmesh.metadata.v1.MetadataService/GetDocument", code: "not_found" };
    expect(await sdk.value("docmesh_rpc_requests", labels)).toBe(1);
    expect(await sdk.value("docmesh_rpc_duration_seconds", labels)).toBe(1);
  });

  it("starts a trace without a traceparent and marks server-side failures as errors", async () => {
    await expect(client({}).getStats({})).rejects.toThrow(/database down/);
    const [span] = sdk.spans.getFinishedSpans();
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(
      await sdk.value("docmesh_rpc_requests", {
        method: "docmesh.metadata.v1.MetadataService/GetStats",
        code: "unavailable",
      }),
    ).toBe(1);
  });
});

describe("relay spans", () => {
  it("publishes each row below the span that wrote it, with its own traceparent on the record", () => {
    const rows: RelayedRow[] = [
      {
        document_id: DOC,
        topic: "docmesh.document-events.v1",
        headers: { traceparent: TRACEPARENT, "x-a": "1" },
      },
      { document_id: DOC, topic: "docmesh.document-events.v1", headers: {} },
    ];
    const spans = relaySpans(rows);
    const first = spans.headersOf(0);
    expect(first["x-a"]).toBe("1");
    spans.end();
    const [withParent, root] = sdk.spans.getFinishedSpans();
    expect(withParent?.kind).toBe(SpanKind.PRODUCER);
    expect(withParent?.parentSpanContext?.spanId).toBe(PARENT);
    expect(first.traceparent).toBe(`00-${TRACE}-${withParent?.spanContext().spanId}-01`);
    // A row without trace context starts its own trace.
    expect(root?.parentSpanContext).toBeUndefined();
    expect(spans.headersOf(1).traceparent).toContain(root?.spanContext().traceId);
  });
});

describe("stage wrapper", () => {
  const handlerContext: HandlerContext = {
    attempt: 1,
    signal: new AbortController().signal,
    heartbeat: async () => {},
  };
  const record = (): BusRecord => ({
    topic: "docmesh.document-events.v1",
    partition: 3,
    offset: "42",
    key: DOC,
    value: new Uint8Array(),
    headers: { traceparent: TRACEPARENT },
    timestamp: Date.now(),
  });
  const eventOf = (kind: "uploaded" | "indexed") =>
    create(DocumentEventSchema, {
      documentId: DOC,
      tenant: "acme",
      payload: { case: kind, value: {} } as never,
    });

  it("runs the stage in a CONSUMER span below the record's traceparent; its logs carry trace, document and tenant", async () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let inside: string | undefined;
    try {
      await tracedStage(
        "docmesh.classifier",
        async () => eventOf("uploaded"),
        async () => {
          inside = trace.getActiveSpan()?.spanContext().traceId;
          logger("classifier").warn("working");
        },
      )(record(), handlerContext);
    } finally {
      process.stderr.write = write;
    }
    expect(inside).toBe(TRACE);
    const [span] = sdk.spans.getFinishedSpans();
    expect(span?.name).toBe("classifier uploaded");
    expect(span?.kind).toBe(SpanKind.CONSUMER);
    expect(span?.parentSpanContext?.spanId).toBe(PARENT);
    expect(span?.attributes["docmesh.document_id"]).toBe(DOC);
    const line = JSON.parse(lines.find((l) => l.includes('"working"')) ?? "{}");
    expect(line).toMatchObject({
      trace_id: TRACE,
      span_id: span?.spanContext().spanId,
      document_id: DOC,
      tenant: "acme",
    });
    expect(await sdk.value("docmesh_stage_events", { stage: "classifier", outcome: "ok" })).toBe(1);
  });

  it("makes no span for events the stage skips", async () => {
    let called = false;
    await tracedStage(
      "docmesh.classifier",
      async () => eventOf("indexed"),
      async () => {
        called = true;
      },
    )(record(), handlerContext);
    expect(called).toBe(true);
    expect(sdk.spans.getFinishedSpans()).toHaveLength(0);
  });

  it("marks a failed attempt and lets the error through to the bus (retry or dead letter)", async () => {
    await expect(
      tracedStage(
        "docmesh.classifier",
        async () => eventOf("uploaded"),
        async () => {
          throw new Error("boom");
        },
      )(record(), handlerContext),
    ).rejects.toThrow("boom");
    const [span] = sdk.spans.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(await sdk.value("docmesh_stage_events", { stage: "classifier", outcome: "error" })).toBe(1);
  });
});

describe("parse span", () => {
  it("records the parse below the active span with its pages, and counts the pages", async () => {
    const parent = trace.getTracer("test").startSpan("stage");
    const doc = await context.with(trace.setSpan(context.active(), parent), () =>
      parseDocument(new TextEncoder().encode("INVOICE\nTotal: 10.00 EUR\n"), "text/plain"),
    );
    parent.end();
    expect(doc.pageCount).toBe(1);
    const parse = sdk.spans.getFinishedSpans().find((s) => s.name === "parse");
    expect(parse?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(parse?.attributes["docmesh.pages"]).toBe(1);
    expect(await sdk.value("docmesh_pages_parsed", { media_type: "text/plain" })).toBe(1);
  });
});

// propagation is the global W3C one: what the buses inject and extract.
it("the installed propagator is W3C trace context", () => {
  expect(propagation.fields()).toContain("traceparent");
});

describe("telemetry settings", () => {
  it("exports nothing and serves no metrics by default; a port and an endpoint turn them on", () => {
    const defaults = telemetryOptions(loadConfig({}));
    expect(defaults).toMatchObject({
      otlpEndpoint: "",
      metricsPort: undefined,
      sampleRatio: 1,
      serviceName: "docmesh",
    });
    const on = telemetryOptions(
      loadConfig({ DOCMESH_METRICS_PORT: "9464", DOCMESH_OTLP_ENDPOINT: "http://127.0.0.1:59318" }),
      ["classifier"],
    );
    expect(on).toMatchObject({
      metricsPort: 9464,
      otlpEndpoint: "http://127.0.0.1:59318",
      serviceName: "docmesh-classifier",
    });
    expect(() => loadConfig({ DOCMESH_METRICS_PORT: "nine" })).toThrow(/DOCMESH_METRICS_PORT/);
    expect(() => loadConfig({ DOCMESH_TRACE_SAMPLE_RATIO: "2" })).toThrow(/DOCMESH_TRACE_SAMPLE_RATIO/);
  });
});
