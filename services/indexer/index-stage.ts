// Stage 3: chunk, embed and index the text with the document's fields; decide the terminal status.
// Also keeps the index in step with human corrections and deletions.
import { DocumentStatus, Stage } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { AiProvider } from "../ai/ai.ts";
import { categoryFromEnum } from "../pipeline/categories.ts";
import { deleteParsedText, loadParsedText, releaseParsedText } from "../pipeline/derived-text.ts";
import { flattenFields } from "../pipeline/fields.ts";
import { failedTransition, shouldRetry, timingsWith } from "../pipeline/stage-outcome.ts";
import type { StageHandler } from "../pipeline/stage-worker.ts";
import type { BlobStore } from "../platform/blobs/blobs.ts";
import type { IndexedDocument, SearchIndex } from "../platform/index/search-index.ts";
import type { DocumentStore } from "../platform/store/document-store.ts";
import { type DocumentRow, fieldsFromJson } from "../platform/store/rows.ts";
import { CoalescedUpserts } from "./coalesced-upserts.ts";
import { reviewDecision, reviewReasonsJson } from "./review.ts";
import { searchChunks } from "./search-chunks.ts";

export interface IndexerDeps {
  store: DocumentStore;
  blobs: BlobStore;
  index: SearchIndex;
  ai: AiProvider;
  reviewThreshold: number;
}

const CONSUMER = "indexer";

export function indexerStage(deps: IndexerDeps): StageHandler {
  // The documents this process indexes at once share index requests (and their refresh wait).
  const writes = new CoalescedUpserts(deps.index);
  return async (event, context) => {
    const documentId = event.documentId;
    switch (event.payload.case) {
      case "deleted":
        await deps.index.delete(event.tenant, documentId);
        await deleteParsedText(deps.blobs, documentId);
        return;
      // A human correction or a completed review: index the row's current values and status.
      case "updated":
      case "reviewed": {
        const row = await deps.store.getDocumentRow(documentId);
        if (row && row.status !== DocumentStatus.FAILED)
          await writes.upsert(await buildIndexed(deps, row, row.status));
        return;
      }
      case "extracted":
        break;
      default:
        return;
    }
    const extracted = event.payload.value;
    const current = await deps.store.getDocumentRow(documentId);
    if (!current || current.status !== DocumentStatus.INDEXING) return;

    const started = Date.now();
    try {
      const fieldConfidences = Object.fromEntries(
        Object.entries(flattenFields(extracted.fields)).map(([key, f]) => [key, f.confidence]),
      );
      const { status, reasons } = reviewDecision({
        category: categoryFromEnum(current.category),
        categoryConfidence: current.category_confidence,
        fieldConfidences,
        missingFields: extracted.missingFields,
        threshold: deps.reviewThreshold,
      });
      const indexed = await buildIndexed(deps, current, status);
      releaseParsedText(documentId);
      await context.heartbeat();
      await writes.upsert(indexed);
      await deps.store.applyOnce(CONSUMER, event.eventId, documentId, (row) =>
        row.status === DocumentStatus.INDEXING
          ? {
              status,
              set: {
                stage_timings: timingsWith(row, Stage.INDEX, started),
                review_reasons: JSON.stringify(reviewReasonsJson(reasons)),
              },
              payload: {
                case: "indexed",
                value: {
                  $typeName: "docmesh.events.v1.DocumentIndexed",
                  chunkCount: indexed.chunks.filter((c) => !c.vectorOnly).length,
                },
              },
            }
          : undefined,
      );
    } catch (error) {
      if (shouldRetry(error, context)) throw error;
      await deps.store.applyOnce(CONSUMER, event.eventId, documentId, (row) =>
        row.status === DocumentStatus.INDEXING
          ? failedTransition(Stage.INDEX, `index: ${(error as Error).message}`, context.attempt)
          : undefined,
      );
    }
  };
}

async function buildIndexed(
  deps: IndexerDeps,
  row: DocumentRow,
  status: DocumentStatus,
): Promise<IndexedDocument> {
  const parsed = await loadParsedText(deps.blobs, row.id, row.sha256);
  const fields = flattenFields(fieldsFromJson(row.fields));
  const chunks = await searchChunks(parsed.text, (texts) => deps.ai.embed(texts));
  const value = (key: string) => fields[key]?.value;
  const date = value("date") ?? value("agreement_date");
  const total = value("total_amount");
  const currency = value("currency");
  const title = value("title");
  return {
    tenant: row.tenant,
    documentId: row.id,
    fileName: row.file_name,
    title: typeof title === "string" ? title : row.file_name,
    category: categoryFromEnum(row.category),
    status: DocumentStatus[status],
    batch: row.batch_id ?? "",
    createTime: row.create_time,
    documentDate: typeof date === "string" ? date : undefined,
    totalAmount: typeof total === "number" ? total : undefined,
    currency: typeof currency === "string" ? currency : undefined,
    fieldsText: Object.values(fields)
      .map((f) => (Array.isArray(f.value) ? f.value.join(", ") : String(f.value)))
      .join(" · "),
    chunks,
  };
}
