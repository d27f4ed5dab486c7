import { describe, expect, it } from "vitest";
import { CATEGORIES, FIELD_KEYS, REQUIRED_FIELDS } from "../../../services/ai/ai.ts";
import { cosine, createBuiltinProvider } from "../../../services/ai/builtin/index.ts";
import type { ParsedDocument } from "../../../services/parsing/types.ts";

function doc(text: string, extra: Partial<ParsedDocument> = {}): ParsedDocument {
  return { mediaType: "text/plain", pages: [text], text, pageCount: 1, language: "en", ocr: false, ...extra };
}

const provider = createBuiltinProvider();

const INVOICE_DE = `Muster Handel GmbH · Hauptstraße 1 · 10115 Berlin
Rechnung
Kunde:
Beispiel AG
Rechnungsnummer: RE-2024-0042
Rechnungsdatum: 14.02.2024
Fällig bis: 15.03.2024
Pos Beschreibung Menge Einzelpreis Betrag
1 Beratung 10 120,00 1.200,00
Nettobetrag 1.200,00 €
USt. 19 % 228,00 €
Gesamtbetrag 1.428,00 €
IBAN DE02 1203 0000 0000 2020 51`;

const RECEIPT = `KEDAI RUNCIT MAJU SDN BHD
(123456-X)
NO. 5, JALAN BESAR, 43000 KAJANG, SELANGOR
TAX INVOICE
Date: 21/03/2018 14:02
Cashier: 07
MILO 1.5KG 1 RM 29.90
BREAD 2 RM 5.00
Total RM 34.90
Cash RM 50.00
Change RM 15.10
Thank you, please come again`;

const CONTRACT = `EXHIBIT 10.1
MASTER SERVICES AGREEMENT
This Master Services Agreement (the "Agreement") is entered into as of March 3, 2021 by and between
Acme Widgets, Inc., a Delaware corporation ("Client"), and Blue Harbor Consulting LLC, a New York limited liability company ("Consultant").
WHEREAS, Client wishes to engage Consultant; NOW, THEREFORE, the parties agree as follows:
1. Services. Consultant shall provide the services described in Exhibit A.
2. Term and Termination. Either party may terminate this Agreement upon thirty days notice.
3. Confidential Information. Each party shall hold confidential information in confidence.
4. Indemnification. Consultant shall indemnify Client against third-party claims.
12. Governing Law. This Agreement shall be governed by and construed in accordance with the laws of the State of Delaware, without regard to conflicts of law principles.
IN WITNESS WHEREOF, the parties hereto have executed this Agreement as of the date first written above.
${"Each party shall comply with all applicable laws and the terms hereof. ".repeat(40)}`;

const REPORT = `Learning Sparse Retrieval at Scale
Jane Doe, University of Somewhere
Abstract
In this paper we propose a method for sparse retrieval. Our approach outperforms the state of the art on three datasets.
1 Introduction
Related work on dense retrieval (Smith et al., 2020) shows ... Table 1 reports the results of our experiments and evaluation.
2 Results and Discussion
Figure 2 shows the performance. 5 Conclusion. References`;

