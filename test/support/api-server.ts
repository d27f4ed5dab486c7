import type { ApiHandlers } from "../../services/api.ts";
import { type App, startApi } from "../../services/app.ts";

/** Starts the API server on a free loopback port with the given handlers. */
export function startTestApi(handlers: Partial<ApiHandlers> = {}): Promise<App> {
  return startApi(
    { host: "127.0.0.1", port: 0 },
    { ingestion: {}, metadata: {}, search: {}, progress: {}, ...handlers },
  );
}
