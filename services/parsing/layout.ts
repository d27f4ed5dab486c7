// Line positions for grounding: where each line of a page sits, as a box in fractions of the page
// (origin top-left), from pdf.js text runs or tesseract line boxes. Lines only, never glyphs or
// words, so the layout stays about the size of the text itself.
import type { OcrLine } from "./ocr.ts";
import type { PdfLine } from "./pdf.ts";
import type { Box, LayoutLine } from "./types.ts";

/** Lines kept per page; a page past this (a dense table dump) keeps its first lines only. */
export const MAX_LAYOUT_LINES_PER_PAGE = 2000;

/** The part of a pdf.js PageViewport used here: page size and the user-space → viewport mapping. */
export interface PdfViewport {
  width: number;
  height: number;
  convertToViewportPoint(x: number, y: number): number[];
}

const fraction = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 10_000) / 10_000;

/** A box from two opposite corners in page pixels (any order), normalised by the page size. */
function boxOf(ax: number, ay: number, bx: number, by: number, width: number, height: number): Box {
  const [x0, x1] = [Math.min(ax, bx) / width, Math.max(ax, bx) / width];
  const [y0, y1] = [Math.min(ay, by) / height, Math.max(ay, by) / height];
  const [x, y] = [fraction(x0), fraction(y0)];
  return { x, y, width: fraction(fraction(x1) - x), height: fraction(fraction(y1) - y) };
}

function kept<T extends { text: string }>(lines: readonly T[]): T[] {
  return lines.filter((l) => l.text.trim().length > 0).slice(0, MAX_LAYOUT_LINES_PER_PAGE);
}

/**
 * PDF lines (user space, y up) onto the page as shown: the viewport applies the page's rotation
 * and crop box and flips y, so the box is what a viewer draws over a rendering at any scale.
 */
export function pdfLineLayout(lines: readonly PdfLine[], viewport: PdfViewport): LayoutLine[] {
  const { width, height } = viewport;
  if (!(width > 0 && height > 0)) return [];
  return kept(lines).map((l) => {
    const [ax = 0, ay = 0] = viewport.convertToViewportPoint(l.left, l.bottom);
    const [bx = 0, by = 0] = viewport.convertToViewportPoint(l.right, l.top);
    return { text: l.text.trim(), box: boxOf(ax, ay, bx, by, width, height) };
  });
}

/** Tesseract lines (pixels of the recognised image, y down) normalised by the image size. */
export function ocrLineLayout(lines: readonly OcrLine[], width: number, height: number): LayoutLine[] {
  if (!(width > 0 && height > 0)) return [];
  return kept(lines).map((l) => ({
    text: l.text.trim(),
    box: boxOf(l.bbox.x0, l.bbox.y0, l.bbox.x1, l.bbox.y1, width, height),
  }));
}
