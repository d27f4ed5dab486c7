import { durationFromMs, timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { Stage } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { DocumentFilter } from "../../gen/docmesh/document/v1/filter_pb.ts";
import type { MetadataService } from "../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { checkCorrectedFields, withFullConfidence } from "../pipeline/corrected-fields.ts";
import type { BlobStore } from "../platform/blobs/blobs.ts";
import { mapErrors } from "../platform/connect-errors.ts";
import { exhausted, invalid } from "../platform/errors.ts";
import { identityOf } from "../platform/identity.ts";
import type { SearchIndex } from "../platform/index/search-index.ts";
import type { PageTokens } from "../platform/page-token.ts";
import type { DocumentStore, ListCursor } from "../platform/store/document-store.ts";
import { fieldsFromJson } from "../platform/store/rows.ts";

export interface MetadataDeps {
  store: DocumentStore;
  blobs: BlobStore;
  index: SearchIndex;
  pageTokens: PageTokens;
  committed: () => void;
}

const idOf = (name: string) => name.slice(name.indexOf("/") + 1);
const UPDATABLE = new Set(["category", "fields"]);
/** The one-call upload ceiling: larger originals (CreateUpload allows them) do not fit one response. */
export const MAX_CONTENT_BYTES = 64 * 1024 * 1024;

export function metadataHandlers(deps: MetadataDeps): ServiceImpl<typeof MetadataService> {
  const { store } = deps;
  return mapErrors<ServiceImpl<typeof MetadataService>>({
    async getDocument(request, context) {
      return { document: await store.getDocument(identityOf(context).tenant, idOf(request.name)) };
    },

    async getDocumentContent(request, context) {
      // Reading the row first applies GetDocument's tenant check: another tenant's or a deleted
      // document is NOT_FOUND before any byte is read.
      const document = await store.getDocument(identityOf(context).tenant, idOf(request.name));
      const objectKey = `originals/${idOf(document.name)}`;
      const info = await deps.blobs.stat(objectKey);
      if (info && info.size > MAX_CONTENT_BYTES) {
        throw exhausted(
          `the original is ${info.size} bytes; GetDocumentContent returns at most ${MAX_CONTENT_BYTES}`,
        );
      }
      return {
        contentType: document.mediaType || "application/octet-stream",
        data: await deps.blobs.get(objectKey),
      };
    },

    async listDocuments(request, context) {
      const { tenant } = identityOf(context);
      const f = request.filter;
      refuseSearchOnlyFilters(f);
      const filter = {
        categories: f?.categories ?? [],
        statuses: f?.statuses ?? [],
        batchId: f?.batch ? idOf(f.batch) : undefined,
        createTimeAfter: f?.createTimeAfter ? timestampDate(f.createTimeAfter) : undefined,
        createTimeBefore: f?.createTimeBefore ? timestampDate(f.createTimeBefore) : undefined,
      };
      const scope = { tenant, filter, rpc: "ListDocuments" };
      const after = request.pageToken
        ? deps.pageTokens.decode<ListCursor>(scope, request.pageToken)
        : undefined;
      const page = await store.listDocuments(tenant, filter, request.pageSize || 50, after);
      return {
        documents: page.documents,
        nextPageToken: page.next ? deps.pageTokens.encode(scope, page.next) : "",
        totalSize: BigInt(page.total),
      };
    },

    async updateDocument(request, context) {
      const { tenant, subject } = identityOf(context);
      const paths = request.updateMask?.paths ?? [];
      const unknown = paths.filter((p) => !UPDATABLE.has(p));
      if (paths.length === 0 || unknown.length > 0) {
        throw invalid(`update_mask may name only "category" and "fields"; got ${JSON.stringify(paths)}`);
      }
      if (paths.includes("fields")) checkCorrectedFields(request.fields);
      const document = await store.updateByHuman({
        tenant,
        id: idOf(request.name),
        etag: request.etag,
        actor: subject,
        reason: request.reason,
        category: paths.includes("category") ? request.category : undefined,
        fields: paths.includes("fields") ? withFullConfidence(request.fields) : undefined,
        paths,
      });
      deps.committed();
      return { document };
    },

    async deleteDocument(request, context) {
      const { tenant, subject } = identityOf(context);
      const id = idOf(request.name);
      const deleted = await store.deleteDocument(tenant, id, request.etag, subject);
      deps.committed();
      // The indexer also acts on DocumentDeleted, so a crash here leaves nothing behind for long.
      const objectKey = `originals/${id}`;
      await Promise.all([deps.blobs.delete(objectKey), deps.index.delete(deleted.tenant, id)]);
      return {};
    },

    async reprocessDocument(request, context) {
      const { tenant, subject } = identityOf(context);
      const document = await store.requestReprocess(tenant, idOf(request.name), subject);
      deps.committed();
      return { document };
    },

    async listDocumentChanges(request, context) {
      const { tenant } = identityOf(context);
      const id = idOf(request.name);
      const scope = { tenant, id, rpc: "ListDocumentChanges" };
      const before = request.pageToken ? deps.pageTokens.decode<number>(scope, request.pageToken) : undefined;
      const pageSize = request.pageSize || 50;
      const { changes, more } = await store.listChanges(tenant, id, pageSize, before);
      const last = changes.at(-1);
      return {
        changes: changes.map((c) => ({
          actor: c.actor,
          changeTime: timestampFromDate(c.change_time),
          changedPaths: c.changed_paths,
          reason: c.reason,
          previousCategory: c.previous_category,
          previousFields: fieldsFromJson(c.previous_fields as never),
        })),
        nextPageToken: more && last ? deps.pageTokens.encode(scope, last.id) : "",
      };
    },

    async getStats(_request, context) {
      const stats = await store.stats(identityOf(context).tenant);
      return {
        totalDocuments: BigInt(stats.byStatus.reduce((sum, s) => sum + s.n, 0)),
        byStatus: stats.byStatus.map((s) => ({ status: s.status, count: BigInt(s.n) })),
        byCategory: stats.byCategory.map((c) => ({ category: c.category, count: BigInt(c.n) })),
        stageLatencies: stats.latencies.map((l) => ({
          stage: Stage[l.stage.replace(/^STAGE_/, "") as keyof typeof Stage] ?? Stage.UNSPECIFIED,
          count: BigInt(l.n),
          p50: durationFromMs(Math.round(l.p50 * 1000)),
          p95: durationFromMs(Math.round(l.p95 * 1000)),
          p99: durationFromMs(Math.round(l.p99 * 1000)),
        })),
      };
    },
  });
}

/**
 * ListDocuments reads the metadata rows, which do not carry the document date, amount or currency
 * as columns: those filters belong to SearchDocuments. Refused rather than ignored, since ignoring
 * them would answer with documents the caller asked to leave out.
 */
function refuseSearchOnlyFilters(filter: DocumentFilter | undefined): void {
  if (!filter) return;
  const set = [
    ["document_date_from", filter.documentDateFrom !== ""],
    ["document_date_to", filter.documentDateTo !== ""],
    ["total_amount_min", filter.totalAmountMin !== undefined],
    ["total_amount_max", filter.totalAmountMax !== undefined],
    ["currency", filter.currency !== ""],
  ].filter(([, present]) => present);
  if (set.length > 0) {
    throw invalid(
      `ListDocuments cannot filter by ${set.map(([name]) => `filter.${name}`).join(", ")}; use SearchDocuments`,
    );
  }
}
