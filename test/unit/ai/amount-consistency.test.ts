import { describe, expect, it } from "vitest";
import { reconcile, statedTaxRates } from "../../../services/ai/builtin/extract/amount-consistency.ts";
import { createBuiltinProvider } from "../../../services/ai/builtin/index.ts";
import type { ParsedDocument } from "../../../services/parsing/types.ts";

function doc(text: string): ParsedDocument {
  return { mediaType: "text/plain", pages: [text], text, pageCount: 1, language: "en", ocr: false };
}

const provider = createBuiltinProvider();

describe("reconcile (net + tax = total)", () => {
  it("accepts a sum within a cent", () => {
    expect(reconcile({ net: 100, tax: 19, total: 119 })).toBe("reconciles");
    expect(reconcile({ net: 100.004, tax: 19, total: 119.01 })).toBe("reconciles");
  });

  it("accepts per-line rounding only when the tax is the stated rate of the net", () => {
    // 3 lines of 33.33 at 20 %: tax per line 6.67 → 20.01, net × rate = 20.00, total 120.00.
    expect(reconcile({ net: 99.99, tax: 20.04, total: 120.0 }, [0.2])).toBe("reconciles");
    expect(reconcile({ net: 99.99, tax: 20.04, total: 120.0 })).toBe("contradicts");
    expect(reconcile({ net: 99.99, tax: 20.04, total: 120.0 }, [0.07])).toBe("contradicts");
  });

  it("finds contradictions", () => {
    expect(reconcile({ net: 200, total: 119 })).toBe("contradicts");
    expect(reconcile({ tax: 119, total: 119 })).toBe("contradicts");
    expect(reconcile({ net: 100, tax: 19, total: 150 })).toBe("contradicts");
  });

  it("knows nothing from fewer than three amounts that agree", () => {
    expect(reconcile({ net: 100, total: 119 })).toBe("unknown");
    expect(reconcile({ total: 119 })).toBe("unknown");
    expect(reconcile({})).toBe("unknown");
  });
});

describe("statedTaxRates", () => {
  it("reads rates printed next to a tax word", () => {
    expect(statedTaxRates("USt. 19 % 228,00\nTVA 5,5 % 3,30\nVAT 20%").sort()).toEqual([0.055, 0.19, 0.2]);
  });

  it("ignores percentages that are not tax rates", () => {
    expect(statedTaxRates("Discount 10 %\nSkonto 2 %")).toEqual([]);
  });
});

describe("invoice extraction uses the arithmetic", () => {
  it("prefers the total that equals net + tax over a larger labelled amount", async () => {
    const text = [
      "Northwind Supplies Ltd",
      "Invoice No: INV-7781",
      "Invoice date: 2024-05-02",
      "Net amount 250.00",
      "VAT 20% 50.00",
      "Total 3000.00",
      "Total 300.00",
    ].join("\n");
    const e = await provider.extract("invoice", doc(text));
    expect(e.fields.total_amount?.value).toBe(300);
    expect(e.fields.net_amount?.value).toBe(250);
    expect(e.fields.tax_amount?.value).toBe(50);
  });

  it("is more confident in amounts that reconcile than in amounts that contradict", async () => {
    const lines = (total: string) =>
      [
        "Northwind Supplies Ltd",
        "Invoice No: INV-7781",
        "Net amount 250.00",
        "VAT 20% 50.00",
        `Grand total ${total}`,
      ].join("\n");
    const good = await provider.extract("invoice", doc(lines("300.00")));
    const bad = await provider.extract("invoice", doc(lines("120.00")));
    const conf = (e: typeof good) => e.fields.total_amount?.confidence ?? 0;
    expect(good.fields.total_amount?.value).toBe(300);
    expect(conf(good)).toBeGreaterThan(conf(bad));
  });
});

describe("receipt extraction uses the arithmetic", () => {
  it("confirms the total that equals subtotal + tax", async () => {
    const text = [
      "CORNER CAFE",
      "Date: 12/03/2024",
      "Latte 4.50",
      "Bagel 5.50",
      "Subtotal 10.00",
      "GST 6% 0.60",
      "Amount 10.00",
      "Total 10.60",
    ].join("\n");
    const e = await provider.extract("receipt", doc(text));
    expect(e.fields.total_amount?.value).toBe(10.6);
  });
});
