// The object-storage port for originals. MinIO and a local directory implement it.

export interface BlobInfo {
  size: number;
}

export interface BlobListing {
  key: string;
  size: number;
  /** When the blob was last written. */
  modified: Date;
}

export interface BlobStore {
  /** Creates the bucket or directory if needed. */
  ensure(): Promise<void>;
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Throws DocmeshError not_found when absent. Buffers the whole blob: use read() for large ones. */
  get(key: string): Promise<Uint8Array>;
  /**
   * The blob's bytes as a stream, in chunks, so memory stays flat whatever its size.
   * Throws DocmeshError not_found when absent (before any chunk).
   */
  read(key: string): Promise<AsyncIterable<Uint8Array>>;
  /** Undefined when absent. */
  stat(key: string): Promise<BlobInfo | undefined>;
  /** Idempotent: deleting an absent key succeeds. */
  delete(key: string): Promise<void>;
  /**
   * Copies `source` to `target` inside the store, creating `target`: the copy is a snapshot
   * that later writes to `source` never reach. Throws not_found when `source` is absent and
   * already_exists (leaving `target` as it was) when `target` exists: a copy never replaces.
   */
  copyNew(source: string, target: string): Promise<void>;
  /** Every blob whose key starts with `prefix` + "/", in no particular order. */
  list(prefix: string): AsyncIterable<BlobListing>;
  /**
   * A URL a client can PUT the bytes to, valid for `expirySeconds`. A store that can bind the
   * body size to the URL refuses bodies over `maxBytes` (the filesystem store does; S3
   * presigned PUTs cannot, so callers still check the size of what arrived).
   */
  presignPut(key: string, expirySeconds: number, maxBytes?: number): Promise<string>;
}
