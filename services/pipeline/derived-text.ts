// The parsed text of a document, kept beside its original so later stages
// (extract, index) need not parse it again.
//
// The object store holds it for every process. A process that runs the classifier and the later
// stages too (embedded mode, a combined worker) also keeps what it saved in memory, so its
// extractor and indexer skip the read and the JSON decoding. An entry is only used for the same
// original (its sha256): the same bytes parsed by the same code give the same text, so a hit is
// what the store holds even if another process parsed the document again meanwhile.

import type { ParsedDocument } from "../parsing/types.ts";
import type { BlobStore } from "../platform/blobs/blobs.ts";

const keyOf = (documentId: string) => `derived/${documentId}/text.json`;

/** Characters of text kept in memory at most (the layout adds a small multiple): ~ tens of MiB. */
const CACHE_TEXT_CHARS = 8 * 1024 * 1024;

interface Entry {
  original: string;
  parsed: ParsedDocument;
}

/** Least recently saved or used last (Map keeps insertion order). */
const cache = new Map<string, Entry>();
let cachedChars = 0;

function forget(documentId: string): void {
  const entry = cache.get(documentId);
  if (!entry) return;
  cachedChars -= entry.parsed.text.length;
  cache.delete(documentId);
}

function remember(documentId: string, entry: Entry): void {
  forget(documentId);
  if (entry.parsed.text.length > CACHE_TEXT_CHARS / 4) return;
  cache.set(documentId, entry);
  cachedChars += entry.parsed.text.length;
  for (const oldest of cache.keys()) {
    if (cachedChars <= CACHE_TEXT_CHARS) break;
    forget(oldest);
  }
}

/** `original`: the sha256 of the document's original, which the text was parsed from. */
export async function saveParsedText(
  blobs: BlobStore,
  documentId: string,
  parsed: ParsedDocument,
  original: string,
): Promise<void> {
  forget(documentId);
  await blobs.put(keyOf(documentId), new TextEncoder().encode(JSON.stringify(parsed)), "application/json");
  remember(documentId, { original, parsed });
}

/** The saved text of the document whose original has this sha256. Callers only read the result. */
export async function loadParsedText(
  blobs: BlobStore,
  documentId: string,
  original: string,
): Promise<ParsedDocument> {
  const entry = cache.get(documentId);
  if (entry?.original === original) {
    remember(documentId, entry);
    return entry.parsed;
  }
  return JSON.parse(new TextDecoder().decode(await blobs.get(keyOf(documentId)))) as ParsedDocument;
}

/** The pipeline is done with the text for now (a later correction reads it from the store). */
export function releaseParsedText(documentId: string): void {
  forget(documentId);
}

export async function deleteParsedText(blobs: BlobStore, documentId: string): Promise<void> {
  forget(documentId);
  await blobs.delete(keyOf(documentId));
}
