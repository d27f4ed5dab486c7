// BlobStore on MinIO / S3 (cluster mode), through the `minio` client.
//
// Errors: a missing object → not_found; a create-only copy onto an existing key →
// already_exists; network failures, timeouts and S3 5xx/throttling → unavailable (retriable);
// other S3 refusals (AccessDenied, NoSuchBucket, ...) → internal.
//
// Presigned PUT URLs cannot bind the body size (S3 leaves content-length out of presigned
// signatures), so presignPut ignores maxBytes and callers check the size that arrived.

import { Agent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { Client, S3Error } from "minio";
import { DocmeshError, invalid, notFound, unavailable } from "../errors.ts";
import type { BlobInfo, BlobListing, BlobStore } from "./blobs.ts";
import { validateKey } from "./keys.ts";

export interface MinioBlobStoreOptions {
  /** e.g. http://127.0.0.1:9000 */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** Region used for signing; set so presigning needs no round trip. Default us-east-1. */
  region?: string;
  /** Per-operation deadline in milliseconds. Default 30 000. */
  timeoutMs?: number;
}

const MISSING_CODES = new Set(["NoSuchKey", "NotFound", "NoSuchObject"]);
const TRANSIENT_S3_CODES = new Set([
  "SlowDown",
  "InternalError",
  "ServiceUnavailable",
  "RequestTimeout",
  "XMinioServerNotInitialized",
  "XMinioStorageFull",
  "OperationTimedOut",
]);

export class MinioBlobStore implements BlobStore {
  readonly bucket: string;
  private readonly client: Client;
  private readonly region: string;
  private readonly timeoutMs: number;

  constructor(options: MinioBlobStoreOptions) {
    const url = new URL(options.endpoint);
    const useSSL = url.protocol === "https:";
    this.bucket = options.bucket;
    this.region = options.region ?? "us-east-1";
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: this.region,
      pathStyle: true,
      transportAgent: useSSL ? new HttpsAgent({ keepAlive: true }) : new Agent({ keepAlive: true }),
    });
  }

  async ensure(): Promise<void> {
    await this.call("ensure bucket", async () => {
      if (await this.client.bucketExists(this.bucket)) return;
      try {
        await this.client.makeBucket(this.bucket, this.region);
      } catch (error) {
        // Another process created it between the two calls.
        const code = (error as S3Error).code;
        if (code !== "BucketAlreadyOwnedByYou" && code !== "BucketAlreadyExists") throw error;
      }
    });
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    validateKey(key);
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await this.call(`put "${key}"`, () =>
      this.client.putObject(this.bucket, key, buffer, buffer.length, { "Content-Type": contentType }),
    );
  }

  async get(key: string): Promise<Uint8Array> {
    validateKey(key);
    return this.call(`get "${key}"`, async () => {
      const stream = await this.client.getObject(this.bucket, key);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    });
  }

  async read(key: string): Promise<AsyncIterable<Uint8Array>> {
    validateKey(key);
    // The deadline covers the request; the body then streams at the reader's pace.
    const stream = await this.call(`read "${key}"`, () => this.client.getObject(this.bucket, key));
    return mapStreamErrors(stream, `read "${key}"`);
  }

  async copyNew(source: string, target: string): Promise<void> {
    validateKey(source);
    validateKey(target);
    const what = `copy "${source}" to "${target}"`;
    const { size } = await this.call(what, () => this.client.statObject(this.bucket, source));
    const body = await this.call(what, () => this.client.getObject(this.bucket, source));
    // S3 CopyObject ignores If-None-Match (MinIO's too) while PutObject honours it, so the bytes
    // pass through this process to make the write create-only. No deadline: it may be 5 GiB.
    try {
      await this.client.putObject(this.bucket, target, body, size, { "If-None-Match": "*" });
    } catch (error) {
      body.destroy();
      throw mapMinioError(error, what);
    }
  }

  async *list(prefix: string): AsyncIterable<BlobListing> {
    validateKey(prefix);
    const items = this.client.listObjectsV2(this.bucket, `${prefix}/`, true);
    for await (const item of mapStreamErrors(items, `list "${prefix}/"`)) {
      const { name, size, lastModified } = item as { name?: string; size: number; lastModified: Date };
      if (name) yield { key: name, size, modified: lastModified };
    }
  }

  async stat(key: string): Promise<BlobInfo | undefined> {
    validateKey(key);
    try {
      return await this.call(`stat "${key}"`, async () => ({
        size: (await this.client.statObject(this.bucket, key)).size,
      }));
    } catch (error) {
      if (error instanceof DocmeshError && error.kind === "not_found") return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    // S3 DeleteObject already succeeds for an absent key.
    await this.call(`delete "${key}"`, () => this.client.removeObject(this.bucket, key));
  }

  async presignPut(key: string, expirySeconds: number, _maxBytes?: number): Promise<string> {
    validateKey(key);
    if (!Number.isInteger(expirySeconds) || expirySeconds < 1 || expirySeconds > 7 * 24 * 3600) {
      throw invalid("presign expiry must be an integer in [1, 604800] seconds");
    }
    return this.call(`presign "${key}"`, () =>
      this.client.presignedPutObject(this.bucket, key, expirySeconds),
    );
  }

  async close(): Promise<void> {}

  private async call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(unavailable(`object storage: ${what} timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([operation(), deadline]);
    } catch (error) {
      throw mapMinioError(error, what);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function* mapStreamErrors<T>(source: AsyncIterable<T>, what: string): AsyncIterable<T> {
  try {
    yield* source;
  } catch (error) {
    throw mapMinioError(error, what);
  }
}

export function mapMinioError(error: unknown, what: string): DocmeshError {
  if (error instanceof DocmeshError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = (error as Error | undefined)?.message ?? String(error);
  if (typeof code === "string" && MISSING_CODES.has(code))
    return notFound(`object storage: ${what}: not found`);
  if (code === "PreconditionFailed") {
    return new DocmeshError("already_exists", `object storage: ${what}: the target already exists`);
  }
  if (error instanceof S3Error && typeof code === "string" && !TRANSIENT_S3_CODES.has(code)) {
    return new DocmeshError("internal", `object storage: ${what}: ${code}: ${message}`, false, {
      cause: error,
    });
  }
  // Connection refused/reset, DNS, socket timeouts, S3 5xx: worth retrying.
  return unavailable(`object storage: ${what}: ${message}`, error);
}
