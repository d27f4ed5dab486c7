import { createValidateInterceptor } from "@connectrpc/validate";
import { HealthCheckResponse_ServingStatus as ServingStatus } from "../gen/grpc/health/v1/health_pb.ts";
import { type ApiHandlers, apiRoutes, PUBLIC_SERVICES } from "./api.ts";
import { HealthRegistry } from "./health/health.ts";
import type { Config } from "./platform/config.ts";
import { type RunningServer, startServer } from "./platform/server.ts";

export interface App {
  server: RunningServer;
  health: HealthRegistry;
  stop(): Promise<void>;
}

/** Starts the public API server for the given handlers; health reports SERVING once it listens. */
export async function startApi(config: Pick<Config, "host" | "port">, handlers: ApiHandlers): Promise<App> {
  const health = new HealthRegistry();
  for (const service of PUBLIC_SERVICES) health.set(service.typeName, ServingStatus.NOT_SERVING);
  health.set("", ServingStatus.NOT_SERVING);

  const server = await startServer({
    host: config.host,
    port: config.port,
    routes: apiRoutes(handlers, health),
    interceptors: [createValidateInterceptor()],
  });
  for (const service of PUBLIC_SERVICES) health.set(service.typeName, ServingStatus.SERVING);
  health.set("", ServingStatus.SERVING);

  return {
    server,
    health,
    async stop() {
      for (const service of health.all().keys()) health.set(service, ServingStatus.NOT_SERVING);
      await server.close();
    },
  };
}
