import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import type { IngestionService } from "../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import { IngestionService as IngestionServiceDesc } from "../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import type { MetadataService } from "../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { MetadataService as MetadataServiceDesc } from "../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import type { ProgressService } from "../gen/docmesh/progress/v1/progress_service_pb.ts";
import { ProgressService as ProgressServiceDesc } from "../gen/docmesh/progress/v1/progress_service_pb.ts";
import type { SearchService } from "../gen/docmesh/search/v1/search_service_pb.ts";
import { SearchService as SearchServiceDesc } from "../gen/docmesh/search/v1/search_service_pb.ts";
import { Health } from "../gen/grpc/health/v1/health_pb.ts";
import { createHealthService, type HealthRegistry } from "./health/health.ts";

/** The handlers each public service has so far; a missing RPC answers UNIMPLEMENTED. */
export interface ApiHandlers {
  ingestion: Partial<ServiceImpl<typeof IngestionService>>;
  metadata: Partial<ServiceImpl<typeof MetadataService>>;
  search: Partial<ServiceImpl<typeof SearchService>>;
  progress: Partial<ServiceImpl<typeof ProgressService>>;
}

/** The public services, by the names the health service reports. */
export const PUBLIC_SERVICES = [
  IngestionServiceDesc,
  MetadataServiceDesc,
  SearchServiceDesc,
  ProgressServiceDesc,
] as const;

export function apiRoutes(handlers: ApiHandlers, health: HealthRegistry) {
  return (router: ConnectRouter): void => {
    router.service(Health, createHealthService(health));
    router.service(IngestionServiceDesc, handlers.ingestion);
    router.service(MetadataServiceDesc, handlers.metadata);
    router.service(SearchServiceDesc, handlers.search);
    router.service(ProgressServiceDesc, handlers.progress);
  };
}
