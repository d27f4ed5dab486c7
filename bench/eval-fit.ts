/**
 * The one fitting procedure used by the cross-validation harness (bench/eval.ts, once per outer
 * fold, on the training folds only) and by scripts/train-classifier.ts (on the whole corpus):
 *  1. out-of-fold class logits on the training documents (inner grouped folds);
 *  2. the softmax temperature that fits those held-out logits;
 *  3. the field-confidence calibration, from the training documents' extractions;
 *  4. the review threshold: the lowest at which ≥ TARGET of the held-out documents that would be
 *     auto-accepted (INDEXED) are fully right;
 *  5. the classifier itself, trained on all training documents.
 */
import { DocumentStatus } from "../gen/docmesh/document/v1/document_pb.ts";
import type { Category, Extraction } from "../services/ai/ai.ts";
import { CATEGORIES, FIELD_KEYS, REQUIRED_FIELDS } from "../services/ai/ai.ts";
import {
  calibratedFieldConfidence,
  type FieldCalibration,
  fitFieldCalibration,
  fitTemperature,
} from "../services/ai/builtin/calibration.ts";
import { TEMPERATURE as RULE_TEMPERATURE } from "../services/ai/builtin/classifier-rules.ts";
import type { Sparse } from "../services/ai/builtin/features.ts";
import { softmaxArray } from "../services/ai/builtin/linear-model.ts";
import {
  type ClassifierModel,
  type FeatureSet,
  modelLogits,
  trainClassifier,
} from "../services/ai/builtin/statistical-classifier.ts";
import { classifyWithStructuredData } from "../services/ai/builtin/structured.ts";
import { fieldMatches, type TruthRecord, truthFieldName } from "../services/ai/eval.ts";
import { reviewDecision } from "../services/indexer/review.ts";
import type { StructuredData } from "../services/parsing/structured.ts";

/** Share of auto-accepted documents that must be fully right (issue 12). */
export const TARGET_PRECISION = 0.97;

export type Variant = "rules (as before)" | "rules" | FeatureSet;
export const VARIANTS: Variant[] = [
  "rules (as before)",
  "rules",
  "text+layout",
  "text+layout+rules",
  "rules+correction",
  "rules+layout",
];

/** A corpus document with everything that does not depend on fitting computed once. */
export interface Prepared {
  t: TruthRecord;
  parsed: boolean;
  ocr: boolean;
  x: Record<FeatureSet, Sparse>;
  ruleLogits: number[];
  /**
   * Extraction under each category as the provider returns it: the rules' raw confidences, with
   * the fields an embedded e-invoice or a payment QR code gives replaced (structured.ts).
   */
  ext: Record<Category, Extraction>;
  /** Per category, the fields that came from that structured data: exact, never calibrated. */
  exact: Record<Category, ReadonlySet<string>>;
  /** The document's machine-readable data (e-invoice XML, payment codes), if any. */
  structured?: StructuredData;
}

export interface FieldOutcome {
  key: string;
  raw: number;
  present: boolean;
  correct: boolean;
  /** From structured data: its confidence is the standard's, not the rules'. */
  exact: boolean;
}

/** The scored fields of `p` extracted as category `c` (fields with truth only). */
export function fieldOutcomes(p: Prepared, c: Category): FieldOutcome[] {
  const out: FieldOutcome[] = [];
  if (c === "report" || c === "other") return out;
  for (const k of FIELD_KEYS[c]) {
    const expected = p.t.fields?.[truthFieldName(c, k)];
    if (expected === undefined) continue;
    const fv = p.ext[c].fields[k];
    out.push({
      key: `${c}.${k}`,
      raw: fv?.confidence ?? 0,
      present: fv !== undefined,
      correct: fieldMatches(k, fv?.value, expected),
      exact: p.exact[c].has(k),
    });
  }
  return out;
}

export function categoryRight(p: Prepared, c: Category): boolean {
  return c === p.t.category || c === p.t.category_alt;
}

/** Right category, and every field with truth right (invoices, receipts, contracts). */
export function fullyRight(p: Prepared, c: Category): boolean {
  return p.parsed && categoryRight(p, c) && fieldOutcomes(p, c).every((f) => f.correct);
}

export type Status = "INDEXED" | "NEEDS_REVIEW" | "PARTIAL" | "FAILED";

export interface Routed {
  status: Status;
  /** Fields (or "category") below the threshold, and missing required fields. */
  reasons: string[];
}

/** The pipeline's own review decision (services/indexer/review.ts) on the calibrated confidences. */
export function route(
  p: Prepared,
  probs: number[],
  fc: FieldCalibration | undefined,
  threshold: number,
): Routed {
  if (!p.parsed) return { status: "FAILED", reasons: ["parse"] };
  const c = predicted(probs);
  const e = p.ext[c];
  const fieldConfidences: Record<string, number> = {};
  for (const [k, v] of Object.entries(e.fields))
    fieldConfidences[k] = p.exact[c].has(k) ? v.confidence : fieldConfidence(fc, c, k, v.confidence, p.ocr);
  const d = reviewDecision({
    category: c,
    categoryConfidence: Math.max(...probs),
    fieldConfidences,
    missingFields: REQUIRED_FIELDS[c].filter((k) => e.fields[k] === undefined),
    threshold,
  });
  return {
    status: DocumentStatus[d.status] as Status,
    reasons: d.reasons.map((r) => `${r.field}: ${r.reason}`),
  };
}

