import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ViolationsSchema } from "../../../gen/buf/validate/validate_pb.ts";
import { Category } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { IngestionService } from "../../../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import { MetadataService } from "../../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { ProgressService } from "../../../gen/docmesh/progress/v1/progress_service_pb.ts";
import { type SearchMode, SearchService } from "../../../gen/docmesh/search/v1/search_service_pb.ts";
import type { App } from "../../../services/app.ts";
import { startTestApi } from "../../support/api-server.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApi();
});
afterAll(async () => {
  await app.stop();
});

function clients() {
  const transport = createConnectTransport({ baseUrl: app.server.url, httpVersion: "1.1" });
  return {
    ingestion: createClient(IngestionService, transport),
    metadata: createClient(MetadataService, transport),
    search: createClient(SearchService, transport),
    progress: createClient(ProgressService, transport),
  };
}

async function firstOf(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) return;
}

const DOC = "documents/00000000-0000-4000-8000-000000000000";
const BATCH = "batches/00000000-0000-4000-8000-000000000000";
const DASHES = "-".repeat(36);

// Every RPC with constraints, each with one invalid request and the field it names.
const cases: [string, (c: ReturnType<typeof clients>) => Promise<unknown>, string][] = [
  ["UploadDocument without content", (c) => c.ingestion.uploadDocument({ fileName: "a.pdf" }), "content"],
  [
    "UploadDocument with an empty name",
    (c) => c.ingestion.uploadDocument({ content: new Uint8Array([1]) }),
    "file_name",
  ],
  [
    "UploadDocument with a bad batch",
    (c) => c.ingestion.uploadDocument({ fileName: "a", content: new Uint8Array([1]), batch: "b/1" }),
    "batch",
  ],
  [
    "CreateUpload with a bad sha256",
    (c) => c.ingestion.createUpload({ fileName: "a", sizeBytes: 10n, sha256: "xyz" }),
    "sha256",
  ],
  [
    "CreateUpload with size 0",
    (c) => c.ingestion.createUpload({ fileName: "a", sizeBytes: 0n, sha256: "a".repeat(64) }),
    "size_bytes",
  ],
  ["CompleteUpload with a bad name", (c) => c.ingestion.completeUpload({ name: "uploads/../x" }), "name"],
  [
    "CreateBatch with a long name",
    (c) => c.ingestion.createBatch({ displayName: "x".repeat(201) }),
    "display_name",
  ],
  ["GetBatch with a bad name", (c) => c.ingestion.getBatch({ name: "batch" }), "name"],
  ["GetDocument with a bad name", (c) => c.metadata.getDocument({ name: "documents/1" }), "name"],
  ["ListDocuments with a huge page", (c) => c.metadata.listDocuments({ pageSize: 5000 }), "page_size"],
  [
    "ListDocuments with a bad currency",
    (c) => c.metadata.listDocuments({ filter: { currency: "euro" } }),
    "filter.currency",
  ],
  [
    "UpdateDocument without etag",
    (c) =>
      c.metadata.updateDocument({ name: DOC, category: Category.OTHER, updateMask: { paths: ["category"] } }),
    "etag",
  ],
  ["UpdateDocument without mask", (c) => c.metadata.updateDocument({ name: DOC, etag: "1" }), "update_mask"],
  ["DeleteDocument with a bad name", (c) => c.metadata.deleteDocument({ name: "x" }), "name"],
  ["ReprocessDocument with a bad name", (c) => c.metadata.reprocessDocument({ name: "" }), "name"],
  ["ListDocumentChanges with a bad name", (c) => c.metadata.listDocumentChanges({ name: "d" }), "name"],
  ["SearchDocuments with an empty query", (c) => c.search.searchDocuments({ query: "" }), "query"],
  [
    "SearchDocuments with a negative amount",
    (c) => c.search.searchDocuments({ query: "q", filter: { totalAmountMin: -1 } }),
    "filter.total_amount_min",
  ],
  [
    "WatchDocument with a bad name",
    (c) => firstOf(c.progress.watchDocument({ name: "documents/x" })),
    "name",
  ],
  [
    "WatchDocument with a negative sequence",
    (c) => firstOf(c.progress.watchDocument({ name: DOC, afterSequence: -1n })),
    "after_sequence",
  ],
  ["WatchBatch with a bad name", (c) => firstOf(c.progress.watchBatch({ name: "batches/" })), "name"],
  // Ids that the old [0-9a-f-]{36} pattern let through to a uuid column (INTERNAL there).
  ["GetDocument with 36 dashes", (c) => c.metadata.getDocument({ name: `documents/${DASHES}` }), "name"],
  ["GetBatch with 36 dashes", (c) => c.ingestion.getBatch({ name: `batches/${DASHES}` }), "name"],
  ["CompleteUpload with 36 dashes", (c) => c.ingestion.completeUpload({ name: `uploads/${DASHES}` }), "name"],
  [
    "ListDocuments with a 36-dash batch",
    (c) => c.metadata.listDocuments({ filter: { batch: `batches/${DASHES}` } }),
    "filter.batch",
  ],
  [
    "WatchBatch with a 36-dash cursor",
    (c) => firstOf(c.progress.watchBatch({ name: BATCH, cursors: [{ document: `documents/${DASHES}` }] })),
    "cursors[0].document",
  ],
  [
    "SearchDocuments with a month 13",
    (c) => c.search.searchDocuments({ query: "q", filter: { documentDateFrom: "2026-13-45" } }),
    "filter.document_date_from",
  ],
  [
    "SearchDocuments with February 29 of a common year",
    (c) => c.search.searchDocuments({ query: "q", filter: { documentDateTo: "2100-02-29" } }),
    "filter.document_date_to",
  ],
  [
    "ListDocuments created after year 9999",
    (c) => c.metadata.listDocuments({ filter: { createTimeAfter: { seconds: 2n ** 62n, nanos: 0 } } }),
    "filter.create_time_after",
  ],
  [
    "WatchDocument after 2^63-1",
    (c) => firstOf(c.progress.watchDocument({ name: DOC, afterSequence: 2n ** 63n - 1n })),
    "after_sequence",
  ],
  [
    "WatchBatch with a cursor after 2^53",
    (c) =>
      firstOf(c.progress.watchBatch({ name: BATCH, cursors: [{ document: DOC, afterSequence: 2n ** 53n }] })),
    "cursors[0].after_sequence",
  ],
  [
    "UploadDocument with a NUL in the file name",
    (c) => c.ingestion.uploadDocument({ fileName: "a\0.pdf", content: new Uint8Array([1]) }),
    "file_name",
  ],
  [
    "CreateUpload with a NUL in the correlation id",
    (c) =>
      c.ingestion.createUpload({ fileName: "a", sizeBytes: 1n, sha256: "a".repeat(64), correlationId: "\0" }),
    "correlation_id",
  ],
  [
    "CreateBatch with a NUL in the display name",
    (c) => c.ingestion.createBatch({ displayName: "\0" }),
    "display_name",
  ],
  [
    "UpdateDocument with a NUL in the reason",
    (c) =>
      c.metadata.updateDocument({
        name: DOC,
        etag: "1",
        category: Category.OTHER,
        updateMask: { paths: ["category"] },
        reason: "x\0",
      }),
    "reason",
  ],
  ["SearchDocuments with a NUL in the query", (c) => c.search.searchDocuments({ query: "a\0b" }), "query"],
  [
    "UpdateDocument with an undefined category number",
    (c) =>
      c.metadata.updateDocument({
        name: DOC,
        etag: "1",
        category: 99 as Category,
        updateMask: { paths: ["category"] },
      }),
    "category",
  ],
  [
    "ListDocuments with CATEGORY_UNSPECIFIED in the filter",
    (c) => c.metadata.listDocuments({ filter: { categories: [Category.UNSPECIFIED] } }),
    "filter.categories[0]",
  ],
  [
    "SearchDocuments with an undefined mode number",
    (c) => c.search.searchDocuments({ query: "q", mode: 9 as SearchMode }),
    "mode",
  ],
];

