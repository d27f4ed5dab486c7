// Line positions for grounding and layout-aware extraction: where each line of a page sits, as a
// box in fractions of the page (origin top-left), from pdf.js text runs or tesseract line boxes,
// and the line's spans (stretches set apart by wide gaps: a label and its value, table cells,
// columns). Never glyphs or words, so the layout stays a small multiple of the text itself.
import type { OcrLine } from "./ocr.ts";
import type { PdfLine } from "./pdf.ts";
import type { Box, LayoutLine, LayoutSpan } from "./types.ts";

/** Lines kept per page; a page past this (a dense table dump) keeps its first lines only. */
export const MAX_LAYOUT_LINES_PER_PAGE = 2000;
/** Spans kept per page; past this, further lines keep their box but no spans. */
export const MAX_LAYOUT_SPANS_PER_PAGE = 4000;
/**
 * A gap between OCR words wider than this many line heights starts a new span: wider than the
 * spaces of receipts' wide monospace, narrower than a column gap (as pdf.ts's SPAN_GAP).
 */
export const OCR_SPAN_GAP = 1;

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

/** A span from its horizontal extent in page pixels, normalised by the page width. */
function spanOf(start: number, end: number, left: number, right: number, width: number): LayoutSpan {
  const x = fraction(Math.min(left, right) / width);
  return { start, end, x, width: fraction(fraction(Math.max(left, right) / width) - x) };
}

/** Non-blank lines, text trimmed (span offsets follow), at most the per-page caps. */
function kept(lines: readonly LayoutLine[]): LayoutLine[] {
  const out: LayoutLine[] = [];
  let spans = 0;
  for (const l of lines) {
    const text = l.text.trim();
    if (text.length === 0) continue;
    if (out.length === MAX_LAYOUT_LINES_PER_PAGE) break;
    const lead = l.text.length - l.text.trimStart().length;
    const shifted = (l.spans ?? [])
      .map((s) => ({ ...s, start: Math.max(0, s.start - lead), end: Math.min(text.length, s.end - lead) }))
      .filter((s) => s.end > s.start);
    if (shifted.length > 1 && spans + shifted.length <= MAX_LAYOUT_SPANS_PER_PAGE) {
      spans += shifted.length;
      out.push({ text, box: l.box, spans: shifted });
    } else out.push({ text, box: l.box });
  }
  return out;
}

/**
 * PDF lines (user space, y up) onto the page as shown: the viewport applies the page's rotation
 * and crop box and flips y, so the box is what a viewer draws over a rendering at any scale.
 * Spans are kept where the text runs left to right on the page as shown (not on a page turned 90°).
 */
export function pdfLineLayout(lines: readonly PdfLine[], viewport: PdfViewport): LayoutLine[] {
  const { width, height } = viewport;
  if (!(width > 0 && height > 0)) return [];
  const at = (x: number, y: number) => {
    const [vx = 0, vy = 0] = viewport.convertToViewportPoint(x, y);
    return [vx, vy] as const;
  };
  return kept(
    lines.map((l) => {
      const [ax, ay] = at(l.left, l.bottom);
      const [bx, by] = at(l.right, l.top);
      const [rx, ry] = at(l.right, l.bottom);
      const horizontal = Math.abs(rx - ax) >= Math.abs(ry - ay);
      const spans =
        horizontal && l.spans
          ? l.spans.map((s) =>
              spanOf(s.start, s.end, at(s.left, l.bottom)[0], at(s.right, l.bottom)[0], width),
            )
          : undefined;
      return { text: l.text, box: boxOf(ax, ay, bx, by, width, height), ...(spans ? { spans } : {}) };
    }),
  );
}

/** Spans of an OCR line from its words: consecutive words closer than OCR_SPAN_GAP line heights join. */
function ocrSpans(line: OcrLine, width: number): LayoutSpan[] | undefined {
  if (!line.words || line.words.length < 2) return undefined;
  const lineHeight = line.bbox.y1 - line.bbox.y0;
  const spans: { start: number; end: number; left: number; right: number }[] = [];
  let cursor = 0;
  for (const w of line.words) {
    const word = w.text.trim();
    if (word.length === 0) continue;
    const start = line.text.indexOf(word, cursor);
    if (start < 0) return undefined; // the words do not spell the line: no spans rather than wrong ones
    cursor = start + word.length;
    const last = spans.at(-1);
    if (last && w.bbox.x0 - last.right <= OCR_SPAN_GAP * lineHeight) {
      last.end = cursor;
      last.right = Math.max(last.right, w.bbox.x1);
    } else spans.push({ start, end: cursor, left: w.bbox.x0, right: w.bbox.x1 });
  }
  return spans.map((s) => spanOf(s.start, s.end, s.left, s.right, width));
}

/** Tesseract lines (pixels of the recognised image, y down) normalised by the image size. */
export function ocrLineLayout(lines: readonly OcrLine[], width: number, height: number): LayoutLine[] {
  if (!(width > 0 && height > 0)) return [];
  return kept(
    lines.map((l) => {
      const spans = ocrSpans(l, width);
      return {
        text: l.text,
        box: boxOf(l.bbox.x0, l.bbox.y0, l.bbox.x1, l.bbox.y1, width, height),
        ...(spans ? { spans } : {}),
      };
    }),
  );
}
