import { afterAll, describe, expect, it } from "vitest";
import { parseInThisThread } from "../../../services/parsing/dispatch.ts";
import {
  MAX_LAYOUT_LINES_PER_PAGE,
  MAX_LAYOUT_SPANS_PER_PAGE,
  ocrLineLayout,
  pdfLineLayout,
} from "../../../services/parsing/layout.ts";
import { terminateOcr } from "../../../services/parsing/ocr.ts";
import { DEFAULT_PARSE_BUDGET } from "../../../services/parsing/parser.ts";
import { positionedLines } from "../../../services/parsing/pdf.ts";
import { MEDIA_TYPES } from "../../../services/parsing/sniff.ts";
import type { Box } from "../../../services/parsing/types.ts";
import { corpusFile } from "./fixtures.ts";

const item = (str: string, x: number, y: number, width: number, size = 10) => ({
  str,
  transform: [size, 0, 0, size, x, y],
  width,
  height: size,
});

function expectInsideThePage(box: Box): void {
  for (const v of [box.x, box.y, box.width, box.height]) {
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  }
  expect(box.x + box.width).toBeLessThanOrEqual(1.0001);
  expect(box.y + box.height).toBeLessThanOrEqual(1.0001);
}

/** A real pdf.js viewport: the first page of a corpus PDF, optionally rotated. */
async function realViewport(rotation = 0) {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({ data: corpusFile("invoice2data__AzureInterior.pdf"), verbosity: 0 })
    .promise;
  const page = await doc.getPage(1);
  const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = page.view;
  const viewport = page.getViewport({ scale: 1, rotation });
  await doc.destroy();
  return { viewport, x0, y0, w: x1 - x0, h: y1 - y0 };
}

describe("line positions from pdf.js text runs", () => {
  it("groups runs by baseline and keeps each line's extent (glyph box from baseline − 0.2 h to + 0.8 h)", () => {
    const lines = positionedLines([
      item("Total", 100, 500, 25),
      item("279.84", 400, 500.5, 30),
      item("Invoice INV/1", 50, 700, 80, 20),
    ]);
    expect(lines.map((l) => l.text)).toEqual(["Invoice INV/1", "Total   279.84"]);
    const total = lines[1];
    expect(total).toMatchObject({ left: 100, right: 430 });
    expect(total?.bottom).toBeCloseTo(498, 5);
    expect(total?.top).toBeCloseTo(508.5, 5);
  });

  it("maps a line onto the page as shown: fractions of the page, origin top-left", async () => {
    const { viewport, x0, y0, w, h } = await realViewport();
    // A line from 10 % to 50 % of the width, its top 20 % below the top edge, 5 % of the height tall.
    const line = {
      text: " Total 279.84 ",
      left: x0 + 0.1 * w,
      right: x0 + 0.5 * w,
      top: y0 + 0.8 * h,
      bottom: y0 + 0.75 * h,
    };
    const [mapped] = pdfLineLayout([line], viewport);
    expect(mapped?.text).toBe("Total 279.84");
    expect(mapped?.box.x).toBeCloseTo(0.1, 3);
    expect(mapped?.box.y).toBeCloseTo(0.2, 3);
    expect(mapped?.box.width).toBeCloseTo(0.4, 3);
    expect(mapped?.box.height).toBeCloseTo(0.05, 3);
  });

  it("follows the page rotation (a 90° page: the PDF's bottom edge becomes the left edge)", async () => {
    const { viewport, x0, y0, w, h } = await realViewport(90);
    const line = { text: "rotated", left: x0 + 0.1 * w, right: x0 + 0.5 * w, top: y0 + 0.1 * h, bottom: y0 };
    const [mapped] = pdfLineLayout([line], viewport);
    expect(mapped?.box.x).toBeCloseTo(0, 3);
    expect(mapped?.box.width).toBeCloseTo(0.1, 3);
    expect(mapped?.box.y).toBeCloseTo(0.1, 3);
    expect(mapped?.box.height).toBeCloseTo(0.4, 3);
  });

  it("clamps runs that stick out of the page and drops blank lines", async () => {
    const { viewport, x0, y0, w, h } = await realViewport();
    const out = pdfLineLayout(
      [
        { text: "off the edge", left: x0 - 50, right: x0 + w + 50, top: y0 + h + 10, bottom: y0 + h - 10 },
        { text: "   ", left: x0, right: x0 + 10, top: y0 + 10, bottom: y0 },
      ],
      viewport,
    );
    expect(out).toHaveLength(1);
    expectInsideThePage(out[0]?.box as Box);
    expect(out[0]?.box).toMatchObject({ x: 0, y: 0, width: 1 });
  });

  it("keeps at most MAX_LAYOUT_LINES_PER_PAGE lines of a page", () => {
    const many = Array.from({ length: MAX_LAYOUT_LINES_PER_PAGE + 50 }, (_, i) => ({
      text: `row ${i}`,
      bbox: { x0: 0, y0: i, x1: 10, y1: i + 1 },
    }));
    const out = ocrLineLayout(many, 100, MAX_LAYOUT_LINES_PER_PAGE + 50);
    expect(out).toHaveLength(MAX_LAYOUT_LINES_PER_PAGE);
    expect(out[0]?.text).toBe("row 0");
  });
});

