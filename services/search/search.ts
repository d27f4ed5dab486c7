// Keyword, semantic and hybrid search over the tenant's documents.
import type { Document } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { AiProvider } from "../ai/ai.ts";
import type { IndexHit, SearchFilter, SearchIndex } from "../platform/index/search-index.ts";
import type { DocumentStore } from "../platform/store/document-store.ts";
import { scoreFusion } from "./fusion.ts";

export type SearchMode = "keyword" | "semantic" | "hybrid";

export interface SearchRequest {
  tenant: string;
  query: string;
  mode: SearchMode;
  filter: SearchFilter;
  offset: number;
  pageSize: number;
}

export interface SearchPage {
  results: { document: Document; score: number; highlights: IndexHit["highlights"] }[];
  more: boolean;
}

/** How deep each list goes before fusion: enough to reorder the first pages. */
const CANDIDATES = 100;
const MAX_DEPTH = 1000;

export class Search {
  constructor(
    private readonly index: SearchIndex,
    private readonly ai: AiProvider,
    private readonly store: DocumentStore,
  ) {}

  async search(request: SearchRequest): Promise<SearchPage> {
    const depth = Math.min(MAX_DEPTH, Math.max(CANDIDATES, request.offset + request.pageSize + 1));
    const hits = await this.rank(request, depth);
    const window = hits.slice(request.offset, request.offset + request.pageSize);
    const results: SearchPage["results"] = [];
    for (const hit of window) {
      // The store is the source of truth: a document deleted since indexing is dropped.
      const document = await this.store.getDocument(request.tenant, hit.documentId).catch(() => undefined);
      if (document) results.push({ document, score: hit.score, highlights: hit.highlights });
    }
    return { results, more: hits.length > request.offset + request.pageSize };
  }

  private async rank(request: SearchRequest, limit: number): Promise<IndexHit[]> {
    const base = { tenant: request.tenant, filter: request.filter, limit };
    const keyword = () => this.index.keyword({ ...base, text: request.query });
    const semantic = async () => {
      const [vector] = await this.ai.embed([request.query]);
      return this.index.semantic({ ...base, vector: vector as Float32Array });
    };
    switch (request.mode) {
      case "keyword":
        return keyword();
      case "semantic":
        return semantic();
      case "hybrid": {
        const [k, s] = await Promise.all([keyword(), semantic()]);
        return scoreFusion(k, s);
      }
    }
  }
}
