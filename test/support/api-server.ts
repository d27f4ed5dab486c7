import type { Interceptor } from "@connectrpc/connect";
import type { ApiHandlers } from "../../services/api.ts";
import { type App, startApi } from "../../services/app.ts";

/** Starts the API server on a free loopback port with the given handlers bound. */
export async function startTestApi(
  handlers: Partial<ApiHandlers> = {},
  interceptors: Interceptor[] = [],
): Promise<App> {
  const app = await startApi({ host: "127.0.0.1", port: 0 }, { interceptors });
  app.bind({ ingestion: {}, metadata: {}, search: {}, progress: {}, ...handlers });
  return app;
}
