import { describe, expect, it } from "vitest";
import { DEFAULT_CHUNKING } from "../../services/indexer/chunk.ts";
import { searchChunks } from "../../services/indexer/search-chunks.ts";

const SENTENCE = "The supplier delivered the goods on time and the invoice was paid. ";
const text = SENTENCE.repeat(200); // about 13,600 characters
const fakeEmbed = async (texts: string[]) => {
  seen.push(...texts);
  return texts.map(() => Float32Array.from([1, 0, 0]));
};
let seen: string[] = [];

describe("what a document puts into the search index", () => {
  it("keyword chunks without vectors, then the first passages with one each (vector only)", async () => {
    seen = [];
    const chunks = await searchChunks(text, fakeEmbed, {
      passageChars: 200,
      passagesPerDocument: 3,
      piecesPerPassage: 64,
    });
    const keyword = chunks.filter((c) => !c.vectorOnly);
    const passages = chunks.filter((c) => c.vectorOnly);
    expect(keyword.length).toBeGreaterThan(10);
    for (const c of keyword) {
      expect(c.embedding).toBeUndefined();
      expect(c.text.length).toBeLessThanOrEqual(DEFAULT_CHUNKING.target);
    }
    expect(passages).toHaveLength(3);
    for (const p of passages) {
      expect(p.embedding).toBeDefined();
      expect(p.text.length).toBeLessThanOrEqual(200);
    }
    // Only the passages were embedded, and the ordinals never collide.
    expect(seen).toEqual(passages.map((p) => p.text));
    expect(new Set(chunks.map((c) => c.ordinal)).size).toBe(chunks.length);
    expect(passages[0]?.text.startsWith("The supplier")).toBe(true);
  });

  it("with passages as long as the chunks, the first chunks carry the vectors themselves", async () => {
    seen = [];
    const chunks = await searchChunks(text, fakeEmbed, {
      passageChars: 1000,
      passagesPerDocument: 2,
      piecesPerPassage: 32,
    });
    expect(chunks.some((c) => c.vectorOnly)).toBe(false);
    expect(chunks.filter((c) => c.embedding)).toHaveLength(2);
    expect(seen).toHaveLength(2);
  });

  it("an empty text gives nothing to index and embeds nothing", async () => {
    seen = [];
    expect(await searchChunks("  \n ", fakeEmbed)).toEqual([]);
    expect(seen).toEqual([]);
  });
});
