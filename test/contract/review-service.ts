// ReviewService's behaviour over each store (PGlite embedded, PostgreSQL cluster): the handlers
// behind the JWT and role interceptors, as services/runtime.ts installs them, on a real database.
import { randomUUID } from "node:crypto";
import { create, fromBinary } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, mintToken } from "../../gateway/dev-token.ts";
import { roleInterceptor } from "../../gateway/roles.ts";
import {
  Category,
  DocumentStatus,
  ExtractedFieldsSchema,
  ReviewReasonCode,
} from "../../gen/docmesh/document/v1/document_pb.ts";
import { DocumentEventSchema } from "../../gen/docmesh/events/v1/document_event_pb.ts";
import { ReviewService } from "../../gen/docmesh/review/v1/review_service_pb.ts";
import { authInterceptor } from "../../services/platform/auth.ts";
import { PageTokens } from "../../services/platform/page-token.ts";
import { DocumentStore } from "../../services/platform/store/document-store.ts";
import { migrate } from "../../services/platform/store/migrate.ts";
import { ReviewStore } from "../../services/platform/store/review-store.ts";
import { fieldsToJson } from "../../services/platform/store/rows.ts";
import type { SqlDatabase } from "../../services/platform/store/sql.ts";
import { reviewHandlers } from "../../services/review/handlers.ts";
import { codeOf } from "../support/rpc.ts";

const TOPIC = "test.review-events";

async function errorOf(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("expected the call to fail");
}

const invoiceFields = (total: number, confidence: number) =>
  create(ExtractedFieldsSchema, {
    kind: {
      case: "invoice",
      value: {
        invoiceNumber: { value: "INV-1", confidence },
        totalAmount: { value: total, confidence },
        currency: { value: "EUR", confidence },
      },
    },
  });

