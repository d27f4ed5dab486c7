import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FIELD_KEYS } from "../../../services/ai/ai.ts";
import { createBuiltinProvider } from "../../../services/ai/builtin/provider.ts";
import { MAX_EINVOICE_XML_BYTES, readEInvoiceXml } from "../../../services/parsing/einvoice-xml.ts";
import { closeParsers, DEFAULT_PARSE_BUDGET, parseDocument } from "../../../services/parsing/parser.ts";
import { embeddedEInvoice } from "../../../services/parsing/pdf-einvoice.ts";
import { MEDIA_TYPES } from "../../../services/parsing/sniff.ts";
import { corpusDir, corpusFile } from "./fixtures.ts";
import { buildPdf } from "./structured-fixtures.ts";

afterAll(() => closeParsers());

const ai = createBuiltinProvider();
const utf8 = (s: string) => new TextEncoder().encode(s);

interface Truth {
  file: string;
  truth_origin?: string;
  fields: Record<string, unknown>;
}

/** The corpus invoices whose truth is their embedded XML (a missing corpus fails here, not skips). */
const EMBEDDED: Truth[] = readFileSync(join(corpusDir(), "truth.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Truth)
  .filter((t) => t.truth_origin === "source (embedded XML)");

/** Every corpus PDF, with the e-invoice its attachments hold (found with pdf.js, as the parser does). */
async function corpusEInvoices(): Promise<{ file: string; syntax: string }[]> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const out: { file: string; syntax: string }[] = [];
  for (const file of readdirSync(join(corpusDir(), "docs")).filter((f) => f.endsWith(".pdf"))) {
    const doc = await pdfjs.getDocument({ data: corpusFile(file), verbosity: 0, isEvalSupported: false })
      .promise;
    const e = await embeddedEInvoice(doc);
    if (e) out.push({ file: `docs/${file}`, syntax: e.syntax });
    await doc.destroy();
  }
  return out;
}

describe("e-invoice XML embedded in the corpus's Factur-X / ZUGFeRD PDFs", () => {
  it("the corpus has them", () => {
    expect(EMBEDDED.length).toBeGreaterThanOrEqual(10);
  });

  it("other corpus PDFs that carry one (an ERP's UBL attachment) agree with their truth too", async () => {
    const found = await corpusEInvoices();
    const labelled = new Set(EMBEDDED.map((t) => t.file));
    expect(found.filter((f) => labelled.has(f.file)).length).toBe(EMBEDDED.length);
    const others = found.filter((f) => !labelled.has(f.file));
    expect(others.map((o) => o.syntax)).toContain("UBL");
    const all = readFileSync(join(corpusDir(), "truth.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Truth & { category: string });
    for (const o of others) {
      const truth = all.find((t) => t.file === o.file);
      expect(truth?.category).toBe("invoice");
      const doc = await parseDocument(corpusFile(o.file.replace(/^docs\//, "")), MEDIA_TYPES.pdf);
      const extraction = await ai.extract("invoice", doc);
      const compared = FIELD_KEYS.invoice.filter((k) => truth?.fields[k] !== undefined);
      expect(compared.length).toBeGreaterThanOrEqual(6);
      for (const key of compared)
        expect({ key, value: extraction.fields[key]?.value }).toEqual({ key, value: truth?.fields[key] });
    }
  });

  it.each(EMBEDDED.map((t) => [t.file, t] as const))(
    "%s: every invoice field equals the truth, exactly, as an invoice",
    async (_file, truth) => {
      const doc = await parseDocument(
        corpusFile(truth.file.replace(/^docs\//, "")),
        MEDIA_TYPES.pdf,
        DEFAULT_PARSE_BUDGET,
      );
      expect(doc.structured?.einvoice?.syntax).toBe("CII");
      const classification = await ai.classify(doc);
      expect(classification.category).toBe("invoice");
      expect(classification.confidence).toBeGreaterThanOrEqual(0.99);
      const extraction = await ai.extract("invoice", doc);
      const compared = FIELD_KEYS.invoice.filter((k) => truth.fields[k] !== undefined);
      expect(compared.length).toBeGreaterThanOrEqual(8);
      for (const key of compared) {
        expect({ key, value: extraction.fields[key]?.value }).toEqual({ key, value: truth.fields[key] });
        expect(extraction.fields[key]?.confidence).toBeGreaterThanOrEqual(0.99);
      }
      // A due date the XML does not state is not invented from the XML.
      if (truth.fields.due_date === undefined) expect(doc.structured?.einvoice?.dueDate).toBeUndefined();
      expect(extraction.missingRequired).toEqual([]);
    },
  );
});

// A UBL invoice as XRechnung and Peppol BIS write it (EN 16931-3-2 syntax binding), written for this test.
const UBL_INVOICE = `<?xml version="1.0" encoding="UTF-8"?>
<ubl:Invoice xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
  <cbc:ID>UBL-2026-0042</cbc:ID>
  <cbc:IssueDate>2026-02-14</cbc:IssueDate>
  <cbc:DueDate>2026-03-16</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyName><cbc:Name>Trading Name</cbc:Name></cac:PartyName>
    <cac:PartyTaxScheme><cbc:CompanyID>DE111111111</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>Beispiel Werkzeuge GmbH</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyLegalEntity><cbc:RegistrationName>Stadtverwaltung Beispielstadt</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">38.00</cbc:TaxAmount>
    <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">200.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">38.00</cbc:TaxAmount></cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">200.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">200.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">238.00</cbc:TaxInclusiveAmount>
    <cbc:PrepaidAmount currencyID="EUR">38.00</cbc:PrepaidAmount>
    <cbc:PayableAmount currencyID="EUR">200.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:LineExtensionAmount currencyID="EUR">200.00</cbc:LineExtensionAmount></cac:InvoiceLine>
</ubl:Invoice>`;

const UBL_CREDIT_NOTE = `<?xml version="1.0" encoding="UTF-8"?>
<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>CN-7</cbc:ID><cbc:IssueDate>2026-01-05</cbc:IssueDate><cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>
  <cbc:DocumentCurrencyCode>CHF</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Muster AG</cbc:Name></cac:PartyName></cac:Party></cac:AccountingSupplierParty>
  <cac:LegalMonetaryTotal><cbc:TaxInclusiveAmount currencyID="CHF">54.10</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID="CHF">54.10</cbc:PayableAmount></cac:LegalMonetaryTotal>
</CreditNote>`;

/** A CII XRechnung, ZUGFeRD-1.0-free D16B layout, with a salutation line in the buyer name. */
const CII_INVOICE = `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument><ram:ID>CII-1</ram:ID><ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20260301</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Beispiel &amp; Partner KG</ram:Name></ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>Frau
        Erika Beispiel</ram:Name></ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20260331</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:TaxBasisTotalAmount>100.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="USD">21.40</ram:TaxTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">19.00</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>119.00</ram:GrandTotalAmount>
        <ram:DuePayableAmount>119.00</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>`;

/** ZUGFeRD 1.0: other root, other container names (HeaderExchangedDocument, …SupplyChain…), same terms. */
const ZUGFERD_1 = `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
  <rsm:SpecifiedExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:comfort</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:SpecifiedExchangedDocumentContext>
  <rsm:HeaderExchangedDocument><ram:ID>ZF1-2017-5</ram:ID><ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20170502</udt:DateTimeString></ram:IssueDateTime></rsm:HeaderExchangedDocument>
  <rsm:SpecifiedSupplyChainTradeTransaction>
    <ram:ApplicableSupplyChainTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Beispiel Elektro GmbH</ram:Name></ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>Beispiel Bau AG</ram:Name></ram:BuyerTradeParty>
    </ram:ApplicableSupplyChainTradeAgreement>
    <ram:ApplicableSupplyChainTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20170530</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementMonetarySummation>
        <ram:LineTotalAmount currencyID="EUR">496.00</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount currencyID="EUR">496.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">75.04</ram:TaxTotalAmount>
        <ram:GrandTotalAmount currencyID="EUR">571.04</ram:GrandTotalAmount>
        <ram:DuePayableAmount currencyID="EUR">571.04</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementMonetarySummation>
    </ram:ApplicableSupplyChainTradeSettlement>
  </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>`;

describe("XRechnung (UBL and CII) embedded in a PDF", () => {
  it("a UBL invoice attached as xrechnung.xml gives its business terms", async () => {
    const pdf = buildPdf({
      lines: ["Rechnung UBL-2026-0042", "Gesamt 238,00 EUR"],
      attachments: [{ name: "xrechnung.xml", bytes: utf8(UBL_INVOICE), mime: "text/xml" }],
    });
    const doc = await parseDocument(pdf, MEDIA_TYPES.pdf);
    expect(doc.structured?.einvoice).toMatchObject({
      syntax: "UBL",
      fileName: "xrechnung.xml",
      invoiceNumber: "UBL-2026-0042",
      issueDate: "2026-02-14",
      dueDate: "2026-03-16",
      currency: "EUR",
      sellerName: "Beispiel Werkzeuge GmbH", // BT-27 is the legal registration name, not the trading name
      buyerName: "Stadtverwaltung Beispielstadt",
      netAmount: 200,
      taxAmount: 38, // TaxTotal/TaxAmount, not the subtotal's
      totalAmount: 238,
      amountDue: 200,
    });
    const e = await ai.extract("invoice", doc);
    expect(e.fields.total_amount).toEqual({ value: 238, confidence: 0.99 });
    expect(e.fields.issuer?.value).toBe("Beispiel Werkzeuge GmbH");
  });

  it("a UBL credit note, a ZUGFeRD 1.0 and a CII invoice under any .xml name are read by their root", () => {
    expect(readEInvoiceXml(utf8(UBL_CREDIT_NOTE), "cn.xml")).toMatchObject({
      syntax: "UBL",
      typeCode: "381",
      invoiceNumber: "CN-7",
      currency: "CHF",
      sellerName: "Muster AG", // no legal entity name: the party name
      totalAmount: 54.1,
    });
    expect(readEInvoiceXml(utf8(ZUGFERD_1), "ZUGFeRD-invoice.xml")).toEqual({
      syntax: "CII",
      fileName: "ZUGFeRD-invoice.xml",
      guideline: "urn:ferd:CrossIndustryDocument:invoice:1p0:comfort",
      invoiceNumber: "ZF1-2017-5",
      typeCode: "380",
      issueDate: "2017-05-02",
      dueDate: "2017-05-30",
      currency: "EUR",
      sellerName: "Beispiel Elektro GmbH",
      buyerName: "Beispiel Bau AG",
      netAmount: 496,
      taxAmount: 75.04,
      totalAmount: 571.04,
      amountDue: 571.04,
    });
    expect(readEInvoiceXml(utf8(CII_INVOICE), "invoice.xml")).toMatchObject({
      syntax: "CII",
      sellerName: "Beispiel & Partner KG",
      buyerName: "Erika Beispiel", // the salutation line is dropped
      issueDate: "2026-03-01",
      dueDate: "2026-03-31",
      taxAmount: 19, // BT-110 in the invoice currency, not the other currency's total
      totalAmount: 119,
    });
  });

  it("a bare XRechnung XML uploaded as a file (it sniffs as text) is read as the e-invoice it is", async () => {
    const bytes = utf8(`\uFEFF${UBL_INVOICE}`);
    const doc = await parseDocument(bytes, MEDIA_TYPES.text);
    expect(doc.structured?.einvoice).toMatchObject({ syntax: "UBL", invoiceNumber: "UBL-2026-0042" });
    expect((await ai.classify(doc)).category).toBe("invoice");
    expect((await ai.extract("invoice", doc)).fields.buyer?.value).toBe("Stadtverwaltung Beispielstadt");
    // Plain text that merely mentions XML is left alone.
    const text = await parseDocument(utf8("Invoice <b>42</b> total 5.00"), MEDIA_TYPES.text);
    expect(text.structured).toBeUndefined();
  });

  it("the XML decides over the printed text, field by field; fields it lacks keep the text's value", async () => {
    const pdf = buildPdf({
      lines: ["INVOICE", "Invoice No: WRONG-999", "Date: 01/01/2020", "Total: 5.00 EUR"],
      attachments: [{ name: "factur-x.xml", bytes: utf8(UBL_CREDIT_NOTE), mime: "text/xml" }],
    });
    const doc = await parseDocument(pdf, MEDIA_TYPES.pdf);
    const e = await ai.extract("invoice", doc);
    expect(e.fields.invoice_number?.value).toBe("CN-7");
    expect(e.fields.total_amount?.value).toBe(54.1);
    expect(e.fields.currency?.value).toBe("CHF");
    expect(e.fields.date?.value).toBe("2026-01-05");
  });
});

describe("what is not an e-invoice is left alone, without failing the parse", () => {
  it("a PDF whose attachments are not e-invoice XML has no structured data", async () => {
    const pdf = buildPdf({
      lines: ["Quarterly report", "See the attached data."],
      attachments: [
        { name: "data.xml", bytes: utf8('<?xml version="1.0"?><rows><row>1</row></rows>'), mime: "text/xml" },
        { name: "factur-x.xml", bytes: utf8("<rsm:CrossIndustryInvoice><broken"), mime: "text/xml" },
        { name: "notes.txt", bytes: utf8("Invoice 1"), mime: "text/plain" },
      ],
    });
    const doc = await parseDocument(pdf, MEDIA_TYPES.pdf);
    expect(doc.text).toMatch(/Quarterly report/);
    expect(doc.structured).toBeUndefined();
    expect((await ai.classify(doc)).confidence).toBeLessThan(0.99);
  });

  it("rejects wrong namespaces, missing required terms, malformed values and oversized files", () => {
    const swap = (from: string, to: string) => utf8(CII_INVOICE.replace(from, to));
    expect(readEInvoiceXml(swap("CrossIndustryInvoice:100", "SomethingElse:100"), "a.xml")).toBeUndefined();
    expect(
      readEInvoiceXml(swap("<ram:GrandTotalAmount>119.00", "<ram:GrandTotalAmount>"), "a.xml"),
    ).toBeUndefined();
    expect(readEInvoiceXml(swap("119.00</ram:Grand", "119,00</ram:Grand"), "a.xml")).toBeUndefined();
    expect(readEInvoiceXml(swap("<ram:ID>CII-1</ram:ID>", ""), "a.xml")).toBeUndefined();
    // An impossible date is dropped, the rest stays.
    expect(readEInvoiceXml(swap("20260301", "20260231"), "a.xml")?.issueDate).toBeUndefined();
    const big = new Uint8Array(MAX_EINVOICE_XML_BYTES + 1);
    expect(readEInvoiceXml(big, "factur-x.xml")).toBeUndefined();
    expect(readEInvoiceXml(utf8("not xml at all < > &"), "x.xml")).toBeUndefined();
  });

  it("does not expand entities declared in a DTD (no billion laughs)", () => {
    const bomb = CII_INVOICE.replace(
      "<rsm:CrossIndustryInvoice",
      `<!DOCTYPE rsm:CrossIndustryInvoice [<!ENTITY a "${"x".repeat(100)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<rsm:CrossIndustryInvoice`,
    ).replace("<ram:ID>CII-1</ram:ID>", "<ram:ID>&c;</ram:ID>");
    const started = Date.now();
    const e = readEInvoiceXml(utf8(bomb), "factur-x.xml");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(e?.invoiceNumber).toBe("&c;");
  });
});
