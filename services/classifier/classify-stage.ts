// Stage 1: parse the original within a budget, keep its text, decide the category.
import { DocumentStatus, Stage } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { AiProvider } from "../ai/ai.ts";
import { boundedView } from "../ai/bounded-view.ts";
import { isParseError, parseDocument } from "../parsing/parser.ts";
import type { ParseBudget } from "../parsing/types.ts";
import { categoryToEnum } from "../pipeline/categories.ts";
import { saveParsedText } from "../pipeline/derived-text.ts";
import { failedTransition, shouldRetry, timingsWith } from "../pipeline/stage-outcome.ts";
import type { StageHandler } from "../pipeline/stage-worker.ts";
import type { BlobStore } from "../platform/blobs/blobs.ts";
import { logger } from "../platform/log.ts";
import type { DocumentStore } from "../platform/store/document-store.ts";

export interface ClassifierDeps {
  store: DocumentStore;
  blobs: BlobStore;
  ai: AiProvider;
  parseBudget: ParseBudget;
}

const CONSUMER = "classifier";
const log = logger("classifier");

export function classifierStage(deps: ClassifierDeps): StageHandler {
  return async (event, context) => {
    const kind = event.payload.case;
    if (kind !== "uploaded" && kind !== "reprocessRequested") return;
    const documentId = event.documentId;
    const current = await deps.store.getDocumentRow(documentId);
    if (
      !current ||
      (current.status !== DocumentStatus.UPLOADED && current.status !== DocumentStatus.CLASSIFYING)
    )
      return;

    await deps.store.applyOnce(`${CONSUMER}:start`, event.eventId, documentId, (row) =>
      row.status === DocumentStatus.UPLOADED
        ? {
            status: DocumentStatus.CLASSIFYING,
            payload: {
              case: "stageStarted",
              value: {
                $typeName: "docmesh.events.v1.StageStarted",
                stage: Stage.CLASSIFY,
                attempt: context.attempt,
              },
            },
          }
        : undefined,
    );

    const started = Date.now();
    try {
      const bytes = await deps.blobs.get(current.object_key);
      const parsed = await parseDocument(bytes, current.media_type, deps.parseBudget, current.tenant);
      await context.heartbeat();
      await saveParsedText(deps.blobs, documentId, parsed, current.sha256);
      // The full text is saved for indexing; the category is decided on a bounded view of it.
      const classification = await deps.ai.classify(boundedView(parsed));
      await deps.store.applyOnce(CONSUMER, event.eventId, documentId, (row) =>
        row.status === DocumentStatus.CLASSIFYING
          ? {
              status: DocumentStatus.EXTRACTING,
              set: {
                category: categoryToEnum(classification.category),
                category_confidence: classification.confidence,
                page_count: parsed.pageCount,
                language: parsed.language,
                stage_timings: timingsWith(row, Stage.CLASSIFY, started),
              },
              payload: {
                case: "classified",
                value: {
                  $typeName: "docmesh.events.v1.DocumentClassified",
                  category: categoryToEnum(classification.category),
                  confidence: classification.confidence,
                  pageCount: parsed.pageCount,
                  language: parsed.language,
                },
              },
            }
          : undefined,
      );
    } catch (error) {
      if (shouldRetry(error, context)) throw error;
      const reason = isParseError(error)
        ? `parse: ${error.reason}: ${error.message}`
        : `classify: ${(error as Error).message}`;
      log.warn("document failed", { documentId, reason });
      await deps.store.applyOnce(CONSUMER, event.eventId, documentId, (row) =>
        row.status === DocumentStatus.CLASSIFYING
          ? failedTransition(Stage.CLASSIFY, reason, context.attempt)
          : undefined,
      );
    }
  };
}
