/**
 * Calibration fitted on held-out predictions (out-of-fold, never on the documents a model was
 * trained on): a softmax temperature for the classifier, and a logistic (Platt) map from a field's
 * raw rule confidence to the probability that the value is right, with a per-field offset shrunk
 * towards the shared map when a field has few examples.
 */
import { softmaxArray } from "./linear-model.ts";

const TEMPERATURE_GRID = Array.from({ length: 60 }, (_, i) => 0.2 * 1.08 ** i);

/** The temperature minimising the negative log-likelihood of the true classes. */
export function fitTemperature(logits: number[][], ys: number[]): number {
  let best = { t: 1, nll: Number.POSITIVE_INFINITY };
  for (const t of TEMPERATURE_GRID) {
    let nll = 0;
    logits.forEach((l, d) => {
      nll -= Math.log(Math.max(1e-12, softmaxArray(l, t)[ys[d] as number] as number));
    });
    if (nll < best.nll) best = { t, nll };
  }
  return best.t;
}

export interface FieldCalibration {
  a: number;
  b: number;
  /** Shift for text that came from OCR (less reliable whatever the field). */
  ocr: number;
  /** Per-field offsets added to b ("invoice.total_amount" → offset). */
  offsets: Record<string, number>;
}

export interface FieldSample {
  key: string;
  raw: number;
  ocr: boolean;
  correct: boolean;
}

const logit = (p: number) => {
  const q = Math.min(0.99, Math.max(0.01, p));
  return Math.log(q / (1 - q));
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function calibratedFieldConfidence(
  cal: FieldCalibration,
  key: string,
  raw: number,
  ocr: boolean,
): number {
  return sigmoid(cal.a * logit(raw) + cal.b + (ocr ? cal.ocr : 0) + (cal.offsets[key] ?? 0));
}

/** A Gaussian prior on the per-field offsets worth this many examples pulls rare fields to the shared map. */
const OFFSET_PRIOR = 2;

/** Fits the map by gradient descent on the log-loss (a maximum a-posteriori fit for the offsets). */
export function fitFieldCalibration(samples: FieldSample[]): FieldCalibration {
  const cal: FieldCalibration = { a: 1, b: 0, ocr: 0, offsets: {} };
  if (samples.length === 0) return cal;
  const keys = [...new Set(samples.map((s) => s.key))];
  for (const k of keys) cal.offsets[k] = 0;
  const n = samples.length;
  for (let step = 0; step < 3000; step++) {
    let ga = 0;
    let gb = 0;
    let gocr = 0;
    const go: Record<string, number> = {};
    for (const s of samples) {
      const e = calibratedFieldConfidence(cal, s.key, s.raw, s.ocr) - (s.correct ? 1 : 0);
      ga += e * logit(s.raw);
      gb += e;
      if (s.ocr) gocr += e;
      go[s.key] = (go[s.key] ?? 0) + e;
    }
    const rate = 2 / n;
    cal.a -= rate * ga;
    cal.b -= rate * gb;
    cal.ocr -= rate * (gocr + 0.5 * cal.ocr);
    for (const k of keys) {
      const o = cal.offsets[k] as number;
      cal.offsets[k] = o - rate * ((go[k] ?? 0) + OFFSET_PRIOR * o);
    }
  }
  return cal;
}
