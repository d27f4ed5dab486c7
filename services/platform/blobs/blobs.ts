// The object-storage port for originals. MinIO and a local directory implement it.

export interface BlobInfo {
  size: number;
}

export interface BlobStore {
  /** Creates the bucket or directory if needed. */
  ensure(): Promise<void>;
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Throws DocmeshError not_found when absent. */
  get(key: string): Promise<Uint8Array>;
  /** Undefined when absent. */
  stat(key: string): Promise<BlobInfo | undefined>;
  /** Idempotent: deleting an absent key succeeds. */
  delete(key: string): Promise<void>;
  /** A URL a client can PUT the bytes to, valid for `expirySeconds`. */
  presignPut(key: string, expirySeconds: number): Promise<string>;
}
