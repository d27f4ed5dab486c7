// Human corrections and lifecycle operations through the public API.

import { createHash } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Category,
  DocumentStatus,
  InvoiceFieldsSchema,
  TextFieldSchema,
} from "../../gen/docmesh/document/v1/document_pb.ts";
import { SearchMode } from "../../gen/docmesh/search/v1/search_service_pb.ts";
import { type Mode, startDocmesh, type TestDocmesh } from "../support/docmesh.ts";
import { corpus, readDoc } from "./corpus.ts";

export function metadataSuite(mode: Mode) {
  describe(`metadata: correct, delete, reprocess, list, stats (${mode})`, () => {
    let docmesh: TestDocmesh;
    const { root, truth } = corpus();
    const invoices = truth.filter((t) => t.category === "invoice" && t.file.endsWith(".pdf")).slice(0, 4);
    const names: string[] = [];

    async function settle(name: string) {
      for await (const _ of docmesh.clients.progress.watchDocument({ name })) {
        // until terminal
      }
      const { document } = await docmesh.clients.metadata.getDocument({ name });
      if (!document) throw new Error(`${name} vanished`);
      return document;
    }

    beforeAll(async () => {
      docmesh = await startDocmesh(mode);
      for (const record of invoices) {
        const { document } = await docmesh.clients.ingestion.uploadDocument({
          fileName: record.file.split("/").pop() ?? "x.pdf",
          content: readDoc(root, record.file),
        });
        names.push(document?.name ?? "");
      }
      for (const name of names) await settle(name);
    }, 300_000);
    afterAll(async () => {
      await docmesh?.stop();
    });

    it("dedups identical content and says so", async () => {
      const record = invoices[0];
      if (!record) throw new Error("no invoice");
      const again = await docmesh.clients.ingestion.uploadDocument({
        fileName: "copy.pdf",
        content: readDoc(root, record.file),
      });
      expect(again.duplicate).toBe(true);
      expect(again.document?.name).toBe(names[0]);
    });

    it("applies exactly one of two updates made with the same etag, records it, and re-indexes", async () => {
      const name = names[0] as string;
      const { document } = await docmesh.clients.metadata.getDocument({ name });
      const etag = document?.etag ?? "";
      const marker = "Quillfeather Holdings";
      const update = (issuer: string) =>
        docmesh.clients.metadata.updateDocument({
          name,
          etag,
          updateMask: { paths: ["fields"] },
          fields: {
            kind: {
              case: "invoice",
              value: create(InvoiceFieldsSchema, {
                ...(document?.fields?.kind.case === "invoice" ? document.fields.kind.value : {}),
                issuer: create(TextFieldSchema, { value: issuer, confidence: 0.1 }),
              }),
            },
          },
          reason: "issuer misread",
        });
      const results = await Promise.allSettled([update(marker), update("Someone Else Ltd")]);
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(won, lost.map((l) => String(l.reason)).join("; ")).toHaveLength(1);
      expect(ConnectError.from(lost[0]?.reason).code).toBe(Code.FailedPrecondition);

      const { changes } = await docmesh.clients.metadata.listDocumentChanges({ name });
      expect(changes).toHaveLength(1);
      expect(changes[0]?.changedPaths).toEqual(["fields"]);
      expect(changes[0]?.reason).toBe("issuer misread");

      const { document: updated } = await docmesh.clients.metadata.getDocument({ name });
      const issuer = updated?.fields?.kind.case === "invoice" ? updated.fields.kind.value.issuer : undefined;
      expect(issuer?.confidence).toBe(1); // a human's value is certain
      const winner = issuer?.value;
      // The correction reaches the index: searching the new value finds the document.
      await expect
        .poll(
          async () => {
            const { results } = await docmesh.clients.search.searchDocuments({
              query: winner ?? "",
              mode: SearchMode.KEYWORD,
            });
            return results.map((r) => r.document?.name);
          },
          { timeout: 30_000, interval: 500 },
        )
        .toContain(name);
    });

    it("corrects the category and leaves NEEDS_REVIEW", async () => {
      const name = names[1] as string;
      const { document } = await docmesh.clients.metadata.getDocument({ name });
      const { document: updated } = await docmesh.clients.metadata.updateDocument({
        name,
        etag: document?.etag ?? "",
        category: Category.RECEIPT,
        updateMask: { paths: ["category"] },
      });
      expect(updated?.category).toBe(Category.RECEIPT);
      expect(updated?.categoryConfidence).toBe(1);
      expect(updated?.status).not.toBe(DocumentStatus.NEEDS_REVIEW);
    });

    it("reprocesses a document through every stage again", async () => {
      const name = names[2] as string;
      const before = await settle(name);
      const { document } = await docmesh.clients.metadata.reprocessDocument({ name });
      expect(document?.status).toBe(DocumentStatus.UPLOADED);
      const after = await settle(name);
      expect(after.sequence).toBeGreaterThan(before.sequence + 3n);
      expect(after.stageTimings.filter((t) => t.stage === 2).map((t) => t.attempt)).toEqual([1, 2]);
    });

    it("refuses to reprocess a document that is still being processed", async () => {
      const record = truth.find((t) => t.category === "contract");
      if (!record) throw new Error("no contract");
      const { document } = await docmesh.clients.ingestion.uploadDocument({
        fileName: "c.pdf",
        content: readDoc(root, record.file),
      });
      const error = await docmesh.clients.metadata
        .reprocessDocument({ name: document?.name ?? "" })
        .catch((e: unknown) => ConnectError.from(e));
      // Either it was still in flight (FAILED_PRECONDITION) or it already finished (accepted).
      if (error instanceof ConnectError) expect(error.code).toBe(Code.FailedPrecondition);
      await settle(document?.name ?? "");
    });

    it("returns the original's bytes with its media type", async () => {
      const record = invoices[0];
      if (!record) throw new Error("no invoice");
      const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
      const content = await docmesh.clients.metadata.getDocumentContent({ name: names[0] as string });
      expect(content.contentType).toBe("application/pdf");
      expect(sha256(content.data)).toBe(sha256(readDoc(root, record.file)));
      await expect(
        docmesh.clients.metadata.getDocumentContent({
          name: "documents/00000000-0000-4000-8000-000000000000",
        }),
      ).rejects.toMatchObject({ code: Code.NotFound });
      await expect(
        docmesh.clients.metadata.getDocumentContent({ name: "documents/x" }),
      ).rejects.toMatchObject({
        code: Code.InvalidArgument,
      });
    });

    it("refuses an original too large for one response (only CreateUpload makes those)", async () => {
      const name = names[3] as string;
      // Stands in for a large CreateUpload original; this document is deleted next anyway.
      const tooLarge = new Uint8Array(64 * 1024 * 1024 + 1);
      await docmesh.running.platform.blobs.put(
        `originals/${name.split("/")[1]}`,
        tooLarge,
        "application/pdf",
      );
      await expect(docmesh.clients.metadata.getDocumentContent({ name })).rejects.toMatchObject({
        code: Code.ResourceExhausted,
      });
    });

    it("deletes the document, its index entries and its original", async () => {
      const name = names[3] as string;
      await docmesh.clients.metadata.deleteDocument({ name });
      await expect(docmesh.clients.metadata.getDocument({ name })).rejects.toMatchObject({
        code: Code.NotFound,
      });
      const { results } = await docmesh.clients.search.searchDocuments({ query: "invoice", pageSize: 100 });
      expect(results.map((r) => r.document?.name)).not.toContain(name);
      expect(await docmesh.running.platform.blobs.stat(`originals/${name.split("/")[1]}`)).toBeUndefined();
      await expect(docmesh.clients.metadata.getDocumentContent({ name })).rejects.toMatchObject({
        code: Code.NotFound,
      });
      await expect(docmesh.clients.metadata.deleteDocument({ name })).rejects.toMatchObject({
        code: Code.NotFound,
      });
    });

    it("pages through the list with tokens bound to the query", async () => {
      const first = await docmesh.clients.metadata.listDocuments({ pageSize: 2 });
      expect(first.documents).toHaveLength(2);
      expect(first.nextPageToken).not.toBe("");
      const second = await docmesh.clients.metadata.listDocuments({
        pageSize: 2,
        pageToken: first.nextPageToken,
      });
      expect(second.documents.map((d) => d.name)).not.toContain(first.documents[0]?.name);
      // The same token with a different filter, or tampered with, is refused.
      await expect(
        docmesh.clients.metadata.listDocuments({
          pageSize: 2,
          pageToken: first.nextPageToken,
          filter: { categories: [Category.INVOICE] },
        }),
      ).rejects.toMatchObject({ code: Code.InvalidArgument });
      await expect(
        docmesh.clients.metadata.listDocuments({ pageSize: 2, pageToken: `${first.nextPageToken}x` }),
      ).rejects.toMatchObject({ code: Code.InvalidArgument });
    });

    it("reports counts and stage latency percentiles", async () => {
      const stats = await docmesh.clients.metadata.getStats({});
      expect(Number(stats.totalDocuments)).toBeGreaterThanOrEqual(4);
      expect(stats.byCategory.length).toBeGreaterThan(0);
      const stages = stats.stageLatencies.map((l) => l.stage).sort();
      expect(stages).toEqual([2, 3, 4]);
      for (const latency of stats.stageLatencies) {
        expect(Number(latency.count)).toBeGreaterThan(0);
        const ms = (d: typeof latency.p50) => Number(d?.seconds ?? 0) * 1000 + (d?.nanos ?? 0) / 1e6;
        expect(ms(latency.p95)).toBeGreaterThanOrEqual(ms(latency.p50));
      }
    });
  });
}
