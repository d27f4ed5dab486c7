// Index writes of the documents an indexer process handles at once, sent together.
//
// Each upsert waits for the engine's refresh (OpenSearch) or a commit (embedded), and with
// DOCMESH_INDEXER_CONCURRENCY documents in flight, one bulk request per document pays the request,
// the translog sync and the stale-chunk search once per document. Here the first write goes at once;
// the ones that arrive while it is in flight wait and go together in the next request. Each caller
// still learns its own outcome: when a shared request fails, its documents are written again one
// by one, so one bad document never fails the others.
import type { IndexedDocument, SearchIndex } from "../platform/index/search-index.ts";
import { tracedSystem, traceOperation } from "../platform/telemetry/ports.ts";

/** Both engines replace many documents in one request (not part of the SearchIndex port). */
interface ManyUpserts {
  upsertMany(documents: IndexedDocument[]): Promise<void>;
}

const hasUpsertMany = (index: SearchIndex): index is SearchIndex & ManyUpserts =>
  typeof (index as Partial<ManyUpserts>).upsertMany === "function";

interface Pending {
  document: IndexedDocument;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Documents per request at most: a few hundred chunks, well under a bulk request's sweet spot. */
export const MAX_COALESCED_DOCUMENTS = 64;

export class CoalescedUpserts {
  private queue: Pending[] = [];
  private writing = false;

  constructor(
    private readonly index: SearchIndex,
    private readonly maxDocuments = MAX_COALESCED_DOCUMENTS,
  ) {}

  /** Resolves once the document is written and visible, as SearchIndex.upsert does. */
  upsert(document: IndexedDocument): Promise<void> {
    if (!hasUpsertMany(this.index)) return this.index.upsert(document);
    const queued = () =>
      new Promise<void>((resolve, reject) => {
        this.queue.push({ document, resolve, reject });
        if (!this.writing) void this.drain();
      });
    // Each document's trace shows its own `index.upsert` (its wait included); the shared request
    // is its own `index.upsertMany` span, under the document whose write started it.
    const system = tracedSystem(this.index);
    return system ? traceOperation("index", system, "upsert", queued) : queued();
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) await this.write(this.takeBatch());
    } finally {
      this.writing = false;
    }
  }

  /**
   * The next documents in arrival order, stopping before a document already taken: two versions
   * of one document in one request would let the older one's stale-chunk cleanup see the newer.
   */
  private takeBatch(): Pending[] {
    const seen = new Set<string>();
    let count = 0;
    for (const pending of this.queue) {
      const key = `${pending.document.tenant}\u0000${pending.document.documentId}`;
      if (count >= this.maxDocuments || seen.has(key)) break;
      seen.add(key);
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async write(batch: Pending[]): Promise<void> {
    const index = this.index as SearchIndex & ManyUpserts;
    try {
      await index.upsertMany(batch.map((p) => p.document));
      for (const pending of batch) pending.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // Which document failed is not known: each gets its own request and its own outcome.
      await Promise.all(
        batch.map((pending) => index.upsert(pending.document).then(pending.resolve, pending.reject)),
      );
    }
  }
}
