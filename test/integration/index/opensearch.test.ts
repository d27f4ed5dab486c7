// OpenSearch adapter against the real server from `npm run services -- up opensearch`.
// Source ${DOCMESH_CACHE:-$HOME/.cache/docmesh}/run/services.env first; a missing variable fails the run.

import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEFAULT_EF_SEARCH, OpenSearchIndex } from "../../../services/platform/index/opensearch.ts";
import { axisVector, searchIndexContract } from "../../contract/search-index.ts";

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: source the services.env written by scripts/services/services.sh`);
  return value;
}

const url = required("DOCMESH_OPENSEARCH_URL");
const run = randomUUID().slice(0, 8);

searchIndexContract("opensearch", async () => {
  const index = new OpenSearchIndex({ url, index: `docmesh-test-chunks-${run}` });
  return {
    index,
    cleanup: async () => {
      await index.drop();
      await index.close();
    },
  };
});

describe("opensearch search index specifics", () => {
  it("maps a dead endpoint to a retriable unavailable error", async () => {
    const index = new OpenSearchIndex({
      url: "http://127.0.0.1:1",
      index: `docmesh-test-dead-${run}`,
      requestTimeoutMs: 3_000,
    });
    await expect(index.ensure(8)).rejects.toMatchObject({ kind: "unavailable", retriable: true });
    await index.close();
  });

  it("refuses to reuse an index built for other dimensions", async () => {
    const name = `docmesh-test-dims-${run}`;
    const first = new OpenSearchIndex({ url, index: name });
    await first.ensure(8);
    const second = new OpenSearchIndex({ url, index: name });
    await expect(second.ensure(16)).rejects.toMatchObject({ kind: "precondition" });
    await first.drop();
    await first.close();
    await second.close();
  });

  it("keeps each embedding model's vectors in their own index, and drop removes them all", async () => {
    const name = `docmesh-test-model-${run}`;
    const a = new OpenSearchIndex({ url, index: name });
    await a.ensure(8, "Model-A/1.0");
    expect(a.indexName).toBe(`${name}--model-a-1-0`);
    const b = new OpenSearchIndex({ url, index: name });
    await b.ensure(16, "model-b");
    expect(b.indexName).toBe(`${name}--model-b`);
    const doc = (vector: Float32Array) => ({
      tenant: "t",
      documentId: "d1",
      fileName: "d1.txt",
      title: "d1",
      category: "report" as const,
      status: "INDEXED",
      batch: "b",
      createTime: new Date(),
      fieldsText: "",
      chunks: [{ ordinal: 0, text: "alpha", embedding: vector }],
    });
    await a.upsert(doc(axisVector(1, 0, 8)));
    expect(await b.countChunks("t")).toBe(0);
    expect(await a.countChunks("t")).toBe(1);
    // The other model's index holds its own vectors: a query of model B never meets model A's vectors.
    await expect(
      b.semantic({ tenant: "t", filter: {}, limit: 5, vector: axisVector(1, 0, 8) }),
    ).rejects.toMatchObject({
      kind: "invalid",
    });
    const dropper = new OpenSearchIndex({ url, index: name });
    await dropper.drop();
    await expect(a.countChunks("t")).rejects.toMatchObject({ kind: "precondition" });
    await expect(b.countChunks("t")).rejects.toMatchObject({ kind: "precondition" });
    for (const index of [a, b, dropper]) await index.close();
  });

  it("uses the Lucene HNSW engine with cosine similarity", () => {
    const mapping = OpenSearchIndex.mapping(384);
    expect(mapping.mappings.properties.embedding.method).toMatchObject({
      name: "hnsw",
      space_type: "cosinesimil",
      engine: "lucene",
    });
  });

  it("searches each graph with ef_search candidates (never fewer than k), and refuses a bad setting", async () => {
    expect(() => new OpenSearchIndex({ url, index: `docmesh-test-ef-${run}`, efSearch: 0 })).toThrow(
      expect.objectContaining({ kind: "invalid" }),
    );
    expect(() => new OpenSearchIndex({ url, index: `docmesh-test-ef-${run}`, efSearch: 2.5 })).toThrow(
      expect.objectContaining({ kind: "invalid" }),
    );
    const name = `docmesh-test-ef-${run}`;
    // ef_search below k (here 1) is raised to k; the default is DEFAULT_EF_SEARCH. Both are real
    // k-NN queries with method_parameters that the server must accept and answer exactly here.
    const low = new OpenSearchIndex({ url, index: name, efSearch: 1 });
    const high = new OpenSearchIndex({ url, index: name });
    expect(DEFAULT_EF_SEARCH).toBeGreaterThanOrEqual(1024);
    try {
      await low.ensure(8);
      await high.ensure(8);
      await low.upsertMany(
        Array.from({ length: 24 }, (_, n) => ({
          tenant: "t",
          documentId: `d${n}`,
          fileName: `d${n}.txt`,
          title: `d${n}`,
          category: "other" as const,
          status: "INDEXED",
          batch: "b",
          createTime: new Date(),
          fieldsText: "",
          chunks: [{ ordinal: 0, text: `chunk ${n}`, embedding: axisVector(n % 8, Math.floor(n / 8)) }],
        })),
      );
      for (const index of [low, high]) {
        const hits = await index.semantic({ tenant: "t", filter: {}, limit: 3, vector: axisVector(5, 2) });
        expect(hits[0]?.documentId).toBe("d21");
        expect(hits).toHaveLength(3);
      }
    } finally {
      await low.drop();
      await Promise.all([low.close(), high.close()]);
    }
  });
});
