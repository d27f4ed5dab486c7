// What a stage writes when it finishes or fails: timings and the FAILED transition.
import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { DocumentStatus, Stage, StageTimingSchema } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { HandlerContext } from "../platform/bus/bus.ts";
import { isRetriable } from "../platform/errors.ts";
import type { Transition } from "../platform/store/document-store.ts";
import type { DocumentRow } from "../platform/store/rows.ts";
import { timingToJson } from "../platform/store/rows.ts";
import { STAGE_RETRY } from "./stage-worker.ts";

/** stage_timings with this run appended, as jsonb text. */
export function timingsWith(row: DocumentRow, stage: Stage, startedMs: number): string {
  const name = `STAGE_${Stage[stage]}`;
  const attempt = row.stage_timings.filter((t) => (t as { stage?: string }).stage === name).length + 1;
  const timing = create(StageTimingSchema, {
    stage,
    startTime: timestampFromMs(startedMs),
    duration: durationFromMs(Date.now() - startedMs),
    attempt,
  });
  return JSON.stringify([...row.stage_timings, timingToJson(timing)]);
}

export function failedTransition(stage: Stage, reason: string, attempts: number): Transition {
  return {
    status: DocumentStatus.FAILED,
    set: { failure_reason: reason },
    payload: {
      case: "failed",
      value: { $typeName: "docmesh.events.v1.DocumentFailed", stage, reason, attempts },
    },
  };
}

/**
 * A transient failure is retried by the bus while attempts remain; after that, or for a
 * permanent failure, the document is marked FAILED with the reason — never stuck, never lost.
 */
export function shouldRetry(error: unknown, context: HandlerContext): boolean {
  return isRetriable(error) && context.attempt < STAGE_RETRY.maxAttempts;
}
