// OpenSearch adapter against the real server from `npm run services -- up opensearch`.
// Source ${DOCMESH_CACHE:-$HOME/.cache/docmesh}/run/services.env first; a missing variable fails the run.

import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OpenSearchIndex } from "../../../services/platform/index/opensearch.ts";
import { searchIndexContract } from "../../contract/search-index.ts";

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

  it("records the embedding model and refuses vectors of another model, even of the same size", async () => {
    const name = `docmesh-test-model-${run}`;
    const first = new OpenSearchIndex({ url, index: name });
    await first.ensure(8, "model-a");
    const same = new OpenSearchIndex({ url, index: name });
    await same.ensure(8, "model-a");
    const other = new OpenSearchIndex({ url, index: name });
    await expect(other.ensure(8, "model-b")).rejects.toMatchObject({
      kind: "precondition",
      message: expect.stringContaining("model-a"),
    });
    const unnamed = new OpenSearchIndex({ url, index: name });
    await expect(unnamed.ensure(8)).rejects.toMatchObject({ kind: "precondition" });
    await first.drop();
    for (const index of [first, same, other, unnamed]) await index.close();
  });

  it("uses the Lucene HNSW engine with cosine similarity", () => {
    const mapping = OpenSearchIndex.mapping(384);
    expect(mapping.mappings.properties.embedding.method).toMatchObject({
      name: "hnsw",
      space_type: "cosinesimil",
      engine: "lucene",
    });
  });
});
