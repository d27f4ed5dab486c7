import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import { FairAdmission } from "../platform/bus/fair-admission.ts";
import { type OcrRun, tracedParse } from "../platform/telemetry/parse.ts";
import { ParseError } from "./errors.ts";
import { TEXT_MEMORY_FACTOR } from "./format.ts";
import type { WorkerMessage, WorkerRequest } from "./protocol.ts";
import { isSupportedMediaType, MEDIA_TYPES, sniffMediaType, TEXT_MEDIA_TYPES } from "./sniff.ts";
import type { ParseBudget, ParsedDocument } from "./types.ts";

export { isParseError, PARSE_FAILURE_REASONS, ParseError, type ParseFailureReason } from "./errors.ts";
export { SUPPORTED_MEDIA_TYPES, sniffMediaType } from "./sniff.ts";
export type { ParseBudget, ParsedDocument } from "./types.ts";

export const DEFAULT_PARSE_BUDGET: ParseBudget = {
  timeoutMs: 60_000,
  maxMemoryMb: 512,
  maxUncompressedBytes: 256 * 1024 * 1024,
};

/**
 * The port: parses `bytes` as `mediaType` within `budget`.
 *
 * The parser runs in a worker thread (node:worker_threads) with V8 resourceLimits, so a hang is
 * a `timeout` (the thread is terminated and replaced) and a heap blow-up is `memory` (the thread
 * dies, this process does not). Every failure is a ParseError with a reason, `retriable: false`.
 *
 * `mediaType` should be the sniffed type; bytes that contradict it fail as `malformed`.
 * `fairKey` (the tenant) shares the threads fairly: when jobs wait, a free thread goes to the key
 * with the fewest jobs running, so one tenant's hostile documents hold at most the threads they
 * already have while other tenants' documents get the next free one.
 */
export async function parseDocument(
  bytes: Uint8Array,
  mediaType: string,
  budget: ParseBudget = DEFAULT_PARSE_BUDGET,
  fairKey = "",
): Promise<ParsedDocument> {
  checkInput(bytes, mediaType);
  checkMemoryEstimate(bytes, mediaType, budget);
  // The span covers the wait for a parser thread too: that wait is part of the document's latency.
  return tracedParse(mediaType, bytes.byteLength, () =>
    poolFor(budget.maxMemoryMb).run(bytes, mediaType, budget, fairKey),
  );
}

/** Cheap checks done before any worker is involved. */
function checkInput(bytes: Uint8Array, mediaType: string): void {
  if (bytes.byteLength === 0) throw new ParseError("empty", "zero-byte document");
  if (!isSupportedMediaType(mediaType))
    throw new ParseError("unsupported", `unsupported media type ${mediaType}`);
  const sniffed = sniffMediaType(bytes);
  if (sniffed === mediaType) return;
  // Text formats are recognised heuristically: any text-like content may be parsed as any text type.
  if (TEXT_MEDIA_TYPES.includes(mediaType) && sniffed !== undefined && TEXT_MEDIA_TYPES.includes(sniffed))
    return;
  if (mediaType === MEDIA_TYPES.docx && isEncryptedOfficeFile(bytes)) {
    throw new ParseError("encrypted", "docx: password-protected Office document (encrypted OLE package)");
  }
  if (sniffed === undefined && !TEXT_MEDIA_TYPES.includes(mediaType)) {
    // Let a damaged file of the declared binary type reach its parser, which says what is wrong.
    if (looksLikeDamaged(bytes, mediaType)) return;
    throw new ParseError("malformed", `declared ${mediaType}, but the bytes are not of that type`);
  }
  throw new ParseError(
    "malformed",
    `declared ${mediaType}, but the bytes are ${sniffed ?? "of an unknown type"}`,
  );
}

/**
 * Text formats become V8 strings that the parser copies a few times (decode, clean, regexes).
 * V8 cannot always fail gracefully when one huge string operation hits the heap limit (an OOM
 * inside the regexp engine aborts the whole process, worker or not), so text that cannot fit
 * the heap budget with headroom is refused before it reaches a worker.
 */
export { TEXT_MEMORY_FACTOR } from "./format.ts";

function checkMemoryEstimate(bytes: Uint8Array, mediaType: string, budget: ParseBudget): void {
  if (!TEXT_MEDIA_TYPES.includes(mediaType)) return;
  const need = bytes.byteLength * TEXT_MEMORY_FACTOR;
  if (need > budget.maxMemoryMb * 1024 * 1024) {
    throw new ParseError(
      "memory",
      `a ${(bytes.byteLength / 1048576).toFixed(1)} MiB text document needs about ${Math.ceil(need / 1048576)} MiB, over the memory budget of ${budget.maxMemoryMb} MiB`,
    );
  }
}

