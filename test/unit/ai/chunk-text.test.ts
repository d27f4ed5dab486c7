import { describe, expect, it } from "vitest";
import { chunkText, DEFAULT_CHUNKING } from "../../../services/indexer/chunk.ts";

const SENTENCE = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ";

describe("chunking text into passages for embedding", () => {
  it("packs paragraphs into passages of about the target size, never mid-word", () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}. ${SENTENCE.repeat(3)}`.trim());
    const chunks = chunkText(paragraphs.join("\n\n"), { target: 500, maxChunks: 100 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(500);
    expect(chunks.join("\n").split("\n")).toEqual(paragraphs);
  });

  it("reads only the prefix its passages need: a 32 MiB line gives what its first part gives", () => {
    const text = SENTENCE.repeat(Math.ceil((32 * 1024 * 1024) / SENTENCE.length));
    const started = performance.now();
    const chunks = chunkText(text);
    const ms = performance.now() - started;
    expect(chunks).toHaveLength(DEFAULT_CHUNKING.maxChunks);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(DEFAULT_CHUNKING.target);
    // Same passages as chunking a 2 MiB prefix whole: the rest was never needed.
    expect(chunks).toEqual(chunkText(text.slice(0, 2 * 1024 * 1024)));
    // Chunking all 32 MiB took ~2.2 s (same passages); the prefix takes ~50 ms.
    expect(ms).toBeLessThan(1000);
  });

  it("reads further when the prefix was mostly blank", () => {
    const text = `${" ".repeat(3 * 1024 * 1024)}\n\n${SENTENCE.repeat(20_000)}`;
    const chunks = chunkText(text, { target: 1000, maxChunks: 50 });
    expect(chunks).toHaveLength(50);
    expect(chunks[0]?.startsWith("Lorem ipsum")).toBe(true);
  });
});
