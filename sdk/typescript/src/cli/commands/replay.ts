// docmesh replay start | status | cancel: run stored documents through the pipeline again from a
// stage (AdminService), bounded by a limit, with progress.
import { toJson } from "@bufbuild/protobuf";
import { type Replay, ReplaySchema, ReplayState } from "../../gen/docmesh/admin/v1/admin_service_pb.ts";
import { Category, DocumentStatus, Stage } from "../../gen/docmesh/document/v1/document_pb.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import { categoryName } from "../format.ts";
import type { Context } from "./context.ts";
import { positiveInteger } from "./numbers.ts";

export interface ReplayFlags {
  "from-stage"?: string;
  limit?: string;
  batch?: string;
  status?: string[];
  category?: string;
  tenant?: string;
  wait?: boolean;
}

const STAGES: Record<string, Stage> = {
  classify: Stage.CLASSIFY,
  extract: Stage.EXTRACT,
  index: Stage.INDEX,
};
const STATUSES: Record<string, DocumentStatus> = {
  indexed: DocumentStatus.INDEXED,
  "needs-review": DocumentStatus.NEEDS_REVIEW,
  partial: DocumentStatus.PARTIAL,
  failed: DocumentStatus.FAILED,
};
const REPLAY = /^replays\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function replay(context: Context, args: string[], flags: ReplayFlags): Promise<number> {
  const [action, ...names] = args;
  switch (action) {
    case "start":
      if (names.length) throw new UsageError("replay start takes flags only");
      return start(context, flags);
    case "status":
      return status(context, oneReplay(names, action), flags);
    case "cancel": {
      const { replay: cancelled } = await context.docmesh.admin.cancelReplay({
        name: oneReplay(names, action),
      });
      return show(context, cancelled);
    }
    default:
      throw new UsageError("replay needs start, status or cancel");
  }
}

function oneReplay(names: string[], action: string): string {
  const [name] = names;
  if (!name || names.length > 1) throw new UsageError(`replay ${action} needs one name: replays/<id>`);
  if (!REPLAY.test(name)) throw new UsageError(`not a replay: ${name} (replays/<uuid>)`);
  return name;
}

async function start(context: Context, flags: ReplayFlags): Promise<number> {
  const fromStage = STAGES[flags["from-stage"] ?? ""];
  if (fromStage === undefined) throw new UsageError("replay start needs --from-stage classify|extract|index");
  if (flags.limit === undefined) throw new UsageError("replay start needs --limit <n> (at most 10000)");
  const statuses = (flags.status ?? [])
    .flatMap((s) => s.split(","))
    .map((s) => {
      const value = STATUSES[s.trim()];
      if (value === undefined)
        throw new UsageError(`--status is indexed, needs-review, partial or failed: ${s}`);
      return value;
    });
  const categories = flags.category?.split(",").map((c) => {
    const value = Category[c.trim().toUpperCase() as keyof typeof Category];
    if (typeof value !== "number" || value === Category.UNSPECIFIED) {
      throw new UsageError("--category is invoice, receipt, contract, report or other (comma-separated)");
    }
    return value;
  });
  const { replay: started } = await context.docmesh.admin.replayDocuments({
    fromStage,
    limit: positiveInteger(flags.limit, 0, "--limit"),
    filter: { batch: flags.batch ?? "", tenant: flags.tenant ?? "", statuses, categories: categories ?? [] },
  });
  if (!started) throw new Error("the server answered without a replay");
  return flags.wait ? status(context, started.name, flags) : show(context, started);
}

/** With --wait, polls once a second until the replay is no longer running. */
async function status(context: Context, name: string, flags: ReplayFlags): Promise<number> {
  for (;;) {
    const { replay: current } = await context.docmesh.admin.getReplay({ name });
    if (!flags.wait || current?.state !== ReplayState.RUNNING) return show(context, current);
    if (!context.json) context.say(progressLine(current));
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function show(context: Context, current: Replay | undefined): number {
  if (!current) throw new Error("the server answered without a replay");
  if (context.json) context.print({ replay: toJson(ReplaySchema, current) });
  else context.say(progressLine(current));
  return EXIT.ok;
}

function progressLine(current: Replay): string {
  const state = (ReplayState[current.state] ?? String(current.state)).toLowerCase();
  const from = (Stage[current.fromStage] ?? String(current.fromStage)).toLowerCase();
  const categories = current.filter?.categories.map(categoryName).join(",");
  return (
    `${current.name}  ${state}  from ${from}${categories ? ` (${categories})` : ""}: matched ${current.matched}, ` +
    `requeued ${current.requeued}, finished ${current.finished}, skipped ${current.skipped} (limit ${current.limit})`
  );
}
