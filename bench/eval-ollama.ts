/**
 * Grouped cross-validation of the Ollama provider's agreement confidence (services/ai/ollama/agreement.ts).
 *   DOCMESH_OLLAMA_URL=… npx tsx bench/eval-ollama.ts [corpusDir] [--folds 5] [--cached-only] [--write]
 * Runs the LLM over the corpus (classification, then extraction under the true category and under
 * the named one), caching its answers by document sha256, model and input size in
 * $TMPDIR/docmesh-ollama-cache so reruns are cheap. The built-in provider reads the same parsed
 * document (its category is its hand-written rules' argmax, which nothing is fitted to). For each
 * outer fold (bench/eval-folds.ts) the agree/disagree accuracies are fitted on the other folds
 * only, then the fold is routed with the default review threshold and scored; prints the same
 * table as bench/eval.ts. --cached-only scores only documents already answered. --write fits the
 * table on all documents and writes agreement-confidence.json (the shipped values).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DocumentStatus } from "../gen/docmesh/document/v1/document_pb.ts";
import {
  CATEGORIES,
  type Category,
  type Classification,
  FIELD_KEYS,
  type FieldValue,
  REQUIRED_FIELDS,
} from "../services/ai/ai.ts";
import { BuiltinAiProvider } from "../services/ai/builtin/provider.ts";
import { fieldMatches, loadTruth, type TruthRecord, truthFieldName } from "../services/ai/eval.ts";
import {
  type AgreementConfidence,
  agreementClassification,
  type ClassificationAgreement,
  type FieldAgreement,
  fieldAgreement,
  fieldConfidences,
  fitAgreement,
} from "../services/ai/ollama/agreement.ts";
import { OllamaAiProvider } from "../services/ai/ollama/provider.ts";
import { reviewDecision } from "../services/indexer/review.ts";
import type { ParsedDocument } from "../services/parsing/types.ts";
import { parseCorpus } from "./corpus-cache.ts";
import { type DocOutcome, printSummaryRow, type Summary, summarise } from "./eval.ts";
import type { Status } from "./eval-fit.ts";
import { assignFolds, groupCorpus } from "./eval-folds.ts";
import { findCorpus } from "./eval-prepare.ts";

/** The default DOCMESH_REVIEW_THRESHOLD (services/platform/config.ts). */
const THRESHOLD = 0.92;
const MAX_CHARS = 1000;

/** What the LLM answered for one document. */
interface LlmAnswers {
  named?: Category;
  /** Normalised fields per category asked for. */
  fields: Partial<Record<Category, Record<string, FieldValue>>>;
}

interface Observed {
  t: TruthRecord;
  doc: ParsedDocument;
  llm: LlmAnswers;
  builtinCategory: Category;
  builtinFields: Partial<Record<Category, Record<string, FieldValue>>>;
}

function cachePath(bytes: Buffer, model: string): string {
  const dir = path.join(os.tmpdir(), "docmesh-ollama-cache");
  fs.mkdirSync(dir, { recursive: true });
  const sha = crypto.createHash("sha256").update(bytes).digest("hex");
  return path.join(dir, `${sha}-${model.replace(/[^\w.-]/g, "_")}-${MAX_CHARS}.json`);
}

/** The categories whose extraction is needed: the true one (field accuracy) and the named one (routing). */
function wanted(t: TruthRecord, named?: Category): Category[] {
  return [...new Set([t.category, ...(named ? [named] : [])])].filter((c) => FIELD_KEYS[c].length > 0);
}

/** Cached answers; `extract` false asks the model only for the category (the cheap call). */
async function answer(
  llm: OllamaAiProvider | undefined,
  t: TruthRecord,
  doc: ParsedDocument,
  file: string,
  extract: boolean,
): Promise<LlmAnswers | undefined> {
  const exists = fs.existsSync(file);
  if (!exists && !llm) return undefined;
  const cached: LlmAnswers = exists
    ? (JSON.parse(fs.readFileSync(file, "utf8")) as LlmAnswers)
    : { fields: {} };
  if (!exists && llm) cached.named = await llm.classifyRaw(doc);
  if (extract && llm)
    for (const c of wanted(t, cached.named)) cached.fields[c] ??= await llm.extractRaw(c, doc);
  fs.writeFileSync(file, JSON.stringify(cached));
  return cached;
}

/** Every extraction the scoring needs is there. */
const complete = (o: Observed) => wanted(o.t, o.llm.named).every((c) => o.llm.fields[c] !== undefined);

const isRight = (t: TruthRecord, c: Category) => c === t.category || c === t.category_alt;

