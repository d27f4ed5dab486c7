/**
 * Multinomial logistic regression over sparse features, trained by full-batch gradient descent
 * with L2 regularisation and momentum (deterministic: zero init, fixed steps). Small enough for
 * the few hundred labelled documents the repository may train on; see scripts/train-classifier.ts.
 */
import type { Sparse } from "./features.ts";

export interface LinearModel {
  classes: string[];
  /** weights[c][i] for feature i; the bias is a constant feature. */
  weights: number[][];
}

export interface TrainOptions {
  l2?: number;
  steps?: number;
  rate?: number;
}

export function scores(model: LinearModel, x: Sparse): number[] {
  return model.weights.map((w) => {
    let s = 0;
    for (const [i, v] of x) s += (w[i] ?? 0) * v;
    return s;
  });
}

export function softmaxArray(logits: number[], temperature = 1): number[] {
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp((l - max) / temperature));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

export function train(
  xs: Sparse[],
  ys: number[],
  classes: string[],
  featureCount: number,
  opts: TrainOptions = {},
): LinearModel {
  const l2 = opts.l2 ?? 1e-3;
  const steps = opts.steps ?? 300;
  const rate = opts.rate ?? 1.0;
  const k = classes.length;
  const w = Array.from({ length: k }, () => new Float64Array(featureCount));
  const vel = Array.from({ length: k }, () => new Float64Array(featureCount));
  const n = xs.length;
  for (let step = 0; step < steps; step++) {
    const grad = Array.from({ length: k }, () => new Float64Array(featureCount));
    for (let d = 0; d < n; d++) {
      const x = xs[d] as Sparse;
      const logits = w.map((wc) => {
        let s = 0;
        for (const [i, v] of x) s += (wc[i] as number) * v;
        return s;
      });
      const p = softmaxArray(logits);
      for (let c = 0; c < k; c++) {
        const g = ((p[c] as number) - (c === ys[d] ? 1 : 0)) / n;
        if (g === 0) continue;
        const gc = grad[c] as Float64Array;
        for (const [i, v] of x) gc[i] = (gc[i] as number) + g * v;
      }
    }
    for (let c = 0; c < k; c++) {
      const wc = w[c] as Float64Array;
      const vc = vel[c] as Float64Array;
      const gc = grad[c] as Float64Array;
      for (let i = 0; i < featureCount; i++) {
        const g = (gc[i] as number) + l2 * (wc[i] as number);
        vc[i] = 0.9 * (vc[i] as number) + g;
        wc[i] = (wc[i] as number) - rate * (vc[i] as number);
      }
    }
  }
  return { classes, weights: w.map((wc) => Array.from(wc)) };
}
