// The SDK's front door: one object with the generated clients and the helpers bound to them.
import { createDocmeshClients, type DocmeshClients, type DocmeshOptions } from "./client.ts";
import { type ListRequest, listAll, type SearchRequest, searchAll } from "./pages.ts";
import { type UploadOptions, uploadFile } from "./upload.ts";
import { type UploadManyOptions, uploadMany } from "./upload-many.ts";
import { ProgressWatch, type WatchOptions } from "./watch.ts";

export class Docmesh implements DocmeshClients {
  readonly ingestion: DocmeshClients["ingestion"];
  readonly metadata: DocmeshClients["metadata"];
  readonly search: DocmeshClients["search"];
  readonly progress: DocmeshClients["progress"];
  readonly review: DocmeshClients["review"];
  readonly admin: DocmeshClients["admin"];

  constructor(options: DocmeshOptions) {
    const clients = createDocmeshClients(options);
    this.ingestion = clients.ingestion;
    this.metadata = clients.metadata;
    this.search = clients.search;
    this.progress = clients.progress;
    this.review = clients.review;
    this.admin = clients.admin;
  }

  /** One file: one call below `largeFileBytes`, the presigned path above. */
  uploadFile(path: string, options?: UploadOptions) {
    return uploadFile(this, path, options);
  }

  /** Files, folders and glob patterns, optionally into a new batch. */
  uploadMany(inputs: readonly string[], options?: UploadManyOptions) {
    return uploadMany(this, inputs, options);
  }

  /** A batch or document watch that resumes from its cursors after a disconnect. */
  watch(name: string, options?: WatchOptions) {
    return new ProgressWatch(this, name, options);
  }

  searchAll(request: SearchRequest) {
    return searchAll(this, request);
  }

  listAll(request?: ListRequest) {
    return listAll(this, request);
  }

  /** Reads a document by name (`documents/{id}`). */
  async getDocument(name: string) {
    const { document } = await this.metadata.getDocument({ name });
    if (!document) throw new Error(`the server answered without a document for ${name}`);
    return document;
  }
}
