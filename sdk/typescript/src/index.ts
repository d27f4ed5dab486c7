// @docmesh/sdk: generated Connect clients for every Docmesh service, plus thin helpers.
export { createDocmeshClients, type DocmeshClients, type DocmeshOptions } from "./client.ts";
export { Docmesh } from "./docmesh.ts";
export * from "./errors.ts";
export { expandInputs } from "./files.ts";
export { AdminService, DeadLetterState, ReplayState } from "./gen/docmesh/admin/v1/admin_service_pb.ts";
export * from "./gen/docmesh/document/v1/document_pb.ts";
export * from "./gen/docmesh/document/v1/filter_pb.ts";
export { IngestionService } from "./gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
export { MetadataService } from "./gen/docmesh/metadata/v1/metadata_service_pb.ts";
export {
  type BatchSummary,
  ProgressService,
  type ProgressUpdate,
} from "./gen/docmesh/progress/v1/progress_service_pb.ts";
export { ReviewService } from "./gen/docmesh/review/v1/review_service_pb.ts";
export { SearchMode, type SearchResult, SearchService } from "./gen/docmesh/search/v1/search_service_pb.ts";
export {
  WebhookDeliveryState,
  WebhookEventType,
  WebhookService,
} from "./gen/docmesh/webhook/v1/webhook_service_pb.ts";
export { type ListRequest, listAll, type SearchRequest, searchAll } from "./pages.ts";
export { bearerInterceptor, type TokenSource } from "./token.ts";
export { DEFAULT_LARGE_FILE_BYTES, type UploadOptions, type UploadResult, uploadFile } from "./upload.ts";
export {
  isUploadError,
  type UploadManyOptions,
  type UploadManyResult,
  type UploadOutcome,
  uploadMany,
} from "./upload-many.ts";
export { ProgressWatch, type WatchEvent, type WatchOptions } from "./watch.ts";
export { type VerifyOptions, verifyWebhookSignature } from "./webhooks.ts";
