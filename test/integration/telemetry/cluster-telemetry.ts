// The cluster as separate processes (API, relay, classifier, extractor, indexer), each exporting
// spans to the real collector and serving /metrics, announced to the real Prometheus through its
// file_sd directory. Shared by the trace and metrics tests.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireEnv } from "../../support/env.ts";
import { type ChildDocmesh, freePort, spawnDocmesh } from "../../support/process.ts";

export const PROCESS_ROLES = ["api", "relay", "classifier", "extractor", "indexer"] as const;

export interface TelemetryCluster {
  apiUrl: string;
  tenant: string;
  /** Metrics URL per role. */
  metrics: Record<string, string>;
  stop(): Promise<void>;
}

export async function startTelemetryCluster(): Promise<TelemetryCluster> {
  const otlp = requireEnv("DOCMESH_OTLP_ENDPOINT", "jaeger");
  const targets = requireEnv("DOCMESH_PROMETHEUS_TARGETS_DIR", "prometheus");
  const tenant = `telemetry-${randomBytes(4).toString("hex")}`;
  const children: ChildDocmesh[] = [];
  const metrics: Record<string, string> = {};
  let apiUrl = "";
  try {
    for (const role of PROCESS_ROLES) {
      const port = await freePort();
      const metricsPort = await freePort();
      if (role === "api") apiUrl = `http://127.0.0.1:${port}`;
      metrics[role] = `http://127.0.0.1:${metricsPort}/metrics`;
      children.push(
        await spawnDocmesh(
          {
            DOCMESH_MODE: "cluster",
            DOCMESH_PORT: String(port),
            DOCMESH_DATA_DIR: mkdtempSync(join(tmpdir(), "docmesh-telemetry-")),
            DOCMESH_AUTH: "none",
            DOCMESH_DEFAULT_TENANT: tenant,
            DOCMESH_PARSE_WORKERS: "1",
            DOCMESH_OTLP_ENDPOINT: otlp,
            DOCMESH_METRICS_PORT: String(metricsPort),
            DOCMESH_PROMETHEUS_TARGETS_DIR: targets,
          },
          role,
        ),
      );
    }
  } catch (error) {
    await Promise.all(children.map((c) => c.kill()));
    throw error;
  }
  return {
    apiUrl,
    tenant,
    metrics,
    // SIGTERM: a clean stop flushes the last spans and removes the Prometheus target files.
    stop: async () => {
      await Promise.all(children.map((c) => c.kill("SIGTERM")));
    },
  };
}

export async function rpc<T>(
  apiUrl: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(`${apiUrl}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method}: HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

const TERMINAL = ["DOCUMENT_STATUS_INDEXED", "DOCUMENT_STATUS_NEEDS_REVIEW", "DOCUMENT_STATUS_PARTIAL"];

/** Uploads a small invoice under `traceparent`; resolves with its id once it is terminal. */
export async function uploadAndWait(apiUrl: string, traceparent: string): Promise<string> {
  const text = [
    "INVOICE",
    `Invoice number: INV-${randomBytes(3).toString("hex").toUpperCase()}`,
    "Date: 2026-11-27",
    "Bill to: Example Customer Ltd",
    "Consulting services 10 h x 100.00 = 1000.00",
    "Subtotal: 1000.00 EUR",
    "VAT 20%: 200.00 EUR",
    "Total due: 1200.00 EUR",
  ].join("\n");
  const uploaded = await rpc<{ document: { name: string } }>(
    apiUrl,
    "docmesh.ingestion.v1.IngestionService/UploadDocument",
    { fileName: "invoice.txt", content: Buffer.from(text).toString("base64") },
    { traceparent },
  );
  const name = uploaded.document.name;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const { document } = await rpc<{ document: { status: string; failureReason?: string } }>(
      apiUrl,
      "docmesh.metadata.v1.MetadataService/GetDocument",
      { name },
    );
    const { status, failureReason } = document;
    if (TERMINAL.includes(status)) return name.replace(/^documents\//, "");
    if (status === "DOCUMENT_STATUS_FAILED") throw new Error(`document failed: ${failureReason}`);
    if (Date.now() > deadline) throw new Error(`document still ${status} after 180 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
