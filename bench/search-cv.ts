// Cross-validation over the search queries (bench/eval-search.ts): the queries are dealt to K
// folds, stratified by type; whatever is fitted (the hybrid fusion's semantic weight, and which
// embedding setting to use) is chosen on the training folds and scored on the held-out one.
import type { IndexHit } from "../services/platform/index/search-index.ts";
import { reciprocalRankFusion, scoreFusion } from "../services/search/fusion.ts";

export interface QueryRun {
  id: string;
  type: string;
  relevant: string[];
  /** Document ids, best first, as each engine query returned them. */
  keyword: string[];
  semantic: string[];
  /** The engine's scores of those ids, same order (BM25 or ts_rank_cd; (1 + cosine) / 2). */
  keywordScores?: number[];
  semanticScores?: number[];
}

export interface Cell {
  recall5: number;
  mrr: number;
  n: number;
}

export const MODES = ["keyword", "semantic", "hybrid"] as const;
export type Mode = (typeof MODES)[number];
/** The fusion's settings tried: RRF's k and the semantic list's weight (k = 60, 0.5 is plain RRF). */
export interface Fusion {
  k: number;
  weight: number;
}
export const PLAIN_RRF: Fusion = { k: 60, weight: 0.5 };
const FUSION_KS = [60, 20, 5];
const FUSION_WEIGHTS = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8];
/** Nearest to plain RRF first, so a tie keeps the plainer setting. */
export const FUSION_GRID: Fusion[] = FUSION_KS.flatMap((k) =>
  FUSION_WEIGHTS.map((weight) => ({ k, weight })),
);

export function recallAt5(ids: string[], relevant: string[]): number {
  return ids.slice(0, 5).filter((id) => relevant.includes(id)).length / Math.min(5, relevant.length);
}

export function reciprocalRank(ids: string[], relevant: string[]): number {
  const first = ids.findIndex((id) => relevant.includes(id));
  return first >= 0 ? 1 / (first + 1) : 0;
}

const hits = (ids: string[]): IndexHit[] =>
  ids.map((documentId) => ({ documentId, score: 0, highlights: [] }));

/** The ranked ids of one mode; hybrid fuses keyword and semantic as `fusion` says. */
export function ranked(q: QueryRun, mode: Mode, fusion: Fusion = PLAIN_RRF): string[] {
  if (mode !== "hybrid") return q[mode];
  const w = fusion.weight;
  return reciprocalRankFusion([hits(q.keyword), hits(q.semantic)], fusion.k, [1 - w, w]).map(
    (h) => h.documentId,
  );
}

/** Query indexes per fold: sorted by type then id and dealt round-robin, so each type spreads. */
export function queryFolds(runs: QueryRun[], k: number): number[][] {
  const order = runs
    .map((q, i) => ({ q, i }))
    .sort((a, b) => a.q.type.localeCompare(b.q.type) || a.q.id.localeCompare(b.q.id));
  const folds: number[][] = Array.from({ length: Math.min(k, runs.length) }, () => []);
  order.forEach(({ i }, n) => {
    folds[n % folds.length]?.push(i);
  });
  return folds;
}

function mean(runs: QueryRun[], score: (q: QueryRun) => number): number {
  return runs.length === 0 ? 0 : runs.reduce((s, q) => s + score(q), 0) / runs.length;
}

/** Whether score pair `a` beats `b`: the first figure, then the second (strictly, beyond rounding). */
function beats(a: [number, number], b: [number, number]): boolean {
  return a[0] > b[0] + 1e-9 || (Math.abs(a[0] - b[0]) <= 1e-9 && a[1] > b[1] + 1e-9);
}

/** The fusion with the best training recall@5, then MRR; ties keep the plainer setting. */
export function fitFusion(train: QueryRun[]): Fusion {
  let best = PLAIN_RRF;
  let bestScore: [number, number] = [-1, -1];
  for (const w of FUSION_GRID) {
    const r = mean(train, (q) => recallAt5(ranked(q, "hybrid", w), q.relevant));
    const m = mean(train, (q) => reciprocalRank(ranked(q, "hybrid", w), q.relevant));
    if (beats([r, m], bestScore)) {
      best = w;
      bestScore = [r, m];
    }
  }
  return best;
}

