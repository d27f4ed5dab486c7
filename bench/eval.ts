/**
 * Grouped cross-validation of the built-in provider over the evaluation corpus.
 *   npm run eval [-- corpusDir] [--folds 5] [--variant NAME] [--errors] [--search] [--json]
 * For each outer fold, everything fitted (classifier weights, temperature, field calibration,
 * review threshold) is fitted on the other folds only (bench/eval-fit.ts), then the fold is
 * scored. Prints per fold and overall: classification accuracy, per-field accuracy (extraction
 * with the true category), the routing (share of INDEXED documents fully right, review rate),
 * and calibration tables. Folds are grouped (bench/eval-folds.ts). Parsed text is cached
 * (bench/corpus-cache.ts; entries of another parser version are parsed again). --errors lists the INDEXED documents
 * that were wrong. --threshold T routes every fold at T (a fixed default) instead of the fitted one.
 * --search also runs bench/eval-search.ts (search recall@5 and MRR).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { CATEGORIES } from "../services/ai/ai.ts";
import {
  categoryRight,
  documentProbs,
  fieldConfidence,
  fieldOutcomes,
  fitVariant,
  fullyRight,
  type Prepared,
  predicted,
  route,
  type Status,
  TARGET_PRECISION,
  VARIANTS,
  type Variant,
} from "./eval-fit.ts";
import { assignFolds, groupCorpus } from "./eval-folds.ts";
import { findCorpus, prepareCorpus } from "./eval-prepare.ts";

export interface DocOutcome {
  file: string;
  fold: number;
  truth: string;
  predicted: string;
  confidence: number;
  /** Held-out probability of the true category (log-loss). */
  truthProbability: number;
  categoryRight: boolean;
  status: Status;
  reasons: string[];
  fullyRight: boolean;
  fields: { key: string; correct: boolean; confidence: number }[];
}

export interface Summary {
  n: number;
  classification: number;
  /** Mean negative log-probability of the true category (lower is better calibrated and sharper). */
  logLoss: number;
  fields: Record<string, { correct: number; total: number }>;
  fieldAccuracy: number;
  indexed: number;
  indexedRight: number;
  /** Share of INDEXED documents fully right. */
  indexedPrecision: number;
  /** Share of documents not INDEXED (NEEDS_REVIEW, PARTIAL or FAILED). */
  reviewRate: number;
  /** Documents sent to review that were fully right. */
  reviewedRight: number;
  threshold?: number;
}

export interface VariantResult {
  variant: Variant;
  folds: Summary[];
  overall: Summary;
  docs: DocOutcome[];
  calibration: Bin[];
  fieldCalibration: Bin[];
}

export interface Bin {
  range: string;
  n: number;
  meanConfidence: number;
  accuracy: number;
}

function bins(pairs: [number, boolean][]): Bin[] {
  const edges = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001];
  const out: Bin[] = [];
  for (let i = 0; i < edges.length - 1; i++) {
    const lo = edges[i] as number;
    const hi = edges[i + 1] as number;
    const inB = pairs.filter(([c]) => c >= lo && c < hi);
    if (inB.length === 0) continue;
    out.push({
      range: `${lo.toFixed(2)}–${Math.min(1, hi).toFixed(2)}`,
      n: inB.length,
      meanConfidence: inB.reduce((s, [c]) => s + c, 0) / inB.length,
      accuracy: inB.filter(([, ok]) => ok).length / inB.length,
    });
  }
  return out;
}

export function summarise(docs: DocOutcome[], threshold?: number): Summary {
  const fields: Record<string, { correct: number; total: number }> = {};
  for (const d of docs)
    for (const f of d.fields) {
      fields[f.key] ??= { correct: 0, total: 0 };
      const e = fields[f.key] as { correct: number; total: number };
      e.total++;
      if (f.correct) e.correct++;
    }
  const all = Object.values(fields);
  const fc = all.reduce((s, v) => s + v.correct, 0);
  const ft = all.reduce((s, v) => s + v.total, 0);
  const indexed = docs.filter((d) => d.status === "INDEXED");
  const indexedRight = indexed.filter((d) => d.fullyRight).length;
  const reviewed = docs.filter((d) => d.status !== "INDEXED");
  return {
    n: docs.length,
    classification: docs.filter((d) => d.categoryRight).length / Math.max(1, docs.length),
    logLoss:
      docs.reduce((sum, d) => sum - Math.log(Math.max(1e-6, d.truthProbability)), 0) /
      Math.max(1, docs.length),
    fields,
    fieldAccuracy: ft ? fc / ft : 0,
    indexed: indexed.length,
    indexedRight,
    indexedPrecision: indexed.length ? indexedRight / indexed.length : 1,
    reviewRate: reviewed.length / Math.max(1, docs.length),
    reviewedRight: reviewed.filter((d) => d.fullyRight).length,
    threshold,
  };
}

