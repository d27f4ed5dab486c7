import { describe, expect, it } from "vitest";
import { assignFolds, groupCorpus } from "../../../bench/eval-folds.ts";
import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import type { Category } from "../../../services/ai/ai.ts";
import {
  calibratedFieldConfidence,
  fitFieldCalibration,
  fitTemperature,
} from "../../../services/ai/builtin/calibration.ts";
import { documentFeatures } from "../../../services/ai/builtin/features.ts";
import { scores, softmaxArray, train } from "../../../services/ai/builtin/linear-model.ts";
import type { TruthRecord } from "../../../services/ai/eval.ts";
import { reviewDecision } from "../../../services/indexer/review.ts";

describe("temperature", () => {
  it("sharpens logits that are right but timid, and softens ones that are overconfident", () => {
    const timid = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? [1, 0] : [0, 1]));
    const ys = timid.map((_, i) => i % 2);
    expect(fitTemperature(timid, ys)).toBeLessThan(0.5);
    // Loud logits, wrong a quarter of the time.
    const loud = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? [10, 0] : [0, 10]));
    const noisy = ys.map((y, i) => (i % 4 === 0 ? 1 - y : y));
    expect(fitTemperature(loud, noisy)).toBeGreaterThan(3);
  });
});

describe("field calibration", () => {
  it("maps raw confidences to observed accuracy, lower for OCR text", () => {
    const samples = [];
    for (let i = 0; i < 200; i++) {
      const ocr = i % 2 === 0;
      // The same raw confidence is right 95 % of the time on text layers, 60 % on OCR.
      samples.push({ key: "receipt.total_amount", raw: 0.7, ocr, correct: ocr ? i % 10 < 6 : i % 20 !== 1 });
    }
    const cal = fitFieldCalibration(samples);
    const text = calibratedFieldConfidence(cal, "receipt.total_amount", 0.7, false);
    const ocr = calibratedFieldConfidence(cal, "receipt.total_amount", 0.7, true);
    expect(text).toBeGreaterThan(0.88);
    expect(ocr).toBeLessThan(0.7);
    expect(ocr).toBeGreaterThan(0.5);
  });

  it("keeps the order of raw confidences within a field", () => {
    const samples = [0.2, 0.4, 0.6, 0.8].flatMap((raw) =>
      Array.from({ length: 20 }, (_, i) => ({ key: "invoice.date", raw, ocr: false, correct: i < raw * 20 })),
    );
    const cal = fitFieldCalibration(samples);
    const mapped = [0.2, 0.4, 0.6, 0.8].map((r) => calibratedFieldConfidence(cal, "invoice.date", r, false));
    expect([...mapped].sort((a, b) => a - b)).toEqual(mapped);
  });
});

describe("logistic regression over document features", () => {
  it("learns to tell two kinds of text apart and predicts unseen ones", () => {
    const kinds = [
      ["Rechnung Nr. 1 Betrag 100,00 EUR zahlbar bis", "Invoice number 7 total due 12.00 USD"],
      ["This agreement is governed by the laws of", "The parties hereby agree that the licensee shall"],
    ];
    const xs = kinds.flat().map((text) => documentFeatures({ text, ocr: false }));
    const model = train(xs, [0, 0, 1, 1], ["invoice", "contract"], 4096 + 16, { steps: 200 });
    const unseen = documentFeatures({ text: "Facture total amount due 40,00 EUR", ocr: false });
    const p = softmaxArray(scores(model, unseen));
    expect(p[0]).toBeGreaterThan(0.5);
    const contract = documentFeatures({ text: "the parties agree that this agreement shall", ocr: false });
    expect(softmaxArray(scores(model, contract))[1]).toBeGreaterThan(0.5);
  });
});

