// `npm start` under a process manager: SIGTERM goes to npm, and the server behind it must stop and
// free its port (npm signals its child; the start script execs node so that child is the server).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../support/process.ts";

const REPO = join(import.meta.dirname, "../../..");
let npm: ChildProcess | undefined;

afterAll(() => {
  // Whatever the outcome, nothing this test started outlives it (npm runs in its own group).
  if (npm?.pid) {
    try {
      process.kill(-npm.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("npm start and signals", () => {
  it("SIGTERM to npm stops the server: the port is free within 5 s", async () => {
    const port = await freePort();
    npm = spawn("npm", ["start"], {
      cwd: REPO,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        DOCMESH_MODE: "embedded",
        DOCMESH_AUTH: "none",
        DOCMESH_PORT: String(port),
        DOCMESH_DATA_DIR: mkdtempSync(join(tmpdir(), "docmesh-signals-")),
      },
    });
    let output = "";
    npm.stdout?.on("data", (d) => (output += d));
    npm.stderr?.on("data", (d) => (output += d));
    const deadline = Date.now() + 120_000;
    while (!output.includes('"msg":"started"')) {
      if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start did not start in 120 s:\n${output}`);
      await sleep(200);
    }
    expect(await listening(port)).toBe(true);

    const exited = once(npm, "exit");
    const signalled = Date.now();
    npm.kill("SIGTERM");
    while (await listening(port)) {
      if (Date.now() - signalled > 5_000)
        throw new Error(`port ${port} still open 5 s after SIGTERM:\n${output}`);
      await sleep(100);
    }
    await exited;
    expect(output).toContain('"msg":"shutting down","signal":"SIGTERM"');
    expect(Date.now() - signalled).toBeLessThan(5_000);
  }, 150_000);
});
