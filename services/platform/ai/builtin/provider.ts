import type { ParsedDocument } from "../../parsing/types.ts";
import type { AiProvider, Category, Classification, Extraction } from "../ai.ts";
import { classify } from "./classifier.ts";
import { DEFAULT_EMBEDDING_DIMENSIONS, embedText } from "./embedding.ts";
import { extract } from "./extractor.ts";

export interface BuiltinProviderOptions {
  /** Embedding size; 384 by default (the size of common small sentence encoders, for index compatibility). */
  embeddingDimensions?: number;
}

/**
 * The built-in AI provider: no server, no model download, deterministic.
 * - classify: a weighted multilingual feature model with a calibrated softmax;
 * - extract: label-anchored rules with normalised amounts/dates/currencies and per-field confidence;
 * - embed: feature-hashed word/bigram/char-3-gram vectors, L2-normalised (lexical, not semantic).
 * All methods are synchronous CPU work wrapped in promises; they take milliseconds per document.
 */
export class BuiltinAiProvider implements AiProvider {
  readonly name = "builtin";
  readonly embeddingDimensions: number;

  constructor(options: BuiltinProviderOptions = {}) {
    this.embeddingDimensions = options.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
  }

  async classify(doc: ParsedDocument): Promise<Classification> {
    return classify(doc);
  }

  async extract(category: Category, doc: ParsedDocument): Promise<Extraction> {
    return extract(category, doc);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => embedText(t, this.embeddingDimensions));
  }
}

export function createBuiltinProvider(options?: BuiltinProviderOptions): AiProvider {
  return new BuiltinAiProvider(options);
}
