import { describe, expect, it } from "vitest";
import { currencyOfToken, detectCurrency } from "../../../services/ai/normalize/currency.ts";

describe("detectCurrency", () => {
  it.each([
    ["Total € 717,97", "EUR"],
    ["Grand Total 1,021.91 EUR", "EUR"],
    ["Total $ 279.84", "USD"],
    ["Total £ 12.00", "GBP"],
    ["TOTAL RM29.30 CASH RM50.00", "MYR"],
    ["Price is inclusive of Promotional Discount of Rs -40.00", "INR"],
    ["Grand Total ₹ 319.00", "INR"],
    ["Total CHF 12.50", "CHF"],
    ["Total C$ 12.50", "CAD"],
    ["Total R$ 12,50", "BRL"],
  ])("%s → %s", (text, code) => {
    expect(detectCurrency(text)?.code).toBe(code);
  });

  it("prefers an explicit currency statement over scattered symbols", () => {
    expect(detectCurrency("Deposited $101.00 … Total: $101.00. All prices are in US dollars.")?.code).toBe(
      "USD",
    );
    const g = detectCurrency(
      "Rechnungswährung : GBP\nWährung der Umsatzsteuerbuchung : EUR\n12,00 € 13,00 €",
    );
    expect(g?.code).toBe("GBP");
  });

  it("uses the issuer's country when only a bare $ is printed", () => {
    expect(
      detectCurrency("UNIHAKKA INTERNATIONAL SDN BHD, Johor Bahru\nTotal: $8.20\nCASH $8.20")?.code,
    ).toBe("MYR");
  });

  it("is undefined without evidence, and confidence grows with evidence", () => {
    expect(detectCurrency("no money here")).toBeUndefined();
    const weak = detectCurrency("$5") as { confidence: number };
    const strong = detectCurrency("Currency: USD. Total USD 5.00, tax USD 1.00") as { confidence: number };
    expect(strong.confidence).toBeGreaterThan(weak.confidence);
  });

  it("maps single tokens", () => {
    expect(currencyOfToken("RM")).toBe("MYR");
    expect(currencyOfToken("Rs.")).toBe("INR");
    expect(currencyOfToken("€")).toBe("EUR");
    expect(currencyOfToken("usd")).toBe("USD");
    expect(currencyOfToken("xyz")).toBeUndefined();
  });
});
