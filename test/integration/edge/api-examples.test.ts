// Runs the examples of docs/api.md, as written there, against a real Envoy in front of a running
// Docmesh (embedded mode, DOCMESH_AUTH=jwt, development JWKS). Each example is the fenced block after
// an `<!-- example: id -->` marker: shell blocks run with bash (curl, npx buf curl) with DOCMESH_URL,
// EDGE_URL, TOKEN and DOC in the environment; TypeScript blocks run with tsx as ES modules, from a
// scratch directory under node_modules/.cache with `gen` linked in, so their `./gen/…` imports and
// package imports resolve exactly as from the repository root.
// Every marked example must be run by a test here, so the doc cannot grow an untested example.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH } from "../../../gateway/dev-token.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { type Edge, REPO, startEdge } from "./edge.ts";

interface Example {
  id: string;
  lang: string;
  code: string;
}

/** The blocks of docs/api.md that follow an `<!-- example: id -->` marker. */
function extractExamples(markdown: string): Map<string, Example> {
  const examples = new Map<string, Example>();
  const pattern = /<!-- example: ([\w-]+) -->\s*\n```(\w+)\n([\s\S]*?)\n```/g;
  for (const match of markdown.matchAll(pattern)) {
    const [, id = "", lang = "", code = ""] = match;
    if (examples.has(id)) throw new Error(`docs/api.md: example ${id} appears twice`);
    examples.set(id, { id, lang, code });
  }
  return examples;
}

