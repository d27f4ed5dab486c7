// The metadata store's behaviour, run against PGlite (embedded) and PostgreSQL (cluster).
import { randomUUID } from "node:crypto";
import { fromBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Category, DocumentStatus } from "../../gen/docmesh/document/v1/document_pb.ts";
import { DocumentEventSchema } from "../../gen/docmesh/events/v1/document_event_pb.ts";
import { DocmeshError } from "../../services/platform/errors.ts";
import { DocumentStore } from "../../services/platform/store/document-store.ts";
import { migrate } from "../../services/platform/store/migrate.ts";
import type { SqlDatabase } from "../../services/platform/store/sql.ts";

const TOPIC = "test.document-events";

export function documentStoreContract(name: string, open: () => Promise<SqlDatabase>) {
  describe(`document store on ${name}`, () => {
    let db: SqlDatabase;
    let store: DocumentStore;
    const tenant = `t-${randomUUID()}`;
    const newDoc = (sha: string, extra: Partial<Parameters<DocumentStore["createDocument"]>[0]> = {}) => ({
      tenant,
      fileName: "a.pdf",
      mediaType: "application/pdf",
      sizeBytes: 10,
      sha256: sha,
      batchId: null,
      correlationId: "c-1",
      objectKey: `originals/${sha}`,
      ...extra,
    });

    beforeAll(async () => {
      db = await open();
      await migrate(db);
      await migrate(db); // idempotent
      store = new DocumentStore(db, TOPIC);
    });
    afterAll(async () => {
      await db.close();
    });

    it("creates a document with its Uploaded event in the outbox and progress log", async () => {
      const { document, duplicate } = await store.createDocument(newDoc("a".repeat(64)));
      expect(duplicate).toBe(false);
      expect(document.status).toBe(DocumentStatus.UPLOADED);
      expect(document.sequence).toBe(1n);
      const id = document.name.split("/")[1];
      const { rows } = await db.query<{ payload: Uint8Array }>(
        "SELECT payload FROM outbox WHERE document_id = $1",
        [id],
      );
      expect(rows).toHaveLength(1);
      const event = fromBinary(DocumentEventSchema, new Uint8Array(rows[0]?.payload ?? []));
      expect(event.payload.case).toBe("uploaded");
      expect(event.sequence).toBe(1n);
      expect(event.tenant).toBe(tenant);
    });

    it("returns the existing document for identical content, per tenant", async () => {
      const sha = "b".repeat(64);
      const first = await store.createDocument(newDoc(sha));
      const again = await store.createDocument(newDoc(sha, { fileName: "copy.pdf" }));
      expect(again.duplicate).toBe(true);
      expect(again.document.name).toBe(first.document.name);
      const other = await store.createDocument(newDoc(sha, { tenant: `${tenant}-other` }));
      expect(other.duplicate).toBe(false);
    });

    it("applies an event once, however often it is delivered", async () => {
      const { document } = await store.createDocument(newDoc("c".repeat(64)));
      const id = document.name.split("/")[1] as string;
      const eventId = randomUUID();
      const decide = () => ({
        status: DocumentStatus.CLASSIFYING,
        payload: {
          case: "stageStarted" as const,
          value: { $typeName: "docmesh.events.v1.StageStarted" as const, stage: 2, attempt: 1 },
        },
      });
      const first = await store.applyOnce("classifier", eventId, id, decide);
      const second = await store.applyOnce("classifier", eventId, id, decide);
      expect(first?.sequence).toBe(2n);
      expect(second).toBeUndefined();
      expect((await store.getDocument(tenant, id)).sequence).toBe(2n);
    });

    it("guards updates by etag: of two updates with one etag, exactly one wins", async () => {
      const { document } = await store.createDocument(newDoc("d".repeat(64)));
      const id = document.name.split("/")[1] as string;
      const update = (category: Category) =>
        store.updateByHuman({
          tenant,
          id,
          etag: document.etag,
          actor: "alice",
          reason: "",
          category,
          paths: ["category"],
        });
      const results = await Promise.allSettled([update(Category.INVOICE), update(Category.RECEIPT)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(DocmeshError);
      expect((rejected.reason as DocmeshError).kind).toBe("precondition");
      const changes = await store.listChanges(tenant, id, 10);
      expect(changes.changes).toHaveLength(1);
      expect(changes.changes[0]?.actor).toBe("alice");
    });

    it("never shows a document to another tenant", async () => {
      const { document } = await store.createDocument(newDoc("e".repeat(64)));
      const id = document.name.split("/")[1] as string;
      await expect(store.getDocument(`${tenant}-intruder`, id)).rejects.toMatchObject({ kind: "not_found" });
      const list = await store.listDocuments(`${tenant}-intruder`, { categories: [], statuses: [] }, 100);
      expect(list.documents.map((d) => d.name)).not.toContain(document.name);
    });

    it("pages through a list with a stable cursor", async () => {
      const pageTenant = `p-${randomUUID()}`;
      for (let i = 0; i < 5; i++)
        await store.createDocument(newDoc(`${i}`.repeat(64), { tenant: pageTenant }));
      const seen: string[] = [];
      let cursor: Awaited<ReturnType<DocumentStore["listDocuments"]>>["next"];
      do {
        const page = await store.listDocuments(pageTenant, { categories: [], statuses: [] }, 2, cursor);
        expect(page.total).toBe(5);
        seen.push(...page.documents.map((d) => d.name));
        cursor = page.next;
      } while (cursor);
      expect(new Set(seen).size).toBe(5);
    });

    it("deletes rows and emits DocumentDeleted", async () => {
      const { document } = await store.createDocument(newDoc("f".repeat(64)));
      const id = document.name.split("/")[1] as string;
      await store.deleteDocument(tenant, id, "", "bob");
      await expect(store.getDocument(tenant, id)).rejects.toMatchObject({ kind: "not_found" });
      const { rows } = await db.query<{ payload: Uint8Array }>(
        "SELECT payload FROM outbox WHERE document_id = $1 ORDER BY id",
        [id],
      );
      const last = fromBinary(DocumentEventSchema, new Uint8Array(rows.at(-1)?.payload ?? []));
      expect(last.payload.case).toBe("deleted");
    });
  });
}
