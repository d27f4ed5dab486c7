import { describe, expect, it } from "vitest";
import { extractWithRuleConfidence } from "../../../services/ai/builtin/extractor.ts";
import { keyValues, placedLines } from "../../../services/ai/builtin/layout-kv.ts";
import type { LayoutLine, LayoutSpan, ParsedDocument } from "../../../services/parsing/types.ts";

/**
 * Layout-aware key–value reading on synthetic pages: lines placed by hand (boxes in fractions of
 * the page), so each case shows one placement rule whatever the reading order of the text.
 */

/** A line from its cells: [text, x, width] each, on the row at `y` (height 0.012). */
function row(y: number, ...cellsAt: [string, number, number][]): LayoutLine {
  let text = "";
  const spans: LayoutSpan[] = [];
  for (const [t, x, width] of cellsAt) {
    if (text.length > 0) text += "   ";
    spans.push({ start: text.length, end: text.length + t.length, x, width });
    text += t;
  }
  const first = spans[0] as LayoutSpan;
  const last = spans.at(-1) as LayoutSpan;
  const box = { x: first.x, y, width: last.x + last.width - first.x, height: 0.012 };
  return spans.length > 1 ? { text, box, spans } : { text, box };
}

/** A one-page document whose text is its lines in the given order (the reading order to test against). */
function page(lines: LayoutLine[], opts: { ocr?: boolean } = {}): ParsedDocument {
  const text = lines.map((l) => l.text).join("\n");
  return {
    mediaType: opts.ocr ? "image/png" : "application/pdf",
    pages: [text],
    text,
    pageCount: 1,
    language: "en",
    ocr: opts.ocr ?? false,
    layout: [lines],
  };
}

describe("keyValues: a label and the value placed next to it", () => {
  it("reads the rest of the label's span, and else the nearest span to its right on the row", () => {
    const doc = page([
      row(0.1, ["Invoice date: 2024-03-05", 0.1, 0.2]),
      row(0.2, ["Due date", 0.1, 0.08], ["Reference", 0.4, 0.1], ["2024-04-04", 0.25, 0.1]),
    ]);
    const [first] = keyValues(placedLines(doc), /invoice date/);
    expect(first).toMatchObject({ right: "2024-03-05", rightIsRest: true, page: 1 });
    // The spans of a line are not in x order here: the nearest to the label's right edge wins.
    const [due] = keyValues(placedLines(doc), /due date/);
    expect(due).toMatchObject({ right: "2024-04-04", rightIsRest: false });
  });

  it("reads a value from another line of the same row (OCR often splits a row into blocks)", () => {
    const doc = page([
      row(0.5, ["TOTAL", 0.1, 0.1]),
      row(0.52, ["CASH", 0.1, 0.08]),
      row(0.502, ["25.15", 0.7, 0.1]),
      row(0.521, ["30.00", 0.7, 0.1]),
    ]);
    expect(keyValues(placedLines(doc), /total/)[0]?.right).toBe("25.15");
    expect(keyValues(placedLines(doc), /cash/)[0]?.right).toBe("30.00");
  });

  it("reads the value under the label's x-span on the next row with text there, skipping other columns", () => {
    const doc = page([
      row(0.1, ["Order number", 0.1, 0.12], ["Bill to", 0.5, 0.08]),
      row(0.115, ["Seller street 1", 0.75, 0.15]),
      row(0.13, ["A-1029", 0.1, 0.06], ["Northwind Traders", 0.5, 0.18]),
    ]);
    const hits = placedLines(doc);
    expect(keyValues(hits, /bill to/)[0]?.below).toBe("Northwind Traders");
    expect(keyValues(hits, /order number/)[0]?.below).toBe("A-1029");
  });

  it("finds nothing below past a few line heights, and nothing to the right of the last span", () => {
    const doc = page([row(0.1, ["Total", 0.8, 0.05]), row(0.3, ["12.00", 0.8, 0.05])]);
    const [hit] = keyValues(placedLines(doc), /total/);
    expect(hit?.right).toBeUndefined();
    expect(hit?.below).toBeUndefined();
  });

  it("gives the label's own box from its characters within the span", () => {
    const doc = page([row(0.1, ["Amount due 40.00", 0.1, 0.32])]);
    const [hit] = keyValues(placedLines(doc), /amount due/);
    expect(hit?.label.x).toBeCloseTo(0.1, 5);
    expect(hit?.label.width).toBeCloseTo((0.32 * 10) / 16, 5);
    expect(hit?.right).toBe("40.00");
  });

  it("has nothing to read where the format has no positions", () => {
    const doc: ParsedDocument = { ...page([]), layout: undefined, text: "Total 5.00", pages: ["Total 5.00"] };
    expect(keyValues(placedLines(doc), /total/)).toEqual([]);
  });
});

describe("the extractor reads labels by position", () => {
  it("a two-column header: the label row over the value row, whatever the text order", () => {
    // Reading order interleaves the columns: the value row of the left column comes after a
    // line of the right column, and the rows hold different numbers of cells.
    const doc = page([
      row(0.05, ["ACME GmbH", 0.1, 0.2]),
      row(0.1, ["Invoice number", 0.1, 0.14], ["Invoice date", 0.4, 0.12]),
      row(0.115, ["Customer 7", 0.7, 0.1]),
      row(0.13, ["R-2024-117", 0.1, 0.1], ["05.03.2024", 0.4, 0.1]),
      row(0.5, ["Net amount", 0.55, 0.12], ["100.00", 0.8, 0.08]),
      row(0.52, ["VAT 19 %", 0.55, 0.12], ["19.00", 0.8, 0.08]),
      row(0.54, ["Total", 0.55, 0.12], ["119.00", 0.8, 0.08]),
    ]);
    const f = extractWithRuleConfidence("invoice", doc).fields;
    expect(f.invoice_number?.value).toBe("R-2024-117");
    expect(f.date?.value).toBe("2024-03-05");
    // In reading order alone the number is not found and the date is only the first date printed.
    const textOnly = extractWithRuleConfidence("invoice", { ...doc, layout: undefined }).fields;
    expect(textOnly.invoice_number).toBeUndefined();
    expect(textOnly.date?.confidence ?? 0).toBeLessThan(f.date?.confidence ?? 0);
    expect(f.net_amount?.value).toBe(100);
    expect(f.tax_amount?.value).toBe(19);
    expect(f.total_amount?.value).toBe(119);
  });

  it("a label read the same way by both readings counts once: same value, same confidence", () => {
    const lines = [row(0.1, ["Invoice no. INV-0042", 0.1, 0.2]), row(0.2, ["Total 50.00", 0.6, 0.2])];
    const both = extractWithRuleConfidence("invoice", page(lines)).fields;
    const textOnly = extractWithRuleConfidence("invoice", { ...page(lines), layout: undefined }).fields;
    expect(both.invoice_number).toEqual(textOnly.invoice_number);
    expect(both.total_amount).toEqual(textOnly.total_amount);
    expect(both.total_amount?.value).toBe(50);
  });
});