describe("spans: stretches of a line set apart by wide gaps", () => {
  it("splits a pdf.js line at gaps wider than one text height, joins glyph runs, skips space runs", () => {
    const [line] = positionedLines([
      item("D", 10, 500, 6),
      item("ate:", 16, 500, 18), // a glyph run glued to the previous one: same span
      item(" ", 34, 500, 3),
      item("2024-03-05", 37, 500, 50), // 3 units after the label (0.3 h): same span
      item("Ref", 200, 500, 15), // far right: a new span
      item("A-7", 219, 500, 15), // 4 units (0.4 h): same span
    ]);
    expect(line?.text).toBe("Date: 2024-03-05   Ref A-7");
    const spans = line?.spans ?? [];
    expect(spans.map((s) => line?.text.slice(s.start, s.end))).toEqual(["Date: 2024-03-05", "Ref A-7"]);
    expect(spans.map((s) => [s.left, s.right])).toEqual([
      [10, 87],
      [200, 234],
    ]);
    // A line of one stretch carries no spans (its box says it all).
    expect(positionedLines([item("Total 5.00", 10, 300, 50)])[0]?.spans).toBeUndefined();
  });

  it("maps pdf spans onto the page with the line, offsets following the trimmed text", async () => {
    const { viewport, x0, y0, w, h } = await realViewport();
    const line = {
      text: "  Total   279.84",
      left: x0 + 0.1 * w,
      right: x0 + 0.9 * w,
      top: y0 + 0.5 * h,
      bottom: y0 + 0.49 * h,
      spans: [
        { start: 2, end: 7, left: x0 + 0.1 * w, right: x0 + 0.2 * w },
        { start: 10, end: 16, left: x0 + 0.8 * w, right: x0 + 0.9 * w },
      ],
    };
    const [mapped] = pdfLineLayout([line], viewport);
    expect(mapped?.text).toBe("Total   279.84");
    const spans = mapped?.spans ?? [];
    expect(spans.map((s) => mapped?.text.slice(s.start, s.end))).toEqual(["Total", "279.84"]);
    expect(spans[1]?.x).toBeCloseTo(0.8, 3);
    expect(spans[1]?.width).toBeCloseTo(0.1, 3);
    // On a page turned 90° the line runs down the page: no horizontal spans.
    const turned = await realViewport(90);
    const [rotated] = pdfLineLayout(
      [{ ...line, left: turned.x0 + 0.1 * turned.w, right: turned.x0 + 0.9 * turned.w }],
      turned.viewport,
    );
    expect(rotated?.spans).toBeUndefined();
  });

  it("groups OCR words into spans by their gaps, relative to the line height", () => {
    const word = (text: string, x0: number, x1: number) => ({ text, bbox: { x0, y0: 100, x1, y1: 120 } });
    const [line] = ocrLineLayout(
      [
        {
          text: "Grand Total 29.30\n",
          bbox: { x0: 100, y0: 100, x1: 800, y1: 120 },
          words: [word("Grand", 100, 180), word("Total", 195, 270), word("29.30", 700, 800)],
        },
      ],
      1000,
      1000,
    );
    expect(line?.text).toBe("Grand Total 29.30");
    expect(line?.spans?.map((s) => line.text.slice(s.start, s.end))).toEqual(["Grand Total", "29.30"]);
    expect(line?.spans?.[1]).toMatchObject({ x: 0.7, width: 0.1 });
    // Words that do not spell the line give no spans rather than wrong ones.
    const [odd] = ocrLineLayout(
      [
        {
          text: "A B",
          bbox: { x0: 0, y0: 0, x1: 900, y1: 20 },
          words: [word("A", 0, 10), word("C", 800, 900)],
        },
      ],
      1000,
      1000,
    );
    expect(odd?.spans).toBeUndefined();
  });

  it("keeps at most MAX_LAYOUT_SPANS_PER_PAGE spans on a page; later lines keep their boxes", () => {
    const word = (text: string, x0: number) => ({ text, bbox: { x0, y0: 0, x1: x0 + 10, y1: 10 } });
    // Three spans a line, more lines than the span budget covers (and fewer than the line cap).
    const lines = Array.from({ length: Math.ceil(MAX_LAYOUT_SPANS_PER_PAGE / 3) + 10 }, (_, i) => ({
      text: `a${i} b${i} c${i}`,
      bbox: { x0: 0, y0: i, x1: 900, y1: i + 10 },
      words: [word(`a${i}`, 0), word(`b${i}`, 400), word(`c${i}`, 800)],
    }));
    expect(lines.length).toBeLessThan(MAX_LAYOUT_LINES_PER_PAGE);
    const out = ocrLineLayout(lines, 1000, 100_000);
    const spans = out.reduce((n, l) => n + (l.spans?.length ?? 0), 0);
    expect(spans).toBeLessThanOrEqual(MAX_LAYOUT_SPANS_PER_PAGE);
    expect(spans).toBeGreaterThan(MAX_LAYOUT_SPANS_PER_PAGE - 3);
    expect(out.at(-1)?.spans).toBeUndefined();
    expect(out).toHaveLength(lines.length);
  });
});

