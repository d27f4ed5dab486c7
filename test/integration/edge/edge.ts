// Runs the real Envoy (DOCMESH_ENVOY_BIN) with a config rendered by gateway/ for an upstream on
// this machine, on free loopback ports. The access log (stdout) is kept for assertions.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEV_JWKS_PATH } from "../../../gateway/dev-token.ts";
import { DEFAULT_EDGE, edgeOptionsFrom } from "../../../gateway/edge-options.ts";
import { type EnvoyOptions, renderEnvoyYaml } from "../../../gateway/envoy-config.ts";
import { loadConfig } from "../../../services/platform/config.ts";
import { requireEnv } from "../services/env.ts";

export const REPO = join(import.meta.dirname, "../../..");

export interface Edge {
  url: string;
  port: number;
  adminUrl: string;
  configPath: string;
  log(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function envoyBin(): string {
  return requireEnv("envoy", "DOCMESH_ENVOY_BIN");
}

/** Options for an Envoy in front of `upstreamUrl`, from the defaults (not this shell's DOCMESH_*). */
export function testEdgeOptions(upstreamUrl: string, overrides: Partial<EnvoyOptions> = {}): EnvoyOptions {
  const upstream = new URL(upstreamUrl);
  return edgeOptionsFrom(loadConfig({}), {
    listenAddress: "127.0.0.1",
    upstreams: [`${upstream.hostname}:${upstream.port}`],
    descriptorSet: join(REPO, DEFAULT_EDGE.descriptorSet),
    jwks: DEV_JWKS_PATH,
    ...overrides,
  });
}

export async function startEdge(upstreamUrl: string, overrides: Partial<EnvoyOptions> = {}): Promise<Edge> {
  const dir = mkdtempSync(join(tmpdir(), "docmesh-edge-"));
  const port = await freePort();
  const adminPort = await freePort();
  const configPath = join(dir, "envoy.yaml");
  writeFileSync(
    configPath,
    renderEnvoyYaml(testEdgeOptions(upstreamUrl, { listenPort: port, adminPort, ...overrides })),
  );
  let output = "";
  const child: ChildProcess = spawn(
    envoyBin(),
    // Flush the access log every 100 ms (Envoy's default is 10 s) so tests can read it.
    [
      "-c",
      configPath,
      "--disable-hot-restart",
      "--log-level",
      "warn",
      "--concurrency",
      "1",
      "--file-flush-interval-msec",
      "100",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`envoy exited with ${child.exitCode}:\n${output}`);
    try {
      // Ready when the listener is up and the upstream's health checks pass.
      const ready = await fetch(`${adminUrl}/ready`);
      const clusters = await (await fetch(`${adminUrl}/clusters`)).text();
      if (ready.status === 200 && !/health_flags::\/failed_active_hc/.test(clusters)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`envoy not ready within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: `http://127.0.0.1:${port}`, port, adminUrl, configPath, log: () => output, stop };
}
