// docmesh review list | claim | release | complete | stats: the human review queue (ReviewService).
import { create, toJson } from "@bufbuild/protobuf";
import { DurationSchema, FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import {
  GetReviewStatsResponseSchema,
  type ReviewTask,
  ReviewTaskSchema,
} from "../../gen/docmesh/review/v1/review_service_pb.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import { categoryName, documentJson, formatDocument, statusName } from "../format.ts";
import type { Context } from "./context.ts";
import { type CorrectionFlags, corrections } from "./corrections.ts";
import { positiveInteger } from "./numbers.ts";
import { collect } from "./pages.ts";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const TASK = new RegExp(`^(?:reviewTasks|documents)/(${UUID})$`);

export interface ReviewFlags extends CorrectionFlags {
  batch?: string;
  "include-claimed"?: boolean;
  limit?: string;
  lease?: string;
  comment?: string;
  "keep-in-review"?: boolean;
  etag?: string;
  days?: string;
}

export async function review(context: Context, args: string[], flags: ReviewFlags): Promise<number> {
  const [action, ...names] = args;
  switch (action) {
    case "list":
      return list(context, flags);
    case "claim":
      return claim(context, oneTask(names, action), flags);
    case "release":
      return release(context, oneTask(names, action));
    case "complete":
      return complete(context, oneTask(names, action), flags);
    case "stats":
      return stats(context, flags);
    default:
      throw new UsageError("review needs list, claim, release, complete or stats");
  }
}

/** `reviewTasks/<id>`, or the document's name (a task is named after its document). */
function oneTask(names: string[], action: string): string {
  const [name] = names;
  if (!name || names.length > 1) throw new UsageError(`review ${action} needs one task: reviewTasks/<id>`);
  const id = TASK.exec(name)?.[1];
  if (!id) throw new UsageError(`not a review task: ${name} (reviewTasks/<uuid> or documents/<uuid>)`);
  return `reviewTasks/${id}`;
}

async function list(context: Context, flags: ReviewFlags): Promise<number> {
  const limit = positiveInteger(flags.limit, 50, "--limit");
  const { items: tasks, total } = await collect(limit, async (pageSize, pageToken) => {
    const page = await context.docmesh.review.listReviewTasks({
      pageSize,
      pageToken,
      batch: flags.batch ?? "",
      includeClaimed: Boolean(flags["include-claimed"]),
    });
    return { items: page.reviewTasks, nextPageToken: page.nextPageToken, totalSize: page.totalSize };
  });
  if (context.json) {
    context.print({ reviewTasks: tasks.map((t) => toJson(ReviewTaskSchema, t)), totalSize: Number(total) });
    return EXIT.ok;
  }
  if (tasks.length === 0) context.say("the review queue is empty");
  for (const task of tasks) context.say(formatTask(task));
  if (BigInt(tasks.length) < total) context.say(`(${tasks.length} of ${total}; --limit shows more)`);
  return EXIT.ok;
}

async function claim(context: Context, name: string, flags: ReviewFlags): Promise<number> {
  const seconds = flags.lease === undefined ? undefined : positiveInteger(flags.lease, 0, "--lease");
  const { reviewTask } = await context.docmesh.review.claimReviewTask({
    name,
    ...(seconds ? { leaseDuration: create(DurationSchema, { seconds: BigInt(seconds) }) } : {}),
  });
  if (!reviewTask) throw new Error("the server answered without a task");
  if (context.json) context.print({ reviewTask: toJson(ReviewTaskSchema, reviewTask) });
  else if (reviewTask.document)
    context.say(`${formatTask(reviewTask)}\n${formatDocument(reviewTask.document)}`);
  return EXIT.ok;
}

async function release(context: Context, name: string): Promise<number> {
  await context.docmesh.review.releaseReviewTask({ name });
  if (context.json) context.print({ released: name });
  else context.say(`${name}: released`);
  return EXIT.ok;
}

/** Without --category, --set or --fields the values are accepted as they are. */
async function complete(context: Context, name: string, flags: ReviewFlags): Promise<number> {
  const current = await context.docmesh.getDocument(`documents/${name.slice("reviewTasks/".length)}`);
  const { paths, category, fields } = corrections(flags, current);
  const { document } = await context.docmesh.review.completeReviewTask({
    name,
    etag: flags.etag ?? current.etag,
    category,
    ...(fields ? { fields } : {}),
    ...(paths.length ? { updateMask: create(FieldMaskSchema, { paths }) } : {}),
    keepInReview: Boolean(flags["keep-in-review"]),
    comment: flags.comment ?? "",
  });
  if (!document) throw new Error("the server answered without a document");
  if (context.json) context.print({ document: documentJson(document) });
  else {
    const what = paths.length ? `corrected ${paths.join(" and ")}` : "accepted";
    context.say(`${name}: ${what}, now ${statusName(document.status)}\n${formatDocument(document)}`);
  }
  return EXIT.ok;
}

async function stats(context: Context, flags: ReviewFlags): Promise<number> {
  const days = flags.days === undefined ? 0 : positiveInteger(flags.days, 0, "--days");
  const response = await context.docmesh.review.getReviewStats({ days });
  if (context.json) {
    context.print(toJson(GetReviewStatsResponseSchema, response));
    return EXIT.ok;
  }
  const age = (d?: { seconds: bigint }) => `${Number(d?.seconds ?? 0n)} s`;
  context.say(
    `queue ${response.queueDepth}, claimed ${response.claimed}, age p50 ${age(response.ageP50)}, ` +
      `p95 ${age(response.ageP95)}, oldest ${age(response.oldestAge)}`,
  );
  for (const row of response.completed)
    context.say(`  ${row.day}  ${row.reviewer}  ${row.completed} completed`);
  return EXIT.ok;
}

function formatTask(task: ReviewTask): string {
  const document = task.document;
  const reasons = task.reasons
    .map((r) => `${r.field}: ${r.code === 2 ? "missing" : `confidence ${r.confidence.toFixed(2)}`}`)
    .join(", ");
  const claim = task.claim ? `  claimed by ${task.claim.reviewer}` : "";
  return `${task.name}  ${document?.fileName}  ${categoryName(document?.category ?? 0)}  ${statusName(document?.status ?? 0)}${claim}${reasons ? `\n    ${reasons}` : ""}`;
}