describe("line positions from tesseract line boxes", () => {
  it("normalises pixel boxes by the image size", () => {
    const [line] = ocrLineLayout(
      [{ text: "TOTAL 9.00\n", bbox: { x0: 100, y0: 300, x1: 500, y1: 340 } }],
      1000,
      2000,
    );
    expect(line).toEqual({ text: "TOTAL 9.00", box: { x: 0.1, y: 0.15, width: 0.4, height: 0.02 } });
  });
});

describe("parsed documents carry their line layout", () => {
  afterAll(terminateOcr);

  it("a text-layer PDF: one positioned line list per page, boxes on the page, texts from the page", async () => {
    const doc = await parseInThisThread(
      corpusFile("invoice2data__AzureInterior.pdf"),
      MEDIA_TYPES.pdf,
      DEFAULT_PARSE_BUDGET,
    );
    expect(doc.layout).toHaveLength(doc.pageCount);
    const lines = doc.layout?.[0] ?? [];
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) {
      expectInsideThePage(l.box);
      expect(doc.pages[0]).toContain(l.text);
    }
    // Reading order runs down the page.
    const ys = lines.map((l) => l.box.y);
    expect(ys[0]).toBeLessThan(ys.at(-1) as number);
    // The total's line sits in the lower part of the page, right of the middle.
    const total = lines.find((l) => l.text.includes("279.84"));
    expect(total).toBeDefined();
    expect((total?.box.x ?? 0) + (total?.box.width ?? 0)).toBeGreaterThan(0.5);
  });

  it("an OCRed image: line boxes from tesseract", async () => {
    const doc = await parseInThisThread(corpusFile("sroie__009.jpg"), MEDIA_TYPES.jpeg, DEFAULT_PARSE_BUDGET);
    const lines = doc.layout?.[0] ?? [];
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expectInsideThePage(l.box);
    expect(lines.map((l) => l.text).join(" ").length).toBeGreaterThan(50);
  }, 60_000);
});
