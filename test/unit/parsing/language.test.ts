import { describe, expect, it } from "vitest";
import { detectLanguage } from "../../../services/parsing/language.ts";

describe("detectLanguage", () => {
  it.each([
    [
      "en",
      "The parties agree that this agreement shall be governed by the laws of the State of New York and that it is binding.",
    ],
    [
      "de",
      "Die Rechnung ist innerhalb von 30 Tagen zu zahlen. Wir danken für Ihren Auftrag und bitten um Überweisung auf das Konto.",
    ],
    [
      "fr",
      "Le montant de la facture est à régler par virement dans les 30 jours. Nous vous remercions pour votre confiance et pour cette commande.",
    ],
    [
      "es",
      "La factura debe pagarse en un plazo de 30 días. Gracias por su pedido y por la confianza que nos ha dado con esta compra.",
    ],
    [
      "it",
      "La fattura deve essere pagata entro 30 giorni. Grazie per il vostro ordine e per la fiducia che ci avete dato con questo acquisto.",
    ],
    [
      "nl",
      "De factuur moet binnen 30 dagen worden betaald. Wij danken u voor uw bestelling en voor het vertrouwen dat u in ons stelt.",
    ],
    [
      "pt",
      "A fatura deve ser paga em 30 dias. Obrigado pela sua encomenda e pela confiança que nos deu com esta compra, que não esquecemos.",
    ],
    ["ar", "تحسين الإنتاجية وحل المشكلات من خلال البرمجة بلغة بايثون"],
    ["ko", "국회입법조사처는 국회의 입법 활동을 지원하기 위한 조사 및 분석 기관입니다"],
    ["ja", "これは日本語の文章です。東京は日本の首都であり、多くの人が住んでいます。"],
    ["zh", "这是一个中文句子，用于测试语言检测功能是否能够正确识别汉字文本内容。"],
    ["ru", "Это предложение написано на русском языке для проверки определения языка."],
  ])("detects %s", (lang, text) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it("says und for too little or ambiguous text", () => {
    expect(detectLanguage("")).toBe("und");
    expect(detectLanguage("12345 67.89 RM 10.00")).toBe("und");
    expect(detectLanguage("SKU 8812 QTY 2 TOTAL 19.90 CASH 20.00 CHANGE 0.10")).toBe("und");
  });
});
