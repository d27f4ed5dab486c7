import { describe, expect, it } from "vitest";
import {
  convexRanked,
  crossValidate,
  crossValidateConvex,
  fitFusion,
  PLAIN_RRF,
  type QueryRun,
  queryFolds,
  ranked,
} from "../../bench/search-cv.ts";
import type { IndexHit } from "../../services/platform/index/search-index.ts";
import { reciprocalRankFusion, scoreFusion } from "../../services/search/fusion.ts";

const hits = (...ids: string[]): IndexHit[] =>
  ids.map((documentId) => ({ documentId, score: 0, highlights: [] }));

describe("hybrid fusion (weighted reciprocal-rank fusion)", () => {
  it("without weights is plain RRF: Σ 1 / (60 + rank)", () => {
    const fused = reciprocalRankFusion([hits("a", "b"), hits("b", "c")]);
    expect(fused.map((h) => h.documentId)).toEqual(["b", "a", "c"]);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
  });

  it("a list's weight decides between two documents each list ranks first", () => {
    const keyword = hits("k", "x");
    const semantic = hits("s", "y");
    expect(reciprocalRankFusion([keyword, semantic], 60, [0.7, 0.3])[0]?.documentId).toBe("k");
    expect(reciprocalRankFusion([keyword, semantic], 60, [0.3, 0.7])[0]?.documentId).toBe("s");
  });
});

const scored = (...pairs: [string, number][]): IndexHit[] =>
  pairs.map(([documentId, score]) => ({ documentId, score, highlights: [] }));

describe("hybrid fusion by normalised scores (scoreFusion)", () => {
  // Keyword finds a, b, c weakly and evenly; semantic is sure of s (far above its others).
  const keyword = scored(["a", 3], ["b", 2.9], ["c", 2.8], ["d", 1]);
  const semantic = scored(["s", 0.9], ["a", 0.62], ["b", 0.61], ["c", 0.6]);

  it("ranks one list's confident hit above documents both lists find weakly, where RRF does not", () => {
    expect(scoreFusion(keyword, semantic)[0]?.documentId).toBe("a");
    expect(
      scoreFusion(keyword, semantic)
        .map((h) => h.documentId)
        .indexOf("s"),
    ).toBeLessThan(3);
    expect(
      reciprocalRankFusion([keyword, semantic])
        .map((h) => h.documentId)
        .indexOf("s"),
    ).toBe(3);
  });

  it("is (1 − w)·keyword + w·semantic of min-max scores, 0 where a list misses the document", () => {
    const fused = new Map(scoreFusion(keyword, semantic, 0.5).map((h) => [h.documentId, h.score]));
    expect(fused.get("s")).toBeCloseTo(0.5 * 1, 12);
    expect(fused.get("a")).toBeCloseTo(0.5 * 1 + 0.5 * (0.02 / 0.3), 12);
    expect(fused.get("d")).toBeCloseTo(0, 12);
  });

  it("does not depend on a list's scale (BM25 against ts_rank_cd)", () => {
    const scaled = keyword.map((h) => ({ ...h, score: h.score * 1000 }));
    expect(scoreFusion(scaled, semantic).map((h) => h.documentId)).toEqual(
      scoreFusion(keyword, semantic).map((h) => h.documentId),
    );
  });

  it("does not depend on how deep the lists were fetched beyond the window", () => {
    const deeper = [...keyword, ...scored(["x", 0.5], ["y", 0.1])];
    const top = (list: IndexHit[]) =>
      scoreFusion(list, semantic, 0.5, 4)
        .slice(0, 4)
        .map((h) => [h.documentId, h.score]);
    expect(top(deeper)).toEqual(top(keyword));
  });

  it("weights 0 and 1 give one list's order; equal scores all count as the best", () => {
    // d (keyword's last) and s (keyword misses it) both get 0: plain RRF breaks the tie.
    expect(scoreFusion(keyword, semantic, 0).map((h) => h.documentId)).toEqual(["a", "b", "c", "s", "d"]);
    expect(
      scoreFusion(keyword, semantic, 1)
        .map((h) => h.documentId)
        .slice(0, 4),
    ).toEqual(["s", "a", "b", "c"]);
    const flat = scoreFusion(scored(["p", 0], ["q", 0]), [], 0.5);
    expect(flat.map((h) => h.score)).toEqual([0.5, 0.5]);
    expect(flat.map((h) => h.documentId)).toEqual(["p", "q"]);
  });
});

// Two query types; keyword finds the keyword queries, semantic the semantic ones.
const run = (id: string, type: string, keywordFirst: boolean): QueryRun => ({
  id,
  type,
  relevant: [`${id}-doc`],
  keyword: keywordFirst ? [`${id}-doc`, "n1", "n2"] : ["n1", "n2", "n3", "n4", "n5", "n6", `${id}-doc`],
  semantic: keywordFirst ? ["m1", "m2", "m3", "m4", "m5", "m6", `${id}-doc`] : [`${id}-doc`, "m1"],
});

describe("search cross-validation (bench/search-cv.ts)", () => {
  const runs = [
    ...["k1", "k2", "k3", "k4"].map((id) => run(id, "keyword", true)),
    ...["s1", "s2", "s3"].map((id) => run(id, "semantic", false)),
  ];

  it("deals the queries to folds by type, each query held out once", () => {
    const folds = queryFolds(runs, 3);
    expect(folds.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const fold of folds) expect(fold.length).toBeGreaterThanOrEqual(2);
  });

  it("fits the fusion on the training queries only, keeping plain RRF on a tie", () => {
    // Only keyword-type queries to train on: plain RRF already ranks them first.
    const fusion = fitFusion(runs.slice(0, 4));
    expect(ranked(runs[0] as QueryRun, "hybrid", fusion)[0]).toBe("k1-doc");
    expect(fusion).toEqual(PLAIN_RRF);
  });

  it("scores every query once, held out, and chooses the setting on training folds", () => {
    const worse = runs.map((q) => ({ ...q, semantic: ["m1", "m2", "m3", "m4", "m5", "m6"] }));
    const cv = crossValidate([worse, runs], 3);
    expect(cv.chosen).toEqual([1, 1, 1]);
    expect(cv.scores.semantic.all?.n).toBe(7);
    expect(cv.scores.semantic.semantic?.recall5).toBe(1);
    expect(cv.scores.keyword.keyword?.recall5).toBe(1);
    expect(cv.scores.hybrid.all?.recall5).toBe(1);
  });
});

describe("score fusion under cross-validation (bench/search-cv.ts)", () => {
  // Keyword scores a distractor high and the answer low; semantic is sure of the answer.
  const q = (id: string): QueryRun => ({
    id,
    type: "semantic",
    relevant: [`${id}-doc`],
    keyword: ["n1", "n2", "n3", "n4", "n5", "n6"],
    keywordScores: [9, 8.9, 8.8, 8.7, 8.6, 8.5],
    semantic: [`${id}-doc`, "n1", "n2", "n3", "n4", "n5", "n6"],
    semanticScores: [0.9, 0.6, 0.59, 0.58, 0.57, 0.56, 0.55],
  });

  it("ranks as the service's fusion does and fits the weight on training queries only", () => {
    const runs = ["a", "b", "c"].map(q);
    expect(convexRanked(runs[0] as QueryRun, 0.5)[0]).toBe("n1");
    const cv = crossValidateConvex(runs, 3);
    expect(cv.weights).toHaveLength(3);
    for (const w of cv.weights) expect(w).toBeGreaterThan(0.5);
    expect(cv.scores.all?.n).toBe(3);
    expect(cv.scores.semantic?.mrr).toBe(1);
  });
});
