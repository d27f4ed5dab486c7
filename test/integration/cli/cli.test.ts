// The docmesh CLI run as a subprocess (the package's bin) against live embedded Docmesh servers:
// every command, human and --json output, the documented exit codes, and where the URL and the
// token come from (flags, environment, config file).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintToken } from "../../../gateway/dev-token.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { freePort } from "../../support/process.ts";
import { cli } from "./run-cli.ts";

let open: TestDocmesh; // DOCMESH_AUTH=none
let secured: TestDocmesh; // DOCMESH_AUTH=jwt
let folder: string;
const home = mkdtempSync(join(tmpdir(), "docmesh-cli-config-")); // where the test writes a config file

beforeAll(async () => {
  [open, secured] = await Promise.all([startDocmesh("embedded"), startDocmesh("embedded", { auth: "jwt" })]);
  folder = mkdtempSync(join(tmpdir(), "docmesh-cli-"));
  writeFileSync(join(folder, "invoice-a.txt"), "Invoice INV-310 from Avocet Tools. Total due 64.00 EUR.\n");
  writeFileSync(
    join(folder, "invoice-a-copy.txt"),
    "Invoice INV-310 from Avocet Tools. Total due 64.00 EUR.\n",
  );
  writeFileSync(
    join(folder, "manual.txt"),
    `Avocet drill manual.\n${"Keep the chuck clean and the battery charged. ".repeat(800)}`,
  );
});
afterAll(async () => {
  await Promise.all([open?.stop(), secured?.stop()]);
});

const docmesh = cli(() => open.url);

