import type { Box, ParsedDocument } from "../parsing/types.ts";
import { CONTRACT_FIELDS, keysOfKind } from "./contract-fields.ts";

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
  /** Where the value was read, when known. */
  source?: FieldSource;
}

/** Where a field's value was read: what a reviewer is shown on the page. */
export interface FieldSource {
  /** 1-based page number. */
  page: number;
  /** The source line's rectangle in fractions of the page; absent where the format has no positions. */
  box?: Box;
  /** The source text (the line, or the e-invoice element's text). */
  text: string;
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

/** The fields extracted per category: the contract's (ExtractedFields), read by reflection. */
export const FIELD_KEYS: Record<Category, string[]> = {
  invoice: CONTRACT_FIELDS.invoice.fields.map((f) => f.key),
  receipt: CONTRACT_FIELDS.receipt.fields.map((f) => f.key),
  contract: CONTRACT_FIELDS.contract.fields.map((f) => f.key),
  report: CONTRACT_FIELDS.report.fields.map((f) => f.key),
  other: [],
};

/**
 * Fields that hold a document back from INDEXED when their confidence is below the review
 * threshold: the typed business fields of invoices, receipts and contracts (amounts, dates,
 * parties, identifiers), which the field calibration is fitted on. A report's descriptive fields
 * (title, organization, date) keep their confidence on the Document but do not route it: no
 * ground truth calibrates them, so a threshold on them would send right reports to review on an
 * unmeasured number.
 */
export const ROUTED_FIELDS: Record<Category, ReadonlySet<string>> = {
  invoice: new Set(FIELD_KEYS.invoice),
  receipt: new Set(FIELD_KEYS.receipt),
  contract: new Set(FIELD_KEYS.contract),
  report: new Set(),
  other: new Set(),
};

/** Fields without which an extraction is PARTIAL. */
export const REQUIRED_FIELDS: Record<Category, string[]> = {
  invoice: ["invoice_number", "issuer", "date", "total_amount", "currency"],
  receipt: ["merchant", "date", "total_amount"],
  contract: ["title", "parties"],
  report: ["title"],
  other: [],
};

/** Fields whose values are amounts (numbers) or dates (ISO), by their contract type. */
export const AMOUNT_FIELDS = keysOfKind("amount");
export const DATE_FIELDS = keysOfKind("date");

export function isCategory(s: string): s is Category {
  return (CATEGORIES as readonly string[]).includes(s);
}
