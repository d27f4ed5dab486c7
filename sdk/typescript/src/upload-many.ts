// Uploads many files with bounded concurrency. One file's failure does not stop the others:
// each outcome is reported, and the caller decides what a partial success means.
import type { DocmeshClients } from "./client.ts";
import { type DocmeshError, toDocmeshError } from "./errors.ts";
import { expandInputs } from "./files.ts";
import { type UploadOptions, type UploadResult, uploadFile } from "./upload.ts";

export type UploadOutcome = UploadResult | { path: string; error: DocmeshError };

export interface UploadManyOptions extends Omit<UploadOptions, "onProgress" | "fileName"> {
  /** Files uploaded at once (default 4). */
  concurrency?: number;
  /** Create a batch with this display name and upload into it (ignored when `batch` is set). */
  createBatch?: string;
  onFileStart?: (path: string, sizeBytes: number) => void;
  onFileProgress?: (path: string, sentBytes: number, totalBytes: number) => void;
  onFileDone?: (outcome: UploadOutcome) => void;
}

export interface UploadManyResult {
  /** `batches/{id}` the files joined, or "" without one. */
  batch: string;
  outcomes: UploadOutcome[];
}

export function isUploadError(outcome: UploadOutcome): outcome is { path: string; error: DocmeshError } {
  return "error" in outcome;
}

/** Uploads files, folders (recursively) and glob patterns. */
export async function uploadMany(
  clients: DocmeshClients,
  inputs: readonly string[],
  options: UploadManyOptions = {},
): Promise<UploadManyResult> {
  const files = await expandInputs(inputs);
  let batch = options.batch ?? "";
  if (!batch && options.createBatch !== undefined) {
    const created = await clients.ingestion.createBatch({ displayName: options.createBatch });
    batch = created.batch?.name ?? "";
  }
  const outcomes: UploadOutcome[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const path = files[index] as string;
      let outcome: UploadOutcome;
      try {
        outcome = await uploadFile(clients, path, {
          ...options,
          batch,
          onProgress: (sent, total) => {
            if (sent === 0) options.onFileStart?.(path, total);
            options.onFileProgress?.(path, sent, total);
          },
        });
      } catch (error) {
        outcome = { path, error: toDocmeshError(error) };
      }
      outcomes[index] = outcome;
      options.onFileDone?.(outcome);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, files.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { batch, outcomes };
}
