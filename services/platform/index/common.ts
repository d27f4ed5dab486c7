// Shared by both search-index adapters: input checks and the small conventions they agree on,
// so the two engines answer the same query the same way.

import { invalid } from "../errors.ts";
import type { IndexedDocument, IndexQuery, SearchFilter } from "./search-index.ts";

export const MAX_LIMIT = 1_000;

/** The model id of an index prepared without one (and of indexes made before ids were stored). */
export const UNNAMED_EMBEDDING_MODEL = "unnamed";

export function checkTenant(tenant: string): string {
  if (typeof tenant !== "string" || tenant.length === 0) throw invalid("search index: tenant is required");
  return tenant;
}

export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw invalid("search index: limit must be a positive integer");
  return Math.min(limit, MAX_LIMIT);
}

export function checkQuery(query: IndexQuery): { tenant: string; filter: SearchFilter; limit: number } {
  return { tenant: checkTenant(query.tenant), filter: query.filter ?? {}, limit: checkLimit(query.limit) };
}

export function checkDocument(document: IndexedDocument, dimensions: number): void {
  checkTenant(document.tenant);
  if (!document.documentId) throw invalid("search index: documentId is required");
  for (const chunk of document.chunks) {
    if (chunk.vectorOnly && chunk.embedding === undefined) {
      throw invalid(
        `search index: vector-only chunk ${chunk.ordinal} of ${document.documentId} has no embedding`,
      );
    }
    if (chunk.embedding !== undefined && chunk.embedding.length !== dimensions) {
      throw invalid(
        `search index: chunk ${chunk.ordinal} of ${document.documentId} has ${chunk.embedding.length} dimensions, the index has ${dimensions}`,
      );
    }
  }
  if (document.documentDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(document.documentDate)) {
    throw invalid(`search index: documentDate must be YYYY-MM-DD, got "${document.documentDate}"`);
  }
}

/** Currency codes are compared upper-case in both engines. */
export function normalizeCurrency(currency: string | undefined): string | undefined {
  const trimmed = currency?.trim();
  return trimmed ? trimmed.toUpperCase() : undefined;
}

/** "acme__MonthlyStatement.pdf" → "acme MonthlyStatement pdf Monthly Statement" (camel case split too) */
export function fileNameWords(fileName: string): string {
  const spaced = fileName.replace(/[_.\-+/\\]+/g, " ").trim();
  const split = spaced.replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2");
  return split === spaced ? spaced : `${spaced} ${split}`;
}

/** Cosine similarity mapped to [0, 1] the way OpenSearch's cosinesimil space scores it. */
export function cosineScore(cosineDistance: number): number {
  return (2 - cosineDistance) / 2;
}

/**
 * Snippets are HTML-safe in both engines: the document text is escaped, and <em></em> around
 * matches is the only markup, so a client can render a snippet as HTML as it is.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}
const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#x27;",
};

/** Markers ts_headline puts around matches before escaping (control characters never in text). */
export const MATCH_START = "\u0001";
export const MATCH_END = "\u0002";

/** Escapes a marked snippet, then turns the markers into <em></em>. */
export function markedToHtml(snippet: string): string {
  return escapeHtml(snippet.replace(/\s+/g, " ").trim())
    .replaceAll(MATCH_START, "<em>")
    .replaceAll(MATCH_END, "</em>");
}

/** A plain (HTML-escaped) snippet for hits that have no term matches (semantic results). */
export function leadSnippet(text: string, maxChars = 240): string {
  const clean = text.replaceAll(MATCH_START, " ").replaceAll(MATCH_END, " ").replace(/\s+/g, " ").trim();
  if (clean.length <= maxChars) return escapeHtml(clean);
  const cut = clean.lastIndexOf(" ", maxChars);
  return `${escapeHtml(clean.slice(0, cut > maxChars / 2 ? cut : maxChars))}…`;
}

/** Words of a free-text query, for the OR fallback: letters and digits only, so never query syntax. */
export function queryWords(text: string): string[] {
  return [...new Set((text.normalize("NFC").match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.toLowerCase()))];
}