describe("requests that break a constraint are rejected before any handler runs", () => {
  it.each(cases)("%s → INVALID_ARGUMENT naming the field", async (_, call, field) => {
    const error = await call(clients()).then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(error?.code).toBe(Code.InvalidArgument);
    expect(error?.message).toContain(`${field}:`);
    const violations = error?.findDetails(ViolationsSchema) ?? [];
    expect(violations.length).toBe(1);
    const paths = violations[0]?.violations.map((v) =>
      v.field?.elements
        .map((e) => (e.subscript.case === "index" ? `${e.fieldName}[${e.subscript.value}]` : e.fieldName))
        .join("."),
    );
    expect(paths).toContain(field);
  });

  it("a mask naming a field that is not sent is refused, so nothing is cleared by omission", async () => {
    const c = clients();
    for (const [paths, expected] of [
      [["category"], "update_document.category_set"],
      [["fields"], "update_document.fields_set"],
    ] as const) {
      const error = await c.metadata
        .updateDocument({ name: DOC, etag: "1", updateMask: { paths: [...paths] } })
        .then(
          () => undefined,
          (e: unknown) => ConnectError.from(e),
        );
      expect(error?.code).toBe(Code.InvalidArgument);
      const rules = error?.findDetails(ViolationsSchema)[0]?.violations.map((v) => v.ruleId);
      expect(rules).toEqual([expected]);
    }
  });

  it("a valid request reaches the handler (here: UNIMPLEMENTED, truthfully)", async () => {
    await expect(clients().metadata.getDocument({ name: DOC })).rejects.toMatchObject({
      code: Code.Unimplemented,
    });
  });
});
