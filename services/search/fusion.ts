import type { IndexHit } from "../platform/index/search-index.ts";

/**
 * Semantic list's share of the hybrid fusion, fitted by cross-validation on training folds of the
 * shared queries (bench/eval-search.ts, docs/search.md): every fold chose 0.5, in both engines.
 */
export const HYBRID_SEMANTIC_WEIGHT = 0.5;

/**
 * How many of each list's top hits set its min-max scale. Fixed, so a document's fused score does
 * not depend on how deep the lists were fetched (the page asked for) nor on the corpus' tail.
 */
export const FUSION_WINDOW = 20;

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

/**
 * Each hit's score min-max normalised over the list's top `window` hits, clamped to [0, 1]: the
 * best hit is 1, the window's last (and anything below it) 0; all equal scores are 1. BM25,
 * ts_rank_cd and cosine have no common scale, but their spread within one query's top does.
 */
function normalised(list: IndexHit[], window: number): Map<string, number> {
  const top = list.slice(0, window).map((h) => h.score);
  const hi = Math.max(...top);
  const lo = Math.min(...top);
  return new Map(
    list.map((h) => [
      h.documentId,
      hi > lo ? Math.min(1, Math.max(0, (h.score - lo) / (hi - lo))) : h.score >= hi ? 1 : 0,
    ]),
  );
}

/**
 * Hybrid fusion by score: (1 − w)·keyword + w·semantic of min-max normalised scores (a list
 * that misses a document gives it 0). Unlike RRF, a confident hit of one list (far above that
 * list's others) outranks documents both lists find only weakly. Ties, such as documents below
 * both windows, fall back to plain RRF order, then the id.
 */
export function scoreFusion(
  keyword: IndexHit[],
  semantic: IndexHit[],
  semanticWeight = HYBRID_SEMANTIC_WEIGHT,
  window = FUSION_WINDOW,
): IndexHit[] {
  const k = normalised(keyword, window);
  const s = normalised(semantic, window);
  const rrf = reciprocalRankFusion([keyword, semantic]);
  const rrfScore = new Map(rrf.map((h) => [h.documentId, h.score]));
  const fused = rrf.map((h) => ({
    ...h,
    score: (1 - semanticWeight) * (k.get(h.documentId) ?? 0) + semanticWeight * (s.get(h.documentId) ?? 0),
  }));
  return fused.sort(
    (a, b) =>
      b.score - a.score ||
      (rrfScore.get(b.documentId) ?? 0) - (rrfScore.get(a.documentId) ?? 0) ||
      a.documentId.localeCompare(b.documentId),
  );
}
