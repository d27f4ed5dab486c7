// docmesh dlq list | redrive: dead letters (AdminService), the events a consumer group gave up on.
import { type MessageInitShape, toJson } from "@bufbuild/protobuf";
import {
  type DeadLetterFilterSchema,
  DeadLetterSchema,
  DeadLetterState,
} from "../../gen/docmesh/admin/v1/admin_service_pb.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import type { Context } from "./context.ts";
import { positiveInteger } from "./numbers.ts";
import { collect } from "./pages.ts";

export interface DlqFlags {
  state?: string;
  group?: string;
  document?: string;
  limit?: string;
  all?: boolean;
}

const STATES: Record<string, DeadLetterState> = {
  pending: DeadLetterState.PENDING,
  redriven: DeadLetterState.REDRIVEN,
  all: DeadLetterState.UNSPECIFIED,
};

export async function dlq(context: Context, args: string[], flags: DlqFlags): Promise<number> {
  const [action, ...names] = args;
  switch (action) {
    case "list":
      return list(context, flags);
    case "redrive":
      return redrive(context, names, flags);
    default:
      throw new UsageError("dlq needs list or redrive");
  }
}

function filterFrom(flags: DlqFlags, defaultState: string): MessageInitShape<typeof DeadLetterFilterSchema> {
  const state = STATES[flags.state ?? defaultState];
  if (state === undefined) throw new UsageError("--state is pending, redriven or all");
  return { state, consumerGroup: flags.group ?? "", document: flags.document ?? "" };
}

async function list(context: Context, flags: DlqFlags): Promise<number> {
  const limit = positiveInteger(flags.limit, 50, "--limit");
  const filter = filterFrom(flags, "pending");
  const { items: letters, total } = await collect(limit, async (pageSize, pageToken) => {
    const page = await context.docmesh.admin.listDeadLetters({ filter, pageSize, pageToken });
    return { items: page.deadLetters, nextPageToken: page.nextPageToken, totalSize: page.totalSize };
  });
  if (context.json) {
    context.print({ deadLetters: letters.map((l) => toJson(DeadLetterSchema, l)), totalSize: Number(total) });
    return EXIT.ok;
  }
  if (letters.length === 0) context.say("no dead letters");
  for (const letter of letters) {
    const what = letter.event
      ? `documents/${letter.event.documentId} ${letter.event.payload.case ?? "event"}`
      : `undecodable: ${letter.decodeError}`;
    const state = letter.state === DeadLetterState.REDRIVEN ? "  redriven" : "";
    context.say(
      `${letter.name}  ${letter.consumerGroup}  ${what}  (${letter.attempts} attempt(s))${state}\n    ${letter.error}`,
    );
  }
  if (BigInt(letters.length) < total) context.say(`(${letters.length} of ${total}; --limit shows more)`);
  return EXIT.ok;
}

/** By name, or every pending one matching the filter flags with --all. Undecodable letters: exit 7. */
async function redrive(context: Context, names: string[], flags: DlqFlags): Promise<number> {
  if (names.length > 0 && flags.all) throw new UsageError("name dead letters or use --all, not both");
  if (names.length === 0 && !flags.all)
    throw new UsageError("dlq redrive needs deadLetters/<id>... or --all");
  for (const name of names) {
    if (!/^deadLetters\/\d{1,5}-\d{1,19}$/.test(name)) throw new UsageError(`not a dead letter: ${name}`);
  }
  const result = await context.docmesh.admin.redriveDeadLetters(
    names.length
      ? { names }
      : { filter: filterFrom(flags, "pending"), limit: positiveInteger(flags.limit, 0, "--limit") },
  );
  const { redriven, alreadyRedriven, undecodable } = result;
  if (context.json) context.print({ redriven, alreadyRedriven, undecodable });
  else {
    context.say(
      `redriven ${redriven.length}, already redriven ${alreadyRedriven.length}, undecodable ${undecodable.length}`,
    );
    for (const name of undecodable) context.say(`  ${name}: cannot be redriven (its record does not decode)`);
  }
  return undecodable.length ? EXIT.partial : EXIT.ok;
}
