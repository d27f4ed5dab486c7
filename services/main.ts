// The process entry: parse the command line and configuration, then run the roles.
import { parseArgs } from "node:util";
import { ConfigError, describeSettings, loadConfig } from "./platform/config.ts";
import { logger, setLogLevel } from "./platform/log.ts";
import { startTelemetry, telemetryOptions } from "./platform/telemetry/telemetry.ts";
import { ROLES, type Role, run, SERVICE_ROLES } from "./runtime.ts";

const HELP = `Docmesh — document processing over Connect, gRPC and gRPC-Web.

Usage: npm start [-- options]

Options:
  --cluster         use the real engines (Kafka, schema registry, PostgreSQL, MinIO, OpenSearch)
                    instead of the embedded ones; same as DOCMESH_MODE=cluster
  --role=a,b        the roles this process plays: ${ROLES.join(", ")} (default: all).
                    api is short for the public services ${SERVICE_ROLES.join(", ")}; each of
                    them may run as its own process, on its own DOCMESH_PORT, with its own health.
                    In cluster mode, run each role as its own process and start more to scale out.
  --help            show this help

Environment (defaults below each):
${describeSettings()}
`;

function parseRoles(value: string | undefined): Role[] {
  if (!value || value === "all") return [...ROLES];
  const roles = value.split(",").map((r) => r.trim());
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0)
    throw new ConfigError(`unknown role(s) ${unknown.join(", ")}; choose from ${ROLES.join(", ")}`);
  return roles as Role[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cluster: { type: "boolean", default: false },
      role: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const config = loadConfig(process.env, values.cluster ? { mode: "cluster" } : {});
  setLogLevel(config.logLevel);
  const roles = parseRoles(values.role);
  // Before the roles start, so their first spans and metrics are recorded.
  const telemetry = await startTelemetry(telemetryOptions(config, values.role ? roles : undefined));
  const running = await run(config, roles);

  const log = logger("main");
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // A second signal: the operator is not waiting for a clean stop.
      log.warn("stopping now", { signal });
      process.exit(1);
    }
    stopping = true;
    log.info("shutting down", { signal });
    // A stuck engine must not keep the port: a process manager expects the process to end.
    const deadline = setTimeout(() => {
      log.error("shutdown took too long; exiting", { seconds: SHUTDOWN_DEADLINE_MS / 1000 });
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    await running.stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown(signal));
}

/** How long a clean stop may take after SIGTERM or SIGINT before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 15_000;

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`configuration error:\n${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
