import { describe, expect, it } from "vitest";
import { findAmounts, parseAmount, sameMoney } from "../../../services/ai/normalize/amount.ts";

describe("parseAmount", () => {
  it.each([
    ["1.021,91", 1021.91],
    ["1,021.91", 1021.91],
    ["1021,91", 1021.91],
    ["1021.91", 1021.91],
    ["RM29.30", 29.3],
    ["RM 29.30", 29.3],
    ["Rs 1939", 1939],
    ["Rs. 1,939.00", 1939],
    ["$ 279.84", 279.84],
    ["279,84 €", 279.84],
    ["EUR 1.234.567,89", 1234567.89],
    ["USD 1,234,567.89", 1234567.89],
    ["120 000,00", 120000],
    ["1'234.50", 1234.5],
    ["-0,00", 0],
    ["-12,50", -12.5],
    ["(12.50)", -12.5],
    ["12.50-", -12.5],
    ["9,9000", 9.9],
    ["1,021", 1021],
    ["1.021", 1021],
    ["0,125", 0.125],
    ["319", 319],
    ["£ 1,021.91", 1021.91],
  ])("%s → %d", (raw, expected) => {
    expect(parseAmount(raw)).toBe(expected);
  });

  it.each(["", "abc", "1.2.3", "12,34,56", "1,", "€", "12a"])("rejects %j", (raw) => {
    expect(parseAmount(raw)).toBeUndefined();
  });
});

describe("findAmounts", () => {
  it("finds money in running text and skips percentages, dates, times and identifiers", () => {
    const found = findAmounts(
      "Tax 15% on $ 112.90 $ 16.94 — on 05.03.2018 at 18:24, ref DE123456789, St.-Nr. 201/113/40209, Total 1.021,91 €",
    );
    expect(found.map((a) => a.value)).toEqual([112.9, 16.94, 1021.91]);
    expect(found.every((a) => a.moneyLike)).toBe(true);
  });

  it("reads negative amounts and currency prefixes", () => {
    expect(findAmounts("Rounding -0.02 RM65.70").map((a) => a.value)).toEqual([-0.02, 65.7]);
  });

  it("compares money at cent precision", () => {
    expect(sameMoney(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameMoney(10, 10.02)).toBe(false);
  });
});
