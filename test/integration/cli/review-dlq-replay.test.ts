// `docmesh review`, `docmesh dlq` and `docmesh replay` run as subprocesses (the package's bin)
// against live embedded Docmesh servers: the review queue with real documents in review, a real
// dead letter (a test consumer group refuses an event), a replay run to its end, human and --json
// output, and the documented exit codes.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintToken } from "../../../gateway/dev-token.ts";
import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import type { DocumentEvent } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import { runStage } from "../../../services/pipeline/stage-worker.ts";
import type { Subscription } from "../../../services/platform/bus/bus.ts";
import { DocmeshError } from "../../../services/platform/errors.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { cli } from "./run-cli.ts";

let open: TestDocmesh; // DOCMESH_AUTH=none
let secured: TestDocmesh; // DOCMESH_AUTH=jwt
let subscription: Subscription | undefined;
const group = `test.cli-dlq-${randomUUID()}`;
const refusedName = `cli-dlq-${randomUUID()}.txt`;
const inReview: string[] = [];
let refused = "";
const runs = new Map<string, number>();

const docmesh = cli(() => open.url);

async function json<T>(args: string[]): Promise<T> {
  const ran = await docmesh([...args, "--json"]);
  expect(ran.code, ran.stderr).toBe(0);
  return JSON.parse(ran.stdout) as T;
}

beforeAll(async () => {
  [open, secured] = await Promise.all([startDocmesh("embedded"), startDocmesh("embedded", { auth: "jwt" })]);
  // A consumer group that refuses one upload's event: a dead letter, as a failing stage would leave.
  const { bus, codec } = open.running.platform;
  subscription = await runStage(
    bus,
    codec,
    group,
    async (event: DocumentEvent) => {
      if (event.payload.case !== "uploaded" || event.payload.value.fileName !== refusedName) return;
      runs.set(event.eventId, (runs.get(event.eventId) ?? 0) + 1);
      // The first run only: a redriven event then goes through.
      if (runs.get(event.eventId) === 1)
        throw new DocmeshError("invalid", "the CLI test group refuses this event");
    },
    1,
    "latest",
  );
  // Invoices without a number, a date or a total end in review (PARTIAL or NEEDS_REVIEW).
  for (const issuer of ["Wigeon Works", "Shoveler Supplies"]) {
    const { document } = await open.clients.ingestion.uploadDocument({
      fileName: `${issuer.split(" ")[0]?.toLowerCase()}-invoice.txt`,
      content: Buffer.from(
        `INVOICE\n${issuer}\nBill to: Example Buyer GmbH\nConsulting services, November\n` +
          `Please pay within 30 days of receipt.\nReference ${randomUUID()}\n`,
      ),
    });
    inReview.push(document?.name ?? "");
  }
  const { document } = await open.clients.ingestion.uploadDocument({
    fileName: refusedName,
    content: Buffer.from(`A note the test group refuses ${randomUUID()}`),
  });
  refused = document?.name ?? "";
  for (const name of [...inReview, refused]) {
    for await (const _ of open.clients.progress.watchDocument({ name })) {
      // until terminal
    }
  }
}, 300_000);
afterAll(async () => {
  await subscription?.stop();
  await Promise.all([open?.stop(), secured?.stop()]);
}, 60_000);

interface Task {
  name: string;
  document: { name: string; status: string };
  reasons: unknown[];
}

