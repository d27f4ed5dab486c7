// The Ollama AI provider: classification and extraction by structured output (a JSON schema per
// task and category, see schemas.ts), embeddings through the embed API. Every call goes through
// OllamaClient (timeouts, retries, circuit breaker).
import type { ParsedDocument } from "../../parsing/types.ts";
import {
  type AiProvider,
  type Category,
  type Classification,
  type Extraction,
  FIELD_KEYS,
  type FieldValue,
  isCategory,
  REQUIRED_FIELDS,
} from "../ai.ts";
import { BuiltinAiProvider } from "../builtin/provider.ts";
import {
  type AgreementConfidence,
  agreementClassification,
  FITTED_AGREEMENT,
  fieldConfidences,
} from "./agreement.ts";
import { OllamaClient, type OllamaClientOptions } from "./client.ts";
import { normalizeFields } from "./normalize.ts";
import { CLASSIFICATION_SCHEMA, extractionSchema, FIELD_HINTS } from "./schemas.ts";

export interface OllamaProviderOptions extends OllamaClientOptions {
  /** Generation model for classify/extract (default "gemma3-270m"). */
  model?: string;
  /** Embedding model (default "all-minilm"). */
  embedModel?: string;
  /** Its vector size (default 384, all-minilm). Vectors of another size are an error. */
  embeddingDimensions?: number;
  /** Characters of document text sent to the model (default 1000: the 270M model is small and slow). */
  maxInputChars?: number;
  /**
   * The independent reader the model's answers are compared with (default the built-in provider);
   * agreement decides the confidences (agreement.ts).
   */
  reference?: Pick<AiProvider, "classify" | "extract">;
  /** Accuracy per agreement state (default the fitted agreement-confidence.json). */
  agreement?: AgreementConfidence;
  /** Texts per embed request (default 32). */
  embedBatch?: number;
  /** Output token caps (structured output from a small model can ramble). */
  maxClassifyTokens?: number;
  maxExtractTokens?: number;
}

const SYSTEM =
  "You read business documents and answer with compact JSON on a single line, using only facts printed in the document.";

const CATEGORY_HELP =
  "invoice = a bill asking for payment; receipt = proof of a payment in a shop or restaurant; " +
  "contract = an agreement between parties; report = a study, paper or business report; other = anything else.";

/** The first `budget` characters of the text, cut at a line or word end when one is near. */
export function truncateText(text: string, budget: number): string {
  const t = text
    .replace(/[ \t]{2,}/g, "  ")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (t.length <= budget) return t;
  const cut = t.slice(0, budget);
  const at = Math.max(cut.lastIndexOf("\n"), cut.lastIndexOf(" "));
  return at > budget * 0.8 ? cut.slice(0, at) : cut;
}

