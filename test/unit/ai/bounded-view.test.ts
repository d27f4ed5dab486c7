import { describe, expect, it } from "vitest";
import { boundedView, VIEW_HEAD_CHARS, VIEW_TAIL_CHARS } from "../../../services/ai/bounded-view.ts";
import { extract } from "../../../services/ai/builtin/extractor.ts";
import { groundFields } from "../../../services/ai/grounding.ts";
import type { ParsedDocument } from "../../../services/parsing/types.ts";

const LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ";

function textDoc(text: string): ParsedDocument {
  return { mediaType: "text/plain", pages: [text], text, pageCount: 1, language: "en", ocr: false };
}

/** An invoice whose number heads it and whose totals close it, with `filler` characters between. */
function longInvoice(filler: number): ParsedDocument {
  const head = "Northwind Trading Ltd\nInvoice No. INV-2024-0042\nDate: 03/04/2024\n";
  const tail = "\nNet 100.00\nVAT 19.00\nTotal EUR 119.00\nPayable within 14 days";
  return textDoc(head + LOREM.repeat(Math.ceil(filler / LOREM.length)) + tail);
}

describe("bounded view: what the AI reads of a long document", () => {
  it("is the document itself when it is short enough (every ordinary document)", () => {
    const doc = longInvoice(10_000);
    expect(boundedView(doc)).toBe(doc);
    const justFits = textDoc("x".repeat(VIEW_HEAD_CHARS + VIEW_TAIL_CHARS));
    expect(boundedView(justFits)).toBe(justFits);
  });

  it("keeps the start and the end of a 16 MiB single line, cut between words", () => {
    const doc = longInvoice(16 * 1024 * 1024);
    const view = boundedView(doc);
    expect(view.text.length).toBeLessThanOrEqual(VIEW_HEAD_CHARS + VIEW_TAIL_CHARS + 2);
    expect(view.text.length).toBeGreaterThan(VIEW_HEAD_CHARS + VIEW_TAIL_CHARS - 2 * 1024);
    expect(view.pages).toHaveLength(1);
    expect(view.text).toBe(view.pages[0]);
    expect(view.text.startsWith(doc.text.slice(0, 1000))).toBe(true);
    expect(view.text.endsWith(doc.text.slice(-1000))).toBe(true);
    // The two ends meet at a blank line, each cut at a word boundary: every word is a whole word.
    const [first, second, ...rest] = view.text.split("\n\n");
    expect(rest).toEqual([]);
    expect(doc.text.startsWith(first as string)).toBe(true);
    expect(doc.text.endsWith(second as string)).toBe(true);
    expect(first).toMatch(/\S$/);
    expect(second).toMatch(/^\S/);
    const vocabulary = new Set(doc.text.split(/\s+/));
    for (const word of view.text.split(/\s+/)) expect(vocabulary.has(word)).toBe(true);
  });

  it("lets the extractor read the number at the top and the total at the bottom, and ground them", () => {
    const view = boundedView(longInvoice(4 * 1024 * 1024));
    const { fields } = extract("invoice", view);
    expect(fields.invoice_number?.value).toBe("INV-2024-0042");
    expect(fields.total_amount?.value).toBe(119);
    expect(fields.currency?.value).toBe("EUR");
    const grounded = groundFields(fields, view);
    expect(grounded.total_amount?.source?.text).toBe("Total EUR 119.00");
    expect(grounded.invoice_number?.source?.page).toBe(1);
  });

  it("keeps page numbers: first and last pages whole, the middle ones empty, with no layout", () => {
    const page = (n: number) => `Page ${n}. ${LOREM.repeat(120)}`.trim();
    const pages = Array.from({ length: 200 }, (_, i) => page(i + 1));
    const box = { x: 0, y: 0, width: 1, height: 0.1 };
    const doc: ParsedDocument = {
      mediaType: "application/pdf",
      pages,
      text: pages.join("\n\n"),
      pageCount: 200,
      language: "en",
      ocr: false,
      layout: pages.map((text) => [{ text, box }]),
    };
    const view = boundedView(doc, 30_000, 20_000);
    expect(view.pageCount).toBe(200);
    expect(view.pages).toHaveLength(200);
    expect(view.pages[0]).toBe(pages[0]);
    expect(view.pages[199]).toBe(pages[199]);
    expect(view.pages[100]).toBe("");
    expect(view.layout?.[100]).toEqual([]);
    expect(view.layout?.[0]).toEqual(doc.layout?.[0]);
    const kept = view.pages.filter((p) => p.length > 0);
    expect(view.text).toBe(kept.join("\n\n"));
    expect(view.text.length).toBeLessThanOrEqual(30_000 + 20_000 + 2 * kept.length);
    // The page where the head ends is cut at a word, not dropped.
    const cut = view.pages.findIndex((p, i) => p.length > 0 && p !== pages[i]);
    expect(cut).toBeGreaterThan(0);
    expect(pages[cut]?.startsWith(view.pages[cut] as string)).toBe(true);
  });
});
