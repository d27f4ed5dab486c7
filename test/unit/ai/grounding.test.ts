import { describe, expect, it } from "vitest";
import { groundFields, MAX_SOURCE_TEXT, sourceLines } from "../../../services/ai/grounding.ts";
import type { ParsedDocument } from "../../../services/parsing/types.ts";

const box = (y: number) => ({ x: 0.1, y, width: 0.5, height: 0.02 });

/** A two-page invoice whose lines have positions, as the PDF parser returns them. */
function positionedInvoice(): ParsedDocument {
  const page1 = [
    "Northwind Trading Ltd",
    "Invoice No. INV-2024-0042",
    "Date: 03/04/2024",
    "Widget   2 x 50.00   100.00",
  ];
  const page2 = ["Net 100.00", "VAT 19.00", "Total EUR 119.00", "Payable within 14 days"];
  return {
    mediaType: "application/pdf",
    pages: [page1.join("\n"), page2.join("\n")],
    text: `${page1.join("\n")}\n\n${page2.join("\n")}`,
    pageCount: 2,
    language: "en",
    ocr: false,
    layout: [
      page1.map((text, i) => ({ text, box: box([0.1, 0.15, 0.2, 0.25][i] as number) })),
      page2.map((text, i) => ({ text, box: box([0.2, 0.25, 0.3, 0.35][i] as number) })),
    ],
  };
}

describe("grounding: the line each value was read from", () => {
  it("maps each field to its page, the line's box and the line's text", () => {
    const grounded = groundFields(
      {
        issuer: { value: "Northwind Trading Ltd", confidence: 0.6 },
        invoice_number: { value: "INV-2024-0042", confidence: 0.9 },
        date: { value: "2024-04-03", confidence: 0.8 },
        net_amount: { value: 100, confidence: 0.8 },
        tax_amount: { value: 19, confidence: 0.8 },
        total_amount: { value: 119, confidence: 0.9 },
        currency: { value: "EUR", confidence: 0.9 },
      },
      positionedInvoice(),
    );
    expect(grounded.issuer?.source).toEqual({ page: 1, text: "Northwind Trading Ltd", box: box(0.1) });
    expect(grounded.invoice_number?.source).toEqual({
      page: 1,
      text: "Invoice No. INV-2024-0042",
      box: box(0.15),
    });
    expect(grounded.date?.source).toEqual({ page: 1, text: "Date: 03/04/2024", box: box(0.2) });
    // 100.00 is printed on the item line too; the net is the later line, under the items.
    expect(grounded.net_amount?.source).toEqual({ page: 2, text: "Net 100.00", box: box(0.2) });
    expect(grounded.tax_amount?.source?.text).toBe("VAT 19.00");
    expect(grounded.total_amount?.source).toEqual({ page: 2, text: "Total EUR 119.00", box: box(0.3) });
    // The currency is grounded on the total's line, whose amount it qualifies.
    expect(grounded.currency?.source).toEqual(grounded.total_amount?.source);
    expect(grounded.total_amount?.confidence).toBe(0.9);
  });

  it("leaves a value that is printed nowhere without a source", () => {
    const grounded = groundFields({ buyer: { value: "Someone Else", confidence: 0.3 } }, positionedInvoice());
    expect(grounded.buyer).toEqual({ value: "Someone Else", confidence: 0.3 });
  });

  it("grounds the first printed name of a list field", () => {
    const grounded = groundFields(
      { parties: { value: ["Absent Party", "Northwind Trading Ltd"], confidence: 0.5 } },
      positionedInvoice(),
    );
    expect(grounded.parties?.source?.text).toBe("Northwind Trading Ltd");
  });

  it("without positions (DOCX, plain text): page and text, no box", () => {
    const doc: ParsedDocument = {
      mediaType: "text/plain",
      pages: ["Service Agreement\n\nGoverned by the laws of New York."],
      text: "Service Agreement\n\nGoverned by the laws of New York.",
      pageCount: 1,
      language: "en",
      ocr: false,
    };
    const grounded = groundFields({ governing_law: { value: "New York", confidence: 0.7 } }, doc);
    expect(grounded.governing_law?.source).toEqual({ page: 1, text: "Governed by the laws of New York." });
    expect(sourceLines(doc).map((l) => l.text)).toEqual([
      "Service Agreement",
      "Governed by the laws of New York.",
    ]);
  });

  it("reads OCR'd amounts with a split decimal part", () => {
    const doc: ParsedDocument = {
      mediaType: "image/jpeg",
      pages: ["TOTAL RM 49. 39"],
      text: "TOTAL RM 49. 39",
      pageCount: 1,
      language: "en",
      ocr: true,
      layout: [[{ text: "TOTAL RM 49. 39", box: box(0.8) }]],
    };
    expect(
      groundFields({ total_amount: { value: 49.39, confidence: 0.7 } }, doc).total_amount?.source,
    ).toEqual({
      page: 1,
      text: "TOTAL RM 49. 39",
      box: box(0.8),
    });
  });

  it("a value only in the embedded e-invoice XML or a payment QR code: that source, no box", () => {
    const doc: ParsedDocument = {
      ...positionedInvoice(),
      structured: {
        einvoice: { syntax: "CII", fileName: "factur-x.xml", buyerName: "Contoso GmbH", totalAmount: 119 },
        paymentCodes: [
          {
            standard: "epc-qr",
            page: 2,
            iban: "DE02120300000000202051",
            creditorName: "Northwind Payee",
            amount: 119,
          },
        ],
      },
    };
    const grounded = groundFields(
      {
        buyer: { value: "Contoso GmbH", confidence: 0.99 },
        issuer: { value: "Northwind Payee", confidence: 0.9 },
        total_amount: { value: 119, confidence: 0.99 },
      },
      doc,
    );
    expect(grounded.buyer?.source).toEqual({ page: 1, text: "e-invoice XML (factur-x.xml): Contoso GmbH" });
    expect(grounded.issuer?.source).toEqual({ page: 2, text: "payment QR code: Northwind Payee" });
    // Printed on a page too: the page wins, where a reviewer can see it.
    expect(grounded.total_amount?.source?.box).toEqual(box(0.3));
  });

  it("cuts a very long source line", () => {
    const long = `Total 5.00 ${"x".repeat(2 * MAX_SOURCE_TEXT)}`;
    const doc: ParsedDocument = {
      mediaType: "text/plain",
      pages: [long],
      text: long,
      pageCount: 1,
      language: "en",
      ocr: false,
    };
    const text = groundFields({ total_amount: { value: 5, confidence: 0.5 } }, doc).total_amount?.source
      ?.text;
    expect(text?.length).toBe(MAX_SOURCE_TEXT + 1);
    expect(text?.startsWith("Total 5.00")).toBe(true);
  });
});
