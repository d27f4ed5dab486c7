import { Client } from "@opensearch-project/opensearch";
import { afterAll, describe, expect, it } from "vitest";
import { requireEnv, uniqueName } from "./env.ts";

const node = requireEnv("opensearch", "DOCMESH_OPENSEARCH_URL");

describe("opensearch (real node with the k-NN plugin)", () => {
  const client = new Client({ node });
  const index = uniqueName("smoke-knn");

  afterAll(async () => {
    await client.indices.delete({ index }).catch(() => {});
    await client.close();
  });

  it("indexes knn_vector documents and answers a kNN query with the nearest", async () => {
    const info = await client.info();
    expect(info.body.version.number).toMatch(/^2\.19\./);

    await client.indices.create({
      index,
      body: {
        settings: { index: { knn: true, number_of_shards: 1, number_of_replicas: 0 } },
        mappings: {
          properties: {
            title: { type: "text" },
            embedding: {
              type: "knn_vector",
              dimension: 4,
              // The Maven k-NN artifact has no native libraries: Lucene's HNSW only.
              method: {
                name: "hnsw",
                engine: "lucene",
                space_type: "l2",
                parameters: { m: 16, ef_construction: 64 },
              },
            },
          },
        },
      },
    });
    const docs = [
      { id: "invoice", title: "an invoice", embedding: [1, 0, 0, 0] },
      { id: "contract", title: "a contract", embedding: [0, 1, 0, 0] },
      { id: "receipt", title: "a receipt", embedding: [0.9, 0.1, 0, 0] },
      { id: "letter", title: "a letter", embedding: [0, 0, 1, 0] },
    ];
    for (const { id, ...body } of docs) {
      await client.index({ index, id, body });
    }
    // A flush writes the segments through the k-NN codec.
    await client.indices.flush({ index });
    await client.indices.refresh({ index });

    const res = await client.search({
      index,
      body: { size: 2, query: { knn: { embedding: { vector: [0.05, 0.95, 0.1, 0], k: 2 } } } },
    });
    const ids = res.body.hits.hits.map((h) => h._id);
    expect(ids[0]).toBe("contract");
    expect(ids).toHaveLength(2);

    const near = await client.search({
      index,
      body: { size: 1, query: { knn: { embedding: { vector: [0.97, 0.02, 0, 0], k: 1 } } } },
    });
    expect(near.body.hits.hits[0]?._id).toBe("invoice");
  });
});