describe("grouped folds", () => {
  const rec = (file: string, category: Category, fields: Record<string, unknown> = {}): TruthRecord => ({
    file,
    category,
    fields,
  });
  const truth = [
    rec("docs/a__Shop.pdf", "invoice", { issuer: "Alpha Trading GmbH" }),
    rec("docs/a__Shop.png", "invoice", { issuer: "Alpha Trading GmbH" }),
    rec("docs/a__order1.pdf", "invoice", { issuer: "Beta Ltd" }),
    rec("docs/a__order2.pdf", "invoice", { issuer: "Gamma SA" }),
    rec("docs/a__x.pdf", "invoice", { issuer: "ALPHA TRADING" }),
    rec("docs/b__paper.pdf", "report", { title: "A Study of Things in General" }),
    rec("docs/b__paper-p2.jpg", "report", { title: "A Study of Things in General" }),
    rec("docs/c__memo.txt", "other"),
  ];

  it("keeps a raster copy, the same seller and pages of one report together", () => {
    const g = groupCorpus(truth);
    expect(g.get("docs/a__Shop.pdf")).toBe(g.get("docs/a__Shop.png"));
    expect(g.get("docs/a__Shop.pdf")).toBe(g.get("docs/a__x.pdf"));
    expect(g.get("docs/a__order1.pdf")).toBe(g.get("docs/a__order2.pdf"));
    expect(g.get("docs/b__paper.pdf")).toBe(g.get("docs/b__paper-p2.jpg"));
    expect(g.get("docs/c__memo.txt")).not.toBe(g.get("docs/a__Shop.pdf"));
  });

  it("never splits a group across folds, and uses every document once", () => {
    const g = groupCorpus(truth);
    const folds = assignFolds(truth, g, 3);
    expect(folds.flat().sort()).toEqual(truth.map((t) => t.file).sort());
    for (const t of truth) {
      const foldOf = (f: string) => folds.findIndex((fold) => fold.includes(f));
      for (const u of truth) if (g.get(t.file) === g.get(u.file)) expect(foldOf(t.file)).toBe(foldOf(u.file));
    }
  });
});

describe("review decision", () => {
  const base = {
    category: "invoice" as const,
    categoryConfidence: 0.99,
    fieldConfidences: { date: 0.97, total_amount: 0.98 },
    missingFields: [],
  };

  it("indexes a document whose every confidence clears the threshold", () => {
    expect(reviewDecision({ ...base, threshold: 0.9 })).toEqual({
      status: DocumentStatus.INDEXED,
      reasons: [],
    });
  });

  it("gives a reason per doubtful field", () => {
    const d = reviewDecision({
      ...base,
      fieldConfidences: { date: 0.5, total_amount: 0.6, currency: 0.99 },
      threshold: 0.9,
    });
    expect(d.status).toBe(DocumentStatus.NEEDS_REVIEW);
    expect(d.reasons).toEqual([
      { field: "date", reason: "low_confidence", confidence: 0.5 },
      { field: "total_amount", reason: "low_confidence", confidence: 0.6 },
    ]);
  });

  it("routes a report on its category and required fields, not on its descriptive fields", () => {
    const report = { ...base, category: "report" as const, fieldConfidences: { title: 0.4, date: 0.5 } };
    expect(reviewDecision({ ...report, threshold: 0.9 })).toEqual({
      status: DocumentStatus.INDEXED,
      reasons: [],
    });
    expect(reviewDecision({ ...report, missingFields: ["title"], threshold: 0.9 }).status).toBe(
      DocumentStatus.PARTIAL,
    );
    expect(reviewDecision({ ...report, categoryConfidence: 0.5, threshold: 0.9 }).status).toBe(
      DocumentStatus.NEEDS_REVIEW,
    );
  });

  it("checks the category first, then missing fields", () => {
    expect(reviewDecision({ ...base, categoryConfidence: 0.4, threshold: 0.9 }).reasons).toEqual([
      { field: "category", reason: "low_confidence", confidence: 0.4 },
    ]);
    const partial = reviewDecision({ ...base, missingFields: ["invoice_number"], threshold: 0.9 });
    expect(partial.status).toBe(DocumentStatus.PARTIAL);
    expect(partial.reasons).toEqual([{ field: "invoice_number", reason: "missing" }]);
  });
});
