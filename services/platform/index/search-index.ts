// The search-index port. OpenSearch (BM25 + knn_vector, Lucene engine) and the
// embedded engine (PGlite full-text + pgvector) implement it.

export type Category = "invoice" | "receipt" | "contract" | "report" | "other";

export interface IndexedChunk {
  /** 0-based position within the document. */
  ordinal: number;
  text: string;
  /** Absent for a chunk found by keyword only. */
  embedding?: Float32Array;
  /**
   * A passage found by its vector only: its text is the highlight of a semantic hit and is not
   * searched by keyword. The indexer sends a document's text twice: long chunks for keyword search
   * and its first short passages, embedded (services/ai/embedding/budget.ts, docs/search.md).
   */
  vectorOnly?: boolean;
}

/** Everything searchable about one document; replaces any earlier version. */
export interface IndexedDocument {
  tenant: string;
  documentId: string;
  fileName: string;
  title: string;
  category: Category;
  status: string;
  batch: string;
  createTime: Date;
  /** ISO YYYY-MM-DD: invoice/receipt/report date or contract agreement date. */
  documentDate?: string;
  totalAmount?: number;
  currency?: string;
  /** Extracted field values flattened to text, searched by keyword (e.g. issuer names). */
  fieldsText: string;
  chunks: IndexedChunk[];
}

export interface SearchFilter {
  categories?: Category[];
  statuses?: string[];
  batch?: string;
  createTimeAfter?: Date;
  createTimeBefore?: Date;
  documentDateFrom?: string;
  documentDateTo?: string;
  totalAmountMin?: number;
  totalAmountMax?: number;
  currency?: string;
}

export interface IndexQuery {
  /** Always applied; never taken from a client filter. */
  tenant: string;
  filter: SearchFilter;
  limit: number;
}

export interface IndexHit {
  documentId: string;
  score: number;
  /** Fragments with matches wrapped in <em></em>. */
  highlights: { field: string; snippet: string }[];
}

export interface SearchIndex {
  /**
   * Prepares the index for vectors of `dimensions` made by `embeddingModel` (an id; default
   * UNNAMED_EMBEDDING_MODEL). Vectors of two models are never compared: an index holding another
   * model's vectors is cleared of them by the embedded engine (its `reembed` fills them again) and
   * refused by OpenSearch (`precondition`).
   */
  ensure(dimensions: number, embeddingModel?: string): Promise<void>;
  /** Idempotent: indexing the same document again replaces it. */
  upsert(document: IndexedDocument): Promise<void>;
  delete(tenant: string, documentId: string): Promise<void>;
  /** BM25-style ranking over chunk text, title and fields. */
  keyword(query: IndexQuery & { text: string }): Promise<IndexHit[]>;
  /** Nearest chunks by cosine similarity, best chunk per document. */
  semantic(query: IndexQuery & { vector: Float32Array }): Promise<IndexHit[]>;
  /** Number of chunks indexed for a tenant (for tests and stats). */
  countChunks(tenant: string): Promise<number>;
  close(): Promise<void>;
}
