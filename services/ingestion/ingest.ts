// Accepting documents: checks before anything is stored, dedup per tenant,
// the original into object storage, then the row and its event in one transaction.
//
// Signed uploads never write an original. Their URL names the upload's own staging key
// (staging/<upload id>); CompleteUpload copies the staged bytes to the write-once key
// originals/<upload id> and verifies that copy, so a URL used again later only rewrites a dead
// staging key, which upload-sweep.ts deletes once the URL has expired.
import { createHash, randomUUID } from "node:crypto";
import type { Batch, Document } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { BlobStore } from "../platform/blobs/blobs.ts";
import { DocmeshError, exhausted, invalid, notFound, precondition } from "../platform/errors.ts";
import type { DocumentStore } from "../platform/store/document-store.ts";
import type { UploadRow, UploadStore } from "../platform/store/upload-store.ts";
import { checkedMediaType } from "./media-type.ts";
import type { TenantQuotas } from "./quotas.ts";

export interface IngestionLimits {
  maxUploadBytes: number;
  presignExpirySeconds: number;
}

export interface UploadInput {
  tenant: string;
  fileName: string;
  content: Uint8Array;
  declaredMediaType: string;
  batch: string;
  correlationId: string;
}

export interface Accepted {
  document: Document;
  duplicate: boolean;
}

const idOf = (name: string) => name.slice(name.indexOf("/") + 1);
const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
export const STAGING_PREFIX = "staging";
const originalKeyOf = (id: string) => `originals/${id}`;
/** Media types are sniffed from the first bytes only (see services/parsing/sniff.ts). */
const SNIFF_BYTES = 64 * 1024;

interface Digest {
  size: number;
  sha256: string;
  head: Uint8Array;
}

/** Size, sha256 and the first SNIFF_BYTES of a stream, holding no more than that in memory. */
async function digestOf(chunks: AsyncIterable<Uint8Array>): Promise<Digest> {
  const hash = createHash("sha256");
  const head = new Uint8Array(SNIFF_BYTES);
  let size = 0;
  for await (const chunk of chunks) {
    if (size < SNIFF_BYTES) head.set(chunk.subarray(0, SNIFF_BYTES - size), size);
    size += chunk.byteLength;
    hash.update(chunk);
  }
  return { size, sha256: hash.digest("hex"), head: head.subarray(0, Math.min(size, SNIFF_BYTES)) };
}

export class Ingestion {
  constructor(
    private readonly store: DocumentStore,
    private readonly uploads: UploadStore,
    private readonly blobs: BlobStore,
    private readonly limits: IngestionLimits,
    /** Called after a commit that wrote outbox rows (wakes an in-process relay). */
    private readonly committed: () => void = () => {},
    /** Per-tenant quotas; none when absent. */
    private readonly quotas?: TenantQuotas,
  ) {}

  async upload(input: UploadInput): Promise<Accepted> {
    if (input.content.length > this.limits.maxUploadBytes) {
      // Not a rate limit (those carry Retry-After): the same call will never fit, so say what will.
      throw exhausted(
        `"${input.fileName}" is ${input.content.length} bytes; one-call uploads are limited to ` +
          `${this.limits.maxUploadBytes} bytes (DOCMESH_MAX_UPLOAD_BYTES), so retrying will not help. ` +
          "Use CreateUpload for larger files.",
      );
    }
    const mediaType = checkedMediaType(input.content, input.fileName, input.declaredMediaType);
    const sha256 = sha256Hex(input.content);
    const existing = await this.store.findBySha256(input.tenant, sha256);
    if (existing) return { document: existing, duplicate: true };
    await this.quotas?.checkNewDocument(input.tenant, input.content.length);
    const batchId = await this.batchIdOf(input.tenant, input.batch);

    const id = randomUUID();
    const objectKey = originalKeyOf(id);
    await this.blobs.put(objectKey, input.content, mediaType);
    const accepted = await this.store.createDocument({
      id,
      tenant: input.tenant,
      fileName: input.fileName,
      mediaType,
      sizeBytes: input.content.length,
      sha256,
      batchId,
      correlationId: input.correlationId || randomUUID(),
      objectKey,
    });
    if (accepted.duplicate)
      await this.blobs.delete(objectKey); // lost a race with an identical upload
    else this.committed();
    return accepted;
  }

  async createUpload(input: Omit<UploadInput, "content"> & { sizeBytes: number; sha256: string }) {
    const existing = await this.store.findBySha256(input.tenant, input.sha256);
    if (existing) return { name: "", uploadUrl: "", expireTime: new Date(), existingDocument: existing };
    await this.quotas?.checkNewDocument(input.tenant, input.sizeBytes);
    const batchId = await this.batchIdOf(input.tenant, input.batch);
    const id = randomUUID();
    const stagingKey = `${STAGING_PREFIX}/${id}`;
    const expireTime = new Date(Date.now() + this.limits.presignExpirySeconds * 1000);
    await this.uploads.create({
      id,
      tenant: input.tenant,
      file_name: input.fileName,
      size_bytes: input.sizeBytes,
      sha256: input.sha256,
      declared_media_type: input.declaredMediaType,
      batch_id: batchId,
      correlation_id: input.correlationId || randomUUID(),
      object_key: stagingKey,
      expire_time: expireTime,
    });
    const uploadUrl = await this.blobs.presignPut(
      stagingKey,
      this.limits.presignExpirySeconds,
      input.sizeBytes,
    );
    return { name: `uploads/${id}`, uploadUrl, expireTime, existingDocument: undefined };
  }

