// The parsed text of a document, kept beside its original so later stages
// (extract, index) need not parse it again.

import type { ParsedDocument } from "../parsing/types.ts";
import type { BlobStore } from "../platform/blobs/blobs.ts";

const keyOf = (documentId: string) => `derived/${documentId}/text.json`;

export async function saveParsedText(
  blobs: BlobStore,
  documentId: string,
  parsed: ParsedDocument,
): Promise<void> {
  await blobs.put(keyOf(documentId), new TextEncoder().encode(JSON.stringify(parsed)), "application/json");
}

export async function loadParsedText(blobs: BlobStore, documentId: string): Promise<ParsedDocument> {
  return JSON.parse(new TextDecoder().decode(await blobs.get(keyOf(documentId)))) as ParsedDocument;
}

export async function deleteParsedText(blobs: BlobStore, documentId: string): Promise<void> {
  await blobs.delete(keyOf(documentId));
}
