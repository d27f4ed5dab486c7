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

/**
 * `offsets` (optional, per document and class) are added to the logits and not learned: with the
 * rule scores as offsets the model learns a correction to the rules, which L2 keeps small.
 */
export function train(
  xs: Sparse[],
  ys: number[],
  classes: string[],
  featureCount: number,
  opts: TrainOptions = {},
  offsets?: number[][],
): LinearModel {
  const l2 = opts.l2 ?? 1e-3;
  const steps = opts.steps ?? 300;
  const rate = opts.rate ?? 1.0;
  const k = classes.length;
  const n = xs.length;
  // Typed copies of the sparse rows: the loop below runs steps × documents × non-zeros × classes.
  const rows = xs.map((x) => ({ idx: Int32Array.from(x.keys()), val: Float64Array.from(x.values()) }));
  const w = new Float64Array(k * featureCount);
  const vel = new Float64Array(k * featureCount);
  const grad = new Float64Array(k * featureCount);
  const logits = new Array<number>(k);
  for (let step = 0; step < steps; step++) {
    grad.fill(0);
    for (let d = 0; d < n; d++) {
      const { idx, val } = rows[d] as { idx: Int32Array; val: Float64Array };
      for (let c = 0; c < k; c++) {
        let s = offsets?.[d]?.[c] ?? 0;
        const base = c * featureCount;
        for (let j = 0; j < idx.length; j++)
          s += (w[base + (idx[j] as number)] as number) * (val[j] as number);
        logits[c] = s;
      }
      const p = softmaxArray(logits);
      for (let c = 0; c < k; c++) {
        const g = ((p[c] as number) - (c === ys[d] ? 1 : 0)) / n;
        const base = c * featureCount;
        for (let j = 0; j < idx.length; j++) {
          const i = base + (idx[j] as number);
          grad[i] = (grad[i] as number) + g * (val[j] as number);
        }
      }
    }
    for (let i = 0; i < w.length; i++) {
      vel[i] = 0.9 * (vel[i] as number) + (grad[i] as number) + l2 * (w[i] as number);
      w[i] = (w[i] as number) - rate * (vel[i] as number);
    }
  }
  return {
    classes,
    weights: Array.from({ length: k }, (_, c) =>
      Array.from(w.subarray(c * featureCount, (c + 1) * featureCount)),
    ),
  };
}
