import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireEnv } from "./env.ts";

const envoyBin = requireEnv("envoy", "DOCMESH_ENVOY_BIN");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function config(listenPort: number, adminPort: number, upstreamPort: number): string {
  return `admin:
  address: { socket_address: { address: 127.0.0.1, port_value: ${adminPort} } }
static_resources:
  listeners:
    - name: smoke
      address: { socket_address: { address: 127.0.0.1, port_value: ${listenPort} } }
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: smoke
                route_config:
                  virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                        - match: { prefix: "/" }
                          route: { cluster: upstream }
                          response_headers_to_add:
                            - header: { key: x-via-envoy, value: "yes" }
                http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  clusters:
    - name: upstream
      type: STATIC
      connect_timeout: 1s
      load_assignment:
        cluster_name: upstream
        endpoints:
          - lb_endpoints:
              - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${upstreamPort} } } }
`;
}

describe("envoy (real binary)", () => {
  const dir = mkdtempSync(join(tmpdir(), "docmesh-envoy-"));
  let upstream: Server;
  let envoy: ChildProcess | undefined;
  let envoyLog = "";
  let listenPort = 0;
  let cfgPath = "";

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      res.setHeader("content-type", "text/plain");
      res.end(`upstream saw ${req.method} ${req.url}`);
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    listenPort = await freePort();
    const adminPort = await freePort();
    cfgPath = join(dir, "envoy.yaml");
    writeFileSync(cfgPath, config(listenPort, adminPort, upstreamPort));
  });

  afterAll(async () => {
    if (envoy && envoy.exitCode === null) {
      const exited = new Promise((resolve) => envoy?.once("exit", resolve));
      envoy.kill("SIGTERM");
      await exited;
    }
    await new Promise((resolve) => upstream.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("validates a config with --mode validate", () => {
    const ok = spawnSync(envoyBin, ["--mode", "validate", "-c", cfgPath], { encoding: "utf8" });
    expect(ok.status, ok.stderr + ok.stdout).toBe(0);
    expect(ok.stdout + ok.stderr).toMatch(/configuration .* OK/);

    const badPath = join(dir, "bad.yaml");
    writeFileSync(badPath, "static_resources:\n  listeners:\n    - name: x\n      bogus_field: 1\n");
    const bad = spawnSync(envoyBin, ["--mode", "validate", "-c", badPath], { encoding: "utf8" });
    expect(bad.status).not.toBe(0);
  });

  it("proxies a request to a local upstream", async () => {
    envoy = spawn(
      envoyBin,
      ["-c", cfgPath, "--disable-hot-restart", "--log-level", "warn", "--concurrency", "1"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    envoy.stdout?.on("data", (d) => (envoyLog += d));
    envoy.stderr?.on("data", (d) => (envoyLog += d));

    const deadline = Date.now() + 30_000;
    let res: Response | undefined;
    while (Date.now() < deadline) {
      if (envoy.exitCode !== null) throw new Error(`envoy exited with ${envoy.exitCode}: ${envoyLog}`);
      try {
        res = await fetch(`http://127.0.0.1:${listenPort}/documents/42?x=1`);
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(res, `envoy did not answer within 30 s: ${envoyLog}`).toBeDefined();
    expect(res?.status).toBe(200);
    expect(res?.headers.get("x-via-envoy")).toBe("yes");
    expect(res?.headers.get("server")).toBe("envoy");
    expect(await res?.text()).toBe("upstream saw GET /documents/42?x=1");
  });
});
