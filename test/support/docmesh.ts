// Runs a whole Docmesh (every role) in this process, on a free port, for end-to-end tests.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { IngestionService } from "../../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import { MetadataService } from "../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { ProgressService } from "../../gen/docmesh/progress/v1/progress_service_pb.ts";
import { SearchService } from "../../gen/docmesh/search/v1/search_service_pb.ts";
import { type Config, loadConfig } from "../../services/platform/config.ts";
import { ROLES, type Role, type Running, run } from "../../services/runtime.ts";

export type Mode = Config["mode"];

export interface TestDocmesh {
  url: string;
  tenant: string;
  running: Running;
  clients: ReturnType<typeof clientsFor>;
  stop(): Promise<void>;
}

export function clientsFor(url: string, headers: Record<string, string> = {}) {
  const transport = createConnectTransport({
    baseUrl: url,
    httpVersion: "2",
    interceptors: [
      (next) => (request) => {
        for (const [name, value] of Object.entries(headers)) request.header.set(name, value);
        return next(request);
      },
    ],
  });
  return {
    ingestion: createClient(IngestionService, transport),
    metadata: createClient(MetadataService, transport),
    search: createClient(SearchService, transport),
    progress: createClient(ProgressService, transport),
  };
}

/** Cluster mode reads the real engines from the environment (scripts/test.sh sources services.env). */
export async function startDocmesh(
  mode: Mode,
  overrides: Partial<Config> = {},
  roles: readonly Role[] = ROLES,
): Promise<TestDocmesh> {
  if (mode === "cluster" && !process.env.DOCMESH_KAFKA_BROKERS) {
    throw new Error("cluster mode needs the real services: run 'npm run services -- up' (npm test does it)");
  }
  const tenant = `t-${randomUUID()}`;
  const config = loadConfig(process.env, {
    mode,
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "docmesh-e2e-")),
    auth: "none",
    defaultTenant: tenant,
    heartbeatSeconds: 1,
    ...overrides,
  });
  const running = await run(config, roles);
  const url = running.app?.server.url ?? "";
  return { url, tenant, running, clients: clientsFor(url), stop: () => running.stop() };
}
