import type { ParsedDocument } from "../parsing/types.ts";

export type { ParsedDocument } from "../parsing/types.ts";

export type Category = "invoice" | "receipt" | "contract" | "report" | "other";

export const CATEGORIES: readonly Category[] = ["invoice", "receipt", "contract", "report", "other"];

export interface Classification {
  category: Category;
  /** Probability of `category`, 0–1 (the top of `scores`). */
  confidence: number;
  /** Probability per category; sums to 1. */
  scores: Record<Category, number>;
}

export interface FieldValue {
  /** Amounts are numbers, dates ISO YYYY-MM-DD, currencies ISO 4217, parties a string[]. */
  value: string | number | string[];
  /** 0–1: how likely the value is right. */
  confidence: number;
}

export interface Extraction {
  category: Category;
  fields: Record<string, FieldValue>;
  /** Required fields (REQUIRED_FIELDS[category]) that could not be extracted. */
  missingRequired: string[];
}

export interface AiProvider {
  readonly name: string;
  readonly embeddingDimensions: number;
  /** Identifies the embedding model; the search index stores it and never mixes vectors of two models. */
  readonly embeddingModel?: string;
  classify(doc: ParsedDocument): Promise<Classification>;
  extract(category: Category, doc: ParsedDocument): Promise<Extraction>;
  /** One L2-normalised vector of `embeddingDimensions` per text. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** The fields extracted per category. */
export const FIELD_KEYS: Record<Category, string[]> = {
  invoice: [
    "invoice_number",
    "issuer",
    "buyer",
    "date",
    "due_date",
    "net_amount",
    "tax_amount",
    "total_amount",
    "currency",
  ],
  receipt: ["merchant", "date", "total_amount", "currency"],
  contract: ["title", "parties", "agreement_date", "governing_law"],
  report: ["title", "organization", "date"],
  other: [],
};

/** Fields without which an extraction is PARTIAL. */
export const REQUIRED_FIELDS: Record<Category, string[]> = {
  invoice: ["invoice_number", "issuer", "date", "total_amount", "currency"],
  receipt: ["merchant", "date", "total_amount"],
  contract: ["title", "parties"],
  report: ["title"],
  other: [],
};

/** Fields whose values are amounts (numbers), dates (ISO) or lists. */
export const AMOUNT_FIELDS = new Set(["net_amount", "tax_amount", "total_amount"]);
export const DATE_FIELDS = new Set(["date", "due_date", "agreement_date"]);

export function isCategory(s: string): s is Category {
  return (CATEGORIES as readonly string[]).includes(s);
}
