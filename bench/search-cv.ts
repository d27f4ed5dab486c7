// Cross-validation over the search queries (bench/eval-search.ts): the queries are dealt to K
// folds, stratified by type; whatever is fitted (the hybrid fusion's semantic weight, and which
// embedding setting to use) is chosen on the training folds and scored on the held-out one.
import type { IndexHit } from "../services/platform/index/search-index.ts";
import { reciprocalRankFusion } from "../services/search/fusion.ts";

export interface QueryRun {
  id: string;
  type: string;
  relevant: string[];
  /** Document ids, best first, as each engine query returned them. */
  keyword: string[];
  semantic: string[];
}

export interface Cell {
  recall5: number;
  mrr: number;
  n: number;
}

export const MODES = ["keyword", "semantic", "hybrid"] as const;
export type Mode = (typeof MODES)[number];
/** Semantic weights tried for the fusion (0.5 is plain RRF). */
export const FUSION_WEIGHTS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

export function recallAt5(ids: string[], relevant: string[]): number {
  return ids.slice(0, 5).filter((id) => relevant.includes(id)).length / Math.min(5, relevant.length);
}

export function reciprocalRank(ids: string[], relevant: string[]): number {
  const first = ids.findIndex((id) => relevant.includes(id));
  return first >= 0 ? 1 / (first + 1) : 0;
}

const hits = (ids: string[]): IndexHit[] =>
  ids.map((documentId) => ({ documentId, score: 0, highlights: [] }));

/** The ranked ids of one mode; hybrid fuses keyword and semantic with `weight` on semantic. */
export function ranked(q: QueryRun, mode: Mode, weight = 0.5): string[] {
  if (mode !== "hybrid") return q[mode];
  return reciprocalRankFusion([hits(q.keyword), hits(q.semantic)], 60, [1 - weight, weight]).map(
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

/** The semantic weight with the best training recall@5, then MRR; ties go to plain RRF (0.5). */
export function fitFusionWeight(train: QueryRun[]): number {
  let best = 0.5;
  let bestScore: [number, number] = [-1, -1];
  const byDistance = [...FUSION_WEIGHTS].sort((a, b) => Math.abs(a - 0.5) - Math.abs(b - 0.5));
  for (const w of byDistance) {
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
  /** The fusion weight fitted on each fold's training queries. */
  weights: number[];
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
 * lower index) is chosen, the fusion weight is fitted on the training queries, and the held-out
 * queries are scored. With one candidate this is plain CV of the fusion weight.
 */
export function crossValidate(candidates: QueryRun[][], k: number): CvResult {
  const first = candidates[0] as QueryRun[];
  const folds = queryFolds(first, k);
  const scores = { keyword: {}, semantic: {}, hybrid: {} } as CvResult["scores"];
  const weights: number[] = [];
  const chosen: number[] = [];
  for (const fold of folds) {
    const held = new Set(fold);
    const trainOf = (runs: QueryRun[]) => runs.filter((_, i) => !held.has(i));
    let pick = 0;
    let pickScore: [number, number] = [-1, -1];
    candidates.forEach((runs, c) => {
      const train = trainOf(runs);
      const w = fitFusionWeight(train);
      const s = mean(train, (q) => recallAt5(q.semantic, q.relevant));
      const h = mean(train, (q) => recallAt5(ranked(q, "hybrid", w), q.relevant));
      if (beats([s, h], pickScore)) {
        pick = c;
        pickScore = [s, h];
      }
    });
    const runs = candidates[pick] as QueryRun[];
    const w = fitFusionWeight(trainOf(runs));
    chosen.push(pick);
    weights.push(w);
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
  return { scores, weights, chosen };
}
