import { describe, expect, it } from "vitest";
import {
  crossValidate,
  fitFusion,
  PLAIN_RRF,
  type QueryRun,
  queryFolds,
  ranked,
} from "../../bench/search-cv.ts";
import type { IndexHit } from "../../services/platform/index/search-index.ts";
import { reciprocalRankFusion } from "../../services/search/fusion.ts";

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
