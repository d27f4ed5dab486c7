// Stage 2: typed fields for the decided category, each with a confidence.
import { DocumentStatus, Stage } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { AiProvider } from "../ai/ai.ts";
import { boundedView } from "../ai/bounded-view.ts";
import { groundFields } from "../ai/grounding.ts";
import { categoryFromEnum } from "../pipeline/categories.ts";
import { loadParsedText } from "../pipeline/derived-text.ts";
import { toExtractedFields } from "../pipeline/fields.ts";
import { failedTransition, shouldRetry, timingsWith } from "../pipeline/stage-outcome.ts";
import type { StageHandler } from "../pipeline/stage-worker.ts";
import type { BlobStore } from "../platform/blobs/blobs.ts";
import type { DocumentStore } from "../platform/store/document-store.ts";
import { fieldsToJson } from "../platform/store/rows.ts";

export interface ExtractorDeps {
  store: DocumentStore;
  blobs: BlobStore;
  ai: AiProvider;
}

const CONSUMER = "extractor";

export function extractorStage(deps: ExtractorDeps): StageHandler {
  return async (event, context) => {
    if (event.payload.case !== "classified") return;
    const documentId = event.documentId;
    const current = await deps.store.getDocumentRow(documentId);
    if (!current || current.status !== DocumentStatus.EXTRACTING) return;

    const started = Date.now();
    try {
      // Fields are read, and grounded, on a bounded view: a huge text must not hold the event loop.
      const parsed = boundedView(await loadParsedText(deps.blobs, documentId, current.sha256));
      const category = categoryFromEnum(current.category);
      const extraction = await deps.ai.extract(category, parsed);
      // Every provider's fields get where they were read (page, box, source text) for reviewers.
      const fields = toExtractedFields(category, groundFields(extraction.fields, parsed));
      const confidences = Object.values(extraction.fields).map((f) => f.confidence);
      const minConfidence = confidences.length > 0 ? Math.min(...confidences) : 1;
      await deps.store.applyOnce(CONSUMER, event.eventId, documentId, (row) =>
        row.status === DocumentStatus.EXTRACTING
          ? {
              status: DocumentStatus.INDEXING,
              set: {
                fields: JSON.stringify(fieldsToJson(fields)),
                missing_fields: extraction.missingRequired,
                stage_timings: timingsWith(row, Stage.EXTRACT, started),
              },
              payload: {
                case: "extracted",
                value: {
                  $typeName: "docmesh.events.v1.DocumentExtracted",
                  fields,
                  missingFields: extraction.missingRequired,
                  minConfidence,
                },
              },
            }
          : undefined,
      );
    } catch (error) {
      if (shouldRetry(error, context)) throw error;
      await deps.store.applyOnce(CONSUMER, event.eventId, documentId, (row) =>
        row.status === DocumentStatus.EXTRACTING
          ? failedTransition(Stage.EXTRACT, `extract: ${(error as Error).message}`, context.attempt)
          : undefined,
      );
    }
  };
}
