// The review queue end to end: real pipeline, documents routed to review, a reviewer corrects one
// through ReviewService, and the indexer re-indexes it on DocumentReviewed (search finds the value).
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AmountFieldSchema,
  Category,
  DocumentStatus,
  InvoiceFieldsSchema,
  TextFieldSchema,
} from "../../gen/docmesh/document/v1/document_pb.ts";
import { ReviewService } from "../../gen/docmesh/review/v1/review_service_pb.ts";
import { SearchMode } from "../../gen/docmesh/search/v1/search_service_pb.ts";
import { type Mode, startDocmesh, type TestDocmesh } from "../support/docmesh.ts";

export function reviewSuite(mode: Mode) {
  describe(`review queue through the pipeline (${mode})`, () => {
    let docmesh: TestDocmesh;
    let review: ReturnType<typeof createClient<typeof ReviewService>>;
    // Invoices without a number, a date or a total: whichever indexer handles them (in cluster mode
    // any process of the group, with its own DOCMESH_REVIEW_THRESHOLD), they end in review, as
    // PARTIAL (required fields missing) or NEEDS_REVIEW (a doubtful category).
    const uploads = ["Northwind Traders", "Contoso Supplies"].map((issuer) => ({
      fileName: `${issuer.split(" ")[0]?.toLowerCase()}-invoice.txt`,
      content: Buffer.from(
        `INVOICE\n${issuer}\nBill to: Example Buyer GmbH\nConsulting services, November\n` +
          `Please pay within 30 days of receipt.\nReference ${randomUUID()}\n`,
      ),
    }));
    const names: string[] = [];

    beforeAll(async () => {
      docmesh = await startDocmesh(mode);
      review = createClient(
        ReviewService,
        createConnectTransport({ baseUrl: docmesh.url, httpVersion: "2" }),
      );
      for (const upload of uploads) {
        const { document } = await docmesh.clients.ingestion.uploadDocument(upload);
        names.push(document?.name ?? "");
      }
      for (const name of names) {
        for await (const _ of docmesh.clients.progress.watchDocument({ name })) {
          // until terminal
        }
      }
    }, 300_000);
    afterAll(async () => {
      await docmesh?.stop();
    });

    it("queues every document in review; a correction makes it INDEXED, logged, counted, exported and found by search", async () => {
      const { reviewTasks } = await review.listReviewTasks({});
      expect(reviewTasks.map((t) => t.document?.name).sort()).toEqual([...names].sort());
      for (const task of reviewTasks) {
        expect([DocumentStatus.NEEDS_REVIEW, DocumentStatus.PARTIAL]).toContain(task.document?.status);
        expect(task.reasons.length).toBeGreaterThan(0);
      }
      const task = reviewTasks[0];
      const name = task?.name ?? "";
      const documentName = task?.document?.name ?? "";
      const claimed = (await review.claimReviewTask({ name })).reviewTask;
      const marker = `Qwertyzoo${Date.now().toString(36)}`;
      const { document } = await review.completeReviewTask({
        name,
        etag: claimed?.document?.etag ?? "",
        updateMask: { paths: ["category", "fields"] },
        category: Category.INVOICE,
        fields: {
          kind: {
            case: "invoice",
            value: create(InvoiceFieldsSchema, {
              invoiceNumber: create(TextFieldSchema, { value: marker }),
              totalAmount: create(AmountFieldSchema, { value: 1200 }),
              currency: create(TextFieldSchema, { value: "EUR" }),
            }),
          },
        },
        comment: "number and total from the paper copy",
      });
      expect(document?.status).toBe(DocumentStatus.INDEXED);
      expect(document?.category).toBe(Category.INVOICE);

      // The indexer re-indexes on DocumentReviewed: the corrected value is searchable.
      await expect
        .poll(
          async () =>
            (
              await docmesh.clients.search.searchDocuments({ query: marker, mode: SearchMode.KEYWORD })
            ).results.map((r) => r.document?.name),
          { timeout: 30_000, interval: 500 },
        )
        .toContain(documentName);
      const { changes } = await docmesh.clients.metadata.listDocumentChanges({ name: documentName });
      expect(changes[0]).toMatchObject({
        actor: "local",
        changedPaths: ["category", "fields"],
        reason: "review (corrected): number and total from the paper copy",
      });

      const { reviewTasks: left } = await review.listReviewTasks({});
      expect(left.map((t) => t.name)).not.toContain(name);
      const stats = await review.getReviewStats({});
      expect(stats.queueDepth).toBe(BigInt(names.length - 1));
      expect(stats.completed).toEqual([
        expect.objectContaining({
          reviewer: "local",
          day: new Date().toISOString().slice(0, 10),
          completed: 1n,
        }),
      ]);
      const { records } = await review.exportGoldenSet({});
      expect(records.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({
          category: "invoice",
          fields: { invoice_number: marker, total_amount: 1200, currency: "EUR" },
        }),
      ]);
    });
  });
}
