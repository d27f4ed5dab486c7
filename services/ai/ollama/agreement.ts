// Confidence for the Ollama provider from agreement with the built-in provider. A small LLM gives
// one answer and no usable probabilities; whether that answer agrees with an independent reader of
// the same document (the built-in classifier and extractor, milliseconds per document) is
// observable, and how often agreeing and disagreeing answers are right is measured on the corpus
// (bench/eval-ollama.ts fits it on training folds and writes agreement-confidence.json).
import { readFileSync } from "node:fs";
import {
  AMOUNT_FIELDS,
  CATEGORIES,
  type Category,
  type Classification,
  DATE_FIELDS,
  type FieldValue,
} from "../ai.ts";
import { fieldMatches } from "../eval.ts";

export type ClassificationAgreement = "agree" | "disagree";
export type FieldAgreement = "agree" | "disagree" | "builtinMissing";

/** Empirical accuracy of the LLM's answers in each agreement state. */
export interface AgreementConfidence {
  classification: Record<ClassificationAgreement, number>;
  fields: Record<FieldAgreement, number>;
  /** How the numbers were produced. */
  fittedOn?: { documents: number; fields: number; model: string; command: string };
}

/** The shipped table (agreement-confidence.json next to this file). */
export const FITTED_AGREEMENT: AgreementConfidence = JSON.parse(
  readFileSync(new URL("./agreement-confidence.json", import.meta.url), "utf8"),
) as AgreementConfidence;

/** Compares the LLM's and the built-in extractor's values of one field, after normalisation. */
export function fieldAgreement(key: string, llm: FieldValue["value"], builtin?: FieldValue): FieldAgreement {
  if (builtin === undefined) return "builtinMissing";
  if (AMOUNT_FIELDS.has(key) || DATE_FIELDS.has(key) || key === "currency")
    return fieldMatches(key, llm, builtin.value) ? "agree" : "disagree";
  // Names and titles: the folded-name comparison the corpus truth is scored with (it tolerates a
  // legal suffix or an extra word); party lists agree when each name of either list is in the other.
  const a = Array.isArray(llm) ? llm : [String(llm)];
  const b = Array.isArray(builtin.value) ? builtin.value : [String(builtin.value)];
  return fieldMatches(key, a, b) && fieldMatches(key, b, a) ? "agree" : "disagree";
}

export function classificationConfidence(
  llm: Category,
  builtin: Category,
  table: AgreementConfidence = FITTED_AGREEMENT,
): { agreement: ClassificationAgreement; confidence: number } {
  const agreement = llm === builtin ? "agree" : "disagree";
  return { agreement, confidence: table.classification[agreement] };
}

/**
 * The Classification for the LLM's answer: the named category gets the fitted accuracy of its
 * agreement state (never less than a flat share, so it stays the top score), the other four share
 * the rest equally. No usable answer: `other` with a flat distribution, below any review threshold.
 */
export function agreementClassification(
  named: Category | undefined,
  builtin: Category,
  table: AgreementConfidence = FITTED_AGREEMENT,
): Classification & { agreement?: ClassificationAgreement } {
  const scores = {} as Record<Category, number>;
  const flat = 1 / CATEGORIES.length;
  if (named === undefined) {
    for (const c of CATEGORIES) scores[c] = flat;
    return { category: "other", confidence: flat, scores };
  }
  const { agreement, confidence } = classificationConfidence(named, builtin, table);
  const p = Math.max(flat, confidence);
  for (const c of CATEGORIES) scores[c] = c === named ? p : (1 - p) / (CATEGORIES.length - 1);
  return { category: named, confidence: p, scores, agreement };
}

/** Each LLM field's confidence: the fitted accuracy of its agreement state with the built-in value. */
export function fieldConfidences(
  llm: Record<string, FieldValue>,
  builtin: Record<string, FieldValue>,
  table: AgreementConfidence = FITTED_AGREEMENT,
): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [key, f] of Object.entries(llm))
    out[key] = { ...f, confidence: table.fields[fieldAgreement(key, f.value, builtin[key])] };
  return out;
}

/**
 * Fits the table from labelled outcomes: the share right per state, with add-one smoothing
 * ((right + 1) / (n + 2)) so a state seen rarely (or never) is neither certain nor impossible.
 */
export function fitAgreement(
  classifications: { agreement: ClassificationAgreement; correct: boolean }[],
  fields: { agreement: FieldAgreement; correct: boolean }[],
): AgreementConfidence {
  const rate = <S extends string>(xs: { agreement: S; correct: boolean }[], s: S) => {
    const inS = xs.filter((x) => x.agreement === s);
    const right = inS.filter((x) => x.correct).length;
    return Math.round(((right + 1) / (inS.length + 2)) * 1000) / 1000;
  };
  return {
    classification: { agree: rate(classifications, "agree"), disagree: rate(classifications, "disagree") },
    fields: {
      agree: rate(fields, "agree"),
      disagree: rate(fields, "disagree"),
      builtinMissing: rate(fields, "builtinMissing"),
    },
  };
}
