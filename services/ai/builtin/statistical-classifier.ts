import type { ParsedDocument } from "../../parsing/types.ts";
import type { Category, Classification } from "../ai.ts";
import { CATEGORIES } from "../ai.ts";
import type { FieldCalibration } from "./calibration.ts";
import { classifierLogits } from "./classifier-rules.ts";
import { documentFeatures, FEATURE_COUNT, HASH_SIZE, type Sparse } from "./features.ts";
import { type LinearModel, scores, softmaxArray, train } from "./linear-model.ts";

/**
 * The statistical classifier: multinomial logistic regression over general document features
 * (features.ts), and a softmax temperature fitted on held-out folds. Feature sets:
 * - "text+layout": the features alone;
 * - "text+layout+rules": plus the rule scores of classifier-rules.ts as five more features;
 * - "rules+correction": the rule scores as fixed offsets, the model learning a correction;
 * - "rules+layout": the rule scores and the layout features only (no text n-grams): few weights. The shipped parameters are in
 * classifier-model.json, written by scripts/train-classifier.ts.
 */

export type FeatureSet = "text+layout" | "text+layout+rules" | "rules+correction" | "rules+layout";

export interface ClassifierModel {
  /** "rules": the rule scores alone, with the fitted temperature (no learned weights). */
  featureSet: FeatureSet | "rules";
  model?: LinearModel;
  temperature: number;
  fieldCalibration?: FieldCalibration;
  reviewThreshold?: number;
  trainedOn?: { documents: number; command: string };
}

const RULE_SCALE = 0.2;

export function featureCount(set: FeatureSet): number {
  return set === "text+layout+rules" || set === "rules+layout"
    ? FEATURE_COUNT + CATEGORIES.length
    : FEATURE_COUNT;
}

export function modelFeatures(doc: Pick<ParsedDocument, "text" | "ocr">, set: FeatureSet): Sparse {
  const x = documentFeatures(doc);
  if (set === "rules+layout") for (const i of [...x.keys()]) if (i < HASH_SIZE) x.delete(i);
  if (set === "text+layout+rules" || set === "rules+layout") {
    const { logits } = classifierLogits(doc);
    CATEGORIES.forEach((c, i) => {
      x.set(FEATURE_COUNT + i, logits[c] * RULE_SCALE);
    });
  }
  return x;
}

export const TRAIN_OPTIONS = { l2: 1e-3, steps: 300, rate: 1.0 };
/** A correction to the rules is kept smaller than a model of its own. */
const CORRECTION_L2 = 1e-2;

/** Rule scores as fixed logit offsets ("rules+correction"), else none. */
export function modelOffsets(
  doc: Pick<ParsedDocument, "text" | "ocr">,
  set: FeatureSet,
): number[] | undefined {
  if (set !== "rules+correction") return undefined;
  const { logits } = classifierLogits(doc);
  return CATEGORIES.map((c) => logits[c]);
}

export function trainClassifier(
  xs: Sparse[],
  ys: Category[],
  set: FeatureSet,
  offsets?: (number[] | undefined)[],
): LinearModel {
  return train(
    xs,
    ys.map((y) => CATEGORIES.indexOf(y)),
    [...CATEGORIES],
    featureCount(set),
    set === "rules+correction" ? { ...TRAIN_OPTIONS, l2: CORRECTION_L2 } : TRAIN_OPTIONS,
    offsets?.every((o) => o !== undefined) ? (offsets as number[][]) : undefined,
  );
}

export function modelLogits(model: LinearModel, x: Sparse, offset?: number[]): number[] {
  const s = scores(model, x);
  return offset ? s.map((v, i) => v + (offset[i] as number)) : s;
}

export function toClassification(logits: number[], temperature: number): Classification {
  const p = softmaxArray(logits, temperature);
  const s = {} as Record<Category, number>;
  CATEGORIES.forEach((c, i) => {
    s[c] = p[i] as number;
  });
  let category: Category = "other";
  for (const c of CATEGORIES) if (s[c] > s[category]) category = c;
  return { category, confidence: s[category], scores: s };
}

export function classifyWithModel(
  m: ClassifierModel,
  doc: Pick<ParsedDocument, "text" | "ocr">,
): Classification {
  if (m.featureSet === "rules" || !m.model) {
    const { logits } = classifierLogits(doc);
    return toClassification(
      CATEGORIES.map((c) => logits[c]),
      m.temperature,
    );
  }
  const logits = modelLogits(m.model, modelFeatures(doc, m.featureSet), modelOffsets(doc, m.featureSet));
  return toClassification(logits, m.temperature);
}
