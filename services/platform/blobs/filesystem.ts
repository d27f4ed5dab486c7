// BlobStore on a local directory (embedded mode).
//
// Layout under `root`:
//   objects/<key>~   one file per blob. The "~" suffix can never appear in a key segment, so the
//                    blob "a" (file "a~") and the blob "a/b" (directory "a") never collide.
//   tmp/             in-flight writes; a write is temp file → fsync → rename → fsync(dir), so a
//                    reader sees the old bytes or the new bytes, never a torn file.
//
// Presigned PUTs imitate S3: presignPut returns
//   `${publicBaseUrl}/blobs/<key>?expires=<unix seconds>[&max=<bytes>]&signature=<hex HMAC-SHA256>`
// and signed-upload-handler.ts verifies it and streams the body in through putStream(), stopping
// at `max` (the announced size, covered by the signature).

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import {
  type FileHandle,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
} from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { DocmeshError, exhausted, invalid, notFound, unavailable } from "../errors.ts";
import type { BlobInfo, BlobListing, BlobStore } from "./blobs.ts";
import { validateKey } from "./keys.ts";

export interface FilesystemBlobStoreOptions {
  /** Directory holding the blobs; created by ensure(). */
  root: string;
  /** Origin (and optional path prefix) clients reach the signed-upload handler at, e.g. http://127.0.0.1:8080 */
  publicBaseUrl: string;
  /** Secret for presigned URLs (at least 16 bytes). */
  signingKey: string | Uint8Array;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

export type UploadVerdict =
  | { verdict: "ok" /** The announced size the URL was signed for, if any. */; maxBytes?: number }
  | { verdict: "bad_signature" | "expired" };

const FILE_SUFFIX = "~";
const READ_CHUNK_BYTES = 1024 * 1024;

export class FilesystemBlobStore implements BlobStore {
  readonly root: string;
  private readonly objects: string;
  private readonly tmp: string;
  private readonly publicBaseUrl: string;
  private readonly signingKey: Buffer;
  private readonly now: () => number;

  constructor(options: FilesystemBlobStoreOptions) {
    this.root = options.root;
    this.objects = join(options.root, "objects");
    this.tmp = join(options.root, "tmp");
    this.publicBaseUrl = options.publicBaseUrl.replace(/\/+$/, "");
    this.signingKey = Buffer.from(options.signingKey);
    if (this.signingKey.length < 16) throw invalid("blob signing key must be at least 16 bytes");
    this.now = options.now ?? Date.now;
  }

  async ensure(): Promise<void> {
    await mkdir(this.objects, { recursive: true });
    await mkdir(this.tmp, { recursive: true });
  }

  async put(key: string, bytes: Uint8Array, _contentType: string): Promise<void> {
    const target = this.pathOf(key);
    await this.writeAtomically(target, async (handle) => {
      await handle.writeFile(bytes);
      return bytes.byteLength;
    });
  }

  /**
   * Streams `source` into the blob atomically. Throws DocmeshError exhausted (and keeps the old
   * bytes) once more than `maxBytes` arrive. Returns the number of bytes written.
   */
  async putStream(key: string, source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<number> {
    const target = this.pathOf(key);
    return this.writeAtomically(target, async (handle) => {
      let total = 0;
      for await (const chunk of source) {
        total += chunk.byteLength;
        if (total > maxBytes) throw exhausted(`upload exceeds the limit of ${maxBytes} bytes`);
        await handle.write(chunk);
      }
      return total;
    });
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (error) {
      throw mapFsError(error, key);
    }
  }

  async read(key: string): Promise<AsyncIterable<Uint8Array>> {
    let handle: FileHandle;
    try {
      handle = await open(this.pathOf(key), "r");
    } catch (error) {
      throw mapFsError(error, key);
    }
    // The stream closes the handle when it ends or the reader stops early.
    return mapReadErrors(handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES }), key);
  }

  async copyNew(source: string, target: string): Promise<void> {
    const from = this.pathOf(source);
    const to = this.pathOf(target);
    if (!(await this.stat(source))) throw notFound(`blob "${source}" not found`);
    try {
      // A hard link is an O(1) snapshot: every write to a key replaces its file by rename and
      // never changes an existing file, so the linked bytes stay as they are. link() also refuses
      // an existing target atomically. (Both keys live under one root, so one file system.)
      await intoDirectory(dirname(to), () => link(from, to));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") throw alreadyExists(target);
      throw mapFsError(error, source);
    }
    await fsyncDirectory(dirname(to));
  }

  async *list(prefix: string): AsyncIterable<BlobListing> {
    const directory = join(this.objects, ...validateKey(prefix).split("/"));
    for (const path of await filesUnder(directory)) {
      if (!path.endsWith(FILE_SUFFIX)) continue;
      const info = await stat(path).catch(() => undefined); // deleted meanwhile
      if (!info?.isFile()) continue;
      const key = relative(this.objects, path).slice(0, -FILE_SUFFIX.length).split(sep).join("/");
      yield { key, size: info.size, modified: info.mtime };
    }
  }

