import type { Interceptor } from "@connectrpc/connect";
import { createValidateInterceptor } from "@connectrpc/validate";
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../gen/grpc/health/v1/health_pb.ts";
import { type ApiHandlers, apiRoutes, SERVICE_KEYS } from "./api.ts";
import { consoleRoute } from "./console/console-route.ts";
import type { SessionSettings } from "./console/dev-session.ts";
import { HealthRegistry } from "./health/health.ts";
import type { Config } from "./platform/config.ts";
import {
  type ConnectionTimeouts,
  type RunningServer,
  type ServerOptions,
  startServer,
} from "./platform/server.ts";
import { reflectionRoutes } from "./reflection/reflection.ts";

export interface App {
  server: RunningServer;
  health: HealthRegistry;
  /** Installs the handlers; health turns SERVING. */
  bind(handlers: Partial<ApiHandlers>, httpRoutes?: ServerOptions["httpRoutes"]): void;
  stop(): Promise<void>;
}

export interface ApiOptions {
  /** Run before validation (authentication first: an anonymous caller learns nothing about field rules). */
  interceptors?: Interceptor[];
  /** The services this process serves (their ApiHandlers keys); health reports only these. Default: all. */
  services?: readonly (keyof ApiHandlers)[];
}

/** Starts the public API server; it answers health (NOT_SERVING) until handlers are bound. */
export async function startApi(
  config: Pick<Config, "host" | "port"> & Partial<ConnectionTimeouts> & Partial<SessionSettings>,
  options: ApiOptions = {},
): Promise<App> {
  const health = new HealthRegistry();
  const served = SERVICE_KEYS.filter(([key]) => options.services?.includes(key) ?? true).map(([, s]) => s);
  const setAll = (status: ServingStatus) => {
    for (const service of served) health.set(service.typeName, status);
    health.set("", status);
  };
  setAll(ServingStatus.NOT_SERVING);

  let handlers: Partial<ApiHandlers> | undefined;
  let extraRoutes: ServerOptions["httpRoutes"];
  // The web console (web/dist) at `/`, beside the RPCs; answered even before handlers are bound.
  const webConsole = consoleRoute(config);
  const server = await startServer({
    host: config.host,
    port: config.port,
    routes: (router) => {
      apiRoutes(() => handlers, health)(router);
      // Reflection describes every public service, as the edge offers them, whichever process answers.
      reflectionRoutes([...SERVICE_KEYS.map(([, service]) => service), Health])(router);
    },
    interceptors: [...(options.interceptors ?? []), createValidateInterceptor()],
    httpRoutes: (req, res) => extraRoutes?.(req, res) || webConsole(req, res),
    timeouts: config,
  });

  return {
    server,
    health,
    bind(bound, httpRoutes) {
      handlers = bound;
      extraRoutes = httpRoutes;
      setAll(ServingStatus.SERVING);
    },
    async stop() {
      setAll(ServingStatus.NOT_SERVING);
      await server.close();
    },
  };
}