describe("docmesh CLI", () => {
  let invoice = "";

  it("uploads a folder with progress bars, reports the duplicate, and watches the batch to the end", async () => {
    const ran = await docmesh([
      "upload",
      folder,
      "--watch",
      "--progress",
      "always",
      "--large-file-bytes",
      "16384",
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    // Progress bars (stderr): the overall bar with an ETA, and per-file bars.
    expect(ran.stderr).toMatch(/all \d\/3 files/);
    expect(ran.stderr).toContain("ETA");
    expect(ran.stderr).toContain("manual.txt");
    // One line per file above the bars (stderr, with bars on), the duplicate marked.
    const lines = ran.stderr.split("\n");
    expect(lines.filter((l) => l.startsWith("✓ "))).toHaveLength(2);
    expect(
      lines.filter((l) => l.startsWith("= ") && l.includes("(duplicate: already uploaded)")),
    ).toHaveLength(1);
    // The summary and the watch to the end on stdout.
    expect(ran.stdout).toMatch(/3 of 3 uploaded, 1 duplicate\(s\); batch batches\//);
    expect(ran.stdout).toMatch(/batches\/\S+: 2\/2 done/);
    invoice = /invoice-a[^ ]* → (documents\/\S+)/.exec(ran.stderr)?.[1] ?? "";
    expect(invoice).toMatch(/^documents\//);
  });

  it("uploads with --json for scripts (the same bytes again are duplicates)", async () => {
    const ran = await docmesh(["upload", join(folder, "*.txt"), "--json", "--no-batch"]);
    expect(ran.code, ran.stderr).toBe(0);
    const out = JSON.parse(ran.stdout) as {
      batch: string;
      files: { duplicate: boolean; document: { name: string } }[];
    };
    expect(out.batch).toBe("");
    expect(out.files).toHaveLength(3);
    expect(out.files.every((f) => f.duplicate)).toBe(true);
    expect(out.files.map((f) => f.document.name)).toContain(invoice);

    // Duplicates stay in their first batch, so watching a batch of only duplicates ends at once.
    const again = await docmesh(["upload", folder, "--watch"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("nothing new to watch");
  });

  it("searches, gets, edits, reprocesses and watches", async () => {
    const search = await docmesh(["search", "avocet", "--mode", "keyword", "--json"]);
    expect(search.code, search.stderr).toBe(0);
    const { results } = JSON.parse(search.stdout) as { results: { document: { name: string } }[] };
    expect(results.map((r) => r.document.name)).toContain(invoice);
    const human = await docmesh(["search", "avocet", "--mode", "keyword", "--limit", "1"]);
    expect(human.stdout.split("\n").filter((l) => l.startsWith("documents/"))).toHaveLength(1);

    const got = await docmesh(["get", invoice]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toContain(`${invoice}  invoice-a`);
    expect(got.stdout).toMatch(/status {4}(indexed|needs review|partial)/);

    const edited = await docmesh([
      "edit",
      invoice,
      "--category",
      "receipt",
      "--set",
      "receipt.totalAmount=64.5",
      "--set",
      "receipt.merchant=Avocet Tools",
      "--reason",
      "checked by hand",
      "--json",
    ]);
    expect(edited.code, edited.stderr).toBe(0);
    const { document } = JSON.parse(edited.stdout) as {
      document: {
        category: string;
        fields: { receipt: { totalAmount: { value: number }; merchant: { value: string } } };
      };
    };
    expect(document.category).toBe("CATEGORY_RECEIPT");
    expect(document.fields.receipt.totalAmount.value).toBe(64.5);
    expect(document.fields.receipt.merchant.value).toBe("Avocet Tools");

    const stale = await docmesh(["edit", invoice, "--category", "invoice", "--etag", "stale"]);
    expect(stale.code).toBe(5); // refused: stale etag
    expect(stale.stderr).toMatch(/^docmesh: /);

    const reprocessed = await docmesh(["reprocess", invoice, "--json"]);
    expect(reprocessed.code, reprocessed.stderr).toBe(0);
    expect(JSON.parse(reprocessed.stdout).document.name).toBe(invoice);

    const watched = await docmesh(["watch", invoice, "--json"]);
    expect(watched.code, watched.stderr).toBe(0);
    const updates = watched.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).update as { sequence: string; terminal?: boolean });
    expect(updates.at(-1)?.terminal).toBe(true);
    const sequences = updates.map((u) => Number(u.sequence));
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
  });

  it("exits with the documented codes", async () => {
    expect((await docmesh(["get", "documents/00000000-0000-4000-8000-000000000000"])).code).toBe(3);
    expect((await docmesh(["get", "nonsense"])).code).toBe(2);
    expect((await docmesh(["frobnicate"])).code).toBe(2);
    expect((await docmesh(["upload", join(folder, "no-such-file.pdf")])).code).toBe(2);
    const down = await docmesh(["get", invoice, "--json"], {
      DOCMESH_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(down.code).toBe(6);
    expect(JSON.parse(down.stdout).error).toMatchObject({ code: "unavailable", exitCode: 6 });
  });

  it("reads the URL and the token from flags, the environment or a config file, and passes the token as is", async () => {
    const token = await mintToken({ tenant: secured.tenant });
    const list = ["search", "anything", "--json"];
    const noToken = await docmesh(list, { DOCMESH_URL: secured.url });
    expect(noToken.code).toBe(4);
    expect(JSON.parse(noToken.stdout).error.code).toBe("unauthenticated");
    expect((await docmesh(list, { DOCMESH_URL: secured.url, DOCMESH_TOKEN: token })).code).toBe(0);
    expect((await docmesh([...list, "--url", secured.url, "--token", token])).code).toBe(0);
    expect((await docmesh([...list, "--url", secured.url, "--token", `${token}x`])).code).toBe(4);

    const config = join(home, "docmesh.json");
    writeFileSync(config, JSON.stringify({ url: secured.url, token }));
    const fromFile = await docmesh(["config", "--json"], { DOCMESH_URL: undefined, DOCMESH_CONFIG: config });
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ url: secured.url, urlFrom: config, token: "set" });
    expect((await docmesh(list, { DOCMESH_URL: undefined, DOCMESH_CONFIG: config })).code).toBe(0);
    // The environment wins over the file, flags over both.
    const envWins = await docmesh(["config", "--json"], { DOCMESH_CONFIG: config });
    expect(JSON.parse(envWins.stdout)).toMatchObject({ url: open.url, urlFrom: "DOCMESH_URL" });
    writeFileSync(config, "{not json");
    expect((await docmesh(list, { DOCMESH_CONFIG: config })).code).toBe(2);
  });
});
