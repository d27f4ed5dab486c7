// How much of a document the encoder reads. Its cost is linear in the pieces embedded (about
// 0.2 ms of CPU per piece), and an indexed document is embedded in one call holding all its
// chunks, so a per-call budget bounds the CPU per document: every chunk gets an equal share of
// `budget` pieces, at least `minPerText` (about one sentence) and at most `maxPerText`. A query
// (one text) gets `maxPerText`. The defaults come from the trade-off measured by
// bench/eval-search.ts (docs/search.md).

export interface TokenBudget {
  /** Pieces per embed call (one document's chunks). */
  budget: number;
  minPerText: number;
  maxPerText: number;
}

/**
 * 32 pieces (about 25 words) of every chunk and of a query: the best semantic recall of the
 * settings measured, and within hybrid's goal (docs/search.md); a per-document budget cost recall.
 */
export const DEFAULT_TOKEN_BUDGET: TokenBudget = { budget: 32, minPerText: 32, maxPerText: 32 };

export function tokensPerText(texts: number, b: TokenBudget = DEFAULT_TOKEN_BUDGET): number {
  if (texts <= 0) return b.maxPerText;
  return Math.max(b.minPerText, Math.min(b.maxPerText, Math.floor(b.budget / texts)));
}
