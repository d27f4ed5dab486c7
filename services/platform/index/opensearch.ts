// The cluster search index: OpenSearch, one index of chunks (one OpenSearch document per chunk,
// the document-level fields copied onto each), BM25 over the text fields and a knn_vector field on
// the Lucene HNSW engine (the only k-NN engine that works without native libraries; it also
// supports efficient filtered k-NN). See docs/search.md for the mapping and ranking.

import { Client, errors } from "@opensearch-project/opensearch";
import { DocmeshError, invalid, precondition, unavailable } from "../errors.ts";
import {
  checkDocument,
  checkQuery,
  checkTenant,
  fileNameWords,
  leadSnippet,
  normalizeCurrency,
  queryWords,
  UNNAMED_EMBEDDING_MODEL,
} from "./common.ts";
import type { IndexedDocument, IndexHit, IndexQuery, SearchFilter, SearchIndex } from "./search-index.ts";

export interface OpenSearchIndexOptions {
  /** e.g. http://127.0.0.1:9200 */
  url: string;
  /** Name of the chunk index, e.g. "docmesh-chunks". */
  index: string;
  /** Per-request timeout in milliseconds. Default 30 000. */
  requestTimeoutMs?: number;
  /**
   * How upserts and deletes become visible: true (default) refreshes at once, so a document is
   * searchable when upsert() returns; "wait_for" waits for the next periodic refresh instead
   * (cheaper under heavy ingest, up to `refreshInterval` of latency per call).
   */
  refresh?: true | "wait_for";
  refreshInterval?: string;
  /** HNSW graph parameters (Lucene engine). */
  hnsw?: { m?: number; efConstruction?: number };
  /**
   * HNSW candidates kept while searching each segment's graph (k-NN `method_parameters.ef_search`,
   * at least k). A query-time setting: existing indexes use it without being rebuilt. Default
   * DEFAULT_EF_SEARCH; see docs/search.md for the recall it buys.
   */
  efSearch?: number;
}

/** docs/search.md "ANN recall": recall@10 0.977 at 100k random 384-dim chunks in many segments (one merged segment: 0.821; 4096 gives 0.970). */
export const DEFAULT_EF_SEARCH = 1536;

// biome-ignore lint/suspicious/noExplicitAny: query DSL bodies are plain JSON
type Json = Record<string, any>;

interface ChunkSource {
  documentId: string;
  ordinal: number;
  text?: string;
  passage?: string;
}

const TEXT_FIELDS = ["text", "title^2", "fieldsText^2", "fileName"];
const HIGHLIGHT = {
  pre_tags: ["<em>"],
  post_tags: ["</em>"],
  // HTML-escape the document text around the <em></em> marks (the embedded engine does the same).
  encoder: "html",
  fields: {
    title: { number_of_fragments: 0 },
    fieldsText: { number_of_fragments: 1, fragment_size: 150 },
    text: { number_of_fragments: 2, fragment_size: 160 },
  },
};

/**
 * The physical index of a model: `<name>` for unnamed vectors, `<name>--<model slug>` otherwise. A
 * `knn_vector`'s dimension is fixed at creation, so each model gets its own index and another
 * model's vectors are never compared; the previous model's index is left as it was.
 */
