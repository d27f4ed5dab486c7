// Grounding through the public API (embedded mode, real Envoy for REST): a corpus invoice with a
// text layer is uploaded, and GetDocument shows, for every extracted field, the page, a box on the
// page and the source text that holds the value, over Connect and over REST JSON. The review
// reasons agree with the status, whichever status the threshold gives.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, mintToken } from "../../../gateway/dev-token.ts";
import {
  type Document,
  DocumentStatus,
  type Grounding,
  ReviewReasonCode,
} from "../../../gen/docmesh/document/v1/document_pb.ts";
import { findAmounts, sameMoney } from "../../../services/ai/normalize/amount.ts";
import { findDates } from "../../../services/ai/normalize/date.ts";
import { corpus, readDoc } from "../../e2e/corpus.ts";
import { clientsFor, startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { type Edge, startEdge } from "../edge/edge.ts";

const INVOICE = "docs/invoice2data__AzureInterior.pdf";

/** A field as both transports show it: value(s) and grounding (Connect message or REST JSON). */
interface ShownField {
  key: string;
  value?: string | number;
  values?: string[];
  grounding?: {
    page?: number;
    boundingBox?: { x?: number; y?: number; width?: number; height?: number };
    text?: string;
  };
}

/** The source text shows the value in the field's own terms. */
function textShows(text: string, field: ShownField): boolean {
  const value = field.values?.[0] ?? field.value;
  if (typeof value === "number") return findAmounts(text).some((a) => sameMoney(Math.abs(a.value), value));
  if (/^\d{4}-\d{2}-\d{2}$/.test(String(value)))
    return (["DMY", "MDY"] as const).some((o) => findDates(text, o).some((d) => d.iso === value));
  if (field.key === "currency") return text.includes(String(value)) || /[$€£¥]/.test(text);
  return text.toLowerCase().includes(String(value).toLowerCase());
}

function expectGrounded(fields: ShownField[]): void {
  expect(fields.length).toBeGreaterThanOrEqual(5);
  for (const field of fields) {
    const g = field.grounding;
    const context = JSON.stringify(field);
    expect(g, context).toBeDefined();
    expect(g?.page, context).toBeGreaterThanOrEqual(1);
    const box = g?.boundingBox;
    expect(box, context).toBeDefined();
    const [x, y, w, h] = [box?.x ?? 0, box?.y ?? 0, box?.width ?? 0, box?.height ?? 0];
    for (const v of [x, y, w, h]) {
      expect(v, context).toBeGreaterThanOrEqual(0);
      expect(v, context).toBeLessThanOrEqual(1);
    }
    expect(w, context).toBeGreaterThan(0);
    expect(h, context).toBeGreaterThan(0);
    expect(x + w, context).toBeLessThanOrEqual(1.0001);
    expect(y + h, context).toBeLessThanOrEqual(1.0001);
    expect(textShows(g?.text ?? "", field), context).toBe(true);
  }
}

/** The invoice's typed fields from the Connect message, with their proto names. */
function connectFields(doc: Document | undefined): ShownField[] {
  const kind = doc?.fields?.kind;
  expect(kind?.case).toBe("invoice");
  if (kind?.case !== "invoice") return [];
  const f = kind.value;
  const entries: [string, { value: string | number; grounding?: Grounding } | undefined][] = [
    ["invoice_number", f.invoiceNumber],
    ["issuer", f.issuer],
    ["buyer", f.buyer],
    ["date", f.date],
    ["due_date", f.dueDate],
    ["net_amount", f.netAmount],
    ["tax_amount", f.taxAmount],
    ["total_amount", f.totalAmount],
    ["currency", f.currency],
  ];
  return entries.flatMap(([key, field]) =>
    field ? [{ key, value: field.value, grounding: field.grounding }] : [],
  );
}

describe("grounding in GetDocument (embedded, Connect and REST through Envoy)", () => {
  let docmesh: TestDocmesh;
  let edge: Edge;
  let token: string;
  let name: string;
  let connectDoc: Document | undefined;

  beforeAll(async () => {
    docmesh = await startDocmesh("embedded", { auth: "jwt", jwks: DEV_JWKS_PATH });
    edge = await startEdge(docmesh.url);
    const tenant = `grounding-${Date.now().toString(36)}`;
    token = await mintToken({ tenant });
    const { ingestion, progress, metadata } = clientsFor(docmesh.url, { authorization: `Bearer ${token}` });
    const { document } = await ingestion.uploadDocument({
      fileName: "invoice.pdf",
      content: readDoc(corpus().root, INVOICE),
    });
    name = document?.name ?? "";
    for await (const _ of progress.watchDocument({ name })) {
      // drain until terminal
    }
    connectDoc = (await metadata.getDocument({ name })).document;
  }, 120_000);

  afterAll(async () => {
    await edge?.stop();
    await docmesh?.stop();
  });

  it("over Connect: every field has a page, a box on the page and source text showing the value", () => {
    expect(connectDoc?.failureReason).toBe("");
    expect(connectDoc?.pageCount).toBeGreaterThanOrEqual(1);
    const fields = connectFields(connectDoc);
    expectGrounded(fields);
    const total = fields.find((f) => f.key === "total_amount");
    expect(total?.value).toBe(279.84);
    expect(total?.grounding?.page).toBeLessThanOrEqual(connectDoc?.pageCount ?? 0);
  });

  it("review reasons agree with the status: none when INDEXED, one per field otherwise", () => {
    const status = connectDoc?.status;
    const reasons = connectDoc?.reviewReasons ?? [];
    expect([DocumentStatus.INDEXED, DocumentStatus.NEEDS_REVIEW, DocumentStatus.PARTIAL]).toContain(status);
    if (status === DocumentStatus.INDEXED) expect(reasons).toEqual([]);
    else {
      expect(reasons.length).toBeGreaterThan(0);
      const fieldKeys = new Set([
        "category",
        ...connectFields(connectDoc).map((f) => f.key),
        ...(connectDoc?.missingFields ?? []),
      ]);
      for (const r of reasons) {
        expect(fieldKeys).toContain(r.field);
        expect([ReviewReasonCode.LOW_CONFIDENCE, ReviewReasonCode.MISSING]).toContain(r.code);
        if (r.code === ReviewReasonCode.LOW_CONFIDENCE) expect(r.confidence).toBeLessThan(0.92 + 1e-6);
      }
    }
  });

  it("over REST (Envoy transcoding): the same grounding under JSON names", async () => {
    const response = await fetch(`${edge.url}/v1/${name}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      document: {
        status: string;
        fields: { invoice: Record<string, Omit<ShownField, "key">> };
        reviewReasons?: { field: string; code: string; confidence?: number }[];
      };
    };
    const invoice = body.document.fields.invoice;
    const keys: Record<string, string> = {
      invoiceNumber: "invoice_number",
      dueDate: "due_date",
      netAmount: "net_amount",
      taxAmount: "tax_amount",
      totalAmount: "total_amount",
    };
    const fields = Object.entries(invoice).map(([jsonName, f]) => ({
      key: keys[jsonName] ?? jsonName,
      ...f,
    }));
    expectGrounded(fields);
    // The same values as over Connect, box included.
    const connectTotal = connectFields(connectDoc).find((f) => f.key === "total_amount");
    expect(invoice.totalAmount?.grounding?.text).toBe(connectTotal?.grounding?.text);
    expect(invoice.totalAmount?.grounding?.boundingBox?.y).toBeCloseTo(
      connectTotal?.grounding?.boundingBox?.y ?? -1,
      5,
    );
    // Review reasons by JSON name, enum values by name.
    const reasons = body.document.reviewReasons ?? [];
    expect(reasons.length).toBe(connectDoc?.reviewReasons.length);
    for (const r of reasons) expect(r.code).toMatch(/^REVIEW_REASON_CODE_(LOW_CONFIDENCE|MISSING)$/);
  });
});
