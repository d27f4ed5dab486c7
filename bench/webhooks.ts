// Webhook delivery benchmark (not a test): npx tsx bench/webhooks.ts [documents=100]
//
// Docmesh in this process (embedded; BENCH_MODE=cluster on the real engines with services.env
// sourced), two endpoints on a local receiver, both for every event type: `fast` answers at once,
// `slow` after BENCH_SLOW_MS (default 2000). N small text documents are uploaded 8 at a time; the
// pipeline runs them to the end. Figures: deliveries received by `fast`, and the latency from each
// event's event_time (stamped when the event is committed) to its arrival at `fast`, p50/p95/p99,
// while `slow` holds its 4 slots; how many `slow` had answered when `fast` had everything; the
// medians of commit → delivery row (intake) and delivery row → delivered (sender), from the log.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { DocumentStatus } from "../gen/docmesh/document/v1/document_pb.ts";
import { WebhookService } from "../gen/docmesh/webhook/v1/webhook_service_pb.ts";
import { type Mode, startDocmesh } from "../test/support/docmesh.ts";

const DOCS = Number(process.argv[2] ?? 100);
const SLOW_MS = Number(process.env.BENCH_SLOW_MS ?? 2000);
const mode = (process.env.BENCH_MODE ?? "embedded") as Mode;

const latencies: number[] = [];
const fastEvents = new Set<string>();
const eventTimes = new Map<string, number>();
let slowAnswered = 0;
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const arrival = Date.now();
    if (request.url === "/slow") {
      setTimeout(() => {
        slowAnswered++;
        response.writeHead(200).end();
      }, SLOW_MS);
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString());
    if (!fastEvents.has(body.id)) latencies.push(arrival - Date.parse(body.createTime));
    fastEvents.add(body.id);
    eventTimes.set(body.id, Date.parse(body.createTime));
    response.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

const docmesh = await startDocmesh(mode, { webhookAllowInsecureLoopback: true });
const webhooks = createClient(
  WebhookService,
  createConnectTransport({ baseUrl: docmesh.url, httpVersion: "2" }),
);
const endpoints = await Promise.all(
  ["/fast", "/slow"].map((path) => webhooks.createWebhookEndpoint({ endpoint: { url: `${base}${path}` } })),
);

const started = Date.now();
const names: string[] = [];
for (let i = 0; i < DOCS; i += 8) {
  const batch = Array.from({ length: Math.min(8, DOCS - i) }, () =>
    docmesh.clients.ingestion.uploadDocument({
      fileName: "invoice.txt",
      content: new TextEncoder().encode(`Invoice ${randomUUID()}\nTotal: 12.50 EUR\n`),
    }),
  );
  for (const { document } of await Promise.all(batch)) names.push(document?.name ?? "");
}
const uploadSeconds = (Date.now() - started) / 1000;

// Done when every document is terminal and `fast` has stopped receiving for 3 s.
const terminal = new Set(["INDEXED", "NEEDS_REVIEW", "PARTIAL", "FAILED"]);
let last = -1;
let quietSince = Date.now();
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  if (fastEvents.size !== last) {
    last = fastEvents.size;
    quietSince = Date.now();
  }
  const statuses = await Promise.all(
    names.map(async (name) => (await docmesh.clients.metadata.getDocument({ name })).document?.status),
  );
  const done = statuses.every((s) => terminal.has(DocumentStatus[s ?? 0] ?? ""));
  if (done && Date.now() - quietSince > 3000) break;
  if (Date.now() - started > 600_000) throw new Error("not finished in 10 minutes");
}
const slowAtEnd = slowAnswered;
// The split: event committed → delivery row written by the intake → delivered (the log's times).
const { deliveries } = await webhooks.listWebhookDeliveries({
  parent: endpoints[0]?.endpoint?.name ?? "",
  pageSize: 1000,
});
const seconds = (t?: { seconds: bigint; nanos: number }) =>
  t ? Number(t.seconds) * 1000 + t.nanos / 1e6 : Number.NaN;
const intake = deliveries
  .map((d) => seconds(d.createTime) - (eventTimes.get(d.eventId) ?? Number.NaN))
  .sort((a, b) => a - b);
const sending = deliveries.map((d) => seconds(d.deliverTime) - seconds(d.createTime)).sort((a, b) => a - b);
const median = (values: number[]) => Math.round(values[Math.floor(values.length / 2)] ?? Number.NaN);
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
console.log(
  JSON.stringify(
    {
      mode,
      documents: DOCS,
      uploadSeconds,
      fastDeliveries: fastEvents.size,
      latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99), max: latencies.at(-1) },
      slowAnsweredWhenFastDone: slowAtEnd,
      slowMs: SLOW_MS,
      medianMs: { commitToIntake: median(intake), intakeToDelivered: median(sending) },
    },
    null,
    2,
  ),
);
for (const { endpoint } of endpoints) await webhooks.deleteWebhookEndpoint({ name: endpoint?.name ?? "" });
await docmesh.stop();
receiver.closeAllConnections();
receiver.close();
process.exit(0);
