// The recording and alert rules of deploy/prometheus are valid (promtool check rules) and do what
// docs/operations.md says (promtool test rules: each alert fires on its situation, not on the
// healthy one beside it). promtool is built by `npm run services -- up prometheus`.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { requireEnv } from "../../support/env.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..", "..");
const rulesDir = join(root, "deploy", "prometheus", "rules");

/** promtool, built beside prometheus into the services cache (scripts/services/prometheus.sh). */
function promtoolBin(): string {
  requireEnv("DOCMESH_PROMETHEUS_URL", "prometheus");
  const bin = join(process.env.DOCMESH_CACHE || join(homedir(), ".cache", "docmesh"), "bin", "promtool");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run 'npm run services -- up prometheus'`);
  return bin;
}

async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  const bin = promtoolBin();
  try {
    const { stdout, stderr } = await run(bin, args, { cwd: root });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: (e.stdout ?? "") + (e.stderr ?? "") };
  }
}

describe("Prometheus rules (deploy/prometheus)", () => {
  it("promtool check rules accepts every rule file", async () => {
    const files = readdirSync(rulesDir).filter((f) => f.endsWith(".yml"));
    expect(files.length).toBeGreaterThanOrEqual(1);
    const { code, output } = await promtool("check", "rules", ...files.map((f) => join(rulesDir, f)));
    expect(output).toMatch(/SUCCESS: 17 rules found/);
    expect(code).toBe(0);
  });

  it("promtool check rules rejects a broken rule (the check is real)", async () => {
    const bad = join(mkdtempSync(join(tmpdir(), "docmesh-rules-")), "bad.yml");
    writeFileSync(
      bad,
      "groups:\n  - name: bad\n    rules:\n      - alert: Broken\n        expr: sum(rate(x[5m])\n",
    );
    const { code, output } = await promtool("check", "rules", bad);
    expect(code).not.toBe(0);
    expect(output).toMatch(/FAILED/);
  });

  it("promtool test rules: each alert fires when it should and only then", async () => {
    const { code, output } = await promtool("test", "rules", "deploy/prometheus/tests/docmesh.test.yml");
    expect(output).toMatch(/SUCCESS/);
    expect(code).toBe(0);
  });
});
