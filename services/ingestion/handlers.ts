import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { IngestionService } from "../../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import { mapErrors } from "../platform/connect-errors.ts";
import { identityOf } from "../platform/identity.ts";
import type { Ingestion } from "./ingest.ts";

export function ingestionHandlers(ingestion: Ingestion): ServiceImpl<typeof IngestionService> {
  return mapErrors<ServiceImpl<typeof IngestionService>>({
    async uploadDocument(request, context) {
      const { tenant } = identityOf(context);
      const accepted = await ingestion.upload({
        tenant,
        fileName: request.fileName,
        content: request.content,
        declaredMediaType: request.declaredMediaType,
        batch: request.batch,
        correlationId: request.correlationId,
      });
      return { document: accepted.document, duplicate: accepted.duplicate };
    },

    async createUpload(request, context) {
      const { tenant } = identityOf(context);
      const created = await ingestion.createUpload({
        tenant,
        fileName: request.fileName,
        sizeBytes: Number(request.sizeBytes),
        sha256: request.sha256,
        declaredMediaType: request.declaredMediaType,
        batch: request.batch,
        correlationId: request.correlationId,
      });
      return {
        name: created.name,
        uploadUrl: created.uploadUrl,
        expireTime: timestampFromDate(created.expireTime),
        existingDocument: created.existingDocument,
      };
    },

    async completeUpload(request, context) {
      const accepted = await ingestion.completeUpload(identityOf(context).tenant, request.name);
      return { document: accepted.document, duplicate: accepted.duplicate };
    },

    async createBatch(request, context) {
      const batch = await ingestion.createBatch(
        identityOf(context).tenant,
        request.displayName,
        request.correlationId,
      );
      return { batch };
    },

    async getBatch(request, context) {
      return { batch: await ingestion.getBatch(identityOf(context).tenant, request.name) };
    },
  });
}
