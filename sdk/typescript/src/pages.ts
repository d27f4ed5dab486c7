// Page iterators: follow next_page_token so callers loop over results, not pages.

import type { MessageInitShape } from "@bufbuild/protobuf";
import type { DocmeshClients } from "./client.ts";
import type { Document } from "./gen/docmesh/document/v1/document_pb.ts";
import type { ListDocumentsRequestSchema } from "./gen/docmesh/metadata/v1/metadata_service_pb.ts";
import type {
  SearchDocumentsRequestSchema,
  SearchResult,
} from "./gen/docmesh/search/v1/search_service_pb.ts";

export type SearchRequest = Omit<
  MessageInitShape<typeof SearchDocumentsRequestSchema>,
  "pageToken" | "$typeName"
>;
export type ListRequest = Omit<
  MessageInitShape<typeof ListDocumentsRequestSchema>,
  "pageToken" | "$typeName"
>;

/** Every search result across pages; stop early by breaking out of the loop. */
export async function* searchAll(
  clients: DocmeshClients,
  request: SearchRequest,
): AsyncGenerator<SearchResult> {
  let pageToken = "";
  do {
    const page = await clients.search.searchDocuments({ ...request, pageToken });
    yield* page.results;
    pageToken = page.nextPageToken;
  } while (pageToken);
}

/** Every document matching the filter, newest first, across pages. */
export async function* listAll(clients: DocmeshClients, request: ListRequest = {}): AsyncGenerator<Document> {
  let pageToken = "";
  do {
    const page = await clients.metadata.listDocuments({ ...request, pageToken });
    yield* page.documents;
    pageToken = page.nextPageToken;
  } while (pageToken);
}
