// The indexer's shared index requests: the first write goes at once, the ones arriving meanwhile go
// together, two versions of one document never share a request, and a failed shared request gives
// each document its own outcome.
import { describe, expect, it } from "vitest";
import { CoalescedUpserts } from "../../../services/indexer/coalesced-upserts.ts";
import type { IndexedDocument, SearchIndex } from "../../../services/platform/index/search-index.ts";

const doc = (documentId: string, title = documentId): IndexedDocument => ({
  tenant: "t1",
  documentId,
  fileName: `${documentId}.pdf`,
  title,
  category: "invoice",
  status: "INDEXED",
  batch: "",
  createTime: new Date(0),
  fieldsText: "",
  chunks: [],
});

/** Records every request; each request stays open until release() is called. */
class RecordingIndex {
  requests: string[][] = [];
  private open: (() => void)[] = [];
  refuse = new Set<string>();

  upsertMany(documents: IndexedDocument[]): Promise<void> {
    this.requests.push(documents.map((d) => `${d.documentId}:${d.title}`));
    if (documents.some((d) => this.refuse.has(d.documentId)))
      return Promise.reject(new Error("mapper_parsing_exception"));
    return new Promise((resolve) => this.open.push(resolve));
  }
  upsert(document: IndexedDocument): Promise<void> {
    return this.upsertMany([document]);
  }
  release(): void {
    for (const resolve of this.open.splice(0)) resolve();
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("coalesced index writes", () => {
  it("sends the first at once and the ones that arrive meanwhile in one request", async () => {
    const index = new RecordingIndex();
    const writes = new CoalescedUpserts(index as unknown as SearchIndex);
    const first = writes.upsert(doc("a"));
    await tick();
    expect(index.requests).toEqual([["a:a"]]);
    const rest = ["b", "c", "d"].map((id) => writes.upsert(doc(id)));
    await tick();
    expect(index.requests).toHaveLength(1); // waiting for the first request
    index.release();
    await first;
    await tick();
    expect(index.requests).toEqual([["a:a"], ["b:b", "c:c", "d:d"]]);
    index.release();
    await Promise.all(rest);
  });

  it("never puts two versions of one document in one request, and keeps their order", async () => {
    const index = new RecordingIndex();
    const writes = new CoalescedUpserts(index as unknown as SearchIndex);
    const all = [
      writes.upsert(doc("a")),
      writes.upsert(doc("b", "v1")),
      writes.upsert(doc("c")),
      writes.upsert(doc("b", "v2")),
    ];
    for (let i = 0; i < 4; i++) {
      await tick();
      index.release();
    }
    await Promise.all(all);
    expect(index.requests).toEqual([["a:a"], ["b:v1", "c:c"], ["b:v2"]]);
  });

  it("caps the documents per request", async () => {
    const index = new RecordingIndex();
    const writes = new CoalescedUpserts(index as unknown as SearchIndex, 2);
    const all = ["a", "b", "c", "d", "e"].map((id) => writes.upsert(doc(id)));
    for (let i = 0; i < 4; i++) {
      await tick();
      index.release();
    }
    await Promise.all(all);
    expect(index.requests.map((r) => r.length)).toEqual([1, 2, 2]);
  });

  it("writes each document alone when a shared request fails, so only the bad one fails", async () => {
    const index = new RecordingIndex();
    index.refuse.add("bad");
    const writes = new CoalescedUpserts(index as unknown as SearchIndex);
    const first = writes.upsert(doc("a"));
    await tick();
    const good = writes.upsert(doc("good"));
    const bad = writes.upsert(doc("bad")).catch((error: Error) => error.message);
    index.release();
    await first;
    await tick();
    await tick();
    index.release();
    await expect(good).resolves.toBeUndefined();
    await expect(bad).resolves.toBe("mapper_parsing_exception");
    expect(index.requests).toEqual([["a:a"], ["good:good", "bad:bad"], ["good:good"], ["bad:bad"]]);
  });

  it("uses plain upserts on an index without upsertMany", async () => {
    const written: string[] = [];
    const index = { upsert: async (d: IndexedDocument) => void written.push(d.documentId) };
    const writes = new CoalescedUpserts(index as unknown as SearchIndex);
    await Promise.all([writes.upsert(doc("a")), writes.upsert(doc("b"))]);
    expect(written).toEqual(["a", "b"]);
  });
});