describe("docmesh review", () => {
  it("lists the queue, claims, corrects and completes a task, and shows the stats", {
    timeout: 120_000,
  }, async () => {
    const listed = await json<{ reviewTasks: Task[]; totalSize: number }>(["review", "list"]);
    expect(listed.reviewTasks.map((t) => t.document.name).sort()).toEqual([...inReview].sort());
    expect(listed.totalSize).toBe(2);
    for (const task of listed.reviewTasks) expect(task.reasons.length).toBeGreaterThan(0);

    const human = await docmesh(["review", "list"]);
    expect(human.code).toBe(0);
    for (const name of inReview)
      expect(human.stdout).toContain(`reviewTasks/${name.slice("documents/".length)}`);

    // A document's name works as the task's.
    const [first = "", second = ""] = inReview;
    const claimed = await docmesh(["review", "claim", first, "--lease", "120"]);
    expect(claimed.code, claimed.stderr).toBe(0);
    expect(claimed.stdout).toContain("claimed by local");

    const completed = await json<{ document: { name: string; status: string; category: string } }>([
      "review",
      "complete",
      first,
      "--category",
      "invoice",
      "--set",
      "invoice.invoiceNumber=INV-4242",
      "--comment",
      "number from the paper copy",
    ]);
    expect(completed.document).toMatchObject({
      name: first,
      status: "DOCUMENT_STATUS_INDEXED",
      category: "CATEGORY_INVOICE",
    });
    const { changes } = await open.clients.metadata.listDocumentChanges({ name: first });
    expect(changes[0]?.changedPaths).toEqual(["category", "fields"]);
    expect(changes[0]?.reason).toContain("number from the paper copy");

    // Completing without a claim is refused by the server: exit 5.
    const unclaimed = await docmesh(["review", "complete", second]);
    expect(unclaimed.code).toBe(5);
    expect(unclaimed.stderr).toMatch(/claim/i);
    const after = await json<{ reviewTasks: Task[] }>(["review", "list"]);
    expect(after.reviewTasks.map((t) => t.document.name)).toEqual([second]);

    // Claim and release: the task is back in the queue, unclaimed.
    expect((await docmesh(["review", "claim", second])).code).toBe(0);
    const released = await json<{ released: string }>(["review", "release", second]);
    expect(released.released).toBe(`reviewTasks/${second.slice("documents/".length)}`);

    const stats = await json<{ queueDepth: string; completed: { reviewer: string; completed: string }[] }>([
      "review",
      "stats",
    ]);
    expect(Number(stats.queueDepth)).toBe(1);
    expect(stats.completed).toEqual([expect.objectContaining({ reviewer: "local", completed: "1" })]);
  });

  it("exits 3 for a task that does not exist and 2 for a malformed one", async () => {
    expect((await docmesh(["review", "claim", `reviewTasks/${randomUUID()}`])).code).toBe(3);
    const malformed = await docmesh(["review", "claim", "reviewTasks/nope"]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("not a review task");
    expect((await docmesh(["review"])).code).toBe(2);
    expect((await docmesh(["review", "list", "--limit", "0"])).code).toBe(2);
  });
});

interface Letter {
  name: string;
  consumerGroup: string;
  error: string;
  state: string;
  event: { documentId: string };
}

describe("docmesh dlq", () => {
  it("lists the dead letter and redrives it once", { timeout: 120_000 }, async () => {
    let letters: Letter[] = [];
    await expect
      .poll(
        async () => {
          letters = (await json<{ deadLetters: Letter[] }>(["dlq", "list", "--group", group])).deadLetters;
          return letters.length;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(1);
    const [letter] = letters;
    expect(letter).toMatchObject({
      consumerGroup: group,
      state: "DEAD_LETTER_STATE_PENDING",
      event: { documentId: refused.slice("documents/".length) },
    });
    expect(letter?.error).toContain("refuses this event");
    const human = await docmesh(["dlq", "list", "--group", group]);
    expect(human.stdout).toContain(letter?.name);
    expect(human.stdout).toContain("refuses this event");

    const redriven = await json<{ redriven: string[]; alreadyRedriven: string[] }>([
      "dlq",
      "redrive",
      letter?.name ?? "",
    ]);
    expect(redriven).toMatchObject({ redriven: [letter?.name], alreadyRedriven: [] });
    const again = await json<{ redriven: string[]; alreadyRedriven: string[] }>([
      "dlq",
      "redrive",
      letter?.name ?? "",
    ]);
    expect(again).toMatchObject({ redriven: [], alreadyRedriven: [letter?.name] });
    const pending = await json<{ deadLetters: Letter[] }>(["dlq", "list", "--group", group]);
    expect(pending.deadLetters).toEqual([]);
    const done = await json<{ deadLetters: Letter[] }>([
      "dlq",
      "list",
      "--group",
      group,
      "--state",
      "redriven",
    ]);
    expect(done.deadLetters.map((l) => l.name)).toEqual([letter?.name]);
  });

  it("exits 2 on usage errors and 4 without the admin role", async () => {
    expect((await docmesh(["dlq", "redrive"])).code).toBe(2);
    expect((await docmesh(["dlq", "redrive", "deadLetters/x"])).code).toBe(2);
    expect((await docmesh(["dlq", "list", "--state", "lost"])).code).toBe(2);
    const reviewer = await mintToken({ tenant: secured.tenant, roles: ["reviewer"] });
    const refusedCall = await docmesh(["dlq", "list", "--json"], {
      DOCMESH_URL: secured.url,
      DOCMESH_TOKEN: reviewer,
    });
    expect(refusedCall.code).toBe(4);
    expect(JSON.parse(refusedCall.stdout)).toMatchObject({
      error: { code: "permission_denied", exitCode: 4 },
    });
    const admin = await mintToken({ tenant: secured.tenant, roles: ["admin"] });
    expect((await docmesh(["dlq", "list"], { DOCMESH_URL: secured.url, DOCMESH_TOKEN: admin })).code).toBe(0);
  });
});

describe("docmesh replay", () => {
  it("starts a replay, waits for it to finish, shows its status and cancels it", {
    timeout: 120_000,
  }, async () => {
    // The replay matches every INDEXED document of this tenant at its start: the invoice completed
    // in review, and the refused note if it was indexed.
    const documents = await Promise.all(
      [...inReview, refused].map(
        async (name) => (await open.clients.metadata.getDocument({ name })).document,
      ),
    );
    const indexed = documents.filter((d) => d?.status === DocumentStatus.INDEXED).length;
    expect(indexed).toBeGreaterThanOrEqual(1);
    const started = await json<{
      replay: { name: string; state: string; matched: number; finished: number };
    }>(["replay", "start", "--from-stage", "index", "--limit", "10", "--status", "indexed", "--wait"]);
    expect(started.replay.name).toMatch(/^replays\/[0-9a-f-]{36}$/);
    expect(started.replay).toMatchObject({
      state: "REPLAY_STATE_SUCCEEDED",
      matched: indexed,
      finished: indexed,
    });

    const status = await docmesh(["replay", "status", started.replay.name]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`${started.replay.name}  succeeded  from index`);
    expect(status.stdout).toContain(`matched ${indexed}`);

    const cancelled = await json<{ replay: { name: string } }>(["replay", "cancel", started.replay.name]);
    expect(cancelled.replay.name).toBe(started.replay.name);
  });

  it("exits 2 on usage errors and 3 for a replay that does not exist", async () => {
    expect((await docmesh(["replay", "start", "--limit", "5"])).code).toBe(2);
    expect((await docmesh(["replay", "start", "--from-stage", "index"])).code).toBe(2);
    expect(
      (await docmesh(["replay", "start", "--from-stage", "index", "--limit", "5", "--status", "lost"])).code,
    ).toBe(2);
    expect((await docmesh(["replay", "status", "replays/nope"])).code).toBe(2);
    expect((await docmesh(["replay", "status", `replays/${randomUUID()}`])).code).toBe(3);
  });
});
