// The composition root: configuration → adapters → the services this process runs.
import { parseArgs } from "node:util";
import { startApi } from "./app.ts";
import { ConfigError, describeSettings, loadConfig } from "./platform/config.ts";
import { logger, setLogLevel } from "./platform/log.ts";

const HELP = `Docmesh — document processing over Connect, gRPC and gRPC-Web.

Usage: npm start [-- options]

Options:
  --cluster        use the real engines (Kafka, PostgreSQL, MinIO, OpenSearch) instead of embedded ones;
                   same as DOCMESH_MODE=cluster
  --help           show this help

Environment (defaults in brackets):
${describeSettings()}
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { cluster: { type: "boolean", default: false }, help: { type: "boolean", default: false } },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }

  const config = loadConfig(process.env, values.cluster ? { mode: "cluster" } : {});
  setLogLevel(config.logLevel);
  const log = logger("main");

  const app = await startApi(config, { ingestion: {}, metadata: {}, search: {}, progress: {} });
  log.info("docmesh listening", { url: app.server.url, mode: config.mode });

  const shutdown = async (signal: string) => {
    log.info("shutting down", { signal });
    await app.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`configuration error:\n${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
