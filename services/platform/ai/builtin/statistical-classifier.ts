import type { ParsedDocument } from "../../parsing/types.ts";
import type { Category, Classification } from "../ai.ts";
import { CATEGORIES } from "../ai.ts";
import type { FieldCalibration } from "./calibration.ts";
import { classifierLogits } from "./classifier-rules.ts";
import { documentFeatures, FEATURE_COUNT, type Sparse } from "./features.ts";
import { type LinearModel, scores, softmaxArray, train } from "./linear-model.ts";

/**
 * The statistical classifier: multinomial logistic regression over general document features
 * (features.ts), optionally with the rule scores of classifier-rules.ts as five more features,
 * and a softmax temperature fitted on held-out folds. The shipped parameters are in
 * classifier-model.json, written by scripts/train-classifier.ts.
 */

export type FeatureSet = "text+layout" | "text+layout+rules";

export interface ClassifierModel {
  featureSet: FeatureSet;
  model: LinearModel;
  temperature: number;
  fieldCalibration?: FieldCalibration;
  reviewThreshold?: number;
  trainedOn?: { documents: number; command: string };
}

const RULE_SCALE = 0.2;

export function featureCount(set: FeatureSet): number {
  return set === "text+layout" ? FEATURE_COUNT : FEATURE_COUNT + CATEGORIES.length;
}

export function modelFeatures(doc: Pick<ParsedDocument, "text" | "ocr">, set: FeatureSet): Sparse {
  const x = documentFeatures(doc);
  if (set === "text+layout+rules") {
    const { logits } = classifierLogits(doc);
    CATEGORIES.forEach((c, i) => {
      x.set(FEATURE_COUNT + i, logits[c] * RULE_SCALE);
    });
  }
  return x;
}

export const TRAIN_OPTIONS = { l2: 1e-3, steps: 300, rate: 1.0 };

export function trainClassifier(xs: Sparse[], ys: Category[], set: FeatureSet): LinearModel {
  return train(
    xs,
    ys.map((y) => CATEGORIES.indexOf(y)),
    [...CATEGORIES],
    featureCount(set),
    TRAIN_OPTIONS,
  );
}

export function modelLogits(model: LinearModel, x: Sparse): number[] {
  return scores(model, x);
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
  return toClassification(modelLogits(m.model, modelFeatures(doc, m.featureSet)), m.temperature);
}