describe("built-in classify", () => {
  it.each([
    ["invoice", INVOICE_DE],
    ["receipt", RECEIPT],
    ["contract", CONTRACT],
    ["report", REPORT],
    [
      "other",
      "Dear all, the family picnic is on Saturday. Bring your kids and your best smile! Regards, Anna",
    ],
  ])("recognises a %s", async (category, text) => {
    const c = await provider.classify(doc(text));
    expect(c.category).toBe(category);
    expect(c.confidence).toBe(c.scores[c.category as keyof typeof c.scores]);
    const sum = CATEGORIES.reduce((s, k) => s + c.scores[k], 0);
    expect(sum).toBeCloseTo(1, 6);
  });

  it("files a document with next to no text under other, with calibrated scores", async () => {
    const c = await provider.classify(doc("", { ocr: true }));
    expect(c.category).toBe("other");
    expect(c.confidence).toBeLessThan(1);
    expect(Object.values(c.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it("is confident only with strong evidence", async () => {
    const strong = await provider.classify(doc(INVOICE_DE));
    const weak = await provider.classify(doc("Rechnung 12,00"));
    expect(strong.confidence).toBeGreaterThan(weak.confidence);
  });
});

describe("built-in extract", () => {
  it("extracts a German invoice with normalised values and consistent amounts", async () => {
    const e = await provider.extract("invoice", doc(INVOICE_DE, { language: "de" }));
    const v = Object.fromEntries(Object.entries(e.fields).map(([k, f]) => [k, f.value]));
    expect(v).toMatchObject({
      invoice_number: "RE-2024-0042",
      issuer: "Muster Handel GmbH",
      buyer: "Beispiel AG",
      date: "2024-02-14",
      due_date: "2024-03-15",
      net_amount: 1200,
      tax_amount: 228,
      total_amount: 1428,
      currency: "EUR",
    });
    expect(e.missingRequired).toEqual([]);
    // net + tax = total found: the amounts are confident.
    expect(e.fields.total_amount?.confidence).toBeGreaterThanOrEqual(0.8);
    for (const f of Object.values(e.fields)) {
      expect(f.confidence).toBeGreaterThan(0);
      expect(f.confidence).toBeLessThanOrEqual(1);
    }
  });

  it("extracts a receipt (cash − change confirms the total)", async () => {
    const e = await provider.extract("receipt", doc(RECEIPT, { ocr: true }));
    expect(e.fields.merchant?.value).toBe("KEDAI RUNCIT MAJU SDN BHD");
    expect(e.fields.date?.value).toBe("2018-03-21");
    expect(e.fields.total_amount?.value).toBe(34.9);
    expect(e.fields.currency?.value).toBe("MYR");
    expect(e.missingRequired).toEqual([]);
  });

  it("extracts a contract: title, parties, date, governing law", async () => {
    const e = await provider.extract("contract", doc(CONTRACT));
    expect(e.fields.title?.value).toBe("MASTER SERVICES AGREEMENT");
    expect(e.fields.parties?.value).toEqual(["Acme Widgets, Inc.", "Blue Harbor Consulting LLC"]);
    expect(e.fields.agreement_date?.value).toBe("2021-03-03");
    expect(e.fields.governing_law?.value).toBe("Delaware");
  });

  it("reports missing required fields and keeps to the schema", async () => {
    const e = await provider.extract("invoice", doc("Invoice\nThank you for your business."));
    expect(e.missingRequired).toEqual(expect.arrayContaining(["invoice_number", "total_amount"]));
    for (const k of Object.keys(e.fields)) expect(FIELD_KEYS.invoice).toContain(k);
    for (const k of e.missingRequired) expect(REQUIRED_FIELDS.invoice).toContain(k);
    const other = await provider.extract("other", doc("anything"));
    expect(other).toEqual({ category: "other", fields: {}, missingRequired: [] });
  });
});

describe("built-in embed", () => {
  it("returns L2-normalised vectors of the declared size and names its model", async () => {
    const [a, b] = await provider.embed(["invoice total amount due", "invoice total amount due"]);
    expect(a).toHaveLength(provider.embeddingDimensions);
    expect(provider.embeddingDimensions).toBe(512);
    expect(provider.embeddingModel).toMatch(/^use-multilingual-v3\//);
    let n = 0;
    for (const x of a as Float32Array) n += x * x;
    expect(Math.sqrt(n)).toBeCloseTo(1, 5);
    expect(Array.from(a as Float32Array)).toEqual(Array.from(b as Float32Array));
  });

  it("ranks related texts above unrelated ones", async () => {
    const [q, near, far] = await provider.embed([
      "receipts from Malaysian shops in March",
      "Receipt from a shop in Kuala Lumpur, Malaysia, dated March 2018",
      "Dense passage retrieval for open-domain question answering",
    ]);
    const qv = q as Float32Array;
    expect(cosine(qv, near as Float32Array)).toBeGreaterThan(cosine(qv, far as Float32Array));
  });
});

describe("built-in extract: layouts", () => {
  it("reads amounts under a header row, aligned from the right, preferring the total row", async () => {
    const text = `ACME SARL
Facture n°4711 du 02 Juillet 2015
Montant EUR HT   Montant TVA   Montant EUR TTC
Abonnements   10.00   2.00   12.00
Options   5.00   1.00   6.00
Total facture   15.00   3.00   18.00`;
    const e = await provider.extract("invoice", doc(text, { language: "fr" }));
    expect(e.fields.net_amount?.value).toBe(15);
    expect(e.fields.tax_amount?.value).toBe(3);
    expect(e.fields.total_amount?.value).toBe(18);
    expect(e.fields.invoice_number?.value).toBe("4711");
    expect(e.fields.date?.value).toBe("2015-07-02");
  });

  it("takes the buyer from the first plain line under its label, skipping id lines", async () => {
    const text = `Rechnung Nr. 99 vom 01.02.2020
Käufer:
Nummer : 009420
Globale Nummer: 4304171000002 (GTIN)
MUSTER-KUNDE GMBH
KUNDENWEG 88
Gesamtbetrag 119,00 EUR`;
    const e = await provider.extract("invoice", doc(text, { language: "de" }));
    expect(e.fields.buyer?.value).toBe("MUSTER-KUNDE GMBH");
  });

  it("falls back to the bank account holder for the issuer and the delivery recipient for the buyer", async () => {
    const text = `Facture 2022-001
Adresse de livraison
Ma Boutique
12 rue X, 69001 Lyon
Total TTC 12,00 €
Virement – Titulaire du compte : PRESSE LIBRE
IBAN : FR76 1010 7002 4500 6170 5231 739`;
    const e = await provider.extract("invoice", doc(text, { language: "fr" }));
    expect(e.fields.issuer?.value).toBe("PRESSE LIBRE");
    expect(e.fields.buyer?.value).toBe("Ma Boutique");
  });
});

describe("built-in extract: multilingual invoice labels", () => {
  const cases: [string, string, Record<string, unknown>][] = [
    [
      "es",
      `Ferretería López S.L.
FACTURA
Nº de factura: F-2023-118
Fecha de factura: 15/03/2023
Fecha de vencimiento: 14/04/2023
Cliente: Construcciones Ruiz S.A.
Base imponible 100,00 €
IVA 21% 21,00 €
Total factura 121,00 €`,
      {
        invoice_number: "F-2023-118",
        date: "2023-03-15",
        due_date: "2023-04-14",
        buyer: "Construcciones Ruiz S.A.",
        net_amount: 100,
        tax_amount: 21,
        total_amount: 121,
      },
    ],
    [
      "it",
      `Rossi Forniture S.r.l.
Fattura n. 2023/045 del 10/05/2023
Cliente: Bianchi SpA
Imponibile € 200,00
IVA 22% € 44,00
Totale documento € 244,00
Scadenza: 09/06/2023`,
      {
        invoice_number: "2023/045",
        date: "2023-05-10",
        due_date: "2023-06-09",
        net_amount: 200,
        tax_amount: 44,
        total_amount: 244,
      },
    ],
    [
      "nl",
      `Bakkerij De Vries B.V.
Factuurnummer: 2023-77
Factuurdatum: 3 maart 2023
Vervaldatum: 2 april 2023
Klant: Jansen Horeca
Subtotaal € 50,00
BTW 9% € 4,50
Totaal te betalen € 54,50`,
      {
        invoice_number: "2023-77",
        date: "2023-03-03",
        due_date: "2023-04-02",
        buyer: "Jansen Horeca",
        net_amount: 50,
        tax_amount: 4.5,
        total_amount: 54.5,
      },
    ],
    [
      "pt",
      `Papelaria Central Lda.
Fatura Nº FT 2023/12
Data: 2023-06-01
Cliente: Escola Nova
Total sem IVA 81,30 €
IVA 23% 18,70 €
Total 100,00 €`,
      {
        invoice_number: "FT 2023/12",
        date: "2023-06-01",
        net_amount: 81.3,
        tax_amount: 18.7,
        total_amount: 100,
      },
    ],
  ];
  it.each(cases)("%s", async (language, text, expected) => {
    const e = await provider.extract("invoice", doc(text, { language }));
    const v = Object.fromEntries(Object.entries(e.fields).map(([k, f]) => [k, f.value]));
    expect(v).toMatchObject({ ...expected, currency: "EUR" });
  });
});

describe("built-in: receipts beyond the corpus", () => {
  it("recognises and extracts a German till receipt", async () => {
    const text = `REWE Markt GmbH
Hauptstr. 5, 50667 Köln
BANANEN 1,29 B
MILCH 0,99 B
SUMME EUR 2,28
Geg. BAR EUR 5,00
Rückgeld BAR EUR 2,72
Datum: 12.04.2023 Uhrzeit: 18:22
Vielen Dank für Ihren Einkauf`;
    const d = doc(text, { language: "de" });
    expect((await provider.classify(d)).category).toBe("receipt");
    const e = await provider.extract("receipt", d);
    expect(e.fields.merchant?.value).toBe("REWE Markt GmbH");
    expect(e.fields.date?.value).toBe("2023-04-12");
    expect(e.fields.total_amount?.value).toBe(2.28);
    expect(e.fields.currency?.value).toBe("EUR");
  });
});
