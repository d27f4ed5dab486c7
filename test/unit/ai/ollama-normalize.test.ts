import { describe, expect, it } from "vitest";
import { CATEGORIES, FIELD_KEYS } from "../../../services/ai/ai.ts";
import { normalizeFields } from "../../../services/ai/ollama/normalize.ts";
import { truncateText, unitVector } from "../../../services/ai/ollama/provider.ts";
import { CLASSIFICATION_SCHEMA, extractionSchema } from "../../../services/ai/ollama/schemas.ts";
import type { ParsedDocument } from "../../../services/parsing/types.ts";

const doc = (text: string): ParsedDocument => ({
  mediaType: "text/plain",
  pages: [text],
  text,
  pageCount: 1,
  language: "de",
  ocr: false,
});

describe("Ollama schemas", () => {
  it("one extraction schema per category from FIELD_KEYS, with typed amounts, ISO currencies and party lists", () => {
    expect((CLASSIFICATION_SCHEMA.properties as Record<string, { enum: string[] }>).category?.enum).toEqual([
      ...CATEGORIES,
    ]);
    for (const c of CATEGORIES) {
      expect(Object.keys(extractionSchema(c).properties as object)).toEqual(FIELD_KEYS[c]);
    }
    const inv = extractionSchema("invoice").properties as Record<string, Record<string, unknown>>;
    expect(inv.total_amount).toEqual({ type: ["number", "null"] });
    expect(extractionSchema("invoice").required).toEqual(FIELD_KEYS.invoice);
    expect(inv.currency?.enum).toEqual(expect.arrayContaining(["EUR", "USD", null]));
    const con = extractionSchema("contract").properties as Record<string, Record<string, unknown>>;
    expect(con.parties?.type).toBe("array");
  });
});

describe("normalizeFields", () => {
  const text =
    "Rechnung Nr. R-2023-17\nMüller GmbH\nDatum: 20.03.2023\nNetto 1.000,00 €\nMwSt 190,00 €\nGesamt 1.190,00 €";

  it("normalises dates to ISO, amounts to numbers, currencies to ISO codes, and scores presence in the text", () => {
    const f = normalizeFields(
      "invoice",
      {
        invoice_number: "R-2023-17",
        issuer: "Müller GmbH",
        buyer: "Acme Corporation",
        date: "20.03.2023",
        due_date: "N/A",
        net_amount: 1000,
        tax_amount: "190,00",
        total_amount: 1190,
        currency: "€",
      },
      doc(text),
      text,
    );
    expect(f.date).toEqual({ value: "2023-03-20", confidence: 0.75 });
    expect(f.due_date).toBeUndefined();
    expect(f.tax_amount?.value).toBe(190);
    // net + tax = total: all three corroborated.
    expect(f.total_amount).toEqual({ value: 1190, confidence: 0.85 });
    expect(f.currency).toEqual({ value: "EUR", confidence: 0.8 });
    expect(f.invoice_number?.confidence).toBe(0.75);
    expect(f.issuer?.confidence).toBe(0.75);
    // Not in the text: probably invented.
    expect(f.buyer).toEqual({ value: "Acme Corporation", confidence: 0.2 });
  });

  it("an amount the text does not contain is kept with a low confidence; a missing currency comes from the text", () => {
    const f = normalizeFields("receipt", { merchant: "Müller", total_amount: 77.7 }, doc(text), text);
    expect(f.total_amount).toEqual({ value: 77.7, confidence: 0.2 });
    expect(f.currency?.value).toBe("EUR");
    expect(f.merchant?.confidence).toBe(0.75);
  });

  it("parties become a de-duplicated list scored by how many are in the text", () => {
    const t = "This Agreement is made between Alpha Inc. and Beta LLC.";
    const f = normalizeFields("contract", { parties: ["Alpha Inc.", "Alpha Inc.", "Gamma AG"] }, doc(t), t);
    expect(f.parties?.value).toEqual(["Alpha Inc.", "Gamma AG"]);
    expect(f.parties?.confidence).toBe(0.48);
  });
});

describe("helpers", () => {
  it("truncateText keeps the budget and cuts at a word end", () => {
    const t = truncateText("alpha beta gamma delta epsilon", 19);
    expect(t.length).toBeLessThanOrEqual(19);
    expect(t).toBe("alpha beta gamma");
  });

  it("unitVector normalises to length 1 and checks the size", () => {
    const v = unitVector([3, 4], 2);
    expect(Array.from(v)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(() => unitVector([1, 2, 3], 2)).toThrow(/3 dimensions, expected 2/);
  });
});

describe("currency evidence", () => {
  it("clear currency markers in the text override a model answer that contradicts them", () => {
    const t = "KEDAI MAKAN\nTOTAL RM 8.20\nCASH RM 10.00\nCHANGE RM 1.80\nGST RM 0.46";
    const f = normalizeFields("receipt", { currency: "EUR" }, doc(t), t);
    expect(f.currency?.value).toBe("MYR");
  });
});
