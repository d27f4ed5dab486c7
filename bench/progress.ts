// Progress-streaming benchmark (not a test): npx tsx --expose-gc bench/progress.ts [streams=1000]
//
// Docmesh in this process: embedded, or with BENCH_MODE=cluster on the real engines (services.env
// sourced; then commit → hub includes the outbox relay, Kafka and the hub's consumer). BENCH_DOCS (default 10) small text documents are uploaded and
// processed; then S WatchDocument streams (spread evenly over the documents) are opened after each
// document's last sequence, so everything they receive is live. Figures:
//  - memory per open stream: (RSS, heap) after GC with S streams open, minus before, divided by S.
//    The clients run in a worker thread (BENCH_CLIENT=thread, the default), so the heap figure is the
//    server's side of a stream only; RSS is the whole process, both ends. BENCH_CLIENT=inline runs
//    the clients on the server's own event loop instead (both ends in every figure).
//  - latency from an event's commit to its arrival at the client: arrival time minus the update's
//    event_time (stamped inside the committing transaction, so this slightly over-states it), p50/p99
//    over every update every stream receives while BENCH_ROUNDS (default 3) rounds of ReprocessDocument
//    of every document run the whole pipeline again with all S streams open. Split into commit → this
//    process's progress hub (outbox relay + bus) and hub → client (fan-out, HTTP/2, decoding).
// Without --expose-gc the memory figures are taken without a forced GC (noisier); the script says so.
import { setMaxListeners } from "node:events";
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import { clientsFor, type Mode, startDocmesh } from "../test/support/docmesh.ts";

