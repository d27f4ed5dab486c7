// The embedded search index: PostgreSQL full-text search plus pgvector, in-process through PGlite,
// with its own data directory (data survives close/reopen).
//
// One row per chunk, with the document-level fields copied onto each row so every filter is a
// plain WHERE clause next to the ranking. See docs/search.md for the schema and ranking.

import { mkdirSync } from "node:fs";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { vector } from "@electric-sql/pglite-pgvector";
import { DocmeshError, invalid, precondition, unavailable } from "../errors.ts";
import {
  checkDocument,
  checkQuery,
  checkTenant,
  cosineScore,
  fileNameWords,
  leadSnippet,
  MATCH_END,
  MATCH_START,
  markedToHtml,
  normalizeCurrency,
  queryWords,
  UNNAMED_EMBEDDING_MODEL,
} from "./common.ts";
import type { IndexedDocument, IndexHit, IndexQuery, SearchFilter, SearchIndex } from "./search-index.ts";

/**
 * Which text-search configuration the tsvector uses. Both fold accents (unaccent):
 * - "english": English stemming and stop words (measured better on the corpus queries; the default);
 * - "simple": no stemming, no stop words (exact word forms, any language alike).
 * Fixed when the index is created; a reopened index keeps its own.
 */
export type TextConfig = "english" | "simple";

export interface EmbeddedSearchIndexOptions {
  /** Directory of this index's own PGlite database. */
  dataDir: string;
  textConfig?: TextConfig;
  /** HNSW candidate list size at query time (pgvector hnsw.ef_search). Default 200 (recall 0.64 → 1.0 on 5,000 random chunks for +0.3 ms). */
  efSearch?: number;
  /**
   * HNSW build parameters, fixed at creation. Defaults m=12, efConstruction=40: in WebAssembly,
   * pgvector's defaults (16, 64) index 384-dim vectors at ~45 rows/s; these at ~90 rows/s.
   */
  hnsw?: { m?: number; efConstruction?: number };
}

interface ChunkRow {
  document_id: string;
  ordinal: number;
  score: number;
  title_snippet: string | null;
  text_snippet: string | null;
  body: string;
}

const TS_CONFIG: Record<TextConfig, string> = { english: "docmesh_english", simple: "docmesh_simple" };
// Matches are marked with control characters, then the snippet is HTML-escaped and the marks
// become <em></em> (markedToHtml), so document text can never inject markup.
const HEADLINE_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

export class EmbeddedSearchIndex implements SearchIndex {
  private opening: Promise<PGlite> | undefined;
  private ensuring: Promise<void> = Promise.resolve();
  private lastBulkLoad = { loadSeconds: 0, indexSeconds: 0 };
  // PGlite runs no autovacuum, so nothing refreshes the planner statistics by itself. Without
  // them the planner guesses a tenant has ~100 rows and sorts every row of the tenant exactly
  // instead of walking the HNSW index (850 ms instead of tens of ms at 100k chunks). ANALYZE
  // runs on open and whenever the rows written since the last one exceed 20% of the table.
  private rowsAtAnalyze = 0;
  private changedSinceAnalyze = 0;
  private bulkLoading = false;
  private dimensions: number | undefined;
  private tsConfig: string;
  private readonly options: EmbeddedSearchIndexOptions;

  constructor(options: EmbeddedSearchIndexOptions) {
    this.options = options;
    this.tsConfig = TS_CONFIG[options.textConfig ?? "english"];
  }

  /** Serialised: two concurrent first calls must not both create the schema. */
  ensure(dimensions: number, embeddingModel = UNNAMED_EMBEDDING_MODEL): Promise<void> {
    const next = this.ensuring.catch(() => {}).then(() => this.ensureOnce(dimensions, embeddingModel));
    this.ensuring = next;
    return next;
  }

