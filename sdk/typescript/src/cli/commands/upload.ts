// docmesh upload <files, folders, globs…>: uploads into a new batch with live progress bars,
// reports duplicates, and optionally watches the batch to its end.
import { stat } from "node:fs/promises";
import { relative } from "node:path";
import { expandInputs } from "../../files.ts";
import { isUploadError, type UploadOutcome } from "../../upload-many.ts";
import { EXIT, exitCodeFor, UsageError } from "../exit-codes.ts";
import { documentJson } from "../format.ts";
import { type ProgressMode, uploadBars } from "../progress-bars.ts";
import type { Context } from "./context.ts";
import { watchToEnd } from "./watch.ts";

export interface UploadFlags {
  batch?: string;
  "batch-name"?: string;
  "no-batch"?: boolean;
  concurrency?: string;
  "large-file-bytes"?: string;
  progress?: string;
  watch?: boolean;
}

export async function upload(context: Context, inputs: string[], flags: UploadFlags): Promise<number> {
  if (inputs.length === 0) throw new UsageError("upload needs at least one file, folder or glob");
  const mode = (flags.progress ?? "auto") as ProgressMode;
  if (!["auto", "always", "never"].includes(mode))
    throw new UsageError("--progress is auto, always or never");
  const concurrency = positiveInt(flags.concurrency, "--concurrency", 4);
  const largeFileBytes = positiveInt(flags["large-file-bytes"], "--large-file-bytes", undefined);

  const files = await expandInputs(inputs).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  if (files.length === 0) throw new UsageError(`nothing matched: ${inputs.join(" ")}`);
  let total = 0;
  for (const file of files) total += (await stat(file)).size;

  const bars = uploadBars(total, files.length, context.json ? "never" : mode);
  const show = (path: string) =>
    path.startsWith(`${process.cwd()}/`) ? relative(process.cwd(), path) : path;
  const line = (outcome: UploadOutcome) =>
    isUploadError(outcome)
      ? `✗ ${show(outcome.path)}: ${outcome.error.rawMessage}`
      : `${outcome.duplicate ? "=" : "✓"} ${show(outcome.path)} → ${outcome.document.name}${outcome.duplicate ? " (duplicate: already uploaded)" : ""}`;
  const result = await context.docmesh
    .uploadMany(files, {
      concurrency,
      ...(largeFileBytes ? { largeFileBytes } : {}),
      ...(flags.batch ? { batch: flags.batch } : {}),
      ...(flags["no-batch"] || flags.batch
        ? {}
        : { createBatch: flags["batch-name"] ?? defaultBatchName(inputs) }),
      onFileStart: (path, size) => bars.start(path, size),
      onFileProgress: (path, sent) => bars.progress(path, sent),
      onFileDone: (outcome) => bars.done(outcome.path, context.json ? "" : line(outcome)),
    })
    .finally(() => bars.stop());

  const failed = result.outcomes.filter(isUploadError);
  if (context.json) {
    context.print({
      batch: result.batch,
      files: result.outcomes.map((outcome) =>
        isUploadError(outcome)
          ? { path: outcome.path, error: { code: outcome.error.code, message: outcome.error.rawMessage } }
          : {
              path: outcome.path,
              duplicate: outcome.duplicate,
              method: outcome.method,
              document: documentJson(outcome.document),
            },
      ),
    });
  } else {
    const duplicates = result.outcomes.filter((o) => !isUploadError(o) && o.duplicate).length;
    context.say(
      `${result.outcomes.length - failed.length} of ${files.length} uploaded` +
        (duplicates ? `, ${duplicates} duplicate(s)` : "") +
        (failed.length ? `, ${failed.length} failed` : "") +
        (result.batch ? `; batch ${result.batch}` : ""),
    );
  }
  if (flags.watch) {
    if (!result.batch) throw new UsageError("--watch needs a batch (leave out --no-batch)");
    // Duplicates stay in the batch they first joined: a batch of only duplicates would never end.
    const fresh = result.outcomes.filter((o) => !isUploadError(o) && !o.duplicate).length;
    if (fresh === 0) {
      context.say("nothing new to watch: every file was a duplicate or failed");
    } else {
      const watched = await watchToEnd(context, result.batch);
      if (watched !== EXIT.ok) return watched;
    }
  }
  // Nothing uploaded: the first error says why (e.g. auth); some uploaded: partial.
  if (failed.length === 0) return EXIT.ok;
  return failed.length === files.length ? exitCodeFor(failed[0]?.error) : EXIT.partial;
}

function defaultBatchName(inputs: string[]): string {
  const name = `upload ${inputs.join(" ")}`;
  return name.length > 200 ? `${name.slice(0, 197)}...` : name;
}

function positiveInt(value: string | undefined, flag: string, fallback: number): number;
function positiveInt(value: string | undefined, flag: string, fallback: undefined): number | undefined;
function positiveInt(value: string | undefined, flag: string, fallback: number | undefined) {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`${flag} must be a positive integer`);
  return parsed;
}
