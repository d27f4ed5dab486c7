import type { IndexHit } from "../platform/index/search-index.ts";

/**
 * Semantic list's share of the hybrid fusion, fitted by cross-validation on training folds of the
 * shared queries (bench/eval-search.ts, docs/search.md); 0.5 is plain RRF.
 */
export const HYBRID_SEMANTIC_WEIGHT = 0.5;

/**
 * Reciprocal-rank fusion (Cormack et al., 2009): score = Σ wᵢ / (k + rank) over the lists a
 * document appears in. Rank-based, so BM25 and cosine scores need no common scale;
 * k = 60 is the paper's value and damps the influence of any single list's top ranks.
 * `weights` (one per list, default 1) scale each list's contribution.
 */
export function reciprocalRankFusion(lists: IndexHit[][], k = 60, weights?: number[]): IndexHit[] {
  const fused = new Map<string, IndexHit>();
  lists.forEach((list, l) => {
    const weight = weights?.[l] ?? 1;
    list.forEach((hit, rank) => {
      const previous = fused.get(hit.documentId);
      const score = weight / (k + rank + 1);
      if (previous) {
        previous.score += score;
        previous.highlights = previous.highlights.length > 0 ? previous.highlights : hit.highlights;
      } else {
        fused.set(hit.documentId, { documentId: hit.documentId, score, highlights: hit.highlights });
      }
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score || a.documentId.localeCompare(b.documentId));
}