  private async ensureOnce(dimensions: number, embeddingModel: string): Promise<void> {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16_000) {
      throw invalid("search index: dimensions must be an integer in [1, 16000]");
    }
    const db = await this.open();
    await db.exec(`
      CREATE EXTENSION IF NOT EXISTS vector;
      CREATE EXTENSION IF NOT EXISTS unaccent;
      CREATE TABLE IF NOT EXISTS index_meta (key text PRIMARY KEY, value text NOT NULL);
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'docmesh_simple') THEN
          CREATE TEXT SEARCH CONFIGURATION docmesh_simple (COPY = simple);
          ALTER TEXT SEARCH CONFIGURATION docmesh_simple
            ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword,
                              hword_asciipart, hword_part, hword_numpart
            WITH unaccent, simple;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'docmesh_english') THEN
          CREATE TEXT SEARCH CONFIGURATION docmesh_english (COPY = english);
          ALTER TEXT SEARCH CONFIGURATION docmesh_english
            ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part
            WITH unaccent, english_stem;
        END IF;
      END $$;
    `);
    const meta = await db.query<{ key: string; value: string }>("SELECT key, value FROM index_meta");
    const stored = new Map(meta.rows.map((row) => [row.key, row.value]));
    const storedDimensions = stored.get("dimensions");
    if (storedDimensions !== undefined) {
      // Data directories from before keyword-only chunks: every chunk of theirs had a vector.
      await db.exec(`ALTER TABLE chunks ADD COLUMN IF NOT EXISTS keyword_only boolean NOT NULL DEFAULT false;
                     ALTER TABLE chunks ADD COLUMN IF NOT EXISTS passage text NOT NULL DEFAULT ''`);
      const storedModel = stored.get("embedding_model") ?? UNNAMED_EMBEDDING_MODEL;
      if (Number(storedDimensions) !== dimensions || storedModel !== embeddingModel) {
        await this.switchModel(db, dimensions, embeddingModel, stored);
      }
      this.tsConfig = stored.get("ts_config") ?? this.tsConfig;
      this.dimensions = dimensions;
      await this.analyze(db);
      return;
    }
    const cfg = this.tsConfig;
    const hnswM = Math.trunc(this.options.hnsw?.m ?? 12);
    const hnswEf = Math.trunc(this.options.hnsw?.efConstruction ?? 40);
    await db.transaction(async (tx) => {
      await tx.exec(`
        CREATE TABLE chunks (
          tenant        text NOT NULL,
          document_id   text NOT NULL,
          ordinal       integer NOT NULL,          -- -1: placeholder row of a document without chunks
          category      text NOT NULL,
          status        text NOT NULL,
          batch         text NOT NULL,
          create_time   timestamptz NOT NULL,
          document_date date,
          total_amount  double precision,
          currency      text,
          title         text NOT NULL,
          file_name     text NOT NULL,
          file_words    text NOT NULL,
          fields_text   text NOT NULL,
          body          text NOT NULL,
          embedding     vector(${dimensions}),
          keyword_only  boolean NOT NULL DEFAULT false, -- a chunk searched by keyword only: no vector wanted
          passage       text NOT NULL DEFAULT '',      -- a vector-only passage's text (body is then empty)
          tsv tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('${cfg}'::regconfig, title), 'A') ||
            setweight(to_tsvector('${cfg}'::regconfig, fields_text), 'A') ||
            setweight(to_tsvector('${cfg}'::regconfig, file_words), 'B') ||
            setweight(to_tsvector('${cfg}'::regconfig, body), 'C')
          ) STORED,
          PRIMARY KEY (tenant, document_id, ordinal)
        );
        CREATE INDEX chunks_tsv ON chunks USING gin (tsv);
        ${vectorIndexSql(hnswM, hnswEf)}
        CREATE INDEX chunks_tenant_category ON chunks (tenant, category);
        CREATE INDEX chunks_tenant_create_time ON chunks (tenant, create_time);
      `);
      await tx.query(
        "INSERT INTO index_meta (key, value) VALUES ('dimensions', $1), ('ts_config', $2), ('hnsw_m', $3), ('hnsw_ef_construction', $4), ('embedding_model', $5)",
        [String(dimensions), cfg, String(hnswM), String(hnswEf), embeddingModel],
      );
    });
    this.dimensions = dimensions;
  }

  /**
   * Another model (or size): every stored vector is dropped in one transaction, so no query ever
   * compares old vectors with new ones. Keyword search keeps working; `reembed` restores semantic.
   */
  private async switchModel(
    db: PGlite,
    dimensions: number,
    model: string,
    stored: Map<string, string>,
  ): Promise<void> {
    const m = Number(stored.get("hnsw_m") ?? 12);
    const ef = Number(stored.get("hnsw_ef_construction") ?? 40);
    await this.run("switch embedding model", () =>
      db.transaction(async (tx) => {
        await tx.exec(`DROP INDEX IF EXISTS chunks_embedding;
          UPDATE chunks SET embedding = NULL WHERE embedding IS NOT NULL;
          ALTER TABLE chunks ALTER COLUMN embedding TYPE vector(${dimensions});
          ${vectorIndexSql(m, ef)}`);
        await tx.query(
          "INSERT INTO index_meta (key, value) VALUES ('dimensions', $1), ('embedding_model', $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
          [String(dimensions), model],
        );
      }),
    );
  }

  /** Chunks whose vector was dropped by a model change (see `reembed`). */
  async pendingEmbeddings(): Promise<number> {
    this.requireDimensions();
    const db = await this.open();
    const r = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM chunks WHERE embedding IS NULL AND ordinal >= 0 AND NOT keyword_only",
    );
    return r.rows[0]?.n ?? 0;
  }

  /**
   * Not part of the SearchIndex port: embeds again, with the current model, every chunk that has
   * no vector (after a model change), `batchSize` chunks at a time, except those indexed without one
   * (keyword-only passages). Returns the chunks embedded.
   */
  async reembed(embed: (texts: string[]) => Promise<Float32Array[]>, batchSize = 64): Promise<number> {
    const dimensions = this.requireDimensions();
    const db = await this.open();
    let done = 0;
    for (;;) {
      const rows = await this.run("reembed", () =>
        db.query<{ tenant: string; document_id: string; ordinal: number; body: string }>(
          `SELECT tenant, document_id, ordinal, body || passage AS body FROM chunks WHERE embedding IS NULL AND ordinal >= 0 AND NOT keyword_only
            ORDER BY tenant, document_id, ordinal LIMIT $1`,
          [batchSize],
        ),
      );
      if (rows.rows.length === 0) return done;
      const vectors = await embed(rows.rows.map((r) => r.body));
      await this.run("reembed", () =>
        db.transaction(async (tx) => {
          for (const [i, r] of rows.rows.entries()) {
            const v = vectors[i] as Float32Array;
            if (v.length !== dimensions)
              throw invalid(`search index: reembed got ${v.length} dimensions, not ${dimensions}`);
            await tx.query(
              "UPDATE chunks SET embedding = $4::vector WHERE tenant = $1 AND document_id = $2 AND ordinal = $3 AND embedding IS NULL",
              [r.tenant, r.document_id, r.ordinal, vectorLiteral(v)],
            );
          }
        }),
      );
      done += rows.rows.length;
      this.changedSinceAnalyze += rows.rows.length;
    }
  }

  async upsert(document: IndexedDocument): Promise<void> {
    await this.upsertMany([document]);
  }

  /**
   * Not part of the SearchIndex port: loads many documents fast, for a full re-index or a
   * migration. The HNSW index is dropped, the batches are written, and the index is rebuilt in
   * one pass (pgvector's in-memory build is several times faster than row-by-row inserts in
   * WebAssembly). Searches keep working meanwhile; semantic ones scan exactly until the rebuild.
   * Returns the seconds spent loading and rebuilding.
   */
  async bulkLoad(batches: AsyncIterable<IndexedDocument[]> | Iterable<IndexedDocument[]>): Promise<{
    loadSeconds: number;
    indexSeconds: number;
  }> {
    this.requireDimensions();
    const db = await this.open();
    const meta = await db.query<{ key: string; value: string }>("SELECT key, value FROM index_meta");
    const stored = new Map(meta.rows.map((row) => [row.key, row.value]));
    const m = Number(stored.get("hnsw_m") ?? 12);
    const ef = Number(stored.get("hnsw_ef_construction") ?? 40);
    const started = performance.now();
    await this.run("bulk load", () => db.exec("DROP INDEX IF EXISTS chunks_embedding"));
    this.bulkLoading = true;
    try {
      for await (const batch of batches) await this.upsertMany(batch);
    } finally {
      this.bulkLoading = false;
      const loaded = performance.now();
      await this.run("bulk load", () =>
        db.exec(`SET maintenance_work_mem = '512MB'; ${vectorIndexSql(m, ef)} RESET maintenance_work_mem;`),
      );
      await this.analyze(db);
      this.lastBulkLoad = {
        loadSeconds: (loaded - started) / 1000,
        indexSeconds: (performance.now() - loaded) / 1000,
      };
    }
    return this.lastBulkLoad;
  }

  /**
   * Not part of the SearchIndex port: replaces many documents in one transaction, for bulk
   * (re)indexing and the benchmark. Same semantics as calling upsert() for each.
   */
  async upsertMany(documents: IndexedDocument[]): Promise<void> {
    const dimensions = this.requireDimensions();
    for (const document of documents) checkDocument(document, dimensions);
    const db = await this.open();
    await this.run("upsert", () =>
      db.transaction(async (tx) => {
        for (const document of documents) await insertDocument(tx, document);
      }),
    );
    this.changedSinceAnalyze += documents.reduce((n, d) => n + Math.max(1, d.chunks.length), 0);
    if (!this.bulkLoading && this.changedSinceAnalyze >= Math.max(1_000, this.rowsAtAnalyze * 0.2)) {
      await this.analyze(db);
    }
  }

  private async analyze(db: PGlite): Promise<void> {
    await this.run("analyze", async () => {
      await db.exec("ANALYZE chunks");
      const result = await db.query<{ rows: number }>(
        "SELECT greatest(reltuples, 0)::float8 AS rows FROM pg_class WHERE oid = 'chunks'::regclass",
      );
      this.rowsAtAnalyze = result.rows[0]?.rows ?? 0;
      this.changedSinceAnalyze = 0;
    });
  }

  async delete(tenant: string, documentId: string): Promise<void> {
    checkTenant(tenant);
    this.requireDimensions();
    const db = await this.open();
    await this.run("delete", () => deleteDocument(db, tenant, documentId));
  }

  async keyword(query: IndexQuery & { text: string }): Promise<IndexHit[]> {
    const { tenant, filter, limit } = checkQuery(query);
    this.requireDimensions();
    const db = await this.open();
    const words = queryWords(query.text ?? "");
    if (words.length === 0) return [];
    // All terms first (websearch syntax: quotes, -exclusions, or); when that finds nothing,
    // any term, so a long natural-language question still finds the documents sharing most words.
    const strict = await this.keywordQuery(db, tenant, filter, limit, "websearch_to_tsquery", query.text);
    if (strict.length > 0 || words.length === 1) return strict;
    return this.keywordQuery(db, tenant, filter, limit, "to_tsquery", words.join(" | "));
  }

  async semantic(query: IndexQuery & { vector: Float32Array }): Promise<IndexHit[]> {
    const { tenant, filter, limit } = checkQuery(query);
    const dimensions = this.requireDimensions();
    if (query.vector.length !== dimensions) {
      throw invalid(
        `search index: query vector has ${query.vector.length} dimensions, the index has ${dimensions}`,
      );
    }
    const db = await this.open();
    const where = new Where(tenant);
    where.filter(filter);
    const vectorParam = where.param(vectorLiteral(query.vector));
    // Several chunks of one document can be the nearest; fetch enough candidates to fill
    // `limit` distinct documents (4·limit + 20, within ef_search for the usual limits). The HNSW
    // iterative scan keeps going until the filters are met.
    const candidates = where.param(Math.min(limit * 4 + 20, 4_000));
    const limitParam = where.param(limit);
    const rows = await this.run("semantic", () =>
      db.transaction(async (tx) => {
        await tx.exec(`SET LOCAL hnsw.ef_search = ${this.options.efSearch ?? 200};
                       SET LOCAL hnsw.iterative_scan = relaxed_order;`);
        const result = await tx.query<{ document_id: string; distance: number; body: string }>(
          `WITH nearest AS (
             SELECT document_id, body || passage AS body, embedding <=> ${vectorParam}::vector AS distance
             FROM chunks
             WHERE ${where.sql()} AND embedding IS NOT NULL
             ORDER BY embedding <=> ${vectorParam}::vector
             LIMIT ${candidates}
           ), best AS (
             SELECT DISTINCT ON (document_id) document_id, body, distance
             FROM nearest ORDER BY document_id, distance
           )
           SELECT document_id, distance, body FROM best ORDER BY distance, document_id LIMIT ${limitParam}`,
          where.params,
        );
        return result.rows;
      }),
    );
    return rows.map((row) => ({
      documentId: row.document_id,
      score: cosineScore(row.distance),
      highlights: row.body ? [{ field: "text", snippet: leadSnippet(row.body) }] : [],
    }));
  }

  async countChunks(tenant: string): Promise<number> {
    checkTenant(tenant);
    this.requireDimensions();
    const db = await this.open();
    const result = await this.run("count", () =>
      db.query<{ n: number }>("SELECT count(*)::int AS n FROM chunks WHERE tenant = $1 AND ordinal >= 0", [
        tenant,
      ]),
    );
    return result.rows[0]?.n ?? 0;
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    this.dimensions = undefined;
    if (opening) await (await opening).close();
  }

  private async keywordQuery(
    db: PGlite,
    tenant: string,
    filter: SearchFilter,
    limit: number,
    parser: "websearch_to_tsquery" | "to_tsquery",
    text: string,
  ): Promise<IndexHit[]> {
    const where = new Where(tenant);
    where.filter(filter);
    const cfg = `'${this.tsConfig}'::regconfig`;
    const textParam = where.param(text);
    const headlineParam = where.param(HEADLINE_OPTIONS);
    const limitParam = where.param(limit);
    // ts_rank_cd: cover density over the weighted tsvector (A: title and extracted fields,
    // B: file name words, C: chunk text), normalised by 1 + log(length) so long chunks don't win
    // by size. The best chunk per document represents it; ts_headline runs on the winners only.
    const result = await this.run("keyword", () =>
      db.query<ChunkRow>(
        `WITH q AS (SELECT ${parser}(${cfg}, ${textParam}) AS query),
         matches AS (
           SELECT c.document_id, c.ordinal, c.title, c.body, ts_rank_cd(c.tsv, q.query, 1) AS score
           FROM chunks c, q
           WHERE ${where.sql("c")} AND c.passage = '' AND c.tsv @@ q.query
         ), best AS (
           SELECT DISTINCT ON (document_id) * FROM matches ORDER BY document_id, score DESC, ordinal
         ), top AS (
           SELECT * FROM best ORDER BY score DESC, document_id LIMIT ${limitParam}
         )
         SELECT top.document_id, top.ordinal, top.score, top.body,
                CASE WHEN to_tsvector(${cfg}, top.title) @@ q.query
                     THEN ts_headline(${cfg}, top.title, q.query, ${headlineParam}) END AS title_snippet,
                CASE WHEN top.body <> '' AND to_tsvector(${cfg}, top.body) @@ q.query
                     THEN ts_headline(${cfg}, top.body, q.query, ${headlineParam}) END AS text_snippet
         FROM top, q ORDER BY top.score DESC, top.document_id`,
        where.params,
      ),
    );
    return result.rows.map((row) => {
      const highlights: IndexHit["highlights"] = [];
      if (row.title_snippet?.includes(MATCH_START)) {
        highlights.push({ field: "title", snippet: markedToHtml(row.title_snippet) });
      }
      if (row.text_snippet?.includes(MATCH_START)) {
        highlights.push({ field: "text", snippet: markedToHtml(row.text_snippet) });
      }
      if (highlights.length === 0 && row.body)
        highlights.push({ field: "text", snippet: leadSnippet(row.body) });
      return { documentId: row.document_id, score: row.score, highlights };
    });
  }

  private requireDimensions(): number {
    if (this.dimensions === undefined) throw precondition("search index: call ensure(dimensions) first");
    return this.dimensions;
  }

  private open(): Promise<PGlite> {
    if (!this.opening) {
      this.opening = (async () => {
        mkdirSync(this.options.dataDir, { recursive: true });
        try {
          const db = await PGlite.create({ dataDir: this.options.dataDir, extensions: { vector, unaccent } });
          return db;
        } catch (error) {
          this.opening = undefined;
          throw unavailable(
            `search index: cannot open ${this.options.dataDir}: ${(error as Error).message}`,
            error,
          );
        }
      })();
    }
    return this.opening;
  }

  private async run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof DocmeshError) throw error;
      // The embedded engine has no network: a failure here is a bug or bad input, not transient.
      throw new DocmeshError("internal", `search index: ${what} failed: ${(error as Error).message}`, false, {
        cause: error,
      });
    }
  }
}

