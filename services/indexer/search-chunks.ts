// What of a document goes into the search index: its text in chunks of about 1000 characters,
// searched by keyword, and its first short passages with a vector each, searched semantically
// (the best passage stands for the document). The sentence encoder represents a sentence-sized
// passage well and a long chunk poorly, and its CPU is linear in what it reads, so the plan
// (services/ai/embedding/budget.ts) bounds both. A plan whose passages are as long as the chunks
// embeds the chunks themselves (the former layout, kept for the trade-off curve).
import { EMBEDDING_PLAN, type EmbeddingPlan } from "../ai/embedding/budget.ts";
import type { IndexedChunk } from "../platform/index/search-index.ts";
import { chunkText, DEFAULT_CHUNKING } from "./chunk.ts";

export async function searchChunks(
  text: string,
  embed: (texts: string[]) => Promise<Float32Array[]>,
  plan: EmbeddingPlan = EMBEDDING_PLAN,
): Promise<IndexedChunk[]> {
  const chunks = chunkText(text, DEFAULT_CHUNKING);
  if (plan.passageChars >= DEFAULT_CHUNKING.target) {
    const embedded = chunks.slice(0, plan.passagesPerDocument);
    const vectors = embedded.length > 0 ? await embed(embedded) : [];
    return chunks.map((t, ordinal) => ({ ordinal, text: t, embedding: vectors[ordinal] }));
  }
  // Only the passages embedded are cut: the chunker reads no more of the text than they need.
  const passages = chunkText(text, { target: plan.passageChars, maxChunks: plan.passagesPerDocument });
  const vectors = passages.length > 0 ? await embed(passages) : [];
  return [
    ...chunks.map((t, ordinal) => ({ ordinal, text: t })),
    ...passages.map((t, i) => ({
      ordinal: chunks.length + i,
      text: t,
      embedding: vectors[i] as Float32Array,
      vectorOnly: true,
    })),
  ];
}