export function physicalIndexName(name: string, embeddingModel: string): string {
  if (embeddingModel === UNNAMED_EMBEDDING_MODEL) return name;
  const slug = embeddingModel
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${name}--${slug}`.slice(0, 255);
}

export class OpenSearchIndex implements SearchIndex {
  /** The configured name; `indexName` becomes the model's physical index once `ensure` ran. */
  readonly baseName: string;
  indexName: string;
  private readonly client: Client;
  private readonly options: OpenSearchIndexOptions;
  private dimensions: number | undefined;

  constructor(options: OpenSearchIndexOptions) {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(options.index)) {
      throw invalid(`OpenSearch index name "${options.index}" must be lower-case [a-z0-9._-]`);
    }
    const ef = options.efSearch;
    if (ef !== undefined && (!Number.isInteger(ef) || ef < 1 || ef > 10_000)) {
      throw invalid(`OpenSearch efSearch must be an integer in [1, 10000], got ${ef}`);
    }
    this.options = options;
    this.baseName = options.index;
    this.indexName = options.index;
    this.client = new Client({
      node: options.url,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      maxRetries: 2,
    });
  }

  /** The index settings and mapping, exported for docs/search.md and tests. */
  static mapping(
    dimensions: number,
    options: Pick<OpenSearchIndexOptions, "refreshInterval" | "hnsw"> = {},
    embeddingModel = UNNAMED_EMBEDDING_MODEL,
  ): Json {
    return {
      settings: {
        index: {
          knn: true,
          number_of_shards: 1,
          number_of_replicas: 0,
          refresh_interval: options.refreshInterval ?? "1s",
        },
        analysis: {
          filter: {
            docmesh_possessive: { type: "stemmer", language: "possessive_english" },
            docmesh_stop: { type: "stop", stopwords: "_english_" },
            docmesh_stemmer: { type: "stemmer", language: "english" },
            docmesh_word_parts: {
              type: "word_delimiter_graph",
              preserve_original: true,
              split_on_numerics: false,
            },
          },
          analyzer: {
            // English and accented Latin text: "Crème" and "creme" meet at "creme".
            docmesh_text: {
              type: "custom",
              tokenizer: "standard",
              filter: ["lowercase", "asciifolding", "docmesh_possessive", "docmesh_stop", "docmesh_stemmer"],
            },
            // File names: "acme__MonthlyStatement.pdf" → acme, monthly, statement, pdf, ...
            docmesh_filename: {
              type: "custom",
              tokenizer: "whitespace",
              filter: ["docmesh_word_parts", "flatten_graph", "lowercase", "asciifolding", "docmesh_stemmer"],
            },
          },
        },
      },
      mappings: {
        dynamic: "strict",
        _meta: { embeddingModel },
        properties: {
          tenant: { type: "keyword" },
          documentId: { type: "keyword" },
          ordinal: { type: "integer" },
          category: { type: "keyword" },
          status: { type: "keyword" },
          batch: { type: "keyword" },
          createTime: { type: "date" },
          documentDate: { type: "date", format: "yyyy-MM-dd" },
          totalAmount: { type: "double" },
          currency: { type: "keyword" },
          title: { type: "text", analyzer: "docmesh_text" },
          fileName: { type: "text", analyzer: "docmesh_filename", search_analyzer: "docmesh_text" },
          fieldsText: { type: "text", analyzer: "docmesh_text" },
          text: { type: "text", analyzer: "docmesh_text" },
          // A vector-only passage's text: shown with a semantic hit, never searched by keyword.
          passage: { type: "text", index: false },
          vectorOnly: { type: "boolean" },
          embedding: {
            type: "knn_vector",
            dimension: dimensions,
            method: {
              name: "hnsw",
              space_type: "cosinesimil",
              engine: "lucene",
              parameters: { m: options.hnsw?.m ?? 16, ef_construction: options.hnsw?.efConstruction ?? 128 },
            },
          },
        },
      },
    };
  }

  async ensure(dimensions: number, embeddingModel = UNNAMED_EMBEDDING_MODEL): Promise<void> {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16_000) {
      throw invalid("search index: dimensions must be an integer in [1, 16000]");
    }
    this.indexName = physicalIndexName(this.baseName, embeddingModel);
    await this.call("ensure", async () => {
      const exists = await this.client.indices.exists({ index: this.indexName });
      if (!exists.body) {
        try {
          await this.client.indices.create({
            index: this.indexName,
            body: OpenSearchIndex.mapping(dimensions, this.options, embeddingModel) as never,
          });
        } catch (error) {
          if (
            !(
              error instanceof errors.ResponseError &&
              error.body?.error?.type === "resource_already_exists_exception"
            )
          ) {
            throw error;
          }
        }
      }
      // Indexes made before vector-only passages get the field (adding one is allowed).
      await this.client.indices.putMapping({
        index: this.indexName,
        body: {
          properties: { passage: { type: "text", index: false }, vectorOnly: { type: "boolean" } },
        } as never,
      });
      const mapping = await this.client.indices.getMapping({ index: this.indexName });
      const mappings = (mapping.body as Json)[this.indexName]?.mappings;
      const existing = mappings?.properties?.embedding?.dimension;
      const existingModel = mappings?._meta?.embeddingModel ?? UNNAMED_EMBEDDING_MODEL;
      // Each model has its own physical index (physicalIndexName); a mismatch here is the same
      // model id asked with another size, or an index made by hand: refuse rather than mix.
      if (existing !== dimensions || existingModel !== embeddingModel) {
        throw precondition(
          `OpenSearch index ${this.indexName} holds ${existing ?? "no"}-dimension vectors of model ${existingModel}, not ${dimensions}-dimension vectors of ${embeddingModel}`,
        );
      }
    });
    this.dimensions = dimensions;
  }

  async upsert(document: IndexedDocument): Promise<void> {
    await this.upsertMany([document]);
  }

  /**
   * Not part of the SearchIndex port: replaces many documents with few bulk requests, for bulk
   * (re)indexing and the benchmark. Same semantics as calling upsert() for each; the documents
   * become visible together at the end.
   */
  async upsertMany(documents: IndexedDocument[], options: { chunksPerRequest?: number } = {}): Promise<void> {
    const dimensions = this.requireDimensions();
    for (const document of documents) checkDocument(document, dimensions);
    const perRequest = options.chunksPerRequest ?? 500;
    let body: Json[] = [];
    const kept: { tenant: string; documentId: string; ordinals: number[] }[] = [];
    const flush = async (last: boolean) => {
      if (body.length === 0) return;
      const response = await this.client.bulk({
        body,
        refresh: last ? (this.options.refresh ?? true) : false,
      });
      if (response.body.errors) throw bulkError(response.body.items as Json[]);
      body = [];
    };
    await this.call("upsert", async () => {
      // Write the new chunks first (deterministic ids overwrite the old ones), then drop the old
      // chunks beyond them: a document never disappears from search while it is replaced.
      for (const document of documents) {
        const shared = {
          tenant: document.tenant,
          documentId: document.documentId,
          category: document.category,
          status: document.status,
          batch: document.batch,
          createTime: document.createTime.toISOString(),
          documentDate: document.documentDate ?? null,
          totalAmount: document.totalAmount ?? null,
          currency: normalizeCurrency(document.currency) ?? null,
          title: document.title,
          fileName: `${document.fileName} ${fileNameWords(document.fileName)}`,
          fieldsText: document.fieldsText,
        };
        // A document without chunks keeps one placeholder (ordinal -1, no vector), so its title
        // and fields stay searchable by keyword.
        const chunks =
          document.chunks.length > 0 ? document.chunks : [{ ordinal: -1, text: "", embedding: undefined }];
        for (const chunk of chunks) {
          body.push({
            index: {
              _index: this.indexName,
              _id: chunkId(document.tenant, document.documentId, chunk.ordinal),
            },
          });
          body.push({
            ...shared,
            ordinal: chunk.ordinal,
            ...("vectorOnly" in chunk && chunk.vectorOnly
              ? { passage: chunk.text, vectorOnly: true }
              : { text: chunk.text }),
            ...(chunk.embedding ? { embedding: Array.from(chunk.embedding) } : {}),
          });
          if (body.length >= perRequest * 2) await flush(false);
        }
        kept.push({
          tenant: document.tenant,
          documentId: document.documentId,
          ordinals: chunks.map((c) => c.ordinal),
        });
      }
      await flush(true);
      // Then find the chunks of these documents beyond the new ordinals (stale from a longer
      // earlier version) and delete them by id. For a new document the search finds nothing and
      // no second refresh happens — cheaper than a delete-by-query per upsert.
      for (let i = 0; i < kept.length; i += 200) {
        const query = {
          bool: {
            should: kept.slice(i, i + 200).map((k) => ({
              bool: {
                filter: [{ term: { tenant: k.tenant } }, { term: { documentId: k.documentId } }],
                must_not: [{ terms: { ordinal: k.ordinals } }],
              },
            })),
            minimum_should_match: 1,
          },
        };
        for (;;) {
          const stale = await this.client.search({
            index: this.indexName,
            body: { size: 5_000, _source: false, track_total_hits: false, query } as never,
          });
          const staleIds = ((stale.body.hits.hits ?? []) as { _id: string }[]).map((hit) => hit._id);
          if (staleIds.length === 0) break;
          const response = await this.client.bulk({
            body: staleIds.map((id) => ({ delete: { _index: this.indexName, _id: id } })),
            refresh: true,
          });
          if (response.body.errors) throw bulkError(response.body.items as Json[]);
          if (staleIds.length < 5_000) break;
        }
      }
    });
  }

  async delete(tenant: string, documentId: string): Promise<void> {
    checkTenant(tenant);
    this.requireDimensions();
    await this.call("delete", () =>
      this.client.deleteByQuery({
        index: this.indexName,
        refresh: true,
        conflicts: "proceed",
        body: {
          query: { bool: { filter: [{ term: { tenant } }, { term: { documentId } }] } },
        } as never,
      }),
    );
  }

  async keyword(query: IndexQuery & { text: string }): Promise<IndexHit[]> {
    const { tenant, filter, limit } = checkQuery(query);
    this.requireDimensions();
    if (queryWords(query.text ?? "").length === 0) return [];
    const body: Json = {
      size: limit,
      track_total_hits: false,
      _source: ["documentId", "ordinal", "text"],
      query: {
        bool: {
          // The tenant is always a filter clause, never scored and never optional.
          filter: filterClauses(tenant, filter),
          // Vector-only passages repeat the title and fields: keyword ranks the text chunks only.
          must_not: [{ term: { vectorOnly: true } }],
          must: [
            {
              multi_match: {
                query: query.text,
                fields: TEXT_FIELDS,
                // cross_fields blends term statistics across the fields, so a term that happens to
                // be rare in one short field (say "invoice" in titles) does not outweigh a term
                // rare in the whole corpus.
                type: "cross_fields",
                tie_breaker: 0.3,
                operator: "or",
              },
            },
          ],
        },
      },
      // The best chunk per document represents it.
      collapse: { field: "documentId" },
      sort: [{ _score: "desc" }, { documentId: "asc" }],
      highlight: HIGHLIGHT,
    };
    const hits = await this.search("keyword", body);
    return hits.map((hit) => {
      const highlights: IndexHit["highlights"] = [];
      for (const field of ["title", "fieldsText", "text"]) {
        for (const snippet of (hit.highlight?.[field] as string[] | undefined) ?? []) {
          highlights.push({ field, snippet });
        }
      }
      if (highlights.length === 0 && hit._source.text) {
        highlights.push({ field: "text", snippet: leadSnippet(hit._source.text) });
      }
      return { documentId: hit._source.documentId, score: hit._score, highlights };
    });
  }

  async semantic(query: IndexQuery & { vector: Float32Array }): Promise<IndexHit[]> {
    const { tenant, filter, limit } = checkQuery(query);
    const dimensions = this.requireDimensions();
    if (query.vector.length !== dimensions) {
      throw invalid(
        `search index: query vector has ${query.vector.length} dimensions, the index has ${dimensions}`,
      );
    }
    const filters = filterClauses(tenant, filter);
    // k chunks are enough to fill `limit` distinct documents in practice; collapse keeps the
    // nearest chunk of each. The filter runs inside the k-NN search (Lucene efficient filtering),
    // so k is never eaten by other tenants' chunks; the outer filter repeats the tenant anyway.
    // ef_search, not k, sets how much of each graph is explored: with ef = k (112) recall@10 fell
    // to about 0.5 at 100k chunks.
    const k = Math.min(limit * 8 + 32, 10_000);
    const efSearch = Math.max(k, this.options.efSearch ?? DEFAULT_EF_SEARCH);
    const body: Json = {
      size: limit,
      track_total_hits: false,
      _source: ["documentId", "ordinal", "text", "passage"],
      query: {
        bool: {
          filter: filters,
          must: [
            {
              knn: {
                embedding: {
                  vector: Array.from(query.vector),
                  k,
                  filter: { bool: { filter: filters } },
                  method_parameters: { ef_search: efSearch },
                },
              },
            },
          ],
        },
      },
      collapse: { field: "documentId" },
      sort: [{ _score: "desc" }, { documentId: "asc" }],
    };
    const hits = await this.search("semantic", body);
    return hits.map((hit) => ({
      documentId: hit._source.documentId,
      score: hit._score,
      highlights:
        (hit._source.text ?? hit._source.passage)
          ? [{ field: "text", snippet: leadSnippet((hit._source.text ?? hit._source.passage) as string) }]
          : [],
    }));
  }

  async countChunks(tenant: string): Promise<number> {
    checkTenant(tenant);
    return this.call("count", async () => {
      const response = await this.client.count({
        index: this.indexName,
        body: {
          query: { bool: { filter: [{ term: { tenant } }, { range: { ordinal: { gte: 0 } } }] } },
        } as never,
      });
      return response.body.count;
    });
  }

  /** Deletes the whole index, with the physical indexes of every model (tests and benchmarks). */
  async drop(): Promise<void> {
    await this.call("drop", async () => {
      const found = await this.client.cat.indices({
        index: `${this.baseName}*`,
        format: "json",
        h: "index",
        expand_wildcards: "open",
      } as never);
      const names = ((found.body ?? []) as { index: string }[])
        .map((row) => row.index)
        .filter((n) => n === this.baseName || n.startsWith(`${this.baseName}--`));
      if (names.length > 0)
        await this.client.indices.delete({ index: names.join(","), ignore_unavailable: true });
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async search(
    what: string,
    body: Json,
  ): Promise<{ _source: ChunkSource; _score: number; highlight?: Record<string, string[]> }[]> {
    return this.call(what, async () => {
      const response = await this.client.search({ index: this.indexName, body: body as never });
      return (response.body.hits.hits ?? []) as never;
    });
  }

  private requireDimensions(): number {
    if (this.dimensions === undefined) throw precondition("search index: call ensure(dimensions) first");
    return this.dimensions;
  }

  private async call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw mapOpenSearchError(error, `OpenSearch ${what} on ${this.indexName}`);
    }
  }
}

function chunkId(tenant: string, documentId: string, ordinal: number): string {
  return `${encodeURIComponent(tenant)}/${encodeURIComponent(documentId)}/${ordinal}`;
}

/** The tenant first, then every SearchFilter field; empty lists mean "no filter". */
export function filterClauses(tenant: string, filter: SearchFilter): Json[] {
  const clauses: Json[] = [{ term: { tenant } }];
  if (filter.categories && filter.categories.length > 0)
    clauses.push({ terms: { category: filter.categories } });
  if (filter.statuses && filter.statuses.length > 0) clauses.push({ terms: { status: filter.statuses } });
  if (filter.batch) clauses.push({ term: { batch: filter.batch } });
  const createTime: Json = {};
  if (filter.createTimeAfter) createTime.gte = filter.createTimeAfter.toISOString();
  if (filter.createTimeBefore) createTime.lt = filter.createTimeBefore.toISOString();
  if (Object.keys(createTime).length > 0) clauses.push({ range: { createTime } });
  const documentDate: Json = {};
  if (filter.documentDateFrom) documentDate.gte = filter.documentDateFrom;
  if (filter.documentDateTo) documentDate.lte = filter.documentDateTo;
  if (Object.keys(documentDate).length > 0) clauses.push({ range: { documentDate } });
  const totalAmount: Json = {};
  if (filter.totalAmountMin !== undefined) totalAmount.gte = filter.totalAmountMin;
  if (filter.totalAmountMax !== undefined) totalAmount.lte = filter.totalAmountMax;
  if (Object.keys(totalAmount).length > 0) clauses.push({ range: { totalAmount } });
  const currency = normalizeCurrency(filter.currency);
  if (currency) clauses.push({ term: { currency } });
  return clauses;
}

function bulkError(items: Json[]): DocmeshError {
  const failed = items
    .map((item) => item.index ?? item.create ?? item.delete ?? item.update)
    .filter((r) => r?.error);
  const first = failed[0];
  const message = `OpenSearch bulk: ${failed.length} chunk(s) failed, first: ${first?.error?.type}: ${first?.error?.reason}`;
  const transient = failed.some((r) => r.status === 429 || r.status >= 500);
  return transient ? unavailable(message) : new DocmeshError("internal", message, false);
}

export function mapOpenSearchError(error: unknown, what: string): DocmeshError {
  if (error instanceof DocmeshError) return error;
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError ||
    error instanceof errors.RequestAbortedError
  ) {
    return unavailable(`${what}: ${error.message}`, error);
  }
  if (error instanceof errors.ResponseError) {
    const status = error.meta?.statusCode ?? 0;
    const type = (error.body as Json | undefined)?.error?.type ?? "";
    if (status === 429 || status >= 500) return unavailable(`${what}: ${status} ${type}`, error);
    if (type === "index_not_found_exception")
      return precondition(`${what}: index missing; call ensure() first`);
    return new DocmeshError("internal", `${what}: ${status} ${type}: ${error.message}`, false, {
      cause: error,
    });
  }
  return unavailable(`${what}: ${(error as Error)?.message ?? String(error)}`, error);
}
