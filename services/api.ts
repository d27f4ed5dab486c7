import type { DescService } from "@bufbuild/protobuf";
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { AdminService } from "../gen/docmesh/admin/v1/admin_service_pb.ts";
import { IngestionService } from "../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import { MetadataService } from "../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { ProgressService } from "../gen/docmesh/progress/v1/progress_service_pb.ts";
import { ReviewService } from "../gen/docmesh/review/v1/review_service_pb.ts";
import { SearchService } from "../gen/docmesh/search/v1/search_service_pb.ts";
import { WebhookService } from "../gen/docmesh/webhook/v1/webhook_service_pb.ts";
import { Health } from "../gen/grpc/health/v1/health_pb.ts";
import { createHealthService, type HealthRegistry } from "./health/health.ts";

/** The handlers each public service has; a missing RPC answers UNIMPLEMENTED. */
export interface ApiHandlers {
  ingestion: Partial<ServiceImpl<typeof IngestionService>>;
  metadata: Partial<ServiceImpl<typeof MetadataService>>;
  search: Partial<ServiceImpl<typeof SearchService>>;
  progress: Partial<ServiceImpl<typeof ProgressService>>;
  review: Partial<ServiceImpl<typeof ReviewService>>;
  admin: Partial<ServiceImpl<typeof AdminService>>;
  webhook: Partial<ServiceImpl<typeof WebhookService>>;
}

/** The public services, by the names the health service reports. */
export const PUBLIC_SERVICES = [
  IngestionService,
  MetadataService,
  SearchService,
  ProgressService,
  ReviewService,
  AdminService,
  WebhookService,
] as const;

/** Each public service by its ApiHandlers key (which is also its role name in services/runtime.ts). */
export const SERVICE_KEYS: [keyof ApiHandlers, DescService][] = [
  ["ingestion", IngestionService],
  ["metadata", MetadataService],
  ["search", SearchService],
  ["progress", ProgressService],
  ["review", ReviewService],
  ["admin", AdminService],
  ["webhook", WebhookService],
];

// Connect ignores unknown JSON keys by default, and with them unknown enum names: {"category":
// "CATEGORY_EVIL"} would arrive as no category at all, past validation. Both are INVALID_ARGUMENT.
const STRICT_JSON = { jsonOptions: { ignoreUnknownFields: false } };

/**
 * Routes whose handlers are bound after the server listens: the embedded adapters
 * need the server's URL (for presigned uploads) before the handlers can exist.
 */
export function apiRoutes(current: () => Partial<ApiHandlers> | undefined, health: HealthRegistry) {
  return (router: ConnectRouter): void => {
    router.service(Health, createHealthService(health));
    for (const [key, service] of SERVICE_KEYS) {
      const impl: Record<string, unknown> = {};
      for (const method of service.methods) {
        impl[method.localName] = (...args: unknown[]) => {
          const bound = current();
          if (!bound) throw new ConnectError("the server is still starting", Code.Unavailable);
          // A process serves only its roles' services (services/runtime.ts SERVICE_ROLES).
          const handlers = bound[key] as Record<string, (...a: unknown[]) => unknown> | undefined;
          const fn = handlers?.[method.localName];
          if (!fn)
            throw new ConnectError(
              handlers
                ? `${service.typeName}.${method.name} is not implemented`
                : `${service.typeName} is not served by this process`,
              Code.Unimplemented,
            );
          return fn.apply(handlers, args);
        };
      }
      router.service(service, impl as never, STRICT_JSON);
    }
  };
}
