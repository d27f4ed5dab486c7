import { create } from "@bufbuild/protobuf";
import { DocumentStatus, Stage } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { DocumentEvent } from "../../gen/docmesh/events/v1/document_event_pb.ts";
import {
  type ProgressUpdate,
  ProgressUpdateSchema,
} from "../../gen/docmesh/progress/v1/progress_service_pb.ts";
import { isTerminal } from "../platform/store/document-store.ts";

/** Whether a watcher of this document can stop after this event. */
export function endsWatch(event: DocumentEvent): boolean {
  return event.payload.case === "deleted" || (isTerminal(event.status) && event.payload.case !== "updated");
}

export function toUpdate(event: DocumentEvent): ProgressUpdate {
  const p = event.payload;
  return create(ProgressUpdateSchema, {
    document: `documents/${event.documentId}`,
    sequence: event.sequence,
    status: event.status,
    stage:
      p.case === "stageStarted"
        ? p.value.stage
        : p.case === "classified"
          ? Stage.CLASSIFY
          : p.case === "extracted"
            ? Stage.EXTRACT
            : p.case === "indexed"
              ? Stage.INDEX
              : p.case === "failed"
                ? p.value.stage
                : Stage.UNSPECIFIED,
    category: p.case === "classified" ? p.value.category : undefined,
    categoryConfidence: p.case === "classified" ? p.value.confidence : undefined,
    failureReason: p.case === "failed" ? p.value.reason : "",
    eventTime: event.eventTime,
    terminal: endsWatch(event) || event.status === DocumentStatus.FAILED,
    batch: event.batch,
  });
}