/** The file starts like the declared type (its magic number) but did not sniff cleanly. */
function looksLikeDamaged(bytes: Uint8Array, mediaType: string): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 8)).toString("latin1");
  if (mediaType === MEDIA_TYPES.docx) return head.startsWith("PK");
  if (mediaType === MEDIA_TYPES.pdf) return head.startsWith("%PDF");
  return false;
}

/** Encrypted OOXML files are OLE compound files holding an "EncryptedPackage" stream. */
function isEncryptedOfficeFile(b: Uint8Array): boolean {
  const sig = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  if (b.byteLength < 512 || sig.some((v, i) => b[i] !== v)) return false;
  const needle = Buffer.from("EncryptedPackage", "utf16le");
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(needle);
}

// ---------------------------------------------------------------------------------------------
// Worker pool

const here = fileURLToPath(import.meta.url);
const ext = path.extname(here);
const workerFile = path.join(path.dirname(here), `worker${ext}`);

/**
 * Starts the worker thread. From TypeScript sources (tsx, vitest) the entry is loaded through
 * tsx's `tsImport`, because Node 20 does not apply `--import` loader hooks to a worker's entry.
 */
function startWorker(options: WorkerOptions): Worker {
  if (ext !== ".ts") return new Worker(workerFile, options);
  const require = createRequire(import.meta.url);
  const api = pathToFileURL(
    path.join(path.dirname(require.resolve("tsx/package.json")), "dist/esm/api/index.mjs"),
  );
  const entry = pathToFileURL(workerFile).href;
  const code = `import(${JSON.stringify(api.href)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}));`;
  return new Worker(code, { ...options, eval: true });
}

/** A parsed document and when OCR ran while parsing it (for its spans). */
interface ParseResult {
  doc: ParsedDocument;
  ocrRuns: OcrRun[];
}

interface Job {
  id: number;
  bytes: Uint8Array;
  mediaType: string;
  budget: ParseBudget;
  resolve: (parsed: ParseResult) => void;
  reject: (e: ParseError) => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
  /** The thread has loaded its modules: a job's time budget runs from then, not from the spawn. */
  ready: boolean;
  /** Starts the budget of a job dispatched before the thread was ready. */
  onReady?: () => void;
}

let nextId = 1;

class ParserPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  /** Which key's job gets the next free thread (jobs past it start at once). */
  private readonly gate: FairAdmission;
  private readonly closing = new AbortController();
  constructor(
    private readonly maxMemoryMb: number,
    private readonly size: number,
  ) {
    this.gate = new FairAdmission(size);
  }

  async run(
    bytes: Uint8Array,
    mediaType: string,
    budget: ParseBudget,
    fairKey: string,
  ): Promise<ParseResult> {
    const started = await this.gate.run(
      fairKey,
      () =>
        new Promise<ParseResult>((resolve, reject) => {
          this.queue.push({ id: nextId++, bytes, mediaType, budget, resolve, reject });
          this.pump();
        }),
      this.closing.signal,
    );
    if (started === "aborted") throw new ParseError("timeout", "parser pool closed");
    return started;
  }

  /** Workers terminated (timeout) whose thread has not exited yet. */
  private readonly exiting = new Set<Worker>();

  stats(): ParserWorkerStats {
    let busy = 0;
    for (const s of this.slots) if (s.job) busy++;
    return { live: this.slots.size, busy, queued: this.queue.length, exiting: this.exiting.size };
  }

  async close(): Promise<void> {
    const slots = [...this.slots];
    this.slots.clear();
    this.closing.abort();
    for (const job of this.queue.splice(0)) job.reject(new ParseError("timeout", "parser pool closed"));
    await Promise.all(
      slots.map(async (s) => {
        if (s.timer) clearTimeout(s.timer);
        s.job?.reject(new ParseError("timeout", "parser pool closed"));
        s.job = undefined;
        await s.worker.terminate();
      }),
    );
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot: Slot | undefined;
      for (const s of this.slots) {
        if (!s.job) {
          slot = s;
          break;
        }
      }
      if (!slot && this.slots.size < this.size) slot = this.spawn();
      if (!slot) return;
      this.dispatch(slot, this.queue.shift() as Job);
    }
  }

  private spawn(): Slot {
    const worker = startWorker({
      resourceLimits: {
        maxOldGenerationSizeMb: this.maxMemoryMb,
        maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.floor(this.maxMemoryMb / 8))),
      },
      // tesseract's wasm prints diagnostics ("Image too small to scale!!"); drain and drop them.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    const slot: Slot = { worker, ready: false };
    worker.unref();
    worker.on("message", (reply: WorkerMessage) => {
      if ("ready" in reply) {
        slot.ready = true;
        slot.onReady?.();
        slot.onReady = undefined;
        return;
      }
      const job = slot.job;
      if (!job || reply.id !== job.id) return;
      this.finish(slot);
      if (reply.ok) job.resolve({ doc: reply.doc, ocrRuns: reply.ocrRuns });
      else job.reject(new ParseError(reply.reason, reply.message));
      this.pump();
    });
    worker.on("error", (err: Error & { code?: string }) => {
      const job = slot.job;
      this.retire(slot);
      if (job) {
        const oom = err.code === "ERR_WORKER_OUT_OF_MEMORY" || /out of memory|heap/i.test(err.message);
        job.reject(
          new ParseError(
            oom ? "memory" : "malformed",
            oom
              ? `parser exceeded its memory budget of ${this.maxMemoryMb} MiB`
              : `parser crashed: ${err.message}`,
          ),
        );
      }
      this.pump();
    });
    worker.on("exit", (code) => {
      const job = slot.job;
      this.retire(slot);
      job?.reject(new ParseError("malformed", `parser exited unexpectedly (code ${code})`));
      this.pump();
    });
    this.slots.add(slot);
    return slot;
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    const copy = new Uint8Array(job.bytes); // transferable copy; the caller keeps its buffer
    const req: WorkerRequest = {
      id: job.id,
      bytes: copy.buffer,
      mediaType: job.mediaType,
      maxUncompressedBytes: job.budget.maxUncompressedBytes,
      maxMemoryMb: job.budget.maxMemoryMb,
    };
    const startBudget = () => {
      slot.timer = setTimeout(() => {
        if (slot.job !== job) return;
        this.retire(slot);
        this.exiting.add(slot.worker);
        slot.worker.once("exit", () => this.exiting.delete(slot.worker));
        void slot.worker.terminate();
        job.reject(
          new ParseError("timeout", `parser exceeded its time budget of ${job.budget.timeoutMs} ms`),
        );
        this.pump();
      }, job.budget.timeoutMs);
    };
    // A thread spawned for this job (after a timeout killed the last one) loads its modules first;
    // on a busy machine that alone could use up a short budget.
    if (slot.ready) startBudget();
    else slot.onReady = startBudget;
    slot.worker.postMessage(req, [copy.buffer]);
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.onReady = undefined;
    slot.job = undefined;
    slot.worker.unref();
  }

  /** Takes a dead or doomed worker out of the pool. */
  private retire(slot: Slot): void {
    this.finish(slot);
    this.slots.delete(slot);
  }
}

const pools = new Map<number, ParserPool>();

let poolSize = Math.max(1, availableParallelism() - 1);

/** Worker threads per parser pool (DOCMESH_PARSE_WORKERS); applies to pools created after the call. */
export function setParserWorkers(workers: number): void {
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError("parser workers must be an integer ≥ 1");
  poolSize = workers;
}

function poolFor(maxMemoryMb: number): ParserPool {
  let pool = pools.get(maxMemoryMb);
  if (!pool) {
    pool = new ParserPool(maxMemoryMb, poolSize);
    pools.set(maxMemoryMb, pool);
  }
  return pool;
}

/** Live, busy and queued counts over all parser worker threads (for tests and metrics). */
export interface ParserWorkerStats {
  /** Worker threads in the pool. */
  live: number;
  /** Of those, running a job. */
  busy: number;
  /** Jobs waiting for a worker. The time budget starts when a job reaches a worker, not here. */
  queued: number;
  /** Threads terminated on timeout that have not exited yet (0 once termination completes). */
  exiting: number;
}

export function parserWorkerStats(): ParserWorkerStats {
  const total = { live: 0, busy: 0, queued: 0, exiting: 0 };
  for (const p of pools.values()) {
    const s = p.stats();
    total.live += s.live;
    total.busy += s.busy;
    total.queued += s.queued;
    total.exiting += s.exiting;
  }
  return total;
}

/** Terminates every parser worker thread (graceful shutdown, test teardown). */
export async function closeParsers(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}
