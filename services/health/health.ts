import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type Health,
  HealthCheckResponseSchema,
  HealthListResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../gen/grpc/health/v1/health_pb.ts";

/**
 * Serving status per service name ("" is the whole server), as the standard
 * grpc.health.v1 protocol defines it. Watchers are told about every change.
 */
export class HealthRegistry {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly listeners = new Set<() => void>();

  set(service: string, status: ServingStatus): void {
    this.statuses.set(service, status);
    for (const listener of this.listeners) listener();
  }

  get(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  all(): ReadonlyMap<string, ServingStatus> {
    return this.statuses;
  }

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

export function createHealthService(registry: HealthRegistry): ServiceImpl<typeof Health> {
  return {
    check(request) {
      const status = registry.get(request.service);
      if (status === undefined) throw new ConnectError(`unknown service "${request.service}"`, Code.NotFound);
      return create(HealthCheckResponseSchema, { status });
    },

    list() {
      const statuses: Record<string, { status: ServingStatus }> = {};
      for (const [service, status] of registry.all()) statuses[service] = { status };
      return create(HealthListResponseSchema, { statuses });
    },

    async *watch(request, context) {
      let wake: (() => void) | undefined;
      const unsubscribe = registry.subscribe(() => wake?.());
      const aborted = new Promise<void>((resolve) =>
        context.signal.addEventListener("abort", () => resolve()),
      );
      try {
        let last: ServingStatus | undefined;
        while (!context.signal.aborted) {
          const status = registry.get(request.service) ?? ServingStatus.SERVICE_UNKNOWN;
          if (status !== last) {
            last = status;
            yield create(HealthCheckResponseSchema, { status });
          }
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
        }
      } finally {
        unsubscribe();
      }
    },
  };
}
