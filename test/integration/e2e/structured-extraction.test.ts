// Standards-based extraction through the public API (embedded mode): a corpus Factur-X/ZUGFeRD PDF
// and a Swiss QR-bill image are uploaded, and GetDocument shows the fields their machine-readable
// data states, as an INDEXED invoice. Proves the structured data survives the stage hand-off.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Category, DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { corpus, readDoc } from "../../e2e/corpus.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { SAMPLE_CREDITOR, swissQrBill } from "../../unit/parsing/structured-fixtures.ts";

const ZUGFERD = "docs/zugferd-corpus__zugferd_2p0_EXTENDED_Fremdwaehrung.pdf";

describe("standards-based extraction end to end (embedded)", () => {
  let docmesh: TestDocmesh;

  beforeAll(async () => {
    docmesh = await startDocmesh("embedded");
  });
  afterAll(async () => {
    await docmesh?.stop();
  });

  async function uploadAndRead(fileName: string, content: Uint8Array) {
    const { ingestion, progress, metadata } = docmesh.clients;
    const { document } = await ingestion.uploadDocument({ fileName, content });
    const name = document?.name ?? "";
    for await (const _ of progress.watchDocument({ name })) {
      // drain until terminal
    }
    const { document: done } = await metadata.getDocument({ name });
    return done;
  }

  it("a ZUGFeRD invoice: every field from its embedded XML, INDEXED", async () => {
    const { root, truth } = corpus();
    const expected = truth.find((t) => t.file === ZUGFERD)?.fields as Record<string, unknown>;
    expect(expected).toBeDefined();
    const doc = await uploadAndRead("invoice.pdf", readDoc(root, ZUGFERD));
    expect(doc?.status).toBe(DocumentStatus.INDEXED);
    expect(doc?.category).toBe(Category.INVOICE);
    expect(doc?.categoryConfidence).toBeGreaterThanOrEqual(0.99);
    const kind = doc?.fields?.kind;
    expect(kind?.case).toBe("invoice");
    const f = kind?.case === "invoice" ? kind.value : undefined;
    expect({
      invoice_number: f?.invoiceNumber?.value,
      issuer: f?.issuer?.value,
      buyer: f?.buyer?.value,
      date: f?.date?.value,
      due_date: f?.dueDate?.value,
      net_amount: f?.netAmount?.value,
      tax_amount: f?.taxAmount?.value,
      total_amount: f?.totalAmount?.value,
      currency: f?.currency?.value,
    }).toEqual({
      invoice_number: expected.invoice_number,
      issuer: expected.issuer,
      buyer: expected.buyer,
      date: expected.date,
      due_date: expected.due_date,
      net_amount: expected.net_amount,
      tax_amount: expected.tax_amount,
      total_amount: expected.total_amount,
      currency: expected.currency,
    });
    expect(f?.totalAmount?.confidence).toBeCloseTo(0.99, 5);
  });

  it("a Swiss QR-bill image: creditor, amount and currency from its QR code", async () => {
    const bill = await swissQrBill({
      amount: 250.5,
      currency: "CHF",
      creditor: SAMPLE_CREDITOR,
      reference: "21 00000 00003 13947 14300 09017",
    });
    const doc = await uploadAndRead("bill.png", bill.png);
    expect(doc?.failureReason).toBe("");
    // A payment slip with little text: the code tips the classification to invoice (not at 0.99).
    expect(doc?.category).toBe(Category.INVOICE);
    expect(doc?.categoryConfidence).toBeLessThan(0.99);
    const kind = doc?.fields?.kind;
    const f = kind?.case === "invoice" ? kind.value : undefined;
    expect([f?.issuer?.value, f?.totalAmount?.value, f?.currency?.value]).toEqual([
      "Beispiel Handwerk GmbH",
      250.5,
      "CHF",
    ]);
  });
});
