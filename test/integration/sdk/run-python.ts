// Runs a Python script of the SDK with the venv from scripts/sdk/python-env.sh (created on first
// use, cached outside the repository) and the SDK from the source tree (src/ and gen/ on PYTHONPATH).
// No python3 means the venv script fails, and so does the test: it is never skipped.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const REPO = join(import.meta.dirname, "../../..");
const SDK = join(REPO, "sdk/python");

export async function pythonVenv(): Promise<string> {
  const { stdout } = await promisify(execFile)("bash", [join(REPO, "scripts/sdk/python-env.sh")], {
    cwd: REPO,
    timeout: 600_000,
  });
  return stdout.trim();
}

export function runPython(
  venv: string,
  args: string[],
  env: Record<string, string>,
  timeout = 280_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      join(venv, "bin", "python"),
      args,
      {
        cwd: SDK,
        env: {
          ...process.env,
          PYTHONDONTWRITEBYTECODE: "1",
          PYTHONPATH: `${join(SDK, "src")}:${join(SDK, "gen")}`,
          ...env,
        },
        timeout,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    ),
  );
}
