import { afterAll, describe, expect, it } from "vitest";
import { createBuiltinProvider } from "../../../services/ai/builtin/provider.ts";
import { closeParsers, parseDocument } from "../../../services/parsing/parser.ts";
import { isValidIban, parsePaymentPayload } from "../../../services/parsing/payment-qr.ts";
import { MEDIA_TYPES } from "../../../services/parsing/sniff.ts";
import { scannedPdf } from "./fixtures.ts";
import { buildPdf, qrCode, SAMPLE_CREDITOR, swissQrBill } from "./structured-fixtures.ts";

afterAll(() => closeParsers());

const ai = createBuiltinProvider();

// The QR-IBAN and QR reference of the SIX specimen bills (Swiss Implementation Guidelines, examples).
const QR_IBAN = "CH4431999123000889012";
const QR_REFERENCE = "210000000003139471430009017";

const BILL = {
  amount: 1949.75,
  currency: "CHF" as const,
  creditor: SAMPLE_CREDITOR,
  debtor: {
    name: "Erika Beispiel",
    address: "Hauptstrasse",
    buildingNumber: 1,
    zip: 3000,
    city: "Bern",
    country: "CH",
  },
  reference: "21 00000 00003 13947 14300 09017",
  message: "Auftrag 2026-17",
};

/** What the payload of BILL / spc() reads as. */
const BILL_CODE = {
  standard: "swiss-qr-bill",
  iban: QR_IBAN,
  creditorName: "Beispiel Handwerk GmbH",
  currency: "CHF",
  amount: 1949.75,
  reference: QR_REFERENCE,
  message: "Auftrag 2026-17",
  debtorName: "Erika Beispiel",
};

/** An SPC payload element by element (version 0200, structured addresses). */
function spc(over: Partial<Record<number, string>> = {}, count = 31): string {
  const e = [
    "SPC",
    "0200",
    "1",
    QR_IBAN,
    "S",
    "Beispiel Handwerk GmbH",
    "Musterstrasse",
    "7",
    "8000",
    "Zürich",
    "CH",
    ...Array(7).fill(""),
    "1949.75",
    "CHF",
    "S",
    "Erika Beispiel",
    "Hauptstrasse",
    "1",
    "3000",
    "Bern",
    "CH",
    "QRR",
    QR_REFERENCE,
    "Auftrag 2026-17",
    "EPD",
  ];
  for (const [i, v] of Object.entries(over)) e[Number(i)] = v as string;
  return e.slice(0, count).join("\r\n");
}

/** An EPC069-12 payload (version 002: the BIC is optional). */
const epc = (lines: string[]) => lines.join("\n");
const EPC_OK = [
  "BCD",
  "002",
  "1",
  "SCT",
  "",
  "Beispiel Stiftung e.V.",
  "DE89 3704 0044 0532 0130 00",
  "EUR123.45",
  "",
  "",
  "Mitgliedsbeitrag 2026",
];

