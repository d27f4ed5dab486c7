// The AdminService examples of docs/operations.md, run as written (bash, curl) against a real Envoy
// in front of a running Docmesh (embedded mode, DOCMESH_AUTH=jwt): REST transcoding of filters, enum
// names and bodies, and the admin role at the edge. Each example is the fenced block after an
// `<!-- admin-example: id -->` marker; every marked example must be run here.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, mintToken } from "../../../gateway/dev-token.ts";
import { DOCUMENT_EVENTS_TOPIC } from "../../../services/platform/events/topics.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { type Edge, REPO, startEdge } from "../edge/edge.ts";

const examples = new Map<string, string>();
for (const match of readFileSync(join(REPO, "docs/operations.md"), "utf8").matchAll(
  /<!-- admin-example: ([\w-]+) -->\s*\n```sh\n([\s\S]*?)\n```/g,
)) {
  examples.set(match[1] ?? "", match[2] ?? "");
}
const ran = new Set<string>();
const env: Record<string, string> = {};

function bash(code: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-euo", "pipefail", "-s"], {
      cwd: REPO,
      env: { ...process.env, ...env, NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(code);
  });
}

async function runExample(id: string): Promise<Record<string, unknown>> {
  const code = examples.get(id);
  if (code === undefined) throw new Error(`docs/operations.md has no admin example ${id}`);
  ran.add(id);
  const result = await bash(code);
  expect(result.code, `${id}: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

let docmesh: TestDocmesh;
let edge: Edge;

beforeAll(async () => {
  docmesh = await startDocmesh("embedded", { auth: "jwt", jwks: DEV_JWKS_PATH });
  edge = await startEdge(docmesh.url);
  env.EDGE_URL = edge.url;
  env.DOCMESH_URL = docmesh.url;
}, 180_000);

afterAll(async () => {
  await edge?.stop();
  await docmesh?.stop();
});

describe("docs/operations.md AdminService examples through Envoy", () => {
  it("mint an admin token", async () => {
    const code = examples.get("admin-token") ?? "";
    ran.add("admin-token");
    const result = await bash(`${code}\nprintf %s "$TOKEN"`);
    expect(result.code, result.stderr).toBe(0);
    env.TOKEN = result.stdout;
  });

  it("list a poison record the classifier dead-lettered, refuse to redrive it, report the stages", async () => {
    // A record that is not a DocumentEvent: every stage dead-letters it.
    await docmesh.running.platform.bus.publish(DOCUMENT_EVENTS_TOPIC, [
      { key: "poison", value: new TextEncoder().encode("not an event") },
    ]);
    let letters: { name: string; decodeError: string; consumerGroup: string; state: string }[] = [];
    const deadline = Date.now() + 30_000;
    while (letters.length === 0 && Date.now() < deadline) {
      const page = await runExample("admin-list");
      letters = (page.deadLetters ?? []) as typeof letters;
      if (letters.length === 0) await new Promise((r) => setTimeout(r, 300));
    }
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      consumerGroup: "docmesh.classifier",
      state: "DEAD_LETTER_STATE_PENDING",
    });
    expect(letters[0]?.decodeError).toContain("undecodable record value");

    env.DEAD_LETTER = letters[0]?.name ?? "";
    const byName = await runExample("admin-redrive-names");
    expect(byName.undecodable).toEqual([env.DEAD_LETTER]);
    // A filter redrive leaves records that are not events out: nothing to publish.
    const byFilter = await runExample("admin-redrive-filter");
    expect(byFilter.redriven ?? []).toEqual([]);

    const status = await runExample("admin-status");
    const stages = status.stages as { stage: string; consumerGroup: string; deadLettersPending: string }[];
    expect(stages.map((s) => s.stage)).toEqual(["STAGE_CLASSIFY", "STAGE_EXTRACT", "STAGE_INDEX"]);
    expect(stages[0]?.deadLettersPending).toBe("1");
    expect(Number(status.deadLettersPending)).toBeGreaterThanOrEqual(3); // one per stage group
  });

  it("refuses a token without the admin role at the edge and at the service", async () => {
    const uploader = await mintToken({ tenant: "acme" });
    const viaEdge = await fetch(`${edge.url}/v1/admin/pipelineStatus`, {
      headers: { authorization: `Bearer ${uploader}` },
    });
    expect(viaEdge.status).toBe(403);
    const direct = await fetch(`${docmesh.url}/docmesh.admin.v1.AdminService/GetPipelineStatus`, {
      method: "POST",
      headers: { authorization: `Bearer ${uploader}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(direct.status).toBe(403);
    expect(((await direct.json()) as { code: string }).code).toBe("permission_denied");
  });

  it("ran every marked example", () => {
    expect([...ran].sort()).toEqual([...examples.keys()].sort());
  });
});