/** Truth-scored fields of the LLM extraction under `c`, with their agreement with the built-in value. */
function fieldRows(o: Observed, c: Category) {
  const out: {
    key: string;
    agreement: FieldAgreement;
    correct: boolean;
    present: boolean;
    value?: FieldValue;
  }[] = [];
  if (c === "report" || c === "other") return out;
  const llm = o.llm.fields[c] ?? {};
  const builtin = o.builtinFields[c] ?? {};
  for (const k of FIELD_KEYS[c]) {
    const expected = o.t.fields?.[truthFieldName(c, k)];
    if (expected === undefined) continue;
    const v = llm[k];
    out.push({
      key: `${c}.${k}`,
      agreement: v ? fieldAgreement(k, v.value, builtin[k]) : "builtinMissing",
      correct: fieldMatches(k, v?.value, expected),
      present: v !== undefined,
      value: v,
    });
  }
  return out;
}

export function fitOn(observed: Observed[]): AgreementConfidence {
  const classifications: { agreement: ClassificationAgreement; correct: boolean }[] = [];
  const fields: { agreement: FieldAgreement; correct: boolean }[] = [];
  for (const o of observed) {
    if (o.llm.named === undefined) continue;
    classifications.push({
      agreement: o.llm.named === o.builtinCategory ? "agree" : "disagree",
      correct: isRight(o.t, o.llm.named),
    });
    for (const f of fieldRows(o, o.t.category)) if (f.present) fields.push(f);
  }
  return fitAgreement(classifications, fields);
}

