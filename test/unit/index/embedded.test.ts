import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedSearchIndex } from "../../../services/platform/index/embedded.ts";
import { axisVector, searchIndexContract } from "../../contract/search-index.ts";

searchIndexContract("embedded (PGlite)", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "docmesh-index-"));
  const index = new EmbeddedSearchIndex({ dataDir });
  return {
    index,
    cleanup: async () => {
      await index.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

describe("embedded search index specifics", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "docmesh-index-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps its data, dimensions and text configuration across close and reopen", async () => {
    const first = new EmbeddedSearchIndex({ dataDir, textConfig: "simple" });
    await expect(first.keyword({ tenant: "t", filter: {}, limit: 5, text: "x" })).rejects.toMatchObject({
      kind: "precondition",
    });
    await first.ensure(8);
    await first.upsert({
      tenant: "t",
      documentId: "d1",
      fileName: "survivor.txt",
      title: "Survivor",
      category: "report",
      status: "INDEXED",
      batch: "b",
      createTime: new Date(),
      fieldsText: "",
      chunks: [{ ordinal: 0, text: "the running dogs persist", embedding: axisVector(2) }],
    });
    await first.close();

    // Asking for "english" on reopen keeps the "simple" configuration the index was built with:
    // "running" only matches itself, not the stem "run".
    const second = new EmbeddedSearchIndex({ dataDir, textConfig: "english" });
    await second.ensure(8);
    expect(await second.countChunks("t")).toBe(1);
    expect(
      (await second.keyword({ tenant: "t", filter: {}, limit: 5, text: "running" })).map((h) => h.documentId),
    ).toEqual(["d1"]);
    expect(await second.keyword({ tenant: "t", filter: {}, limit: 5, text: "run" })).toEqual([]);
    expect(
      (await second.semantic({ tenant: "t", filter: {}, limit: 5, vector: axisVector(2) }))[0]?.documentId,
    ).toBe("d1");
    await second.close();

    const wrongDims = new EmbeddedSearchIndex({ dataDir });
    await expect(wrongDims.ensure(16)).rejects.toMatchObject({ kind: "precondition" });
    await wrongDims.close();
  }, 120_000);

  it("bulk-loads batches, replacing documents, and searches them afterwards", async () => {
    const dir = await mkdtemp(join(tmpdir(), "docmesh-index-bulk-"));
    const index = new EmbeddedSearchIndex({ dataDir: dir });
    try {
      await index.ensure(8);
      const doc = (n: number, word: string) => ({
        tenant: "t",
        documentId: `d${n}`,
        fileName: `f${n}.txt`,
        title: `Doc ${n}`,
        category: "other" as const,
        status: "INDEXED",
        batch: "b",
        createTime: new Date(),
        fieldsText: "",
        chunks: [
          { ordinal: 0, text: `${word} number ${n}`, embedding: axisVector(n % 8, n) },
          { ordinal: 1, text: "filler", embedding: axisVector((n + 3) % 8, n) },
        ],
      });
      await index.upsert(doc(0, "pelican"));
      const phases = await index.bulkLoad([
        Array.from({ length: 20 }, (_, n) => doc(n, "heron")),
        Array.from({ length: 20 }, (_, n) => doc(n + 20, "heron")),
      ]);
      expect(phases.loadSeconds).toBeGreaterThan(0);
      expect(await index.countChunks("t")).toBe(80);
      expect(await index.keyword({ tenant: "t", filter: {}, limit: 5, text: "pelican" })).toEqual([]);
      expect((await index.keyword({ tenant: "t", filter: {}, limit: 50, text: "heron" })).length).toBe(40);
      const near = await index.semantic({ tenant: "t", filter: {}, limit: 3, vector: axisVector(5, 13) });
      expect(near[0]?.documentId).toBe("d13");
    } finally {
      await index.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
