import type { ParsedDocument } from "../../parsing/types.ts";
import type { AiProvider, Category, Classification, Extraction } from "../ai.ts";
import { classify } from "./classifier.ts";
import { DEFAULT_EMBEDDING_DIMENSIONS, DEFAULT_EMBEDDING_MODEL, embedTexts } from "./embedding.ts";
import { extract } from "./extractor.ts";
import { classifyWithStructuredData, withStructuredFields } from "./structured.ts";

/**
 * The built-in AI provider: no server, no model download, deterministic.
 * - classify: a weighted multilingual feature model with a calibrated softmax;
 * - extract: label-anchored rules with normalised amounts/dates/currencies and per-field confidence;
 *   an embedded e-invoice XML or a payment QR code decides over them, field by field (structured.ts);
 * - embed: a pretrained multilingual sentence encoder (USE multilingual v3, 512 dimensions) in a
 *   worker thread, installed by scripts/setup.sh (services/ai/embedding/).
 * classify and extract are synchronous CPU work wrapped in promises; they take milliseconds per document.
 */
export class BuiltinAiProvider implements AiProvider {
  readonly name = "builtin";
  readonly embeddingDimensions = DEFAULT_EMBEDDING_DIMENSIONS;
  readonly embeddingModel = DEFAULT_EMBEDDING_MODEL;

  async classify(doc: ParsedDocument): Promise<Classification> {
    return classifyWithStructuredData(doc, () => classify(doc));
  }

  async extract(category: Category, doc: ParsedDocument): Promise<Extraction> {
    return withStructuredFields(extract(category, doc), doc);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return embedTexts(texts);
  }
}

export function createBuiltinProvider(): AiProvider {
  return new BuiltinAiProvider();
}