/** One or more JSON values, as curl (one object), NDJSON streams and buf curl (pretty objects) print them. */
function parseJsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (depth++ === 0) start = i;
    } else if (c === "}" || c === "]") {
      if (--depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  if (depth !== 0) throw new Error(`unterminated JSON in output:\n${text}`);
  return values;
}

const examples = extractExamples(readFileSync(join(REPO, "docs/api.md"), "utf8"));
const ran = new Set<string>();

let scratch = "";
let docmesh: TestDocmesh;
let edge: Edge;
const env: Record<string, string> = {};

function run(
  command: string,
  args: string[],
  input: string,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO,
      env: { ...process.env, ...env, NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

function runTypeScript(example: Example, timeoutMs: number) {
  const file = join(scratch, `${example.id}.mts`);
  writeFileSync(file, example.code);
  return run(join(REPO, "node_modules/.bin/tsx"), [file], "", timeoutMs);
}

/** Runs the example `id` as written in docs/api.md; returns the JSON values it printed. */
async function runExample(id: string, timeoutMs = 60_000): Promise<unknown[]> {
  const example = examples.get(id);
  if (!example) throw new Error(`docs/api.md has no example ${id}`);
  ran.add(id);
  const result =
    example.lang === "sh"
      ? await run("bash", ["-euo", "pipefail", "-s"], example.code, timeoutMs)
      : await runTypeScript(example, timeoutMs);
  const context = `example ${id} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
  expect(result.code, context).toBe(0);
  const values = parseJsonValues(result.stdout);
  expect(values.length, context).toBeGreaterThan(0);
  return values;
}

/** Searches index asynchronously: re-run a search example until it returns something. */
async function runUntil(
  id: string,
  done: (values: unknown[]) => boolean,
  timeoutMs = 60_000,
): Promise<unknown[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const values = await runExample(id);
    if (done(values) || Date.now() > deadline) return values;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

type Doc = { name: string; tenant: string; fileName: string; status: string; sizeBytes: string };

/** Re-runs a search example until it returns results, then expects `document` among them. */
async function expectSearchFinds(id: string, document: string | undefined): Promise<void> {
  const [found] = (await runUntil(
    id,
    (v) => ((v[0] as { results?: unknown[] }).results ?? []).length > 0,
  )) as { results: { document: Doc }[] }[];
  expect(found?.results.map((r) => r.document.name)).toContain(document);
}
const TERMINAL = /^DOCUMENT_STATUS_(INDEXED|PARTIAL|NEEDS_REVIEW)$/;

beforeAll(async () => {
  mkdirSync(join(REPO, "node_modules/.cache"), { recursive: true });
  scratch = mkdtempSync(join(REPO, "node_modules/.cache/docmesh-api-examples-"));
  symlinkSync(join(REPO, "gen"), join(scratch, "gen"));
  docmesh = await startDocmesh("embedded", { auth: "jwt", jwks: DEV_JWKS_PATH, heartbeatSeconds: 2 });
  edge = await startEdge(docmesh.url, { heartbeatSeconds: 2 });
  env.DOCMESH_URL = docmesh.url;
  env.EDGE_URL = edge.url;
});

afterAll(async () => {
  await edge?.stop();
  await docmesh?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("docs/api.md examples", () => {
  it("token: npm run token mints a token for tenant acme", async () => {
    const example = examples.get("token");
    expect(example?.code).toMatch(/^export TOKEN=/);
    const result = await run(
      "bash",
      ["-euo", "pipefail", "-s"],
      `${example?.code}\nprintf %s "$TOKEN"`,
      60_000,
    );
    ran.add("token");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    env.TOKEN = result.stdout;
  });

  it("curl, Connect JSON straight to the service: upload, get, search", async () => {
    const [upload] = (await runExample("connect-upload")) as { document: Doc; duplicate: boolean }[];
    expect(upload?.document).toMatchObject({
      tenant: "acme",
      fileName: "invoice.txt",
      mediaType: "text/plain",
    });
    expect(upload?.document.name).toMatch(/^documents\/[0-9a-f-]{36}$/);
    env.DOC = upload?.document.name ?? "";

    const [got] = (await runExample("connect-get")) as { document: Doc }[];
    expect(got?.document).toMatchObject({ name: env.DOC, tenant: "acme" });
    expect(typeof got?.document.sizeBytes).toBe("string"); // int64 as a JSON string

    await expectSearchFinds("connect-search", env.DOC);
  });

  it("curl, REST through Envoy: upload, get, list, watch to the end, search", async () => {
    const [upload] = (await runExample("rest-upload")) as { document: Doc }[];
    expect(upload?.document).toMatchObject({ tenant: "acme", fileName: "receipt.txt" });
    expect(upload?.document.status).toMatch(/^DOCUMENT_STATUS_/); // enums as names
    env.DOC = upload?.document.name ?? "";

    const [got] = (await runExample("rest-get")) as { document: Doc }[];
    expect(got?.document.name).toBe(env.DOC);

    const [list] = (await runExample("rest-list")) as { documents: Doc[] }[];
    expect(list?.documents.map((d) => d.name)).toContain(env.DOC);

    // NDJSON: one message per line, ending with the terminal update.
    const watched = (await runExample("rest-watch", 120_000)) as {
      update?: { document: string; status: string; terminal: boolean };
      heartbeat?: unknown;
    }[];
    const updates = watched.flatMap((m) => (m.update ? [m.update] : []));
    expect(updates.length, JSON.stringify(watched)).toBeGreaterThan(0);
    expect(updates.every((u) => u.document === env.DOC)).toBe(true);
    expect(updates.at(-1)?.terminal).toBe(true);
    expect(updates.at(-1)?.status).toMatch(TERMINAL);

    await expectSearchFinds("rest-search", env.DOC);
  });

  it("buf curl, gRPC through Envoy: upload, get, watch (server stream), search", async () => {
    const [upload] = (await runExample("buf-upload", 120_000)) as { document: Doc }[];
    expect(upload?.document).toMatchObject({ tenant: "acme", fileName: "memo.txt" });
    env.DOC = upload?.document.name ?? "";

    const [got] = (await runExample("buf-get")) as { document: Doc }[];
    expect(got?.document).toMatchObject({ name: env.DOC, tenant: "acme" });

    const watched = (await runExample("buf-watch", 120_000)) as {
      update?: { status: string; terminal: boolean };
    }[];
    const updates = watched.flatMap((m) => (m.update ? [m.update] : []));
    expect(updates.at(-1)?.terminal, JSON.stringify(watched)).toBe(true);
    expect(updates.at(-1)?.status).toMatch(TERMINAL);

    await expectSearchFinds("buf-search", env.DOC);
  });

  it("SDK: Connect client uploads, watches to the end and gets; grpc-js gets; gRPC-Web searches", async () => {
    const [connect] = (await runExample("sdk-connect", 120_000)) as {
      name: string;
      statuses: string[];
      final: string;
    }[];
    expect(connect?.name).toMatch(/^documents\/[0-9a-f-]{36}$/);
    expect(connect?.statuses.at(-1)).toMatch(/^(INDEXED|PARTIAL|NEEDS_REVIEW)$/);
    expect(connect?.final).toBe(connect?.statuses.at(-1));
    env.DOC = connect?.name ?? "";

    const [grpcJs] = (await runExample("sdk-grpc-js")) as { name: string; tenant: string }[];
    expect(grpcJs).toEqual({ name: env.DOC, tenant: "acme" });

    const [web] = (await runUntil("sdk-grpc-web", (v) => (v[0] as unknown[]).length > 0)) as {
      name: string;
      fileName: string;
    }[][];
    expect(web).toContainEqual({ name: env.DOC, fileName: "po.txt" });
  });

  it("every marked example in docs/api.md was run", () => {
    expect([...examples.keys()].filter((id) => !ran.has(id))).toEqual([]);
  });
});