function vectorIndexSql(m: number, efConstruction: number): string {
  return `CREATE INDEX IF NOT EXISTS chunks_embedding ON chunks USING hnsw (embedding vector_cosine_ops)
            WITH (m = ${Math.trunc(m)}, ef_construction = ${Math.trunc(efConstruction)});`;
}

async function insertDocument(tx: Transaction, document: IndexedDocument): Promise<void> {
  const chunks =
    document.chunks.length > 0
      ? document.chunks
      : [{ ordinal: -1, text: "", embedding: undefined as Float32Array | undefined }];
  await deleteDocument(tx, document.tenant, document.documentId);
  await tx.query(
    `INSERT INTO chunks (tenant, document_id, ordinal, category, status, batch, create_time,
       document_date, total_amount, currency, title, file_name, file_words, fields_text, body, embedding, keyword_only, passage)
     SELECT $1, $2, c.ordinal, $3, $4, $5, $6, $7::date, $8, $9, $10, $11, $12, $13, c.body, c.embedding::vector,
            c.embedding IS NULL AND c.ordinal >= 0, c.passage
     FROM unnest($14::int[], $15::text[], $16::text[], $17::text[]) AS c(ordinal, body, embedding, passage)`,
    [
      document.tenant,
      document.documentId,
      document.category,
      document.status,
      document.batch,
      document.createTime.toISOString(),
      document.documentDate ?? null,
      document.totalAmount ?? null,
      normalizeCurrency(document.currency) ?? null,
      document.title,
      document.fileName,
      fileNameWords(document.fileName),
      document.fieldsText,
      chunks.map((c) => c.ordinal),
      chunks.map((c) => ("vectorOnly" in c && c.vectorOnly ? "" : stripNul(c.text))),
      chunks.map((c) => (c.embedding ? vectorLiteral(c.embedding) : null)),
      chunks.map((c) => ("vectorOnly" in c && c.vectorOnly ? stripNul(c.text) : "")),
    ],
  );
}