export function fieldConfidence(
  fc: FieldCalibration | undefined,
  c: Category,
  key: string,
  raw: number,
  ocr: boolean,
): number {
  return fc ? calibratedFieldConfidence(fc, `${c}.${key}`, raw, ocr) : raw;
}

/**
 * Class probabilities of a parsed document as the provider gives them: the softmax of the fitted
 * logits, then the structured data's say (an e-invoice makes it an invoice; a payment code raises
 * the odds of one), by the provider's own function.
 */
export function documentProbs(p: Prepared, logits: number[], temperature: number): number[] {
  const text = softmaxArray(logits, temperature);
  if (!p.structured) return text;
  const scores = Object.fromEntries(CATEGORIES.map((c, i) => [c, text[i] as number])) as Record<
    Category,
    number
  >;
  const category = predicted(text);
  const withData = classifyWithStructuredData({ structured: p.structured }, () => ({
    category,
    confidence: scores[category],
    scores,
  }));
  return CATEGORIES.map((c) => withData.scores[c]);
}

export function predicted(probs: number[]): Category {
  let best = 0;
  for (let i = 1; i < probs.length; i++) if ((probs[i] as number) > (probs[best] as number)) best = i;
  return CATEGORIES[best] as Category;
}

const THRESHOLDS = Array.from({ length: 70 }, (_, i) => 0.3 + i * 0.01);

/**
 * The lowest threshold at which ≥ TARGET_PRECISION of these held-out documents that would be
 * INDEXED are fully right; when no threshold reaches it, 1 (everything goes to review).
 * Documents with an embedded e-invoice are left out: their fields and class come from the XML at
 * the standard's confidence, so the threshold does not route them, and counting them would let
 * their sure acceptances pay for the text extractions' errors.
 */
export function chooseThreshold(
  docs: Prepared[],
  probs: number[][],
  fc: FieldCalibration | undefined,
): number {
  for (const t of THRESHOLDS) {
    let accepted = 0;
    let right = 0;
    docs.forEach((p, i) => {
      if (p.structured?.einvoice) return;
      if (route(p, probs[i] as number[], fc, t).status !== "INDEXED") return;
      accepted++;
      if (fullyRight(p, predicted(probs[i] as number[]))) right++;
    });
    if (accepted > 0 && right / accepted >= TARGET_PRECISION) return Math.round(t * 100) / 100;
  }
  return 1;
}

export interface Fitted {
  variant: Variant;
  model?: ClassifierModel;
  temperature: number;
  fieldCalibration?: FieldCalibration;
  threshold: number;
  /** Class logits of a document under the fitted classifier. */
  logits(p: Prepared): number[];
}

function offsetsOf(d: Prepared, set: FeatureSet): number[] | undefined {
  return set === "rules+correction" ? d.ruleLogits : undefined;
}

function trainOn(docs: Prepared[], set: FeatureSet) {
  return trainClassifier(
    docs.map((d) => d.x[set]),
    docs.map((d) => d.t.category),
    set,
    docs.map((d) => offsetsOf(d, set)),
  );
}

/**
 * Fits `variant` on `train`, whose documents are split into `innerFolds` (lists of files) for the
 * held-out predictions that temperature and threshold are fitted on.
 */
export function fitVariant(
  variant: Variant,
  train: Prepared[],
  innerFolds: string[][],
  command = "",
): Fitted {
  if (variant === "rules (as before)") {
    return { variant, temperature: RULE_TEMPERATURE, threshold: 0.5, logits: (p) => p.ruleLogits };
  }
  const usable = train.filter((d) => d.parsed);
  const oofLogits = new Map<string, number[]>();
  if (variant === "rules") {
    for (const d of usable) oofLogits.set(d.t.file, d.ruleLogits);
  } else {
    for (const held of innerFolds) {
      const heldSet = new Set(held);
      const m = trainOn(
        usable.filter((d) => !heldSet.has(d.t.file)),
        variant,
      );
      for (const d of usable)
        if (heldSet.has(d.t.file)) oofLogits.set(d.t.file, modelLogits(m, d.x[variant]));
    }
  }
  const scored = usable.filter((d) => oofLogits.has(d.t.file));
  const temperature = fitTemperature(
    scored.map((d) => oofLogits.get(d.t.file) as number[]),
    scored.map((d) => CATEGORIES.indexOf(d.t.category)),
  );
  const fieldCalibration = fitFieldCalibration(
    usable.flatMap((d) =>
      Object.keys(d.ext[d.t.category].fields).length === 0
        ? []
        : fieldOutcomes(d, d.t.category)
            .filter((f) => f.present && !f.exact)
            .map((f) => ({ key: f.key, raw: f.raw, ocr: d.ocr, correct: f.correct })),
    ),
  );
  const oofProbs = scored.map((d) => documentProbs(d, oofLogits.get(d.t.file) as number[], temperature));
  const threshold = chooseThreshold(scored, oofProbs, fieldCalibration);
  const trainedOn = { documents: usable.length, command };
  if (variant === "rules") {
    return {
      variant,
      temperature,
      fieldCalibration,
      threshold,
      model: { featureSet: "rules", temperature, fieldCalibration, reviewThreshold: threshold, trainedOn },
      logits: (p) => p.ruleLogits,
    };
  }
  const model = trainOn(usable, variant);
  return {
    variant,
    temperature,
    fieldCalibration,
    threshold,
    model: {
      featureSet: variant,
      model,
      temperature,
      fieldCalibration,
      reviewThreshold: threshold,
      trainedOn,
    },
    logits: (p) => modelLogits(model, p.x[variant], offsetsOf(p, variant)),
  };
}
