// ReviewService: the human review queue over the review store. Every call acts as the verified
// caller (tenant and subject); the role it needs is checked before (gateway/roles.ts).
import { type Duration, durationFromMs, timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { ReviewReasonCode } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { ReviewService, ReviewTask } from "../../gen/docmesh/review/v1/review_service_pb.ts";
import { checkCorrectedFields, withFullConfidence } from "../pipeline/corrected-fields.ts";
import { mapErrors } from "../platform/connect-errors.ts";
import { invalid } from "../platform/errors.ts";
import { identityOf } from "../platform/identity.ts";
import type { PageTokens } from "../platform/page-token.ts";
import type { ReviewCursor, ReviewStore, ReviewTaskRow } from "../platform/store/review-store.ts";
import { goldenRecord } from "./golden-set.ts";

export interface ReviewDeps {
  reviews: ReviewStore;
  pageTokens: PageTokens;
  /** Lease when a request names none (DOCMESH_REVIEW_LEASE_SECONDS). */
  leaseSeconds: number;
  committed: () => void;
}

const idOf = (name: string) => name.slice(name.indexOf("/") + 1);
const CORRECTABLE = new Set(["category", "fields"]);

export function reviewHandlers(deps: ReviewDeps): ServiceImpl<typeof ReviewService> {
  const { reviews } = deps;
  const lease = (duration: Duration | undefined) =>
    duration ? Number(duration.seconds) + duration.nanos / 1e9 : deps.leaseSeconds;
  return mapErrors<ServiceImpl<typeof ReviewService>>({
    async listReviewTasks(request, context) {
      const { tenant, subject } = identityOf(context);
      const filter = {
        reasonCodes: request.reasons.map((code) => `REVIEW_REASON_CODE_${ReviewReasonCode[code]}`),
        reasonField: request.reasonField || undefined,
        categories: request.categories,
        batchId: request.batch ? idOf(request.batch) : undefined,
        minAgeSeconds: request.minAge ? lease(request.minAge) : undefined,
        includeClaimed: request.includeClaimed,
        newestFirst: request.orderBy === "enqueue_time desc",
      };
      // The caller is part of the scope: without include_claimed, the page depends on who asks.
      const scope = { tenant, subject, filter, rpc: "ListReviewTasks" };
      const after = request.pageToken
        ? deps.pageTokens.decode<ReviewCursor>(scope, request.pageToken)
        : undefined;
      const page = await reviews.listTasks(tenant, subject, filter, request.pageSize || 50, after);
      return {
        reviewTasks: page.tasks.map(toTask),
        nextPageToken: page.next ? deps.pageTokens.encode(scope, page.next) : "",
        totalSize: BigInt(page.total),
      };
    },

    async claimReviewTask(request, context) {
      const { tenant, subject } = identityOf(context);
      const task = await reviews.claim(tenant, idOf(request.name), subject, lease(request.leaseDuration));
      return { reviewTask: toTask(task) };
    },

    async renewReviewClaim(request, context) {
      const { tenant, subject } = identityOf(context);
      const task = await reviews.renew(tenant, idOf(request.name), subject, lease(request.leaseDuration));
      return { reviewTask: toTask(task) };
    },

    async releaseReviewTask(request, context) {
      const { tenant, subject } = identityOf(context);
      await reviews.release(tenant, idOf(request.name), subject);
      return {};
    },

    async completeReviewTask(request, context) {
      const { tenant, subject } = identityOf(context);
      const paths = request.updateMask?.paths ?? [];
      const unknown = paths.filter((p) => !CORRECTABLE.has(p));
      if (unknown.length > 0 || new Set(paths).size !== paths.length) {
        throw invalid(
          `update_mask may name only "category" and "fields", once each; got ${JSON.stringify(paths)}`,
        );
      }
      if (paths.includes("fields")) checkCorrectedFields(request.fields);
      const document = await reviews.complete({
        tenant,
        id: idOf(request.name),
        reviewer: subject,
        etag: request.etag,
        category: paths.includes("category") ? request.category : undefined,
        fields: paths.includes("fields") ? withFullConfidence(request.fields) : undefined,
        paths,
        keepInReview: request.keepInReview,
        comment: request.comment,
      });
      deps.committed();
      return { document };
    },

    async getReviewStats(request, context) {
      const stats = await reviews.stats(identityOf(context).tenant, request.days || 30);
      const seconds = (s: number) => durationFromMs(Math.round(s * 1000));
      return {
        queueDepth: BigInt(stats.depth),
        claimed: BigInt(stats.claimed),
        ageP50: seconds(stats.p50),
        ageP95: seconds(stats.p95),
        oldestAge: seconds(stats.oldest),
        completed: stats.completed.map((c) => ({ reviewer: c.reviewer, day: c.day, completed: BigInt(c.n) })),
      };
    },

    async exportGoldenSet(request, context) {
      const { tenant } = identityOf(context);
      const since = request.completeTimeAfter ? timestampDate(request.completeTimeAfter) : undefined;
      const scope = {
        tenant,
        since: since?.toISOString(),
        all: request.includeAccepted,
        rpc: "ExportGoldenSet",
      };
      const afterId = request.pageToken
        ? deps.pageTokens.decode<number>(scope, request.pageToken)
        : undefined;
      const { completions, more } = await reviews.listCompletions(tenant, {
        pageSize: request.pageSize || 100,
        afterId,
        since,
        includeAccepted: request.includeAccepted,
      });
      const last = completions.at(-1);
      return {
        records: completions.map((row) => JSON.stringify(goldenRecord(row))),
        nextPageToken: more && last ? deps.pageTokens.encode(scope, last.id) : "",
      };
    },
  });
}

function toTask(task: ReviewTaskRow): ReviewTask {
  const id = task.document.name.slice("documents/".length);
  return {
    $typeName: "docmesh.review.v1.ReviewTask",
    name: `reviewTasks/${id}`,
    document: task.document,
    reasons: task.document.reviewReasons,
    enqueueTime: timestampFromDate(task.enqueueTime),
    claim: task.claim && {
      $typeName: "docmesh.review.v1.ReviewClaim",
      reviewer: task.claim.reviewer,
      claimTime: timestampFromDate(task.claim.claim_time),
      expireTime: timestampFromDate(task.claim.expire_time),
    },
  };
}