function score(o: Observed, fold: number, table: AgreementConfidence): DocOutcome {
  const cls: Classification = agreementClassification(o.llm.named, o.builtinCategory, table);
  const c = cls.category;
  const named = fieldConfidences(o.llm.fields[c] ?? {}, o.builtinFields[c] ?? {}, table);
  const d = reviewDecision({
    category: c,
    categoryConfidence: cls.confidence,
    fieldConfidences: Object.fromEntries(Object.entries(named).map(([k, v]) => [k, v.confidence])),
    missingFields: REQUIRED_FIELDS[c].filter((k) => named[k] === undefined),
    threshold: THRESHOLD,
  });
  const right = o.llm.named !== undefined && isRight(o.t, c);
  return {
    file: o.t.file,
    fold,
    truth: o.t.category,
    predicted: o.llm.named ?? "(no answer)",
    confidence: cls.confidence,
    truthProbability: cls.scores[o.t.category],
    categoryRight: right,
    status: DocumentStatus[d.status] as Status,
    reasons: d.reasons.map((r) => `${r.field}: ${r.reason}`),
    fullyRight: right && fieldRows(o, c).every((f) => f.correct),
    fields: fieldRows(o, o.t.category).map((f) => ({
      key: f.key,
      correct: f.correct,
      confidence: f.present ? table.fields[f.agreement] : 0,
    })),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const corpusDir = findCorpus(args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--f")));
  const k = Number(flag("--folds") ?? 5);
  const host = process.env.DOCMESH_OLLAMA_URL;
  if (!host) throw new Error("DOCMESH_OLLAMA_URL is not set (source services.env)");
  const model = process.env.DOCMESH_OLLAMA_MODEL ?? "gemma3-270m";
  const llm = new OllamaAiProvider({
    host,
    model,
    maxInputChars: MAX_CHARS,
    chatTimeoutMs: 600_000,
    retries: 1,
  });
  const builtin = new BuiltinAiProvider();
  const truth = loadTruth(corpusDir);
  const parsed = await parseCorpus(corpusDir, truth);
  const started = performance.now();
  const observed: Observed[] = [];
  let skipped = 0;
  const groups = groupCorpus(truth);
  const allFolds = assignFolds(truth, groups, k);
  // Round-robin over the folds, then over the categories, so a run stopped part-way (answers are
  // cached) leaves every fold and every category some documents.
  const byFile = new Map(truth.map((t) => [t.file, t]));
  const interleave = <T>(lists: T[][]): T[] =>
    Array.from({ length: Math.max(0, ...lists.map((l) => l.length)) }, (_, i) => lists.map((l) => l[i]))
      .flat()
      .filter((x): x is T => x !== undefined);
  const foldOrder = interleave(allFolds).map((f) => byFile.get(f) as TruthRecord);
  const order = interleave(CATEGORIES.map((c) => foldOrder.filter((t) => t.category === c)));
  // Classification of every document first (one short call each), then the extractions (long calls).
  const cachedOnly = args.includes("--cached-only");
  for (const extract of args.includes("--classify-only") ? [false] : [false, true]) {
    observed.length = 0;
    skipped = 0;
    for (const t of order) {
      const doc = parsed.get(t.file)?.doc;
      if (!doc) continue;
      const file = cachePath(fs.readFileSync(path.join(corpusDir, t.file)), model);
      const t0 = performance.now();
      const answers = await answer(cachedOnly ? undefined : llm, t, doc, file, extract);
      if (!answers) {
        skipped++;
        continue;
      }
      const builtinFields: Observed["builtinFields"] = {};
      for (const c of wanted(t, answers.named)) builtinFields[c] = (await builtin.extract(c, doc)).fields;
      const builtinCategory = (await builtin.classify(doc)).category;
      observed.push({ t, doc, llm: answers, builtinCategory, builtinFields });
      const ms = Math.round(performance.now() - t0);
      if (ms > 100)
        console.log(
          `${t.file}: ${t.category} → llm ${answers.named ?? "-"}, builtin ${builtinCategory} (${ms} ms)`,
        );
    }
  }
  const classified = observed.slice();
  observed.splice(0, observed.length, ...classified.filter(complete));
  const kept = new Set(classified.map((o) => o.t.file));
  const folds = allFolds.map((f) => f.filter((file) => kept.has(file)));
  console.log(
    `\nOllama (${model}, ${MAX_CHARS} characters) with agreement confidence, grouped ${k}-fold CV, threshold ${THRESHOLD}: ${classified.length} documents classified${skipped ? ` (${skipped} not yet, left out)` : ""}, ${observed.length} of them with their extractions (the table below)`,
  );
  const outcomes: DocOutcome[] = [];
  const foldSummaries: Summary[] = [];
  folds.forEach((testFiles, fi) => {
    const test = new Set(testFiles);
    const table = fitOn(classified.filter((o) => !test.has(o.t.file)));
    console.log(
      `  fold ${fi + 1} fitted: ${JSON.stringify({ classification: table.classification, fields: table.fields })}`,
    );
    const out = observed.filter((o) => test.has(o.t.file)).map((o) => score(o, fi, table));
    foldSummaries.push(summarise(out, THRESHOLD));
    outcomes.push(...out);
  });
  foldSummaries.forEach((s, i) => {
    printSummaryRow(`fold ${i + 1}`, s);
  });
  const overall = summarise(outcomes, THRESHOLD);
  printSummaryRow("overall", overall);
  console.log("  per field (extraction with the true category):");
  for (const [key, v] of Object.entries(overall.fields))
    console.log(
      `    ${key.padEnd(26)} ${`${v.correct}/${v.total}`.padStart(6)} ${((100 * v.correct) / v.total).toFixed(1)}%`,
    );
  const agreeing = outcomes.filter((d) => d.predicted !== "(no answer)");
  const states = (xs: DocOutcome[]) => ({ n: xs.length, right: xs.filter((d) => d.categoryRight).length });
  const byConf = new Map<number, DocOutcome[]>();
  for (const d of agreeing) byConf.set(d.confidence, [...(byConf.get(d.confidence) ?? []), d]);
  console.log("  held-out classification confidence → accuracy:");
  for (const [c, xs] of [...byConf.entries()].sort((a, b) => a[0] - b[0]))
    console.log(`    ${c.toFixed(3)}  ${JSON.stringify(states(xs))}`);
  // Classification alone over every classified document (routing needs the fields too, so the
  // table above covers only the documents with their extractions done).
  const cls = { n: 0, right: 0, belowThreshold: 0, agree: 0, agreeRight: 0, disagreeRight: 0 };
  folds.forEach((testFiles) => {
    const test = new Set(testFiles);
    const table = fitOn(classified.filter((o) => !test.has(o.t.file)));
    for (const o of classified.filter((x) => test.has(x.t.file))) {
      const c = agreementClassification(o.llm.named, o.builtinCategory, table);
      const right = o.llm.named !== undefined && isRight(o.t, c.category);
      cls.n++;
      if (right) cls.right++;
      if (c.confidence < THRESHOLD) cls.belowThreshold++;
      if (o.llm.named === o.builtinCategory) {
        cls.agree++;
        if (right) cls.agreeRight++;
      } else if (right) cls.disagreeRight++;
    }
  });
  console.log(
    `classification over all ${cls.n} classified documents: right ${cls.right}; agree with built-in ${cls.agree} (right ${cls.agreeRight}), disagree ${cls.n - cls.agree} (right ${cls.disagreeRight}); held-out category confidence below ${THRESHOLD}: ${cls.belowThreshold}`,
  );
  const all = fitOn(classified);
  console.log(`fitted on all ${classified.length} documents: ${JSON.stringify(all)}`);
  if (args.includes("--write")) {
    const target = fileURLToPath(new URL("../services/ai/ollama/agreement-confidence.json", import.meta.url));
    const fieldsSeen = classified.flatMap((o) => fieldRows(o, o.t.category).filter((f) => f.present)).length;
    const shipped: AgreementConfidence = {
      ...all,
      fittedOn: {
        documents: classified.filter((o) => o.llm.named !== undefined).length,
        fields: fieldsSeen,
        model,
        command: "npx tsx bench/eval-ollama.ts --write",
      },
    };
    fs.writeFileSync(target, `${JSON.stringify(shipped, null, 2)}\n`);
    console.log(`wrote ${target}`);
  }
  console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