function parseJson(content: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(content) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Ollama's own timings of one generation, for measurements. */
export interface GenerationStats {
  task: "classify" | "extract";
  promptTokens: number;
  promptMs: number;
  outputTokens: number;
  outputMs: number;
  totalMs: number;
}

export class OllamaAiProvider implements AiProvider {
  readonly name = "ollama";
  /** The timings of the most recent generations (the last 100). */
  readonly stats: GenerationStats[] = [];
  readonly embeddingDimensions: number;
  readonly client: OllamaClient;
  readonly model: string;
  readonly embedModel: string;
  /** The search index's record of which model made its vectors. */
  readonly embeddingModel: string;
  private readonly maxInputChars: number;
  private readonly reference: Pick<AiProvider, "classify" | "extract">;
  private readonly agreement: AgreementConfidence;
  private readonly embedBatch: number;
  private readonly maxClassifyTokens: number;
  private readonly maxExtractTokens: number;

  constructor(options: OllamaProviderOptions) {
    this.client = new OllamaClient(options);
    this.model = options.model ?? "gemma3-270m";
    this.embedModel = options.embedModel ?? "all-minilm";
    this.embeddingModel = `ollama/${this.embedModel}`;
    this.embeddingDimensions = options.embeddingDimensions ?? 384;
    this.maxInputChars = options.maxInputChars ?? 1000;
    this.reference = options.reference ?? new BuiltinAiProvider();
    this.agreement = options.agreement ?? FITTED_AGREEMENT;
    this.embedBatch = options.embedBatch ?? 32;
    this.maxClassifyTokens = options.maxClassifyTokens ?? 24;
    this.maxExtractTokens = options.maxExtractTokens ?? 150;
  }

  /** The document part of the prompt comes first and is the same for every task, so Ollama can reuse its cached prefix. */
  private prompt(text: string, task: string): string {
    return `Document:\n<<<\n${text}\n>>>\n\n${task}`;
  }

  private async generate(
    kind: GenerationStats["task"],
    text: string,
    task: string,
    format: object,
    maxTokens: number,
  ) {
    const res = await this.client.chat({
      model: this.model,
      messages: [
        { role: "system", content: SYSTEM },
        { role: "user", content: this.prompt(text, task) },
      ],
      format,
      keep_alive: "30m",
      options: { temperature: 0, num_predict: maxTokens },
    });
    this.stats.push({
      task: kind,
      promptTokens: res.prompt_eval_count ?? 0,
      promptMs: Math.round((res.prompt_eval_duration ?? 0) / 1e6),
      outputTokens: res.eval_count ?? 0,
      outputMs: Math.round((res.eval_duration ?? 0) / 1e6),
      totalMs: Math.round((res.total_duration ?? 0) / 1e6),
    });
    if (this.stats.length > 100) this.stats.shift();
    return parseJson(res.message.content);
  }

  /** The category the model names, or undefined when its answer is unusable. */
  async classifyRaw(doc: ParsedDocument): Promise<Category | undefined> {
    const text = truncateText(doc.text, this.maxInputChars);
    const task = `What type of document is this? ${CATEGORY_HELP} Answer {"category":"..."}.`;
    const out = await this.generate("classify", text, task, CLASSIFICATION_SCHEMA, this.maxClassifyTokens);
    const named = typeof out?.category === "string" ? out.category.trim().toLowerCase() : "";
    return isCategory(named) ? named : undefined;
  }

  async classify(doc: ParsedDocument): Promise<Classification> {
    // The model first: when it fails (say, an open circuit) the reference's CPU work is not wasted.
    const named = await this.classifyRaw(doc);
    const reference = await this.reference.classify(doc);
    const { agreement: _, ...classification } = agreementClassification(
      named,
      reference.category,
      this.agreement,
    );
    return classification;
  }

  /** The model's normalised field values, with confidences from their presence in the text (normalize.ts). */
  async extractRaw(category: Category, doc: ParsedDocument): Promise<Record<string, FieldValue>> {
    const keys = FIELD_KEYS[category];
    if (keys.length === 0) return {};
    const text = truncateText(doc.text, this.maxInputChars);
    const list = keys.map((k) => `${k}: ${FIELD_HINTS[k] ?? k}`).join("; ");
    const task = `This is a ${category}. Extract these fields: ${list}. Use null for a field that is not printed in the document.`;
    const raw =
      (await this.generate("extract", text, task, extractionSchema(category), this.maxExtractTokens)) ?? {};
    // A small model sometimes echoes the field description from the prompt as the value.
    for (const k of keys) if (raw[k] === FIELD_HINTS[k]) delete raw[k];
    return normalizeFields(category, raw, doc, text);
  }

  async extract(category: Category, doc: ParsedDocument): Promise<Extraction> {
    if (FIELD_KEYS[category].length === 0) return { category, fields: {}, missingRequired: [] };
    const raw = await this.extractRaw(category, doc);
    const reference = await this.reference.extract(category, doc);
    const fields = fieldConfidences(raw, reference.fields, this.agreement);
    const missingRequired = REQUIRED_FIELDS[category].filter((k) => !(k in fields));
    return { category, fields, missingRequired };
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.embedBatch) {
      const batch = texts.slice(i, i + this.embedBatch).map((t) => (t.trim().length === 0 ? " " : t));
      const res = await this.client.embed(this.embedModel, batch);
      if (res.embeddings.length !== batch.length) {
        throw new Error(`ollama embed: ${res.embeddings.length} vectors for ${batch.length} texts`);
      }
      for (const e of res.embeddings) out.push(unitVector(e, this.embeddingDimensions));
    }
    return out;
  }
}

/** L2-normalised Float32Array; a zero vector stays zero. */
export function unitVector(values: number[], dimensions: number): Float32Array {
  if (values.length !== dimensions) {
    throw new Error(`ollama embed: got ${values.length} dimensions, expected ${dimensions}`);
  }
  let norm = 0;
  for (const x of values) norm += x * x;
  norm = Math.sqrt(norm);
  const v = new Float32Array(dimensions);
  if (norm > 0) for (let i = 0; i < dimensions; i++) v[i] = (values[i] as number) / norm;
  return v;
}

export function createOllamaProvider(options: OllamaProviderOptions): AiProvider {
  return new OllamaAiProvider(options);
}
