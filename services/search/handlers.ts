import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { DocumentStatus } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { DocumentFilter } from "../../gen/docmesh/document/v1/filter_pb.ts";
import { SearchMode, type SearchService } from "../../gen/docmesh/search/v1/search_service_pb.ts";
import { categoryFromEnum } from "../pipeline/categories.ts";
import { mapErrors } from "../platform/connect-errors.ts";
import { identityOf } from "../platform/identity.ts";
import type { SearchFilter } from "../platform/index/search-index.ts";
import type { PageTokens } from "../platform/page-token.ts";
import type { SearchMode as Mode, Search } from "./search.ts";

const MODES: Record<SearchMode, Mode> = {
  [SearchMode.UNSPECIFIED]: "hybrid",
  [SearchMode.KEYWORD]: "keyword",
  [SearchMode.SEMANTIC]: "semantic",
  [SearchMode.HYBRID]: "hybrid",
};

export function toSearchFilter(filter: DocumentFilter | undefined): SearchFilter {
  if (!filter) return {};
  return {
    categories: filter.categories.length > 0 ? filter.categories.map(categoryFromEnum) : undefined,
    statuses: filter.statuses.length > 0 ? filter.statuses.map((s) => DocumentStatus[s]) : undefined,
    batch: filter.batch ? filter.batch.slice("batches/".length) : undefined,
    createTimeAfter: filter.createTimeAfter ? timestampDate(filter.createTimeAfter) : undefined,
    createTimeBefore: filter.createTimeBefore ? timestampDate(filter.createTimeBefore) : undefined,
    documentDateFrom: filter.documentDateFrom || undefined,
    documentDateTo: filter.documentDateTo || undefined,
    totalAmountMin: filter.totalAmountMin,
    totalAmountMax: filter.totalAmountMax,
    currency: filter.currency || undefined,
  };
}

export function searchHandlers(search: Search, pageTokens: PageTokens): ServiceImpl<typeof SearchService> {
  return mapErrors<ServiceImpl<typeof SearchService>>({
    async searchDocuments(request, context) {
      const { tenant } = identityOf(context);
      const mode = MODES[request.mode];
      const filter = toSearchFilter(request.filter);
      const scope = { tenant, query: request.query, mode, filter, rpc: "SearchDocuments" };
      const offset = request.pageToken ? pageTokens.decode<number>(scope, request.pageToken) : 0;
      const pageSize = request.pageSize || 10;
      const page = await search.search({ tenant, query: request.query, mode, filter, offset, pageSize });
      return {
        results: page.results.map((r) => ({
          document: r.document,
          score: r.score,
          highlights: r.highlights,
        })),
        nextPageToken: page.more ? pageTokens.encode(scope, offset + pageSize) : "",
      };
    },
  });
}
