import { describe, expect, it } from "vitest";
import { CATEGORIES } from "../../../services/ai/ai.ts";
import {
  type AgreementConfidence,
  agreementClassification,
  classificationConfidence,
  FITTED_AGREEMENT,
  fieldAgreement,
  fieldConfidences,
  fitAgreement,
} from "../../../services/ai/ollama/agreement.ts";

const TABLE: AgreementConfidence = {
  classification: { agree: 0.8, disagree: 0.1 },
  fields: { agree: 0.9, disagree: 0.3, builtinMissing: 0.4 },
};

describe("Ollama agreement confidence", () => {
  it("classification: agreement with the built-in category gives the fitted 'agree' accuracy, disagreement the 'disagree' one", () => {
    expect(classificationConfidence("invoice", "invoice", TABLE)).toEqual({
      agreement: "agree",
      confidence: 0.8,
    });
    expect(classificationConfidence("invoice", "receipt", TABLE)).toEqual({
      agreement: "disagree",
      confidence: 0.1,
    });
  });

  it("scores keep the LLM's category on top and sum to 1; a disagreement floors at a flat share", () => {
    const agree = agreementClassification("contract", "contract", TABLE);
    expect(agree.category).toBe("contract");
    expect(agree.confidence).toBe(0.8);
    expect(agree.scores.invoice).toBeCloseTo(0.05, 10);
    const disagree = agreementClassification("contract", "report", TABLE);
    expect(disagree.category).toBe("contract");
    expect(disagree.confidence).toBe(0.2); // 0.1 fitted, floored at 1/5 so contract stays the top score
    for (const c of [agree, disagree]) {
      expect(Object.values(c.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      expect(c.confidence).toBe(Math.max(...Object.values(c.scores)));
    }
    expect(agree.confidence).not.toBe(disagree.confidence);
  });

  it("no usable LLM answer: `other` with a flat distribution", () => {
    const c = agreementClassification(undefined, "invoice", TABLE);
    expect(c.category).toBe("other");
    for (const k of CATEGORIES) expect(c.scores[k]).toBe(0.2);
  });

  it("field agreement compares normalised values: amounts to the cent, dates and currencies exactly, names folded", () => {
    const bv = (value: string | number | string[]) => ({ value, confidence: 0.9 });
    expect(fieldAgreement("total_amount", 279.84, bv(279.84))).toBe("agree");
    expect(fieldAgreement("total_amount", 279.84, bv(112))).toBe("disagree");
    expect(fieldAgreement("date", "2023-03-20", bv("2023-03-20"))).toBe("agree");
    expect(fieldAgreement("date", "2023-03-20", bv("2023-03-21"))).toBe("disagree");
    expect(fieldAgreement("currency", "USD", bv("EUR"))).toBe("disagree");
    expect(fieldAgreement("issuer", "YourCompany Ltd.", bv("yourcompany"))).toBe("agree");
    expect(fieldAgreement("issuer", "Mitchell Admin", bv("Azure Interior"))).toBe("disagree");
    expect(fieldAgreement("parties", ["Acme Corp", "Beta LLC"], bv(["Beta LLC", "ACME CORP"]))).toBe("agree");
    expect(fieldAgreement("parties", ["Acme Corp"], bv(["Beta LLC", "Acme Corp"]))).toBe("disagree");
    expect(fieldAgreement("issuer", "Acme", undefined)).toBe("builtinMissing");
  });

  it("field confidences replace the LLM's own with the fitted accuracy of each field's state", () => {
    const out = fieldConfidences(
      {
        total_amount: { value: 10, confidence: 0.75 },
        date: { value: "2024-01-02", confidence: 0.75 },
        issuer: { value: "Acme", confidence: 0.75 },
      },
      { total_amount: { value: 10, confidence: 0.9 }, date: { value: "2024-02-01", confidence: 0.9 } },
      TABLE,
    );
    expect(out).toEqual({
      total_amount: { value: 10, confidence: 0.9 },
      date: { value: "2024-01-02", confidence: 0.3 },
      issuer: { value: "Acme", confidence: 0.4 },
    });
  });

  it("fitting: the add-one smoothed share right per state", () => {
    const t = fitAgreement(
      [
        { agreement: "agree", correct: true },
        { agreement: "agree", correct: true },
        { agreement: "agree", correct: false },
        { agreement: "disagree", correct: false },
      ],
      [
        { agreement: "agree", correct: true },
        { agreement: "disagree", correct: false },
      ],
    );
    expect(t.classification).toEqual({ agree: 0.6, disagree: 0.333 });
    expect(t.fields).toEqual({ agree: 0.667, disagree: 0.333, builtinMissing: 0.5 });
  });

  it("the shipped table holds probabilities and says how it was fitted", () => {
    for (const v of [
      ...Object.values(FITTED_AGREEMENT.classification),
      ...Object.values(FITTED_AGREEMENT.fields),
    ]) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
    expect(FITTED_AGREEMENT.fittedOn?.command).toMatch(/bench\/eval-ollama\.ts/);
    expect(FITTED_AGREEMENT.fittedOn?.documents).toBeGreaterThan(0);
  });
});