describe("payment payload parsers (Swiss QR-bill SPC, EPC069-12 BCD)", () => {
  it("reads a Swiss QR-bill payload by its element positions", () => {
    expect(parsePaymentPayload(spc())).toEqual({ ok: true, code: BILL_CODE });
    // No amount (the payer fills it in), a creditor reference, LF line ends, optional trailing elements.
    const open = spc({ 18: "", 27: "SCOR", 28: "RF18539007547034" }).replace(/\r\n/g, "\n");
    const r = parsePaymentPayload(`${open}\nbill information\neBill/B/41010560425610173`);
    expect(r).toMatchObject({ ok: true, code: { reference: "RF18539007547034" } });
    expect(r.ok && r.code.amount).toBeUndefined();
  });

  it("reads an EPC GiroCode payload (002 without BIC, 001 with BIC)", () => {
    expect(parsePaymentPayload(epc(EPC_OK))).toEqual({
      ok: true,
      code: {
        standard: "epc-qr",
        iban: "DE89370400440532013000",
        creditorName: "Beispiel Stiftung e.V.",
        currency: "EUR",
        amount: 123.45,
        message: "Mitgliedsbeitrag 2026",
      },
    });
    const v1 = [...EPC_OK];
    v1[1] = "001";
    v1[4] = "COBADEFFXXX";
    expect(parsePaymentPayload(epc(v1)).ok).toBe(true);
  });

  it.each([
    ["a different header", "SPX\n0200", /no SPC or BCD header/],
    ["too few SPC elements", spc({}, 20), /at least 31/],
    ["an unknown SPC version", spc({ 1: "0100" }), /version/],
    ["a non-UTF-8 coding type", spc({ 2: "2" }), /coding type/],
    ["no EPD trailer", spc({ 30: "END" }), /trailer/],
    ["an IBAN with a wrong check digit", spc({ 3: "CH4531999123000889012" }), /invalid CH\/LI IBAN/],
    ["a German IBAN on a QR-bill", spc({ 3: "DE89370400440532013000" }), /invalid CH\/LI IBAN/],
    ["no creditor name", spc({ 5: "" }), /creditor name/],
    ["a filled ultimate creditor", spc({ 12: "Someone" }), /ultimate creditor/],
    ["a comma amount", spc({ 18: "1949,75" }), /malformed amount/],
    ["a negative amount", spc({ 18: "-5.00" }), /malformed amount/],
    ["a USD bill", spc({ 19: "USD" }), /currency/],
    ["a QR reference with a bad check digit", spc({ 28: "210000000003139471430009018" }), /QR reference/],
    ["a bad creditor reference", spc({ 27: "SCOR", 28: "RF19539007547034" }), /creditor reference/],
    ["an unknown reference type", spc({ 27: "XYZ" }), /reference type/],
    ["a reference with type NON", spc({ 27: "NON" }), /type NON/],
    ["an unknown EPC version", epc(["BCD", "003", ...EPC_OK.slice(2)]), /version/],
    ["an EPC 001 without BIC", epc(["BCD", "001", ...EPC_OK.slice(2)]), /requires a BIC/],
    [
      "an EPC service other than SCT",
      epc([...EPC_OK.slice(0, 3), "XCT", ...EPC_OK.slice(4)]),
      /identification/,
    ],
    ["an EPC amount in dollars", epc([...EPC_OK.slice(0, 7), "USD1.00", ...EPC_OK.slice(8)]), /amount/],
    ["an EPC amount of zero", epc([...EPC_OK.slice(0, 7), "EUR0", ...EPC_OK.slice(8)]), /amount/],
    [
      "both EPC remittance kinds",
      epc([...EPC_OK.slice(0, 9), "RF18539007547034", EPC_OK[10] as string]),
      /exclusive/,
    ],
    ["an EPC IBAN that fails mod 97", epc([...EPC_OK.slice(0, 6), "DE89370400440532013001"]), /invalid IBAN/],
    ["a huge payload", `SPC\n${"x".repeat(5000)}`, /too long/],
    ["binary junk", "\u0000\u0001\u0002SPC", /no SPC or BCD header/],
    ["an empty string", "", /no SPC or BCD header/],
  ])("rejects %s with a reason", (_what, payload, reason) => {
    const r = parsePaymentPayload(payload);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it("checks IBANs by ISO 7064 mod 97", () => {
    expect(isValidIban("GB82WEST12345698765432")).toBe(true);
    expect(isValidIban("GB82WEST12345698765431")).toBe(false);
    expect(isValidIban("GB82")).toBe(false);
  });
});

describe("payment QR codes decoded from pixels through the real parser", () => {
  it("a Swiss QR-bill image (rendered by swissqrbill) gives its payment and the invoice fields", async () => {
    const bill = await swissQrBill(BILL);
    const doc = await parseDocument(bill.png, MEDIA_TYPES.png);
    expect(doc.structured?.paymentCodes).toEqual([{ ...BILL_CODE, page: 1 }]);
    // The code multiplies the text's odds of "invoice" (Bayes' rule), it does not decide alone.
    const textOnly = await ai.classify({ ...doc, structured: undefined });
    const withCode = await ai.classify(doc);
    expect(withCode.scores.invoice).toBeGreaterThan(textOnly.scores.invoice);
    expect(withCode.scores.invoice).toBeLessThan(0.99);
    const e = await ai.extract("invoice", doc);
    expect(e.fields.issuer).toEqual({ value: "Beispiel Handwerk GmbH", confidence: 0.9 });
    expect(e.fields.total_amount).toEqual({ value: 1949.75, confidence: 0.9 });
    expect(e.fields.currency).toEqual({ value: "CHF", confidence: 0.95 });
    expect(e.fields.buyer?.value).toBe("Erika Beispiel");
  });

  it("a scanned PDF page: the OCR render is scanned for codes too", async () => {
    const bill = await swissQrBill(BILL, 300 / 96);
    const doc = await parseDocument(scannedPdf(bill.jpeg, bill.width, bill.height), MEDIA_TYPES.pdf);
    expect(doc.ocr).toBe(true);
    expect(doc.structured?.paymentCodes?.map((c) => [c.standard, c.page, c.amount])).toEqual([
      ["swiss-qr-bill", 1, 1949.75],
    ]);
  });

  it("a text PDF whose page prints a payment-part heading is rendered and scanned; without one it is not", async () => {
    const bill = await swissQrBill(BILL, 2);
    const jpeg = { bytes: bill.jpeg, width: bill.width, height: bill.height, widthPt: 595 };
    const withHeading = buildPdf({ lines: ["Rechnung 2026-17", "Zahlteil und Empfangsschein unten"], jpeg });
    const doc = await parseDocument(withHeading, MEDIA_TYPES.pdf);
    expect(doc.ocr).toBe(false);
    expect(doc.structured?.paymentCodes?.[0]).toMatchObject({ iban: QR_IBAN, amount: 1949.75, page: 1 });
    // The cost rule: a text page without such a heading is never rendered, so its code is not read.
    const plain = await parseDocument(
      buildPdf({ lines: ["Rechnung 2026-17", "Danke."], jpeg }),
      MEDIA_TYPES.pdf,
    );
    expect(plain.structured).toBeUndefined();
  });

  it("an EPC GiroCode (encoded by ZXing-C++'s writer at level M) is read back from a PNG", async () => {
    const code = await qrCode(epc(EPC_OK));
    const doc = await parseDocument(code.png, MEDIA_TYPES.png);
    expect(doc.structured?.paymentCodes).toEqual([
      {
        standard: "epc-qr",
        page: 1,
        iban: "DE89370400440532013000",
        creditorName: "Beispiel Stiftung e.V.",
        currency: "EUR",
        amount: 123.45,
        message: "Mitgliedsbeitrag 2026",
      },
    ]);
    const receipt = await ai.extract("receipt", doc);
    expect(receipt.fields.merchant?.value).toBe("Beispiel Stiftung e.V.");
    expect(receipt.fields.total_amount?.value).toBe(123.45);
  });

  it("QR codes that are no valid payment code give no structured data and no failure", async () => {
    for (const text of ["https://example.org/invoice/17", spc({ 3: "CH4531999123000889012" })]) {
      const doc = await parseDocument((await qrCode(text)).png, MEDIA_TYPES.png);
      expect(doc.structured).toBeUndefined();
    }
  });
});
