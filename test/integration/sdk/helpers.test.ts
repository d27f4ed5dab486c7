// The SDK's helpers against a live embedded Docmesh that requires tokens (DOCMESH_AUTH=jwt):
// token source, typed errors, page iterators, the presigned path with progress and duplicates, and
// a batch watch that survives its connection being cut mid-stream.
import { writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintToken } from "../../../gateway/dev-token.ts";
import {
  Docmesh,
  InvalidArgumentError,
  NotFoundError,
  SearchMode,
  UnauthenticatedError,
} from "../../../sdk/typescript/src/index.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { cuttableProxy } from "./cuttable-proxy.ts";

let docmesh: TestDocmesh;
let token: string;
let folder: string;
beforeAll(async () => {
  docmesh = await startDocmesh("embedded", { auth: "jwt" });
  token = await mintToken({ tenant: docmesh.tenant });
  folder = await mkdtemp(join(tmpdir(), "docmesh-sdk-"));
});
afterAll(async () => {
  await docmesh?.stop();
});

const client = (baseUrl = docmesh.url) => new Docmesh({ baseUrl, token: () => token });

describe("token handling and typed errors", () => {
  it("asks the token source before every call and sends it untouched", async () => {
    let current: string | undefined;
    const sdk = new Docmesh({ baseUrl: docmesh.url, token: () => current });
    const refused = await sdk
      .listAll()
      .next()
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UnauthenticatedError);
    expect(refused).toBeInstanceOf(ConnectError); // still a ConnectError for code that expects one
    current = token;
    const page = await sdk.metadata.listDocuments({ pageSize: 1 });
    expect(page.totalSize).toBeGreaterThanOrEqual(0n);
  });

  it("maps codes to classes, with validation violations", async () => {
    const sdk = client();
    const missing = await sdk
      .getDocument("documents/00000000-0000-4000-8000-000000000000")
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).not.toBeInstanceOf(InvalidArgumentError);
    const invalid = await sdk.getDocument("documents/not-a-uuid").catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(InvalidArgumentError);
    const violations = (invalid as InvalidArgumentError).violations;
    expect(violations.length).toBeGreaterThan(0);
    expect(violations[0]?.ruleId).toBe("string.pattern");
    expect((invalid as InvalidArgumentError).retryable).toBe(false);
  });
});

describe("uploads and pages", () => {
  it("takes the presigned path above the threshold, reports progress, and reports the duplicate", async () => {
    const sdk = client();
    const path = join(folder, "big-report.txt");
    writeFileSync(
      path,
      `Annual report of the Osprey Trust.\n${"Revenue grew in every region. ".repeat(20_000)}`,
    );
    const seen: number[] = [];
    const first = await sdk.uploadFile(path, {
      largeFileBytes: 64 * 1024,
      onProgress: (sent) => seen.push(sent),
    });
    expect(first.method).toBe("presigned");
    expect(first.duplicate).toBe(false);
    expect(first.document.sizeBytes).toBe(BigInt(first.sizeBytes));
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(first.sizeBytes);
    expect(seen.length).toBeGreaterThan(2); // chunks reported as they went out
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);

    const again = await sdk.uploadFile(path, { largeFileBytes: 64 * 1024 });
    expect(again).toMatchObject({ duplicate: true, method: "presigned" });
    expect(again.document.name).toBe(first.document.name);
    const small = await sdk.uploadFile(path, { fileName: "same-bytes.txt" }); // one call, same bytes
    expect(small).toMatchObject({ duplicate: true, method: "single" });
    expect(small.document.name).toBe(first.document.name);
  });

  it("iterates lists and searches across pages", async () => {
    const sdk = client();
    for (const n of [1, 2, 3]) writeFileSync(join(folder, `kestrel-${n}.txt`), `Kestrel survey note ${n}.\n`);
    const { batch, outcomes } = await sdk.uploadMany([join(folder, "kestrel-*.txt")], {
      createBatch: "kestrels",
    });
    expect(outcomes).toHaveLength(3);
    const names = outcomes.map((o) => ("document" in o ? o.document.name : o.error.message));
    let terminal = 0;
    for await (const event of sdk.watch(batch))
      if (event.case === "update" && event.value.terminal) terminal++;
    expect(terminal).toBe(3); // every document indexed before searching

    const listed: string[] = [];
    for await (const document of sdk.listAll({ pageSize: 1 })) listed.push(document.name);
    const { totalSize } = await sdk.metadata.listDocuments({});
    expect(listed).toHaveLength(Number(totalSize));
    expect(new Set(listed).size).toBe(listed.length);
    for (const name of names) expect(listed).toContain(name);

    const found: string[] = [];
    for await (const result of sdk.searchAll({ query: "kestrel", mode: SearchMode.KEYWORD, pageSize: 1 })) {
      found.push(result.document?.name ?? "");
    }
    expect(found.sort()).toEqual([...names].sort());
  });
});

describe("resumable batch watch", () => {
  it("reconnects after the connection is cut and delivers every update exactly once, in order", async () => {
    const proxy = await cuttableProxy(new URL(docmesh.url));
    try {
      const direct = client();
      const { batch } = await direct.ingestion.createBatch({ displayName: "cut" });
      const batchName = batch?.name ?? "";
      const watched = client(proxy.url).watch(batchName, { initialBackoffMs: 50 });
      const updates: { document: string; sequence: bigint; terminal: boolean }[] = [];
      let cuts = 0;
      const watching = (async () => {
        for await (const event of watched) {
          if (event.case !== "update") continue;
          updates.push(event.value);
          if (cuts === 0) {
            cuts++;
            proxy.cut(); // right after the first update: the rest must come over a new connection
          }
        }
      })();
      const uploaded = await direct.ingestion.uploadDocument({
        fileName: "cut.txt",
        content: new TextEncoder().encode("Receipt R-77 from Pelican Cafe, paid 12.40 EUR in cash."),
        batch: batchName,
      });
      await watching;
      const name = uploaded.document?.name ?? "";

      expect(watched.reconnects).toBeGreaterThanOrEqual(1);
      // The same updates an undisturbed watch of the document sees, each once, in order.
      const undisturbed: bigint[] = [];
      for await (const event of direct.watch(name))
        if (event.case === "update") undisturbed.push(event.value.sequence);
      expect(updates.map((u) => u.document)).toEqual(undisturbed.map(() => name));
      expect(updates.map((u) => u.sequence)).toEqual(undisturbed);
      expect(updates.at(-1)?.terminal).toBe(true);
      expect(watched.cursors()).toEqual([
        expect.objectContaining({ document: name, afterSequence: undisturbed.at(-1) }),
      ]);
    } finally {
      proxy.server.close();
    }
  });
});
