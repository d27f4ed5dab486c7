import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedSearchIndex } from "../../../services/platform/index/embedded.ts";
import type { IndexedDocument } from "../../../services/platform/index/search-index.ts";
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
  }, 120_000);

  it("never compares vectors of two models: a model change drops them, reembed restores them (not keyword-only chunks)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "docmesh-index-model-"));
    const chunk = (text: string, embedding: Float32Array) => ({ ordinal: 0, text, embedding });
    const document = (id: string, text: string, embedding: Float32Array): IndexedDocument => ({
      tenant: "t",
      documentId: id,
      fileName: `${id}.txt`,
      title: id,
      category: "report",
      status: "INDEXED",
      batch: "b",
      createTime: new Date(),
      fieldsText: "",
      chunks: [chunk(text, embedding)],
    });
    try {
      const first = new EmbeddedSearchIndex({ dataDir: dir });
      await first.ensure(8, "model-a");
      // d1's second passage was indexed for keyword search only (beyond the embedded passages).
      const d1 = document("d1", "alpha wolves", axisVector(1));
      d1.chunks.push({ ordinal: 1, text: "gamma owls" });
      await first.upsert(d1);
      await first.upsert(document("d2", "beta bears", axisVector(2)));
      await first.close();

      // Same model on reopen: vectors kept.
      const same = new EmbeddedSearchIndex({ dataDir: dir });
      await same.ensure(8, "model-a");
      expect(await same.pendingEmbeddings()).toBe(0);
      expect((await same.keyword({ tenant: "t", filter: {}, limit: 5, text: "owls" }))[0]?.documentId).toBe(
        "d1",
      );
      expect(
        (await same.semantic({ tenant: "t", filter: {}, limit: 5, vector: axisVector(1) }))[0]?.documentId,
      ).toBe("d1");
      await same.close();

      // Another model with another size: the old vectors are gone at once, keyword search still works.
      const other = new EmbeddedSearchIndex({ dataDir: dir });
      await other.ensure(3, "model-b");
      expect(await other.pendingEmbeddings()).toBe(2);
      const v3 = (i: number) => Float32Array.from([0, 1, 2].map((k) => (k === i ? 1 : 0)));
      expect(await other.semantic({ tenant: "t", filter: {}, limit: 5, vector: v3(0) })).toEqual([]);
      expect(
        (await other.keyword({ tenant: "t", filter: {}, limit: 5, text: "wolves" }))[0]?.documentId,
      ).toBe("d1");
      await expect(other.upsert(document("d3", "x", axisVector(1)))).rejects.toMatchObject({
        kind: "invalid",
      });

      // Re-embedding with the new model's function fills every chunk again.
      const embedded = await other.reembed(async (texts) =>
        texts.map((t) => v3(t.includes("wolves") ? 0 : 1)),
      );
      expect(embedded).toBe(2); // not the keyword-only passage
      expect(await other.pendingEmbeddings()).toBe(0);
      expect(
        (await other.semantic({ tenant: "t", filter: {}, limit: 5, vector: v3(1) }))[0]?.documentId,
      ).toBe("d2");
      await other.close();

      // The index remembers the new model: reopening with it changes nothing.
      const again = new EmbeddedSearchIndex({ dataDir: dir });
      await again.ensure(3, "model-b");
      expect(await again.pendingEmbeddings()).toBe(0);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
