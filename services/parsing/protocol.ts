import type { ParseFailureReason } from "./errors.ts";
import type { ParsedDocument } from "./types.ts";

/** Messages between parser.ts and worker.ts. */
export interface WorkerRequest {
  id: number;
  bytes: ArrayBuffer;
  mediaType: string;
  maxUncompressedBytes: number;
  maxMemoryMb: number;
}

export type WorkerReply =
  | { id: number; ok: true; doc: ParsedDocument; ocrRuns: { startMs: number; endMs: number }[] }
  | { id: number; ok: false; reason: ParseFailureReason; message: string };

/** Sent once by a new thread when its modules are loaded and it listens for jobs. */
export interface WorkerReady {
  ready: true;
}

export type WorkerMessage = WorkerReply | WorkerReady;