  async stat(key: string): Promise<BlobInfo | undefined> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { size: info.size } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw mapFsError(error, key);
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      if (isMissing(error)) return;
      throw mapFsError(error, key);
    }
    await this.pruneEmptyDirectories(dirname(path));
  }

  async presignPut(key: string, expirySeconds: number, maxBytes?: number): Promise<string> {
    validateKey(key);
    if (!Number.isInteger(expirySeconds) || expirySeconds < 1) {
      throw invalid("presign expiry must be a positive integer number of seconds");
    }
    if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 0)) {
      throw invalid("presign maxBytes must be a non-negative integer");
    }
    const expires = Math.floor(this.now() / 1000) + expirySeconds;
    const path = key.split("/").map(encodeURIComponent).join("/");
    const max = maxBytes === undefined ? "" : `&max=${maxBytes}`;
    const signature = this.sign(key, expires, maxBytes);
    return `${this.publicBaseUrl}/blobs/${path}?expires=${expires}${max}&signature=${signature}`;
  }

  /** Checks a presigned URL's parameters: the signature first (403), then the expiry (410). */
  verifyUpload(key: string, params: URLSearchParams): UploadVerdict {
    const expires = params.get("expires");
    const max = params.get("max");
    const signature = params.get("signature");
    if (
      expires === null ||
      signature === null ||
      !/^\d{1,12}$/.test(expires) ||
      (max !== null && !/^\d{1,16}$/.test(max)) ||
      !/^[0-9a-f]{64}$/.test(signature)
    ) {
      return { verdict: "bad_signature" };
    }
    const maxBytes = max === null ? undefined : Number(max);
    const expected = Buffer.from(this.sign(key, Number(expires), maxBytes), "hex");
    if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) return { verdict: "bad_signature" };
    if (Number(expires) * 1000 < this.now()) return { verdict: "expired" };
    return { verdict: "ok", maxBytes };
  }

  async close(): Promise<void> {}

  private sign(key: string, expires: number, maxBytes: number | undefined): string {
    const size = maxBytes === undefined ? "" : `\n${maxBytes}`;
    return createHmac("sha256", this.signingKey).update(`PUT\n${key}\n${expires}${size}`).digest("hex");
  }

  private pathOf(key: string): string {
    return join(this.objects, ...validateKey(key).split("/")) + FILE_SUFFIX;
  }

  private tempPath(): string {
    return join(this.tmp, `${randomBytes(12).toString("hex")}.tmp`);
  }

  private async writeAtomically(
    target: string,
    write: (handle: FileHandle) => Promise<number>,
  ): Promise<number> {
    const temp = this.tempPath();
    let handle: FileHandle | undefined;
    try {
      handle = await open(temp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o640);
      const written = await write(handle);
      await handle.sync();
      await handle.close();
      handle = undefined;
      await intoDirectory(dirname(target), () => rename(temp, target));
      await fsyncDirectory(dirname(target));
      return written;
    } catch (error) {
      await handle?.close().catch(() => {});
      await rm(temp, { force: true }).catch(() => {});
      if (error instanceof DocmeshError) throw error;
      throw mapFsError(error, target);
    }
  }

  /** Removes directories left empty by a delete, up to (not including) objects/. */
  private async pruneEmptyDirectories(directory: string): Promise<void> {
    let current = directory;
    while (current.startsWith(this.objects) && current !== this.objects) {
      try {
        if ((await readdir(current)).length > 0) return;
        await rmdir(current);
      } catch {
        return; // a concurrent put refilled it, or it is already gone
      }
      current = dirname(current);
    }
  }
}

async function fsyncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, fsConstants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

/**
 * Creates `directory` and runs `place` (a rename or link into it), again if a concurrent delete
 * pruned the directory in between (ENOENT; the caller made sure its source exists).
 */
async function intoDirectory(directory: string, place: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await mkdir(directory, { recursive: true }); // can fail too, when the prune races it
      return await place();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || attempt === 5) throw error;
    }
  }
}

/** Every file below `directory` (none when it does not exist). */
async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch((error) => {
    if (isMissing(error)) return [];
    throw mapFsError(error, directory);
  });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

async function* mapReadErrors(source: AsyncIterable<Uint8Array>, key: string): AsyncIterable<Uint8Array> {
  try {
    yield* source;
  } catch (error) {
    throw mapFsError(error, key);
  }
}

function alreadyExists(key: string): DocmeshError {
  return new DocmeshError("already_exists", `blob "${key}" already exists; a copy never replaces one`);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

function mapFsError(error: unknown, key: string): DocmeshError {
  if (error instanceof DocmeshError) return error;
  if (isMissing(error)) return notFound(`blob "${key}" not found`);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") return exhausted(`blob storage is full (${code})`);
  return unavailable(`blob storage failed for "${key}": ${(error as Error).message}`, error);
}
