// Hostile input against a real server: unknown enum names, ids that fit the old pattern but are
// not UUIDs, dates that do not exist, sequences past what the store can hold, and NUL bytes.
// Each must be INVALID_ARGUMENT (or NOT_FOUND), never INTERNAL, never leak a database message,
// never change a document, and never leave a row or a blob behind.
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import * as Minio from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Category,
  DateFieldSchema,
  type Document,
  DocumentStatus,
  InvoiceFieldsSchema,
  TextFieldSchema,
} from "../../../gen/docmesh/document/v1/document_pb.ts";
import { SearchMode } from "../../../gen/docmesh/search/v1/search_service_pb.ts";
import { loadConfig } from "../../../services/platform/config.ts";
import { type Mode, startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";

/** 36 characters that the old `[0-9a-f-]{36}` pattern let through to a uuid column. */
const FAKE = "-".repeat(36);
/** Well-formed UUIDs that name nothing. */
const MISSING_DOC = "documents/00000000-0000-4000-8000-00000000dead";
const MISSING_BATCH = "batches/00000000-0000-4000-8000-00000000dead";
const MISSING_UPLOAD = "uploads/00000000-0000-4000-8000-00000000dead";
const INT64_MAX = 2n ** 63n - 1n;
/** What a database, index or driver message looks like; none may reach a caller. */
const LEAK =
  /postgres|pglite|\bsql\b|syntax error|\brelation\b|\bcolumn\b|byte sequence|0x00|\buuid\b|out of range|opensearch|exception/i;

type Clients = TestDocmesh["clients"];

async function rejection(call: Promise<unknown>): Promise<ConnectError> {
  return call.then(
    () => {
      throw new Error("the call was accepted");
    },
    (e: unknown) => ConnectError.from(e),
  );
}

async function firstOf<T>(stream: AsyncIterable<T>): Promise<T | undefined> {
  for await (const item of stream) return item;
  return undefined;
}

/** The refusal a client must see: the code, the field named, and nothing of our internals. */
async function expectRefused(call: Promise<unknown>, code: Code, field?: string): Promise<ConnectError> {
  const error = await rejection(call);
  expect(error.code, error.message).toBe(code);
  if (field) expect(error.rawMessage).toContain(field);
  expect(error.rawMessage).not.toMatch(LEAK);
  return error;
}

export function badInputSuite(mode: Mode) {
  describe(`hostile bad input (${mode})`, () => {
    let docmesh: TestDocmesh;
    let document: Document;
    let countBlobs: () => Promise<number>;
    let dropBucket: () => Promise<void> = async () => {};
    let blobsAfterSetup = 0;

    /** A Connect JSON call, so enum names and unknown keys reach the server as the client wrote them. */
    async function postJson(
      path: string,
      body: unknown,
    ): Promise<{ status: number; code: string; message: string }> {
      const response = await fetch(`${docmesh.url}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { code?: string; message?: string };
      return { status: response.status, code: json.code ?? "", message: json.message ?? "" };
    }

    /** A fields correction of the settled document, made with the etag it was read with. */
    function correctInvoice(invoice: MessageInitShape<typeof InvoiceFieldsSchema>) {
      return docmesh.clients.metadata.updateDocument({
        name: document.name,
        etag: document.etag,
        updateMask: { paths: ["fields"] },
        fields: { kind: { case: "invoice", value: create(InvoiceFieldsSchema, invoice) } },
      });
    }

    /** The settled document is as it was read: same version, same category, no change logged. */
    async function expectUnchanged(): Promise<void> {
      const { document: after } = await docmesh.clients.metadata.getDocument({ name: document.name });
      expect(after?.etag).toBe(document.etag);
      expect(after?.category).toBe(document.category);
      const { changes } = await docmesh.clients.metadata.listDocumentChanges({ name: document.name });
      expect(changes).toEqual([]);
    }

    async function documentsOfTenant(): Promise<number> {
      const { totalSize } = await docmesh.clients.metadata.listDocuments({});
      return Number(totalSize);
    }

    async function uploadsOfTenant(): Promise<number> {
      const { rows } = await docmesh.running.platform.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM uploads WHERE tenant = $1",
        [docmesh.tenant],
      );
      return rows[0]?.n ?? -1;
    }

    beforeAll(async () => {
      // A private bucket (cluster) or data directory (embedded): every blob in it is this suite's.
      const bucket = `bad-input-${Date.now().toString(36)}`;
      const dataDir = mkdtempSync(join(tmpdir(), "docmesh-bad-input-"));
      const config = loadConfig(process.env, { mode, dataDir, s3Bucket: bucket });
      docmesh = await startDocmesh(mode, { dataDir, s3Bucket: bucket });
      if (mode === "cluster") {
        const url = new URL(config.s3Endpoint);
        const minio = new Minio.Client({
          endPoint: url.hostname,
          port: Number(url.port),
          useSSL: url.protocol === "https:",
          accessKey: config.s3AccessKey,
          secretKey: config.s3SecretKey,
          pathStyle: true,
        });
        const keys = async () => {
          const found: string[] = [];
          for await (const item of minio.listObjectsV2(bucket, "", true)) {
            if ((item as { name?: string }).name) found.push((item as { name: string }).name);
          }
          return found;
        };
        countBlobs = async () => (await keys()).length;
        dropBucket = async () => {
          await minio.removeObjects(bucket, await keys());
          await minio.removeBucket(bucket);
        };
      } else {
        const objects = join(dataDir, "blobs", "objects");
        countBlobs = async () =>
          readdirSync(objects, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
      }

      // One real, settled document, so refused updates can be shown to change nothing.
      const uploaded = await docmesh.clients.ingestion.uploadDocument({
        fileName: "invoice.txt",
        content: new TextEncoder().encode(
          "INVOICE\nInvoice number: INV-4711\nIssuer: Quillfeather Holdings\nDate: 2026-03-14\nTotal: 120.00 EUR\n",
        ),
      });
      const name = uploaded.document?.name ?? "";
      for await (const _ of docmesh.clients.progress.watchDocument({ name })) {
        // drain until terminal
      }
      const { document: settled } = await docmesh.clients.metadata.getDocument({ name });
      if (!settled) throw new Error("the uploaded document is gone");
      document = settled;
      blobsAfterSetup = await countBlobs();
      expect(blobsAfterSetup).toBeGreaterThan(0); // the original is there: the counter sees blobs
    }, 180_000);

    afterAll(async () => {
      await docmesh?.stop();
      await dropBucket();
    });

    describe("unknown enum values are INVALID_ARGUMENT, not dropped", () => {
      it("UpdateDocument with category CATEGORY_EVIL changes nothing and logs no change", async () => {
        const answer = await postJson("docmesh.metadata.v1.MetadataService/UpdateDocument", {
          name: document.name,
          etag: document.etag,
          category: "CATEGORY_EVIL",
          updateMask: "category",
        });
        expect(answer).toMatchObject({ status: 400, code: "invalid_argument" });
        expect(answer.message).toContain("CATEGORY_EVIL");
        // The same unknown value as a number (what a binary client sends) is caught by defined_only.
        await expectRefused(
          docmesh.clients.metadata.updateDocument({
            name: document.name,
            etag: document.etag,
            category: 99 as Category,
            updateMask: { paths: ["category"] },
          }),
          Code.InvalidArgument,
          "category",
        );
        // And a mask naming category without one would clear it: refused too.
        await expectRefused(
          docmesh.clients.metadata.updateDocument({
            name: document.name,
            etag: document.etag,
            updateMask: { paths: ["category"] },
          }),
          Code.InvalidArgument,
          "category must be set",
        );
        await expectUnchanged();
      });

      it("ListDocuments with an unknown category or status name is refused, not 'every document'", async () => {
        for (const filter of [{ categories: ["CATEGORY_NOPE"] }, { statuses: ["DOCUMENT_STATUS_NOPE"] }]) {
          const answer = await postJson("docmesh.metadata.v1.MetadataService/ListDocuments", { filter });
          expect(answer).toMatchObject({ status: 400, code: "invalid_argument" });
          expect(answer.message).toMatch(/NOPE/);
        }
        await expectRefused(
          docmesh.clients.metadata.listDocuments({ filter: { categories: [42 as Category] } }),
          Code.InvalidArgument,
          "filter.categories",
        );
        await expectRefused(
          docmesh.clients.metadata.listDocuments({ filter: { statuses: [DocumentStatus.UNSPECIFIED] } }),
          Code.InvalidArgument,
          "filter.statuses",
        );
      });

      it("SearchDocuments with an unknown mode or category name is refused", async () => {
        const path = "docmesh.search.v1.SearchService/SearchDocuments";
        const mode = await postJson(path, { query: "invoice", mode: "SEARCH_MODE_TELEPATHIC" });
        expect(mode).toMatchObject({ status: 400, code: "invalid_argument" });
        const category = await postJson(path, {
          query: "invoice",
          filter: { categories: ["CATEGORY_NOPE"] },
        });
        expect(category).toMatchObject({ status: 400, code: "invalid_argument" });
        await expectRefused(
          docmesh.clients.search.searchDocuments({ query: "invoice", mode: 7 as SearchMode }),
          Code.InvalidArgument,
          "mode",
        );
      });

      it("an unknown JSON key is refused rather than silently ignored", async () => {
        const answer = await postJson("docmesh.metadata.v1.MetadataService/ListDocuments", {
          filter: { categorys: ["CATEGORY_INVOICE"] },
        });
        expect(answer).toMatchObject({ status: 400, code: "invalid_argument" });
        expect(answer.message).toContain("categorys");
      });

      it("known enum names still work over JSON", async () => {
        const answer = await postJson("docmesh.metadata.v1.MetadataService/ListDocuments", {
          filter: {
            statuses: ["DOCUMENT_STATUS_INDEXED"],
            categories: ["CATEGORY_INVOICE", "CATEGORY_OTHER"],
          },
        });
        expect(answer).toMatchObject({ status: 200, code: "", message: "" });
      });
    });

    describe("ids that are not UUIDs are INVALID_ARGUMENT; missing UUIDs are NOT_FOUND", () => {
      const fakeCalls: [string, (c: Clients) => Promise<unknown>, string][] = [
        ["GetDocument", (c) => c.metadata.getDocument({ name: `documents/${FAKE}` }), "name"],
        [
          "UpdateDocument",
          (c) =>
            c.metadata.updateDocument({
              name: `documents/${FAKE}`,
              etag: "1",
              category: Category.OTHER,
              updateMask: { paths: ["category"] },
            }),
          "name",
        ],
        ["DeleteDocument", (c) => c.metadata.deleteDocument({ name: `documents/${FAKE}` }), "name"],
        ["ReprocessDocument", (c) => c.metadata.reprocessDocument({ name: `documents/${FAKE}` }), "name"],
        ["ListDocumentChanges", (c) => c.metadata.listDocumentChanges({ name: `documents/${FAKE}` }), "name"],
        ["GetBatch", (c) => c.ingestion.getBatch({ name: `batches/${FAKE}` }), "name"],
        ["CompleteUpload", (c) => c.ingestion.completeUpload({ name: `uploads/${FAKE}` }), "name"],
        [
          "ListDocuments batch filter",
          (c) => c.metadata.listDocuments({ filter: { batch: `batches/${FAKE}` } }),
          "filter.batch",
        ],
        [
          "SearchDocuments batch filter",
          (c) => c.search.searchDocuments({ query: "invoice", filter: { batch: `batches/${FAKE}` } }),
          "filter.batch",
        ],
        [
          "UploadDocument batch",
          (c) =>
            c.ingestion.uploadDocument({
              fileName: "a.txt",
              content: new TextEncoder().encode("hello"),
              batch: `batches/${FAKE}`,
            }),
          "batch",
        ],
        ["WatchDocument", (c) => firstOf(c.progress.watchDocument({ name: `documents/${FAKE}` })), "name"],
        ["WatchBatch", (c) => firstOf(c.progress.watchBatch({ name: `batches/${FAKE}` })), "name"],
        [
          "WatchBatch cursor",
          (c) =>
            firstOf(
              c.progress.watchBatch({
                name: MISSING_BATCH,
                cursors: [{ document: `documents/${FAKE}`, afterSequence: 0n }],
              }),
            ),
          "cursors",
        ],
      ];
      it.each(fakeCalls)("%s with 36 dashes → INVALID_ARGUMENT", async (_, call, field) => {
        await expectRefused(call(docmesh.clients), Code.InvalidArgument, field);
      });

      const missingCalls: [string, (c: Clients) => Promise<unknown>][] = [
        ["GetDocument", (c) => c.metadata.getDocument({ name: MISSING_DOC })],
        ["DeleteDocument", (c) => c.metadata.deleteDocument({ name: MISSING_DOC })],
        ["ReprocessDocument", (c) => c.metadata.reprocessDocument({ name: MISSING_DOC })],
        ["ListDocumentChanges", (c) => c.metadata.listDocumentChanges({ name: MISSING_DOC })],
        ["GetBatch", (c) => c.ingestion.getBatch({ name: MISSING_BATCH })],
        ["CompleteUpload", (c) => c.ingestion.completeUpload({ name: MISSING_UPLOAD })],
        ["WatchDocument", (c) => firstOf(c.progress.watchDocument({ name: MISSING_DOC }))],
        ["WatchBatch", (c) => firstOf(c.progress.watchBatch({ name: MISSING_BATCH }))],
      ];
      it.each(missingCalls)("%s with a UUID that names nothing → NOT_FOUND", async (_, call) => {
        await expectRefused(call(docmesh.clients), Code.NotFound);
      });

      it("ListDocuments with a well-formed batch that names nothing is an empty page", async () => {
        const page = await docmesh.clients.metadata.listDocuments({ filter: { batch: MISSING_BATCH } });
        expect(page.documents).toEqual([]);
        expect(page.totalSize).toBe(0n);
      });
    });

    describe("dates that do not exist are INVALID_ARGUMENT", () => {
      it.each([
        ["documentDateFrom", "2026-13-45"],
        ["documentDateFrom", "2026-02-29"],
        ["documentDateTo", "2026-04-31"],
        ["documentDateTo", "0000-01-01"],
      ])("SearchDocuments %s %s", async (key, value) => {
        const field = key === "documentDateFrom" ? "filter.document_date_from" : "filter.document_date_to";
        await expectRefused(
          docmesh.clients.search.searchDocuments({ query: "invoice", filter: { [key]: value } }),
          Code.InvalidArgument,
          field,
        );
      });

      it("SearchDocuments with a real leap day answers", async () => {
        const { results } = await docmesh.clients.search.searchDocuments({
          query: "invoice",
          mode: SearchMode.KEYWORD,
          filter: { documentDateFrom: "2024-02-29", documentDateTo: "2028-02-29" },
        });
        expect(Array.isArray(results)).toBe(true);
      });

      it("ListDocuments refuses a bad date, and a search-only filter it cannot apply", async () => {
        await expectRefused(
          docmesh.clients.metadata.listDocuments({ filter: { documentDateFrom: "2026-13-45" } }),
          Code.InvalidArgument,
          "filter.document_date_from",
        );
        await expectRefused(
          docmesh.clients.metadata.listDocuments({ filter: { documentDateFrom: "2026-03-01" } }),
          Code.InvalidArgument,
          "use SearchDocuments",
        );
      });

      it("UpdateDocument with a corrected date that does not exist changes nothing", async () => {
        await expectRefused(
          correctInvoice({ date: create(DateFieldSchema, { value: "2026-02-30" }) }),
          Code.InvalidArgument,
          "fields.invoice.date.value",
        );
        await expectUnchanged();
      });
    });

    describe("times past year 9999 (a binary client can send them) are INVALID_ARGUMENT", () => {
      const farFuture = { seconds: 2n ** 62n, nanos: 0 };
      it("ListDocuments create_time_after", async () => {
        await expectRefused(
          docmesh.clients.metadata.listDocuments({ filter: { createTimeAfter: farFuture } }),
          Code.InvalidArgument,
          "filter.create_time_after",
        );
      });

      it("SearchDocuments create_time_before", async () => {
        await expectRefused(
          docmesh.clients.search.searchDocuments({
            query: "invoice",
            filter: { createTimeBefore: farFuture },
          }),
          Code.InvalidArgument,
          "filter.create_time_before",
        );
      });
    });

    it("SearchDocuments with an infinite amount bound is INVALID_ARGUMENT", async () => {
      await expectRefused(
        docmesh.clients.search.searchDocuments({ query: "invoice", filter: { totalAmountMax: Infinity } }),
        Code.InvalidArgument,
        "filter.total_amount_max",
      );
    });

    describe("sequences past what the store holds are INVALID_ARGUMENT", () => {
      it("WatchDocument after 2^63-1", async () => {
        await expectRefused(
          firstOf(docmesh.clients.progress.watchDocument({ name: document.name, afterSequence: INT64_MAX })),
          Code.InvalidArgument,
          "after_sequence",
        );
      });

      it("WatchBatch with a cursor after 2^63-1", async () => {
        const { batch } = await docmesh.clients.ingestion.createBatch({ displayName: "cursors" });
        await expectRefused(
          firstOf(
            docmesh.clients.progress.watchBatch({
              name: batch?.name ?? "",
              cursors: [{ document: document.name, afterSequence: INT64_MAX }],
            }),
          ),
          Code.InvalidArgument,
          "after_sequence",
        );
      });

      it("WatchDocument after 2^53-1, the largest allowed, waits quietly (a heartbeat)", async () => {
        const abort = new AbortController();
        const first = await firstOf(
          docmesh.clients.progress.watchDocument(
            { name: document.name, afterSequence: 2n ** 53n - 1n },
            { signal: abort.signal },
          ),
        );
        abort.abort();
        expect(first?.message.case).toBe("heartbeat");
      });
    });

    describe("NUL bytes are INVALID_ARGUMENT and leave nothing behind", () => {
      const text = new TextEncoder().encode("a plain text document that must not be stored\n");
      const nulCalls: [string, (c: Clients) => Promise<unknown>, string][] = [
        [
          "UploadDocument file_name",
          (c) => c.ingestion.uploadDocument({ fileName: "a\0.txt", content: text }),
          "file_name",
        ],
        [
          "UploadDocument correlation_id",
          (c) => c.ingestion.uploadDocument({ fileName: "a.txt", content: text, correlationId: "c\0" }),
          "correlation_id",
        ],
        [
          "UploadDocument declared_media_type",
          (c) =>
            c.ingestion.uploadDocument({
              fileName: "a.txt",
              content: text,
              declaredMediaType: "text/plain\0",
            }),
          "declared_media_type",
        ],
        [
          "CreateUpload file_name",
          (c) => c.ingestion.createUpload({ fileName: "b\0.pdf", sizeBytes: 10n, sha256: "a".repeat(64) }),
          "file_name",
        ],
        [
          "CreateUpload correlation_id",
          (c) =>
            c.ingestion.createUpload({
              fileName: "b.pdf",
              sizeBytes: 10n,
              sha256: "b".repeat(64),
              correlationId: "\0",
            }),
          "correlation_id",
        ],
        ["CreateBatch display_name", (c) => c.ingestion.createBatch({ displayName: "x\0y" }), "display_name"],
        [
          "CreateBatch correlation_id",
          (c) => c.ingestion.createBatch({ correlationId: "x\0y" }),
          "correlation_id",
        ],
        ["SearchDocuments query", (c) => c.search.searchDocuments({ query: "in\0voice" }), "query"],
      ];

      it.each(nulCalls)("%s", async (_, call, field) => {
        const [blobs, documents, uploads] = [
          await countBlobs(),
          await documentsOfTenant(),
          await uploadsOfTenant(),
        ];
        await expectRefused(call(docmesh.clients), Code.InvalidArgument, field);
        expect(await countBlobs()).toBe(blobs);
        expect(await documentsOfTenant()).toBe(documents);
        expect(await uploadsOfTenant()).toBe(uploads);
      });

      it("UpdateDocument reason, or a corrected field, with a NUL changes nothing", async () => {
        await expectRefused(
          docmesh.clients.metadata.updateDocument({
            name: document.name,
            etag: document.etag,
            category: Category.OTHER,
            updateMask: { paths: ["category"] },
            reason: "because\0",
          }),
          Code.InvalidArgument,
          "reason",
        );
        await expectRefused(
          correctInvoice({ issuer: create(TextFieldSchema, { value: "Evil\0Corp" }) }),
          Code.InvalidArgument,
          "fields.invoice.issuer.value",
        );
        await expectUnchanged();
      });

      it("after every refusal, the suite's one real upload is still the only document, with its blobs", async () => {
        expect(await documentsOfTenant()).toBe(1);
        expect(await uploadsOfTenant()).toBe(0);
        expect(await countBlobs()).toBe(blobsAfterSetup);
      });
    });
  });
}
