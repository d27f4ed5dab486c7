import { afterAll, describe, expect, it } from "vitest";
import { parseInThisThread } from "../../../services/parsing/dispatch.ts";
import { MAX_LAYOUT_LINES_PER_PAGE, ocrLineLayout, pdfLineLayout } from "../../../services/parsing/layout.ts";
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
