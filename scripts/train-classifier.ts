/**
 * Trains the shipped classifier and calibration on the whole evaluation corpus and writes
 * services/ai/builtin/classifier-model.json:
 *   npx tsx scripts/train-classifier.ts [corpusDir] [--variant rules|text+layout|…]
 * It runs the same fitting procedure as each fold of `npm run eval` (bench/eval-fit.ts), with the
 * corpus split into the same grouped folds for the held-out predictions that the temperature and
 * the review threshold are fitted on. The figures to quote are the cross-validated ones from
 * `npm run eval`, never the fit of this model to the documents it was trained on.
 */
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { fitVariant, type Variant } from "../bench/eval-fit.ts";
import { assignFolds, groupCorpus } from "../bench/eval-folds.ts";
import { findCorpus, prepareCorpus } from "../bench/eval-prepare.ts";
import type { LinearModel } from "../services/ai/builtin/linear-model.ts";

/** The variant chosen by the cross-validated figures (docs/ai.md). */
const DEFAULT_VARIANT: Variant = "rules";
const OUT = fileURLToPath(new URL("../services/ai/builtin/classifier-model.json", import.meta.url));

function rounded(m: LinearModel): LinearModel {
  return { classes: m.classes, weights: m.weights.map((w) => w.map((v) => Math.round(v * 1e4) / 1e4)) };
}

const args = process.argv.slice(2);
const vi = args.indexOf("--variant");
const variant = (vi >= 0 ? args[vi + 1] : DEFAULT_VARIANT) as Variant;
const corpus = findCorpus(args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--variant"));
const { docs } = await prepareCorpus(corpus);
const truth = docs.map((d) => d.t);
const folds = assignFolds(truth, groupCorpus(truth), 5);
const fitted = fitVariant(variant, docs, folds, "npx tsx scripts/train-classifier.ts");
if (!fitted.model) throw new Error(`variant ${variant} has nothing to fit`);
const model = fitted.model.model ? { ...fitted.model, model: rounded(fitted.model.model) } : fitted.model;
fs.writeFileSync(OUT, `${JSON.stringify(model)}\n`);
console.log(
  `wrote ${OUT}: ${variant}, ${model.trainedOn?.documents} documents, temperature ${model.temperature.toFixed(3)}, review threshold ${model.reviewThreshold}`,
);