async function deleteDocument(db: PGlite | Transaction, tenant: string, documentId: string): Promise<void> {
  await db.query("DELETE FROM chunks WHERE tenant = $1 AND document_id = $2", [tenant, documentId]);
}

/** Builds the WHERE clause: the tenant always, then every filter field, all as bound parameters. */
class Where {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  constructor(tenant: string) {
    this.clauses.push(`{t}tenant = ${this.param(tenant)}`);
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  filter(filter: SearchFilter): void {
    if (filter.categories && filter.categories.length > 0) {
      this.clauses.push(`{t}category = ANY(${this.param(filter.categories)}::text[])`);
    }
    if (filter.statuses && filter.statuses.length > 0) {
      this.clauses.push(`{t}status = ANY(${this.param(filter.statuses)}::text[])`);
    }
    if (filter.batch) this.clauses.push(`{t}batch = ${this.param(filter.batch)}`);
    if (filter.createTimeAfter) {
      this.clauses.push(`{t}create_time >= ${this.param(filter.createTimeAfter.toISOString())}::timestamptz`);
    }
    if (filter.createTimeBefore) {
      this.clauses.push(`{t}create_time < ${this.param(filter.createTimeBefore.toISOString())}::timestamptz`);
    }
    if (filter.documentDateFrom) {
      this.clauses.push(`{t}document_date >= ${this.param(filter.documentDateFrom)}::date`);
    }
    if (filter.documentDateTo)
      this.clauses.push(`{t}document_date <= ${this.param(filter.documentDateTo)}::date`);
    if (filter.totalAmountMin !== undefined) {
      this.clauses.push(`{t}total_amount >= ${this.param(filter.totalAmountMin)}`);
    }
    if (filter.totalAmountMax !== undefined) {
      this.clauses.push(`{t}total_amount <= ${this.param(filter.totalAmountMax)}`);
    }
    const currency = normalizeCurrency(filter.currency);
    if (currency) this.clauses.push(`{t}currency = ${this.param(currency)}`);
  }

  sql(alias?: string): string {
    return this.clauses.map((clause) => clause.replaceAll("{t}", alias ? `${alias}.` : "")).join(" AND ");
  }
}

function vectorLiteral(values: Float32Array): string {
  let out = "[";
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw invalid("search index: embedding contains a non-finite value");
    out += i === 0 ? String(v) : `,${v}`;
  }
  return `${out}]`;
}

/** PostgreSQL text cannot hold NUL characters. */
function stripNul(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", " ") : text;
}
