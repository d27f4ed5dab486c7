// Cluster mode as five processes (API, relay, classifier, extractor, indexer) on the real engines,
// with the real collector and Prometheus:
// - tracing: one upload is one trace. The test starts the trace itself (a traceparent on the
//   upload), reads it back from Jaeger's query API, and checks which process made each span and
//   that every span hangs below the right parent;
// - metrics: each process's /metrics after the pipeline ran, then the same series (and the
//   recording rules of deploy/prometheus/rules) through Prometheus, which found the processes
//   through its file_sd directory.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireEnv } from "../../support/env.ts";
import { startTelemetryCluster, type TelemetryCluster, uploadAndWait } from "./cluster-telemetry.ts";
import { promQuery, scrape, seriesValue } from "./prometheus.ts";

interface JaegerSpan {
  spanID: string;
  operationName: string;
  references: { refType: string; spanID: string; traceID: string }[];
  processID: string;
  tags: { key: string; value: unknown }[];
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

const root = join(import.meta.dirname, "..", "..", "..");
const SERVICES = [
  "docmesh-api",
  "docmesh-relay",
  "docmesh-classifier",
  "docmesh-extractor",
  "docmesh-indexer",
];

let cluster: TelemetryCluster;
let documentId: string;
let traceId: string;
let clientSpan: string;
beforeAll(async () => {
  cluster = await startTelemetryCluster();
  traceId = randomBytes(16).toString("hex");
  clientSpan = randomBytes(8).toString("hex");
  documentId = await uploadAndWait(cluster.apiUrl, `00-${traceId}-${clientSpan}-01`);
}, 300_000);
afterAll(async () => {
  await cluster?.stop();
});

async function fetchTrace(jaeger: string, traceId: string, ready: (t: JaegerTrace) => boolean) {
  const deadline = Date.now() + 60_000;
  let last: JaegerTrace | undefined;
  while (Date.now() < deadline) {
    const response = await fetch(`${jaeger}/api/traces/${traceId}`);
    if (response.ok) {
      last = ((await response.json()) as { data: JaegerTrace[] }).data[0];
      if (last && ready(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const have = last
    ? last.spans.map((s) => `${last?.processes[s.processID]?.serviceName}:${s.operationName}`)
    : [];
  throw new Error(`trace ${traceId} incomplete after 60 s; spans: ${have.join(", ")}`);
}

describe("tracing (cluster mode, Jaeger)", () => {
  it("one upload yields one trace with spans from the API, relay and the three stage processes", async () => {
    const jaeger = requireEnv("DOCMESH_JAEGER_URL", "jaeger");

    const service = (t: JaegerTrace, s: JaegerSpan) => t.processes[s.processID]?.serviceName ?? "";
    const trace = await fetchTrace(jaeger, traceId, (t) =>
      t.spans.some((s) => service(t, s) === "docmesh-indexer" && s.operationName === "indexer extracted"),
    );
    // The indexer's span is exported as it ends; give the others' last batches a moment too.
    await new Promise((r) => setTimeout(r, 1500));
    const full = await fetchTrace(jaeger, traceId, () => true);
    expect(full.traceID).toBe(trace.traceID);

    const spans = full.spans;
    const byId = new Map(spans.map((s) => [s.spanID, s]));
    const parentOf = (s: JaegerSpan) => s.references.find((r) => r.refType === "CHILD_OF")?.spanID;
    const tag = (s: JaegerSpan, key: string) => s.tags.find((t) => t.key === key)?.value;
    const find = (svc: string, op: string) => {
      const found = spans.find((s) => service(full, s) === svc && s.operationName === op);
      if (!found)
        throw new Error(`no ${svc} span ${op}; have ${spans.map((s) => s.operationName).join(", ")}`);
      return found;
    };
    const ancestors = (s: JaegerSpan): JaegerSpan[] => {
      const out: JaegerSpan[] = [];
      for (let p = byId.get(parentOf(s) ?? ""); p; p = byId.get(parentOf(p) ?? "")) out.push(p);
      return out;
    };

    // Every process took part.
    expect(new Set(spans.map((s) => service(full, s)))).toEqual(new Set(SERVICES));

    // The API span continues the caller's context; every other span's parent is in this trace.
    const upload = find("docmesh-api", "docmesh.ingestion.v1.IngestionService/UploadDocument");
    expect(parentOf(upload)).toBe(clientSpan);
    for (const s of spans) if (s !== upload) expect(byId.has(parentOf(s) ?? ""), s.operationName).toBe(true);

    // upload → relay publish → classifier → relay publish → extractor → relay publish → indexer.
    const classify = find("docmesh-classifier", "classifier uploaded");
    const extract = find("docmesh-extractor", "extractor classified");
    const index = find("docmesh-indexer", "indexer extracted");
    const publishOf = (s: JaegerSpan) => byId.get(parentOf(s) ?? "") as JaegerSpan;
    for (const [stage, upstream] of [
      [classify, upload],
      [extract, classify],
      [index, extract],
    ] as const) {
      const publish = publishOf(stage);
      expect(service(full, publish)).toBe("docmesh-relay");
      expect(publish.operationName).toBe("publish docmesh.document-events.v1");
      expect(parentOf(publish)).toBe(upstream.spanID);
      expect(tag(stage, "docmesh.document_id")).toBe(documentId);
    }

    // The work inside each stage: parse, object storage, AI, index writes.
    const under = (root: JaegerSpan, op: string) =>
      spans.filter((s) => s.operationName === op && ancestors(s).includes(root));
    // The API stored the original itself (the classifier's blobs.put of the text is further down).
    expect(
      spans.filter((s) => s.operationName === "blobs.put" && parentOf(s) === upload.spanID),
    ).toHaveLength(1);
    expect(under(classify, "blobs.get").length).toBeGreaterThanOrEqual(1);
    expect(under(classify, "parse")).toHaveLength(1);
    expect(tag(under(classify, "parse")[0] as JaegerSpan, "docmesh.pages")).toBe(1);
    expect(under(classify, "ai.classify")).toHaveLength(1);
    expect(under(extract, "ai.extract")).toHaveLength(1);
    expect(under(index, "ai.embed").length).toBeGreaterThanOrEqual(1);
    expect(under(index, "index.upsert")).toHaveLength(1);
    expect(tag(under(index, "index.upsert")[0] as JaegerSpan, "docmesh.system")).toBe("opensearch");
    expect(tag(under(classify, "blobs.get")[0] as JaegerSpan, "docmesh.system")).toBe("minio");
  });
});

describe("metrics (cluster mode, Prometheus)", () => {
  it("every process serves its metrics after a pipeline run", async () => {
    const api = await scrape(cluster.metrics.api as string);
    const upload = { method: "docmesh.ingestion.v1.IngestionService/UploadDocument", code: "ok" };
    expect(seriesValue(api, "docmesh_rpc_requests_total", upload)).toBe(1);
    expect(seriesValue(api, "docmesh_rpc_duration_seconds_count", upload)).toBe(1);
    expect(
      seriesValue(api, "docmesh_rpc_requests_total", {
        method: "docmesh.metadata.v1.MetadataService/GetDocument",
        code: "ok",
      }),
    ).toBeGreaterThanOrEqual(1);

    // Stage processes may also have handled other documents waiting on the shared topic: at least ours.
    const classifier = await scrape(cluster.metrics.classifier as string);
    expect(
      seriesValue(classifier, "docmesh_stage_duration_seconds_count", { stage: "classifier", outcome: "ok" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      seriesValue(classifier, "docmesh_pages_parsed_total", { media_type: "text/plain" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      seriesValue(classifier, "docmesh_ai_confidence_count", { kind: "classification", category: "invoice" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      seriesValue(classifier, "docmesh_parse_duration_seconds_count", {
        media_type: "text/plain",
        outcome: "ok",
      }),
    ).toBeGreaterThanOrEqual(1);

    const extractor = await scrape(cluster.metrics.extractor as string);
    expect(
      seriesValue(extractor, "docmesh_ai_confidence_count", { kind: "field", category: "invoice" }),
    ).toBeGreaterThanOrEqual(3);
    const indexer = await scrape(cluster.metrics.indexer as string);
    expect(
      seriesValue(indexer, "docmesh_dependency_duration_seconds_count", {
        port: "index",
        operation: "upsert",
        outcome: "ok",
      }),
    ).toBeGreaterThanOrEqual(1);

    // Pipeline state comes from the relay process: the database and the bus, read at scrape time.
    const relay = await scrape(cluster.metrics.relay as string);
    expect(
      seriesValue(relay, "docmesh_outbox_published_total", { topic: "docmesh.document-events.v1" }),
    ).toBeGreaterThanOrEqual(1);
    expect(seriesValue(relay, "docmesh_outbox_backlog", {})).toBeGreaterThanOrEqual(0);
    const terminal = ["INDEXED", "NEEDS_REVIEW", "PARTIAL"].map(
      (status) => seriesValue(relay, "docmesh_documents", { status }) ?? 0,
    );
    expect(terminal.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    for (const partition of ["0", "11"])
      expect(
        seriesValue(relay, "docmesh_consumer_lag", { group: "docmesh.indexer", partition }),
      ).toBeGreaterThanOrEqual(0);
    expect(seriesValue(relay, "docmesh_dlq_records", {})).toBeGreaterThanOrEqual(0);
  });

  it("Prometheus scrapes every process and evaluates the recording rules", async () => {
    const prometheus = requireEnv("DOCMESH_PROMETHEUS_URL", "prometheus");
    // Found through file_sd and scraped (2 s interval in development).
    for (const role of ["api", "relay", "classifier", "extractor", "indexer"]) {
      const up = await promQuery(prometheus, `up{service="docmesh-${role}"}`, (r) =>
        r.some((s) => s.value === 1),
      );
      expect(up.length, role).toBeGreaterThanOrEqual(1);
    }
    const uploads = await promQuery(
      prometheus,
      `sum(docmesh_rpc_requests_total{method="docmesh.ingestion.v1.IngestionService/UploadDocument",service="docmesh-api"})`,
      (r) => (r[0]?.value ?? 0) >= 1,
    );
    expect(uploads[0]?.value).toBeGreaterThanOrEqual(1);
    const stages = await promQuery(
      prometheus,
      `sum by (stage) (docmesh_stage_duration_seconds_count{outcome="ok"})`,
      (r) => r.length >= 3,
    );
    expect(stages.map((s) => s.labels.stage).sort()).toEqual(
      expect.arrayContaining(["classifier", "extractor", "indexer"]),
    );
    // Recording rules (deploy/prometheus/rules/docmesh.yml) produce their series.
    const lag = await promQuery(prometheus, "docmesh:consumer_lag:sum", (r) => r.length >= 3);
    expect(lag.map((s) => s.labels.group).sort()).toEqual([
      "docmesh.classifier",
      "docmesh.extractor",
      "docmesh.indexer",
    ]);
    const backlog = await promQuery(prometheus, "docmesh:outbox_backlog:max", (r) => r.length === 1);
    expect(backlog[0]?.value).toBeGreaterThanOrEqual(0);
  });

  it("every query of the Grafana dashboard is valid PromQL, and the core panels have data", async () => {
    const prometheus = requireEnv("DOCMESH_PROMETHEUS_URL", "prometheus");
    const dashboard = JSON.parse(readFileSync(join(root, "deploy", "grafana", "docmesh.json"), "utf8")) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const queries = dashboard.panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })),
    );
    expect(queries.length).toBeGreaterThanOrEqual(15);
    const withData: string[] = [];
    for (const { title, expr } of queries) {
      // promQuery throws on a query Prometheus rejects.
      const result = await promQuery(prometheus, expr, () => true);
      if (result.length > 0) withData.push(title);
    }
    expect(withData).toEqual(
      expect.arrayContaining([
        "Outbox backlog",
        "Documents by status",
        "Consumer lag by group",
        "RPC rate by method and code",
      ]),
    );
  });
});
