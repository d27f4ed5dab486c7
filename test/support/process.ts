// Docmesh as a child process, for crash tests (kill -9, then restart on the same data).
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ChildDocmesh {
  process: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `services/main.ts` with the given environment and roles; resolves once it logged "started". */
export async function spawnDocmesh(env: Record<string, string>, roles = "all"): Promise<ChildDocmesh> {
  const child = spawn(process.execPath, ["--import", "tsx", "services/main.ts", `--role=${roles}`], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`docmesh did not start in 120 s:\n${log.slice(-2000)}`)),
      120_000,
    );
    child.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('"msg":"started"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`docmesh exited with ${code}:\n${log.slice(-2000)}`));
    });
  });
  child.removeAllListeners("exit");
  return {
    process: child,
    kill: (signal = "SIGKILL") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}
