// The built-in provider's embeddings: a pretrained multilingual sentence encoder (Universal
// Sentence Encoder multilingual v3, services/ai/embedding/), in a worker thread. It replaced a
// lexical feature hash, which only measured word overlap.
import { EMBEDDING_DIMENSIONS, EMBEDDING_MODEL_ID, sharedEmbedder } from "../embedding/index.ts";

export const DEFAULT_EMBEDDING_DIMENSIONS = EMBEDDING_DIMENSIONS;
export const DEFAULT_EMBEDDING_MODEL = EMBEDDING_MODEL_ID;

/** One unit vector per text, from the process-wide embedder. */
export function embedTexts(texts: string[]): Promise<Float32Array[]> {
  return sharedEmbedder().embed(texts);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
