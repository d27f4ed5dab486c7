// Uploads: a small file in one UploadDocument call, a large one through the presigned path
// (CreateUpload, PUT the bytes, CompleteUpload). Both report whether the tenant already had the
// bytes (`duplicate`): the server answers the existing document and stores nothing twice.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { basename } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { DocmeshClients } from "./client.ts";
import { DocmeshError } from "./errors.ts";
import type { Document } from "./gen/docmesh/document/v1/document_pb.ts";

/** Files above this go through the presigned path; the server's one-call limit defaults to 50 MiB. */
export const DEFAULT_LARGE_FILE_BYTES = 16 * 1024 * 1024;

export interface UploadOptions {
  /** `batches/{id}` to join. */
  batch?: string;
  /** File name sent to the server; defaults to the path's base name. */
  fileName?: string;
  declaredMediaType?: string;
  correlationId?: string;
  /** Size from which the presigned path is used (default 16 MiB). */
  largeFileBytes?: number;
  /** Called as bytes go out (the presigned path reports each chunk; one call reports at the end). */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

export interface UploadResult {
  path: string;
  document: Document;
  /** True when identical content already existed for this tenant; `document` is that one. */
  duplicate: boolean;
  /** Which path the bytes took. */
  method: "single" | "presigned";
  sizeBytes: number;
}

export async function uploadFile(
  clients: DocmeshClients,
  path: string,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const { size } = await stat(path);
  const fileName = options.fileName ?? basename(path);
  const common = {
    fileName,
    batch: options.batch ?? "",
    declaredMediaType: options.declaredMediaType ?? "",
    correlationId: options.correlationId ?? "",
  };
  const callOptions = { signal: options.signal };
  options.onProgress?.(0, size);
  if (size < (options.largeFileBytes ?? DEFAULT_LARGE_FILE_BYTES)) {
    const content = await readFile(path);
    const response = await clients.ingestion.uploadDocument({ ...common, content }, callOptions);
    options.onProgress?.(size, size);
    return {
      path,
      document: required(response.document),
      duplicate: response.duplicate,
      method: "single",
      sizeBytes: size,
    };
  }

  const sha256 = await hashFile(path);
  const created = await clients.ingestion.createUpload(
    { ...common, sizeBytes: BigInt(size), sha256 },
    callOptions,
  );
  if (created.existingDocument) {
    options.onProgress?.(size, size);
    return {
      path,
      document: created.existingDocument,
      duplicate: true,
      method: "presigned",
      sizeBytes: size,
    };
  }
  await putFile(created.uploadUrl, path, size, options);
  const completed = await clients.ingestion.completeUpload({ name: created.name }, callOptions);
  return {
    path,
    document: required(completed.document),
    duplicate: completed.duplicate,
    method: "presigned",
    sizeBytes: size,
  };
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}

/** PUTs the file with an exact Content-Length (S3 presigned URLs refuse chunked bodies). */
async function putFile(url: string, path: string, size: number, options: UploadOptions): Promise<void> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent += chunk.length;
      options.onProgress?.(sent, size);
      callback(null, chunk);
    },
  });
  await new Promise<void>((resolve, reject) => {
    const request = send(
      target,
      {
        method: "PUT",
        headers: { "content-length": String(size), "content-type": "application/octet-stream" },
        signal: options.signal,
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (body.length < 2000) body += chunk;
        });
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new DocmeshError(`PUT to the upload URL answered ${status}: ${body.slice(0, 500)}`));
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    pipeline(createReadStream(path), counter, request).catch(reject);
  });
}

function required(document: Document | undefined): Document {
  if (!document) throw new DocmeshError("the server answered without a document");
  return document;
}
