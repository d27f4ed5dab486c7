// Deletes staged upload bytes that can never be completed: those of uploads past their expiry
// (their URL is dead, so nothing can arrive after the sweep) and those with no upload at all.
// Completed uploads are swept too: a URL used again before it expired rewrote a dead staging key.
import type { BlobStore } from "../platform/blobs/blobs.ts";
import { logger } from "../platform/log.ts";
import type { UploadStore } from "../platform/store/upload-store.ts";
import { STAGING_PREFIX } from "./ingest.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Staged bytes without an upload row are left this long, in case the row is being written. */
const ORPHAN_GRACE_MS = 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60 * 1000;

const log = logger("upload-sweep");

/** One pass; returns the keys it deleted. */
export async function sweepStagedUploads(
  blobs: BlobStore,
  uploads: UploadStore,
  now: Date = new Date(),
): Promise<string[]> {
  const deleted: string[] = [];
  for await (const blob of blobs.list(STAGING_PREFIX)) {
    const id = blob.key.slice(STAGING_PREFIX.length + 1);
    const upload = UUID.test(id) ? await uploads.findById(id) : undefined;
    const dead = upload
      ? upload.expire_time.getTime() <= now.getTime()
      : blob.modified.getTime() + ORPHAN_GRACE_MS <= now.getTime();
    if (!dead) continue;
    await blobs.delete(blob.key);
    deleted.push(blob.key);
  }
  return deleted;
}

/** Sweeps every minute until stopped; a failed pass is logged and tried again next time. */
export function startUploadSweeper(blobs: BlobStore, uploads: UploadStore): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return; // the last pass is still going
    running = sweepStagedUploads(blobs, uploads)
      .then(
        (deleted) => {
          if (deleted.length > 0) log.info("deleted staged upload bytes", { count: deleted.length });
        },
        (error: unknown) => log.warn("upload sweep failed", { error }),
      )
      .finally(() => {
        running = undefined;
      });
  }, SWEEP_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