export interface CvResult {
  /** mode → query type (and "all") → held-out figures. */
  scores: Record<Mode, Record<string, Cell>>;
  /** The fusion fitted on each fold's training queries. */
  fusions: Fusion[];
  /** The setting (index into the candidates) chosen on each fold's training queries. */
  chosen: number[];
}

function add(cells: Record<string, Cell>, type: string, recall: number, rr: number): void {
  for (const key of [type, "all"]) {
    const c = cells[key] ?? { recall5: 0, mrr: 0, n: 0 };
    cells[key] = c;
    c.recall5 += recall;
    c.mrr += rr;
    c.n += 1;
  }
}

/**
 * K-fold cross-validation over candidate settings, each a run of every query (same order). Per
 * fold, the setting with the best training semantic recall@5 (then hybrid, then the cheaper:
 * lower index) is chosen, the fusion (k and weight) is fitted on the training queries, and the
 * held-out queries are scored. With one candidate this is plain CV of the fusion.
 */
export function crossValidate(candidates: QueryRun[][], k: number): CvResult {
  const first = candidates[0] as QueryRun[];
  const folds = queryFolds(first, k);
  const scores = { keyword: {}, semantic: {}, hybrid: {} } as CvResult["scores"];
  const fusions: Fusion[] = [];
  const chosen: number[] = [];
  for (const fold of folds) {
    const held = new Set(fold);
    const trainOf = (runs: QueryRun[]) => runs.filter((_, i) => !held.has(i));
    let pick = 0;
    let pickScore: [number, number] = [-1, -1];
    candidates.forEach((runs, c) => {
      const train = trainOf(runs);
      const w = fitFusion(train);
      const s = mean(train, (q) => recallAt5(q.semantic, q.relevant));
      const h = mean(train, (q) => recallAt5(ranked(q, "hybrid", w), q.relevant));
      if (beats([s, h], pickScore)) {
        pick = c;
        pickScore = [s, h];
      }
    });
    const runs = candidates[pick] as QueryRun[];
    const w = fitFusion(trainOf(runs));
    chosen.push(pick);
    fusions.push(w);
    for (const i of fold) {
      const q = runs[i] as QueryRun;
      for (const mode of MODES) {
        const ids = ranked(q, mode, w);
        add(scores[mode], q.type, recallAt5(ids, q.relevant), reciprocalRank(ids, q.relevant));
      }
    }
  }
  for (const byType of Object.values(scores))
    for (const c of Object.values(byType)) {
      c.recall5 /= c.n;
      c.mrr /= c.n;
    }
  return { scores, fusions, chosen };
}

/** The hybrid ranking of the service's score fusion (services/search/fusion.ts) at weight `weight`. */
export function convexRanked(q: QueryRun, weight: number): string[] {
  const scored = (ids: string[], scores: number[] | undefined): IndexHit[] =>
    ids.map((documentId, i) => ({ documentId, score: scores?.[i] ?? 0, highlights: [] }));
  return scoreFusion(scored(q.keyword, q.keywordScores), scored(q.semantic, q.semanticScores), weight).map(
    (h) => h.documentId,
  );
}

/** Held-out figures of the score fusion, its semantic weight fitted per fold like `fitFusion`'s. */
export function crossValidateConvex(
  runs: QueryRun[],
  k: number,
  weights = FUSION_WEIGHTS,
): { scores: Record<string, Cell>; weights: number[] } {
  const scores: Record<string, Cell> = {};
  const chosen: number[] = [];
  for (const fold of queryFolds(runs, k)) {
    const train = runs.filter((_, i) => !fold.includes(i));
    let best = weights[0] as number;
    let bestScore: [number, number] = [-1, -1];
    for (const w of weights) {
      const r = mean(train, (q) => recallAt5(convexRanked(q, w), q.relevant));
      const m = mean(train, (q) => reciprocalRank(convexRanked(q, w), q.relevant));
      if (beats([r, m], bestScore)) {
        best = w;
        bestScore = [r, m];
      }
    }
    chosen.push(best);
    for (const i of fold) {
      const q = runs[i] as QueryRun;
      const ids = convexRanked(q, best);
      add(scores, q.type, recallAt5(ids, q.relevant), reciprocalRank(ids, q.relevant));
    }
  }
  for (const c of Object.values(scores)) {
    c.recall5 /= c.n;
    c.mrr /= c.n;
  }
  return { scores, weights: chosen };
}
