import type { IndexHit } from "../platform/index/search-index.ts";

/**
 * Reciprocal-rank fusion (Cormack et al., 2009): score = Σ 1 / (k + rank) over the lists a
 * document appears in. Rank-based, so BM25 and cosine scores need no common scale;
 * k = 60 is the paper's value and damps the influence of any single list's top ranks.
 */
export function reciprocalRankFusion(lists: IndexHit[][], k = 60): IndexHit[] {
  const fused = new Map<string, IndexHit>();
  for (const list of lists) {
    list.forEach((hit, rank) => {
      const previous = fused.get(hit.documentId);
      const score = 1 / (k + rank + 1);
      if (previous) {
        previous.score += score;
        previous.highlights = previous.highlights.length > 0 ? previous.highlights : hit.highlights;
      } else {
        fused.set(hit.documentId, { documentId: hit.documentId, score, highlights: hit.highlights });
      }
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score || a.documentId.localeCompare(b.documentId));
}
