// docmesh watch <documents/ID | batches/ID>: follows progress to the end, resuming after disconnects.
import { toJson } from "@bufbuild/protobuf";
import { DocumentStatus } from "../../gen/docmesh/document/v1/document_pb.ts";
import {
  BatchSummarySchema,
  ProgressUpdateSchema,
} from "../../gen/docmesh/progress/v1/progress_service_pb.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import { formatSummary, formatUpdate } from "../format.ts";
import type { Context } from "./context.ts";

export async function watch(context: Context, names: string[]): Promise<number> {
  const [name] = names;
  if (!name || names.length > 1) throw new UsageError("watch needs one name: documents/<id> or batches/<id>");
  if (!/^(documents|batches)\//.test(name)) throw new UsageError(`not a document or batch name: ${name}`);
  return watchToEnd(context, name);
}

/** Exit code 7 (partial) when any watched document ended FAILED. */
export async function watchToEnd(context: Context, name: string): Promise<number> {
  let failed = 0;
  const progress = context.docmesh.watch(name, {
    onReconnect: (error, attempt) => {
      if (!context.json)
        process.stderr.write(`stream broke (${error.rawMessage}); reconnecting (${attempt})\n`);
    },
  });
  for await (const event of progress) {
    if (event.case === "update") {
      if (event.value.terminal && event.value.status === DocumentStatus.FAILED) failed++;
      if (context.json) context.print({ update: toJson(ProgressUpdateSchema, event.value) });
      else context.say(formatUpdate(event.value));
    } else {
      if (context.json) context.print({ summary: toJson(BatchSummarySchema, event.value) });
      else context.say(formatSummary(event.value));
    }
  }
  return failed ? EXIT.partial : EXIT.ok;
}
