/** Loads the corpus, parses it (cached) and computes everything per document that nothing is fitted to. */
import fs from "node:fs";
import path from "node:path";
import type { Category, Extraction } from "../services/ai/ai.ts";
import { CATEGORIES } from "../services/ai/ai.ts";
import { classifierLogits } from "../services/ai/builtin/classifier-rules.ts";
import { extractWithRuleConfidence } from "../services/ai/builtin/extractor.ts";
import { type FeatureSet, modelFeatures } from "../services/ai/builtin/statistical-classifier.ts";
import { withStructuredFields } from "../services/ai/builtin/structured.ts";
import { loadTruth } from "../services/ai/eval.ts";
import type { ParsedDocument } from "../services/parsing/types.ts";
import { type CachedParse, parseCorpus } from "./corpus-cache.ts";
import type { Prepared } from "./eval-fit.ts";

export function findCorpus(arg?: string): string {
  const candidates = [
    arg,
    process.env.DOCMESH_CORPUS,
    path.resolve("../shared/corpus"),
    "/work/shared/corpus",
  ].filter((x): x is string => !!x);
  const found = candidates.find((c) => fs.existsSync(path.join(c, "truth.jsonl")));
  if (!found) throw new Error(`corpus not found (tried ${candidates.join(", ")})`);
  return found;
}

const EMPTY: ParsedDocument = {
  mediaType: "",
  pages: [],
  text: "",
  pageCount: 0,
  language: "und",
  ocr: false,
};

export async function prepareCorpus(
  corpusDir: string,
  onParse?: (file: string, r: CachedParse, cached: boolean) => void,
): Promise<{ docs: Prepared[]; parsed: Map<string, CachedParse> }> {
  const truth = loadTruth(corpusDir);
  const parsed = await parseCorpus(corpusDir, truth, onParse);
  const docs = truth.map((t): Prepared => {
    const r = parsed.get(t.file);
    const doc = r?.doc ?? EMPTY;
    const ext = {} as Record<Category, Extraction>;
    const exact = {} as Record<Category, Set<string>>;
    for (const c of CATEGORIES) {
      // As the provider does: an embedded e-invoice XML or a payment QR code decides over the text.
      const rules = extractWithRuleConfidence(c, doc);
      ext[c] = withStructuredFields(rules, doc);
      exact[c] = new Set(Object.keys(ext[c].fields).filter((k) => ext[c].fields[k] !== rules.fields[k]));
    }
    const { logits } = classifierLogits(doc);
    const x = {} as Record<FeatureSet, ReturnType<typeof modelFeatures>>;
    for (const set of [
      "text+layout",
      "text+layout+rules",
      "rules+correction",
      "rules+layout",
    ] as FeatureSet[])
      x[set] = modelFeatures(doc, set);
    return {
      t,
      parsed: r?.doc !== undefined,
      ocr: doc.ocr,
      x,
      ruleLogits: CATEGORIES.map((c) => logits[c]),
      ext,
      exact,
      structured: doc.structured,
    };
  });
  return { docs, parsed };
}