export interface CrossValidation {
  corpusDir: string;
  folds: string[][];
  groups: number;
  results: VariantResult[];
  docs: Prepared[];
}

export async function crossValidate(
  corpusDir: string,
  opts: {
    k?: number;
    variants?: Variant[];
    /** Route every fold at this threshold instead of the one fitted on its training folds. */
    threshold?: number;
    log?: (s: string) => void;
  } = {},
): Promise<CrossValidation> {
  const k = opts.k ?? 5;
  const { docs } = await prepareCorpus(corpusDir, (f, r, cached) => {
    if (!cached) opts.log?.(`parsed ${f} in ${r.parseMs.toFixed(0)} ms${r.error ? ` (${r.error})` : ""}`);
  });
  const truth = docs.map((d) => d.t);
  const groups = groupCorpus(truth);
  const folds = assignFolds(truth, groups, k);
  const results: VariantResult[] = [];
  for (const variant of opts.variants ?? VARIANTS) {
    const outcomes: DocOutcome[] = [];
    const foldSummaries: Summary[] = [];
    folds.forEach((testFiles, fi) => {
      const test = new Set(testFiles);
      const train = docs.filter((d) => !test.has(d.t.file));
      const inner = folds.filter((_, j) => j !== fi);
      const fitted = fitVariant(variant, train, inner);
      if (opts.threshold !== undefined) fitted.threshold = opts.threshold;
      const foldOut: DocOutcome[] = [];
      for (const p of docs.filter((d) => test.has(d.t.file))) {
        const probs = p.parsed
          ? documentProbs(p, fitted.logits(p), fitted.temperature)
          : CATEGORIES.map(() => 1 / CATEGORIES.length);
        const c = predicted(probs);
        const r = route(p, probs, fitted.fieldCalibration, fitted.threshold);
        foldOut.push({
          file: p.t.file,
          fold: fi,
          truth: p.t.category,
          predicted: p.parsed ? c : "(unparsed)",
          confidence: p.parsed ? Math.max(...probs) : 0,
          truthProbability: Math.max(
            probs[CATEGORIES.indexOf(p.t.category)] as number,
            p.t.category_alt ? (probs[CATEGORIES.indexOf(p.t.category_alt)] as number) : 0,
          ),
          categoryRight: p.parsed && categoryRight(p, c),
          status: r.status,
          reasons: r.reasons,
          fullyRight: fullyRight(p, c),
          fields: fieldOutcomes(p, p.t.category).map((f) => ({
            key: f.key,
            correct: p.parsed && f.correct,
            confidence: f.present
              ? fieldConfidence(
                  fitted.fieldCalibration,
                  p.t.category,
                  f.key.split(".")[1] as string,
                  f.raw,
                  p.ocr,
                )
              : 0,
          })),
        });
      }
      foldSummaries.push(summarise(foldOut, fitted.threshold));
      outcomes.push(...foldOut);
    });
    results.push({
      variant,
      folds: foldSummaries,
      overall: summarise(outcomes),
      docs: outcomes,
      calibration: bins(
        outcomes.filter((d) => d.predicted !== "(unparsed)").map((d) => [d.confidence, d.categoryRight]),
      ),
      fieldCalibration: bins(
        outcomes.flatMap((d) => d.fields.map((f) => [f.confidence, f.correct] as [number, boolean])),
      ),
    });
  }
  return { corpusDir, folds, groups: new Set(groups.values()).size, results, docs };
}

