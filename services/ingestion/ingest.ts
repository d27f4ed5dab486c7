// Accepting documents: checks before anything is stored, dedup per tenant,
// the original into object storage, then the row and its event in one transaction.
import { createHash, randomUUID } from "node:crypto";
import type { Batch, Document } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { BlobStore } from "../platform/blobs/blobs.ts";
import { exhausted, invalid, notFound, precondition } from "../platform/errors.ts";
import type { DocumentStore } from "../platform/store/document-store.ts";
import type { UploadStore } from "../platform/store/upload-store.ts";
import { checkedMediaType } from "./media-type.ts";

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

export class Ingestion {
  constructor(
    private readonly store: DocumentStore,
    private readonly uploads: UploadStore,
    private readonly blobs: BlobStore,
    private readonly limits: IngestionLimits,
    /** Called after a commit that wrote outbox rows (wakes an in-process relay). */
    private readonly committed: () => void = () => {},
  ) {}

  async upload(input: UploadInput): Promise<Accepted> {
    if (input.content.length > this.limits.maxUploadBytes) {
      throw exhausted(
        `"${input.fileName}" is ${input.content.length} bytes; one-call uploads are limited to ` +
          `${this.limits.maxUploadBytes} bytes (DOCMESH_MAX_UPLOAD_BYTES). Use CreateUpload for larger files.`,
      );
    }
    const mediaType = checkedMediaType(input.content, input.fileName, input.declaredMediaType);
    const sha256 = sha256Hex(input.content);
    const existing = await this.store.findBySha256(input.tenant, sha256);
    if (existing) return { document: existing, duplicate: true };
    const batchId = await this.batchIdOf(input.tenant, input.batch);

    const id = randomUUID();
    const objectKey = `originals/${id}`;
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
    const batchId = await this.batchIdOf(input.tenant, input.batch);
    const id = randomUUID();
    const objectKey = `originals/${id}`;
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
      object_key: objectKey,
      expire_time: expireTime,
    });
    const uploadUrl = await this.blobs.presignPut(objectKey, this.limits.presignExpirySeconds);
    return { name: `uploads/${id}`, uploadUrl, expireTime, existingDocument: undefined };
  }

  /** Verifies what the client PUT; idempotent once it succeeded. */
  async completeUpload(tenant: string, name: string): Promise<Accepted> {
    const upload = await this.uploads.get(tenant, idOf(name));
    if (!upload) throw notFound(`${name} not found`);
    if (upload.document_id)
      return { document: await this.store.getDocument(tenant, upload.document_id), duplicate: false };
    const info = await this.blobs.stat(upload.object_key);
    if (!info) throw precondition(`${name}: nothing was uploaded yet; PUT the bytes to the upload URL first`);
    if (info.size !== upload.size_bytes) {
      throw precondition(`${name}: ${info.size} bytes arrived but ${upload.size_bytes} were announced`);
    }
    const content = await this.blobs.get(upload.object_key);
    const sha256 = sha256Hex(content);
    if (sha256 !== upload.sha256) {
      throw precondition(
        `${name}: the uploaded bytes have sha256 ${sha256}, not the announced ${upload.sha256}`,
      );
    }
    const mediaType = checkedMediaType(content, upload.file_name, upload.declared_media_type);
    const accepted = await this.store.createDocument({
      id: idOf(upload.object_key),
      tenant,
      fileName: upload.file_name,
      mediaType,
      sizeBytes: content.length,
      sha256,
      batchId: upload.batch_id,
      correlationId: upload.correlation_id,
      objectKey: upload.object_key,
    });
    await this.uploads.markCompleted(upload.id, idOf(accepted.document.name));
    if (accepted.duplicate) await this.blobs.delete(upload.object_key);
    else this.committed();
    return accepted;
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