export function reviewServiceContract(name: string, open: () => Promise<SqlDatabase>) {
  describe(`review service on ${name}`, () => {
    let db: SqlDatabase;
    let store: DocumentStore;
    const tenant = `t-${randomUUID()}`;
    let committed = 0;
    let client: (
      subject: string,
      roles?: string[],
      tokenTenant?: string,
    ) => Promise<ReturnType<typeof reviewClient>>;
    let reviewClient: (token: string) => ReturnType<typeof createClient<typeof ReviewService>>;

    /** A document of `tenant` brought to a review status with the given reasons. */
    async function inReview(
      options: {
        status?: DocumentStatus;
        reasons?: { field: string; code: ReviewReasonCode; confidence?: number }[];
        category?: Category;
        batchId?: string | null;
        owner?: string;
      } = {},
    ): Promise<string> {
      const { document } = await store.createDocument({
        tenant: options.owner ?? tenant,
        fileName: "invoice-7.pdf",
        mediaType: "application/pdf",
        sizeBytes: 1234,
        sha256: randomUUID().replaceAll("-", "").padEnd(64, "0"),
        batchId: options.batchId ?? null,
        correlationId: "c-1",
        objectKey: "originals/x",
      });
      const id = document.name.split("/")[1] as string;
      const reasons = options.reasons ?? [
        { field: "total_amount", code: ReviewReasonCode.LOW_CONFIDENCE, confidence: 0.4 },
      ];
      await store.applyOnce("test-indexer", randomUUID(), id, () => ({
        status: options.status ?? DocumentStatus.NEEDS_REVIEW,
        set: {
          category: options.category ?? Category.INVOICE,
          category_confidence: 0.97,
          fields: JSON.stringify(fieldsToJson(invoiceFields(10, 0.4))),
          review_reasons: JSON.stringify(
            reasons.map((r) => ({
              field: r.field,
              code: `REVIEW_REASON_CODE_${ReviewReasonCode[r.code]}`,
              confidence: r.confidence ?? 0,
            })),
          ),
        },
        payload: {
          case: "indexed",
          value: { $typeName: "docmesh.events.v1.DocumentIndexed", chunkCount: 1 },
        },
      }));
      return id;
    }

    async function lastEvent(id: string) {
      const { rows } = await db.query<{ payload: Uint8Array }>(
        "SELECT payload FROM outbox WHERE document_id = $1 ORDER BY id DESC LIMIT 1",
        [id],
      );
      return fromBinary(DocumentEventSchema, new Uint8Array(rows[0]?.payload ?? []));
    }

    beforeAll(async () => {
      db = await open();
      await migrate(db);
      store = new DocumentStore(db, TOPIC);
      const handlers = reviewHandlers({
        reviews: new ReviewStore(db, store),
        pageTokens: new PageTokens("review-contract"),
        leaseSeconds: 300,
        committed: () => {
          committed++;
        },
      });
      const interceptors = [
        authInterceptor({
          mode: "jwt",
          defaultTenant: "solo",
          jwks: DEV_JWKS_PATH,
          issuer: "docmesh-dev",
          audience: "docmesh",
        }),
        roleInterceptor(),
      ];
      reviewClient = (token: string) =>
        createClient(
          ReviewService,
          createRouterTransport((router) => router.service(ReviewService, handlers), {
            router: { interceptors },
            transport: {
              interceptors: [
                (next) => (request) => {
                  request.header.set("authorization", `Bearer ${token}`);
                  return next(request);
                },
              ],
            },
          }),
        );
      client = async (subject, roles = ["reviewer"], tokenTenant = tenant) =>
        reviewClient(await mintToken({ tenant: tokenTenant, subject, roles }));
    });
    afterAll(async () => {
      await db.close();
    });

    it("has a task for every NEEDS_REVIEW and PARTIAL document with its reasons, oldest first, filtered and paged", async () => {
      const batch = await store.createBatch(tenant, "review batch", "c-b");
      const batchId = batch.name.split("/")[1] as string;
      const low = await inReview();
      const partial = await inReview({
        status: DocumentStatus.PARTIAL,
        reasons: [{ field: "invoice_number", code: ReviewReasonCode.MISSING }],
        batchId,
      });
      const doubtfulCategory = await inReview({
        category: Category.RECEIPT,
        reasons: [{ field: "category", code: ReviewReasonCode.LOW_CONFIDENCE, confidence: 0.3 }],
      });
      await inReview({ owner: `${tenant}-other` });
      const indexed = await inReview({ status: DocumentStatus.INDEXED, reasons: [] });
      const alice = await client("alice");
      const ids = async (request: Parameters<typeof alice.listReviewTasks>[0] = {}) =>
        (await alice.listReviewTasks({ pageSize: 1000, ...request })).reviewTasks.map(
          (t) => t.name.split("/")[1],
        );

      const all = await alice.listReviewTasks({});
      expect(all.reviewTasks.map((t) => t.name)).toEqual(
        [low, partial, doubtfulCategory].map((id) => `reviewTasks/${id}`),
      );
      expect(all.totalSize).toBe(3n);
      expect(all.reviewTasks[1]?.reasons).toMatchObject([
        { field: "invoice_number", code: ReviewReasonCode.MISSING },
      ]);
      expect(all.reviewTasks[0]?.document?.etag).toMatch(/^"\d+"$/);
      expect(all.reviewTasks[0]?.claim).toBeUndefined();
      expect(await ids()).not.toContain(indexed);
      expect(await ids({ orderBy: "enqueue_time desc" })).toEqual([doubtfulCategory, partial, low]);
      expect(await ids({ reasons: [ReviewReasonCode.MISSING] })).toEqual([partial]);
      expect(await ids({ reasonField: "category" })).toEqual([doubtfulCategory]);
      expect(await ids({ categories: [Category.RECEIPT] })).toEqual([doubtfulCategory]);
      expect(await ids({ batch: `batches/${batchId}` })).toEqual([partial]);
      expect(await ids({ minAge: durationFromMs(3_600_000) })).toEqual([]);

      const pages: string[] = [];
      let pageToken = "";
      do {
        const page = await alice.listReviewTasks({ pageSize: 2, pageToken });
        pages.push(...page.reviewTasks.map((t) => t.name.split("/")[1] as string));
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(pages).toEqual([low, partial, doubtfulCategory]);
      expect(await codeOf(alice.listReviewTasks({ pageSize: 2, pageToken: "forged.token" }))).toBe(
        Code.InvalidArgument,
      );
      // The other tenant's reviewer sees only its own task.
      const other = await client("olga", ["reviewer"], `${tenant}-other`);
      expect((await other.listReviewTasks({})).totalSize).toBe(1n);
      expect(await codeOf(other.claimReviewTask({ name: `reviewTasks/${low}` }))).toBe(Code.NotFound);
      expect(await codeOf(alice.claimReviewTask({ name: `reviewTasks/${indexed}` }))).toBe(Code.NotFound);
      // Leave the queue empty for the tests below.
      for (const id of [low, partial, doubtfulCategory]) {
        const task = (await alice.claimReviewTask({ name: `reviewTasks/${id}` })).reviewTask;
        await alice.completeReviewTask({ name: `reviewTasks/${id}`, etag: task?.document?.etag ?? "" });
      }
      expect((await alice.listReviewTasks({})).totalSize).toBe(0n);
    });

    it("claim race: of many reviewers claiming at once exactly one wins; the others get FAILED_PRECONDITION naming the holder", async () => {
      const id = await inReview();
      const reviewers = ["r1", "r2", "r3", "r4", "r5", "r6"];
      const clients = await Promise.all(reviewers.map((r) => client(r)));
      const results = await Promise.allSettled(
        clients.map((c) => c.claimReviewTask({ name: `reviewTasks/${id}` })),
      );
      const winners = results.flatMap((r) =>
        r.status === "fulfilled" ? [r.value.reviewTask?.claim?.reviewer] : [],
      );
      expect(winners).toHaveLength(1);
      const losers = results.flatMap((r) => (r.status === "rejected" ? [ConnectError.from(r.reason)] : []));
      expect(losers).toHaveLength(reviewers.length - 1);
      for (const loser of losers) {
        expect(loser.code).toBe(Code.FailedPrecondition);
        expect(loser.rawMessage).toContain(`is claimed by ${winners[0]} until`);
      }
      // Listed for the holder, hidden from the others unless they ask for claimed tasks too.
      const holder = clients[reviewers.indexOf(winners[0] as string)];
      const bystander = clients[(reviewers.indexOf(winners[0] as string) + 1) % reviewers.length];
      const listed = async (c: typeof holder, includeClaimed = false) =>
        (await c?.listReviewTasks({ includeClaimed }))?.reviewTasks.map((t) => t.name) ?? [];
      expect(await listed(holder)).toContain(`reviewTasks/${id}`);
      expect(await listed(bystander)).not.toContain(`reviewTasks/${id}`);
      expect(await listed(bystander, true)).toContain(`reviewTasks/${id}`);
      // Releasing: only the holder may; then anyone can claim.
      expect(
        await codeOf(bystander?.releaseReviewTask({ name: `reviewTasks/${id}` }) as Promise<unknown>),
      ).toBe(Code.FailedPrecondition);
      await holder?.releaseReviewTask({ name: `reviewTasks/${id}` });
      expect(
        (await bystander?.claimReviewTask({ name: `reviewTasks/${id}` }))?.reviewTask?.claim?.reviewer,
      ).toBe(reviewers[(reviewers.indexOf(winners[0] as string) + 1) % reviewers.length]);
      await bystander?.releaseReviewTask({ name: `reviewTasks/${id}` });
    });

    it("lease expiry: an expired claim returns the task to the queue; the old holder can no longer renew or complete", async () => {
      const id = await inReview();
      const name = `reviewTasks/${id}`;
      const [alice, bob] = await Promise.all([client("alice"), client("bob")]);
      const claimed = (await alice.claimReviewTask({ name, leaseDuration: { seconds: 1n } })).reviewTask;
      const claim = claimed?.claim;
      expect(claim?.reviewer).toBe("alice");
      expect(Number(claim?.expireTime?.seconds) - Number(claim?.claimTime?.seconds)).toBeLessThanOrEqual(1);
      expect(await codeOf(bob.claimReviewTask({ name }))).toBe(Code.FailedPrecondition);
      // Renewing extends the lease from now.
      const renewed = (await alice.renewReviewClaim({ name, leaseDuration: { seconds: 1n } })).reviewTask;
      expect(renewed?.claim?.reviewer).toBe("alice");
      expect(await codeOf(bob.renewReviewClaim({ name }))).toBe(Code.FailedPrecondition);

      await new Promise((resolve) => setTimeout(resolve, 1_300));
      expect((await bob.listReviewTasks({})).reviewTasks.map((t) => t.name)).toContain(name);
      expect(await codeOf(alice.renewReviewClaim({ name }))).toBe(Code.FailedPrecondition);
      expect((await bob.claimReviewTask({ name })).reviewTask?.claim?.reviewer).toBe("bob");
      const late = await errorOf(alice.completeReviewTask({ name, etag: claimed?.document?.etag ?? "" }));
      expect(late.code).toBe(Code.FailedPrecondition);
      expect(late.rawMessage).toContain("is claimed by bob");
      await bob.releaseReviewTask({ name });
    });

    it("etag conflict: a stale etag is FAILED_PRECONDITION and changes nothing; completing needs a claim", async () => {
      const id = await inReview();
      const name = `reviewTasks/${id}`;
      const alice = await client("alice");
      const before = (await alice.listReviewTasks({ includeClaimed: true })).reviewTasks.find(
        (t) => t.name === name,
      );
      const etag = before?.document?.etag ?? "";
      expect(await codeOf(alice.completeReviewTask({ name, etag }))).toBe(Code.FailedPrecondition); // no claim yet
      await alice.claimReviewTask({ name });
      const stale = await errorOf(alice.completeReviewTask({ name, etag: '"1"' }));
      expect(stale.code).toBe(Code.FailedPrecondition);
      expect(stale.rawMessage).toContain("is stale");
      const unchanged = (await alice.claimReviewTask({ name })).reviewTask;
      expect(unchanged?.document?.etag).toBe(etag);
      expect(unchanged?.document?.status).toBe(DocumentStatus.NEEDS_REVIEW);
      expect(await codeOf(alice.completeReviewTask({ name, etag, updateMask: { paths: ["status"] } }))).toBe(
        Code.InvalidArgument,
      );
      await alice.releaseReviewTask({ name });
    });

    it("completing with corrections: INDEXED, DocumentReviewed with reviewer, changes and previous values, change log, stats, golden set", async () => {
      const id = await inReview();
      const name = `reviewTasks/${id}`;
      const [alice, admin] = await Promise.all([client("alice"), client("root", ["admin"])]);
      const task = (await alice.claimReviewTask({ name })).reviewTask;
      const committedBefore = committed;
      const { document } = await alice.completeReviewTask({
        name,
        etag: task?.document?.etag ?? "",
        category: Category.INVOICE,
        fields: invoiceFields(1021.91, 0.2),
        updateMask: { paths: ["category", "fields"] },
        comment: "total read from the page",
      });
      expect(committed).toBe(committedBefore + 1);
      expect(document?.status).toBe(DocumentStatus.INDEXED);
      expect(document?.reviewReasons).toEqual([]);
      expect(document?.categoryConfidence).toBe(1);
      expect(document?.updatedBy).toBe("alice");
      const kind = document?.fields?.kind;
      expect(kind?.case === "invoice" && kind.value.totalAmount).toMatchObject({
        value: 1021.91,
        confidence: 1,
      });

      const event = await lastEvent(id);
      expect(event.status).toBe(DocumentStatus.INDEXED);
      expect(event.sequence).toBe(document?.sequence);
      expect(event.payload.case).toBe("reviewed");
      if (event.payload.case !== "reviewed") throw new Error("unreachable");
      const reviewed = event.payload.value;
      expect(reviewed.reviewer).toBe("alice");
      expect(reviewed.changedPaths).toEqual(["category", "fields"]);
      expect(reviewed.keptInReview).toBe(false);
      expect(reviewed.comment).toBe("total read from the page");
      expect(reviewed.previousCategory).toBe(Category.INVOICE);
      const previous = reviewed.previousFields?.kind;
      expect(previous?.case === "invoice" && previous.value.totalAmount?.value).toBe(10);
      const after = reviewed.fields?.kind;
      expect(after?.case === "invoice" && after.value.totalAmount?.value).toBe(1021.91);

      const { rows: changes } = await db.query<{ actor: string; changed_paths: string[]; reason: string }>(
        "SELECT actor, changed_paths, reason FROM document_changes WHERE document_id = $1",
        [id],
      );
      expect(changes).toEqual([
        {
          actor: "alice",
          changed_paths: ["category", "fields"],
          reason: "review (corrected): total read from the page",
        },
      ]);
      // The task is gone.
      expect(await codeOf(alice.claimReviewTask({ name }))).toBe(Code.NotFound);

      const stats = await alice.getReviewStats({});
      const today = new Date().toISOString().slice(0, 10);
      expect(
        stats.completed.find((c) => c.reviewer === "alice" && c.day === today)?.completed,
      ).toBeGreaterThanOrEqual(1n);

      const records: string[] = [];
      let pageToken = "";
      do {
        const page = await admin.exportGoldenSet({ pageSize: 1, pageToken });
        records.push(...page.records);
        pageToken = page.nextPageToken;
      } while (pageToken);
      const record = records
        .map((line) => JSON.parse(line))
        .find((r) => r.source === `docmesh:documents/${id}`);
      expect(record).toMatchObject({
        file: "invoice-7.pdf",
        category: "invoice",
        fields: { invoice_number: "INV-1", total_amount: 1021.91, currency: "EUR" },
        format: "pdf",
        bytes: 1234,
        reviewer: "alice",
        manually_derived_fields: ["*"],
      });
      // Accepted-as-is reviews (the first test's) are left out unless asked for.
      const withAccepted = await admin.exportGoldenSet({ includeAccepted: true, pageSize: 1000 });
      expect(withAccepted.records.length).toBeGreaterThan(records.length);
    });

    it("keep_in_review leaves the document in review, back in the queue, with the event saying so", async () => {
      const id = await inReview({
        status: DocumentStatus.PARTIAL,
        reasons: [{ field: "due_date", code: ReviewReasonCode.MISSING }],
      });
      const name = `reviewTasks/${id}`;
      const alice = await client("alice");
      const task = (await alice.claimReviewTask({ name })).reviewTask;
      const { document } = await alice.completeReviewTask({
        name,
        etag: task?.document?.etag ?? "",
        keepInReview: true,
      });
      expect(document?.status).toBe(DocumentStatus.PARTIAL);
      expect(document?.reviewReasons.map((r) => r.field)).toEqual(["due_date"]);
      const event = await lastEvent(id);
      expect(event.payload.case === "reviewed" && event.payload.value.keptInReview).toBe(true);
      expect(event.status).toBe(DocumentStatus.PARTIAL);
      const again = (await alice.listReviewTasks({ pageSize: 1000 })).reviewTasks.find(
        (t) => t.name === name,
      );
      expect(again?.claim).toBeUndefined();
      const stats = await alice.getReviewStats({});
      expect(stats.queueDepth).toBeGreaterThanOrEqual(1n);
      expect(Number(stats.ageP95?.seconds ?? 0) * 1e9 + (stats.ageP95?.nanos ?? 0)).toBeGreaterThanOrEqual(
        Number(stats.ageP50?.seconds ?? 0) * 1e9 + (stats.ageP50?.nanos ?? 0),
      );
    });

    it("role checks: uploaders (and tokens without roles) are refused, reviewers review, only admins export", async () => {
      const id = await inReview();
      const name = `reviewTasks/${id}`;
      const uploader = await client("ulla", ["uploader"]);
      const noRoles = reviewClient(await mintToken({ tenant, subject: "old-token" }));
      const reviewer = await client("rita", ["reviewer"]);
      const admin = await client("adam", ["admin"]);
      for (const caller of [uploader, noRoles]) {
        expect(await codeOf(caller.listReviewTasks({}))).toBe(Code.PermissionDenied);
        expect(await codeOf(caller.claimReviewTask({ name }))).toBe(Code.PermissionDenied);
        expect(await codeOf(caller.getReviewStats({}))).toBe(Code.PermissionDenied);
      }
      expect(await codeOf(reviewer.exportGoldenSet({}))).toBe(Code.PermissionDenied);
      expect(await codeOf(admin.exportGoldenSet({}))).toBe("ok");
      // An admin is a reviewer too.
      expect((await admin.claimReviewTask({ name })).reviewTask?.claim?.reviewer).toBe("adam");
      await admin.releaseReviewTask({ name });
      expect(await codeOf(reviewer.claimReviewTask({ name }))).toBe("ok");
      await reviewer.releaseReviewTask({ name });
    });

    it("a reprocess ends the claim; a deleted document takes its task, claim and reviews with it", async () => {
      const id = await inReview();
      const name = `reviewTasks/${id}`;
      const alice = await client("alice");
      await alice.claimReviewTask({ name });
      await store.requestReprocess(tenant, id, "ops");
      expect(await codeOf(alice.renewReviewClaim({ name }))).toBe(Code.NotFound);
      const deleted = await inReview();
      const task = (await alice.claimReviewTask({ name: `reviewTasks/${deleted}` })).reviewTask;
      await alice.completeReviewTask({
        name: `reviewTasks/${deleted}`,
        etag: task?.document?.etag ?? "",
        keepInReview: true,
      });
      await store.deleteDocument(tenant, deleted, "", "ops");
      const { rows } = await db.query<{ n: number }>(
        "SELECT (SELECT count(*) FROM review_claims WHERE document_id = $1)::int + (SELECT count(*) FROM review_completions WHERE document_id = $1)::int AS n",
        [deleted],
      );
      expect(rows[0]?.n).toBe(0);
    });
  });
}