const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)}%`;

export function printSummaryRow(label: string, s: Summary): void {
  console.log(
    `  ${label.padEnd(19)} n=${String(s.n).padStart(2)}  class ${pct(s.classification)} (log-loss ${s.logLoss.toFixed(2)})  fields ${pct(s.fieldAccuracy)}  INDEXED ${String(s.indexed).padStart(2)} fully right ${pct(s.indexedPrecision)}  review rate ${pct(s.reviewRate)} (fully right among them ${s.reviewedRight})${s.threshold !== undefined ? `  threshold ${s.threshold.toFixed(2)}` : ""}`,
  );
}

function printVariant(r: VariantResult): void {
  console.log(`\n== ${r.variant} ==`);
  r.folds.forEach((s, i) => {
    printSummaryRow(`fold ${i + 1}`, s);
  });
  printSummaryRow("overall", r.overall);
  console.log("  per field (extraction with the true category):");
  for (const [k, v] of Object.entries(r.overall.fields))
    console.log(`    ${k.padEnd(26)} ${`${v.correct}/${v.total}`.padStart(6)} ${pct(v.correct / v.total)}`);
  console.log("  classification calibration (held-out confidence → accuracy):");
  for (const b of r.calibration)
    console.log(
      `    ${b.range}  n=${String(b.n).padStart(3)}  mean conf ${b.meanConfidence.toFixed(2)}  accuracy ${b.accuracy.toFixed(2)}`,
    );
  console.log("  field calibration:");
  for (const b of r.fieldCalibration)
    console.log(
      `    ${b.range}  n=${String(b.n).padStart(3)}  mean conf ${b.meanConfidence.toFixed(2)}  accuracy ${b.accuracy.toFixed(2)}`,
    );
}

/**
 * Search figures (recall@5 and MRR per mode and query type) belong to bench/eval-search.ts, which
 * indexes the corpus with the sentence embedder; with --search it runs here as a child process.
 */
function searchFigures(corpusDir: string, run: boolean): void {
  const file = fileURLToPath(new URL("./eval-search.ts", import.meta.url));
  if (!fs.existsSync(file)) {
    console.log("\nsearch: bench/eval-search.ts not present");
    return;
  }
  if (!run) {
    console.log("\nsearch: add --search (or run `npx tsx bench/eval-search.ts`) for recall@5 and MRR");
    return;
  }
  console.log("\nsearch (bench/eval-search.ts):");
  spawnSync(process.execPath, ["--import", "tsx", file], {
    stdio: "inherit",
    env: { ...process.env, DOCMESH_CORPUS: corpusDir },
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const positional = args.filter(
    (a, i) =>
      !a.startsWith("--") && !(i > 0 && (args[i - 1] as string).startsWith("--") && args[i - 1] !== "--json"),
  );
  const corpusDir = findCorpus(positional[0]);
  const k = Number(flag("--folds") ?? 5);
  const only = flag("--variant") as Variant | undefined;
  const threshold = flag("--threshold");
  const started = performance.now();
  const cv = await crossValidate(corpusDir, {
    k,
    variants: only ? [only] : undefined,
    threshold: threshold === undefined ? undefined : Number(threshold),
    log: (s) => console.log(s),
  });
  console.log(
    `grouped ${k}-fold cross-validation on ${corpusDir}: ${cv.docs.length} documents in ${cv.groups} groups`,
  );
  cv.folds.forEach((f, i) => {
    console.log(`  fold ${i + 1}: ${f.length} documents`);
  });
  for (const r of cv.results) printVariant(r);
  console.log(`\nsummary (target: ≥ ${pct(TARGET_PRECISION)} of INDEXED fully right)`);
  for (const r of cv.results) printSummaryRow(r.variant, r.overall);

  if (args.includes("--errors")) {
    for (const r of cv.results)
      for (const d of r.docs.filter((x) => x.status === "INDEXED" && !x.fullyRight))
        console.log(`  ${r.variant}: INDEXED but wrong: ${d.file} (${d.truth} → ${d.predicted})`);
  }
  searchFigures(corpusDir, args.includes("--search"));
  console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (args.includes("--json"))
    console.log(
      JSON.stringify(cv.results.map((r) => ({ variant: r.variant, overall: r.overall, folds: r.folds }))),
    );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