  /**
   * Verifies what the client PUT and accepts it; idempotent once it succeeded. Bytes that fail
   * the checks are deleted, so the client can PUT again while the URL is valid.
   */
  async completeUpload(tenant: string, name: string): Promise<Accepted> {
    const upload = await this.uploads.get(tenant, idOf(name));
    if (!upload) throw notFound(`${name} not found`);
    if (upload.document_id)
      return { document: await this.store.getDocument(tenant, upload.document_id), duplicate: false };
    const staged = await this.blobs.stat(upload.object_key);
    if (!staged && upload.expire_time.getTime() < Date.now()) {
      throw precondition(
        `${name} expired at ${upload.expire_time.toISOString()}; start again with CreateUpload`,
      );
    }
    if (!staged)
      throw precondition(`${name}: nothing was uploaded yet; PUT the bytes to the upload URL first`);
    if (staged.size !== upload.size_bytes) {
      await this.discardStaged(upload);
      throw precondition(
        `${name}: ${staged.size} bytes arrived but ${upload.size_bytes} were announced; ` +
          "they were discarded, PUT the announced bytes again",
      );
    }

    // Checked again: other documents may have used the room since CreateUpload.
    await this.quotas?.checkNewDocument(tenant, upload.size_bytes);

    // Snapshot first, verify the snapshot: what is verified is exactly what is kept, whatever
    // is PUT to the staging key meanwhile. A snapshot left by an earlier, interrupted call is
    // verified the same way.
    const objectKey = originalKeyOf(upload.id);
    await this.blobs.copyNew(upload.object_key, objectKey).catch((error: unknown) => {
      if (!(error instanceof DocmeshError && error.kind === "already_exists")) throw error;
    });
    let mediaType: string;
    try {
      mediaType = await this.verifiedMediaType(name, upload, objectKey);
    } catch (error) {
      // Bytes that can never be accepted go; after a mere read failure the snapshot stays for a retry.
      if (error instanceof DocmeshError && !error.retriable) await this.blobs.delete(objectKey);
      throw error;
    }

    const accepted = await this.store.createDocument({
      id: upload.id,
      tenant,
      fileName: upload.file_name,
      mediaType,
      sizeBytes: upload.size_bytes,
      sha256: upload.sha256,
      batchId: upload.batch_id,
      correlationId: upload.correlation_id,
      objectKey,
    });
    const documentId = idOf(accepted.document.name);
    await this.uploads.markCompleted(upload.id, documentId);
    await this.discardStaged(upload);
    // A concurrent CompleteUpload of this same upload created the document: the original is ours.
    if (documentId === upload.id) {
      if (!accepted.duplicate) this.committed();
      return { document: accepted.document, duplicate: false };
    }
    await this.blobs.delete(objectKey); // the tenant already had these bytes as another document
    return accepted;
  }

  /** Hashes the copy as a stream; a mismatch deletes the staged bytes too. */
  private async verifiedMediaType(name: string, upload: UploadRow, objectKey: string): Promise<string> {
    const digest = await digestOf(await this.blobs.read(objectKey));
    const problem =
      digest.size !== upload.size_bytes
        ? `${digest.size} bytes arrived but ${upload.size_bytes} were announced`
        : digest.sha256 !== upload.sha256
          ? `the uploaded bytes have sha256 ${digest.sha256}, not the announced ${upload.sha256}`
          : undefined;
    if (problem) {
      await this.discardStaged(upload);
      throw precondition(`${name}: ${problem}; they were discarded, PUT the announced bytes again`);
    }
    return checkedMediaType(digest.head, upload.file_name, upload.declared_media_type);
  }

  /** Uploads created before staging keys existed had their URL write the original itself. */
  private async discardStaged(upload: UploadRow): Promise<void> {
    if (upload.object_key !== originalKeyOf(upload.id)) await this.blobs.delete(upload.object_key);
  }

  createBatch(tenant: string, displayName: string, correlationId: string): Promise<Batch> {
    return this.store.createBatch(tenant, displayName, correlationId || randomUUID());
  }

  getBatch(tenant: string, name: string): Promise<Batch> {
    return this.store.getBatch(tenant, idOf(name));
  }

  private async batchIdOf(tenant: string, batch: string): Promise<string | null> {
    if (!batch) return null;
    try {
      await this.store.getBatch(tenant, idOf(batch));
    } catch {
      throw invalid(`${batch} does not exist; create it with CreateBatch first`);
    }
    return idOf(batch);
  }
}