const STREAMS = Number(process.argv[2] ?? 1000);
const DOCS = Number(process.env.BENCH_DOCS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DEADLINE_MS = 300_000;
/** Clients in a worker thread (default), so their decoding does not share the server's event loop. */
const CLIENT_THREAD = (process.env.BENCH_CLIENT ?? "thread") === "thread";

type Progress = ReturnType<typeof clientsFor>["progress"];
interface Planned {
  name: string;
  after: bigint;
}
interface Watched {
  arrivals: { key: string; committed: number; arrival: number }[];
  ends: { name: string; seen: bigint }[];
}

/** Opens one WatchDocument stream per plan entry; records when each update arrived. */
async function watchAll(progress: Progress, plan: Planned[]): Promise<Watched> {
  const arrivals: Watched["arrivals"] = [];
  const signal = AbortSignal.timeout(DEADLINE_MS);
  const ends = await Promise.all(
    plan.map(async ({ name, after }) => {
      let seen = after;
      for await (const m of progress.watchDocument({ name, afterSequence: after }, { signal })) {
        if (m.message.case !== "update") continue;
        const arrival = Date.now();
        const t = m.message.value.eventTime;
        const committed = t ? Number(t.seconds) * 1000 + t.nanos / 1e6 : Number.NaN;
        seen = m.message.value.sequence;
        arrivals.push({ key: `${name}#${seen}`, committed, arrival });
      }
      return { name, seen };
    }),
  );
  return { arrivals, ends };
}

/** A client thread that lives across rounds, so its start-up is not counted as per-stream memory. */
function clientThread() {
  // Workers do not inherit tsx's loader: register it, then load this file.
  const boot = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true });
  return {
    watch: (url: string, plan: Planned[]) =>
      new Promise<Watched>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.postMessage({ url, plan });
      }),
    stop: () => worker.terminate(),
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settle(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(100);
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function invoice(i: number): Uint8Array {
  const amount = (250 + i * 13.37).toFixed(2);
  return new TextEncoder().encode(
    `INVOICE\nInvoice No. INV-BENCH-${Date.now()}-${i}\nDate: 2026-11-01\nBill to: Example GmbH\nTotal: EUR ${amount}\n`,
  );
}

async function main() {
  setMaxListeners(STREAMS * 4);
  const deadline = AbortSignal.timeout(DEADLINE_MS);
  const mode: Mode = process.env.BENCH_MODE === "cluster" ? "cluster" : "embedded";
  console.log(`mode: ${mode}`);
  const docmesh = await startDocmesh(mode, { heartbeatSeconds: 30 });
  const { ingestion, metadata, progress } = docmesh.clients;
  try {
    const names: string[] = [];
    for (let i = 0; i < DOCS; i++) {
      const { document } = await ingestion.uploadDocument({
        fileName: `bench-${i}.txt`,
        content: invoice(i),
      });
      names.push(document?.name ?? "");
    }
    // Run each document to its terminal state once; remember its last sequence.
    const lastSequence = async (name: string): Promise<bigint> => {
      let last = 0n;
      for await (const m of progress.watchDocument({ name }, { signal: deadline })) {
        if (m.message.case === "update") last = m.message.value.sequence;
      }
      return last;
    };
    const last = new Map<string, bigint>();
    for (const name of names) last.set(name, await lastSequence(name));

    // When each event reached this process's progress hub (after relay and bus), to split the latency.
    const hub = docmesh.running.hub;
    if (!hub) throw new Error("no progress hub");
    const atHub = new Map<string, number>();
    const dispatch = hub.dispatch.bind(hub);
    hub.dispatch = (event) => {
      atHub.set(`documents/${event.documentId}#${event.sequence}`, Date.now());
      dispatch(event);
    };
    const thread = CLIENT_THREAD ? clientThread() : undefined;
    // Let the client thread start (and its modules load) before the memory baseline.
    if (thread) await thread.watch(docmesh.url, []);
    const latencies: number[] = [];
    const toHub: number[] = [];
    const hubToClient: number[] = [];
    let rssPerStream = 0;
    let heapPerStream = 0;
    let openMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const before = await settle();
      const opened = Date.now();
      const plan = Array.from({ length: STREAMS }, (_, i) => {
        const name = names[i % names.length] as string;
        return { name, after: last.get(name) ?? 0n };
      });
      const watching = thread ? thread.watch(docmesh.url, plan) : watchAll(progress, plan);
      // Every stream is registered with the hub (so it is open server-side) before anything is committed.
      while ((docmesh.running.hub?.listenerCount ?? 0) < STREAMS) {
        if (deadline.aborted) throw new Error("streams did not open");
        await sleep(50);
      }
      if (round === 0) {
        openMs = Date.now() - opened;
        const after = await settle();
        rssPerStream = (after.rss - before.rss) / STREAMS;
        heapPerStream = (after.heap - before.heap) / STREAMS;
      }
      for (const name of names) await metadata.reprocessDocument({ name });
      const { arrivals, ends } = await watching;
      for (const { key, committed, arrival } of arrivals) {
        latencies.push(arrival - committed);
        const dispatched = atHub.get(key);
        if (dispatched !== undefined) {
          toHub.push(dispatched - committed);
          hubToClient.push(arrival - dispatched);
        }
      }
      for (const { name, seen } of ends) if (seen > (last.get(name) ?? 0n)) last.set(name, seen);
    }

    await thread?.stop();
    for (const list of [latencies, toHub, hubToClient]) list.sort((a, b) => a - b);
    const summary = (sorted: number[]) => ({
      p50: Number(percentile(sorted, 50).toFixed(1)),
      p99: Number(percentile(sorted, 99).toFixed(1)),
      max: Number((sorted.at(-1) ?? Number.NaN).toFixed(1)),
    });
    const figures = {
      streams: STREAMS,
      clients: CLIENT_THREAD ? "worker thread" : "main thread",
      documents: DOCS,
      rounds: ROUNDS,
      updatesReceived: latencies.length,
      openAllStreamsMs: openMs,
      latencyMs: summary(latencies),
      commitToHubMs: summary(toHub),
      hubToClientMs: summary(hubToClient),
      memoryPerStreamKiB: {
        rss: Number((rssPerStream / 1024).toFixed(1)),
        heap: Number((heapPerStream / 1024).toFixed(1)),
        forcedGc: gc !== undefined,
      },
    };
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await docmesh.stop();
  }
}

if (isMainThread) {
  await main();
  process.exit(0);
} else {
  setMaxListeners(STREAMS * 4);
  parentPort?.on("message", async ({ url, plan }: { url: string; plan: Planned[] }) => {
    parentPort?.postMessage(await watchAll(clientsFor(url).progress, plan));
  });
}
