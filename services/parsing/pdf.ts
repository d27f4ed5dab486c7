import { ParseError } from "./errors.ts";
import { cleanText, type FormatResult } from "./format.ts";
import { MAX_IMAGE_PIXELS } from "./image.ts";
import { ocrLineLayout, pdfLineLayout } from "./layout.ts";
import { ocrImage } from "./ocr.ts";
import { embeddedEInvoice } from "./pdf-einvoice.ts";
import {
  MAX_QR_RENDERED_PAGES,
  PAYMENT_PART_HEADING,
  paymentCodesOnCanvas,
  renderAndReadPaymentCodes,
} from "./pdf-qr.ts";
import type { PaymentCode } from "./structured.ts";
import type { LayoutLine } from "./types.ts";

/** Pages whose text layer has fewer non-space characters than this are treated as scans. */
export const MIN_TEXT_LAYER_CHARS = 16;
/** At most this many scanned pages of one PDF are OCRed (each costs ~1–2 s). */
export const MAX_OCR_PAGES = 20;
/**
 * Render scans at about 300 dpi, capped so the longer side stays under this many pixels: a page
 * render is at most 3500² ≈ 12 M pixels (49 MB of RGBA), well under MAX_IMAGE_PIXELS, whatever
 * the page size claims.
 */
const OCR_DPI = 300;
const OCR_MAX_SIDE = 3500;

interface PdfTextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL?: boolean;
}

/** One rebuilt line and its extent in PDF user space (y grows upwards). */
export interface PdfLine {
  text: string;
  left: number;
  right: number;
  bottom: number;
  top: number;
  /** Stretches of the line split at gaps wider than SPAN_GAP text heights (characters [start, end) of `text`). */
  spans?: { start: number; end: number; left: number; right: number }[];
}

/** A gap wider than this many text heights (three or four spaces) starts a new span of a line: wider than the stretched spaces of justified text, narrower than a column gap. */
export const SPAN_GAP = 1;

/** Rebuilds reading lines from positioned text runs: group by baseline, order by x, space by gaps. */
export function layoutLines(items: readonly PdfTextItem[]): string {
  return positionedLines(items)
    .map((l) => l.text)
    .join("\n");
}

/** The reading lines of a page with where each sits (glyph extents: baseline − 0.2 h to + 0.8 h). */
export function positionedLines(items: readonly PdfTextItem[]): PdfLine[] {
  type Run = { x: number; y: number; w: number; h: number; s: string };
  const runs: Run[] = [];
  for (const it of items) {
    if (typeof it.str !== "string" || it.str.length === 0) continue;
    const t = it.transform;
    const h = Math.abs(it.height || (t[3] ?? 0) || (t[0] ?? 0)) || 1;
    runs.push({ x: t[4] ?? 0, y: t[5] ?? 0, w: Math.abs(it.width), h, s: it.str });
  }
  runs.sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Run[][] = [];
  let current: Run[] = [];
  let lineY = Number.NaN;
  let lineH = 0;
  for (const r of runs) {
    if (current.length > 0 && Math.abs(r.y - lineY) <= 0.45 * Math.max(lineH, r.h)) {
      current.push(r);
      lineH = Math.max(lineH, r.h);
    } else {
      if (current.length > 0) lines.push(current);
      current = [r];
      lineY = r.y;
      lineH = r.h;
    }
  }
  if (current.length > 0) lines.push(current);
  const out: PdfLine[] = [];
  for (const line of lines) {
    line.sort((a, b) => a.x - b.x);
    let s = "";
    let end = Number.NEGATIVE_INFINITY;
    let [bottom, top] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const spans: NonNullable<PdfLine["spans"]> = [];
    for (const r of line) {
      bottom = Math.min(bottom, r.y - 0.2 * r.h);
      top = Math.max(top, r.y + 0.8 * r.h);
      const gap = r.x - end;
      if (s.length > 0 && !s.endsWith(" ") && !r.s.startsWith(" ")) {
        if (gap > 2.5 * r.h) s += "   ";
        else if (gap > 0.18 * r.h) s += " ";
      }
      const inked = r.s.trim();
      if (inked.length > 0) {
        // Spans cover inked runs only: a run of spaces neither starts one nor closes a gap.
        const start = s.length + r.s.indexOf(inked);
        const last = spans.at(-1);
        if (last && r.x - last.right <= SPAN_GAP * r.h) {
          last.end = start + inked.length;
          last.right = Math.max(last.right, r.x + r.w);
        } else spans.push({ start, end: start + inked.length, left: r.x, right: r.x + r.w });
      }
      s += r.s;
      end = Math.max(end, r.x + r.w);
    }
    // trimEnd, not /\s+$/, which is quadratic on a long inner run of spaces
    out.push({
      text: s.trimEnd(),
      left: line[0]?.x ?? 0,
      right: end,
      bottom,
      top,
      ...(spans.length > 1 ? { spans } : {}),
    });
  }
  return out;
}

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjsPromise: Promise<PdfJs> | undefined;
function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= (async () => {
    const natives = { push: Array.prototype.push, parse: JSON.parse, stringify: JSON.stringify };
    const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
    // Load the worker half now (it sets globalThis.pdfjsWorker, which pdf.js then runs in this
    // thread), so that both halves' core-js polyfills are installed before we undo them below.
    await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
    // The legacy build's core-js force-replaces built-ins that Node 20 has, for spec corner cases
    // pdf.js never reaches (a length past 2^32, JSON.rawJSON). The JS push alone cost ~10% of
    // parse time in a profile. Only the parse worker threads load pdf.js, so put the natives back.
    Array.prototype.push = natives.push;
    JSON.parse = natives.parse;
    JSON.stringify = natives.stringify;
    return pdfjs;
  })();
  return pdfjsPromise;
}

/** A PDF must end with %%EOF (possibly followed by a little whitespace or junk); without it the file was cut. */
function hasEofMarker(bytes: Uint8Array): boolean {
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .subarray(Math.max(0, bytes.byteLength - 2048))
    .toString("latin1");
  return tail.includes("%%EOF");
}

/**
 * PDF through pdf.js (legacy build for Node): the text layer per page, rebuilt into lines.
 * A page without a text layer is rendered with pdf.js onto @napi-rs/canvas (pdf.js's optional
 * Node canvas) at ~300 dpi and OCRed. Password-protected files fail with `encrypted`.
 */
export async function parsePdf(bytes: Uint8Array): Promise<FormatResult> {
  if (!hasEofMarker(bytes)) throw new ParseError("malformed", "pdf: no %%EOF marker at the end (truncated)");
  const pdfjs = await loadPdfJs();
  // pdf.js may detach the buffer it is given, so give it a copy.
  const data = new Uint8Array(bytes);
  const task = pdfjs.getDocument({
    data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
    // Images over the pixel cap are dropped before decoding (pdf.js skips them with a warning):
    // a 391 KB PDF painting a 20000×20000 image took the process to 7.5 GiB.
    maxImageSize: MAX_IMAGE_PIXELS,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    const e = err as Error;
    if (e?.name === "PasswordException")
      throw new ParseError("encrypted", `pdf: password required (${e.message})`);
    throw new ParseError("malformed", `pdf: ${e?.message ?? String(err)}`);
  }
  try {
    const pages: string[] = [];
    const layout: LayoutLine[][] = [];
    let ocr = false;
    let ocrPages = 0;
    const paymentCodes: PaymentCode[] = [];
    let qrRenders = 0;
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      let text = "";
      let lines: LayoutLine[] = [];
      try {
        const content = await page.getTextContent();
        const positioned = positionedLines(content.items as PdfTextItem[]);
        text = positioned.map((l) => l.text).join("\n");
        lines = pdfLineLayout(positioned, page.getViewport({ scale: 1 }));
      } catch {
        text = "";
      }
      if (
        text.replace(/\s/g, "").length < MIN_TEXT_LAYER_CHARS &&
        ocrPages < MAX_OCR_PAGES &&
        (await paintsImages(page, pdfjs.OPS))
      ) {
        const scanned = await ocrPage(doc, page, n, paymentCodes);
        if (scanned !== undefined) {
          ocrPages++;
          ocr = true;
          if (scanned.text.replace(/\s/g, "").length > text.replace(/\s/g, "").length) {
            text = scanned.text;
            lines = scanned.lines;
          }
        }
      } else if (qrRenders < MAX_QR_RENDERED_PAGES && PAYMENT_PART_HEADING.test(text)) {
        qrRenders++;
        paymentCodes.push(...(await renderAndReadPaymentCodes(doc, page, n)));
      }
      pages.push(cleanText(text));
      layout.push(lines);
      page.cleanup();
    }
    const einvoice = await embeddedEInvoice(doc);
    const structured = {
      ...(einvoice ? { einvoice } : {}),
      ...(paymentCodes.length > 0 ? { paymentCodes } : {}),
    };
    return { pages, ocr, layout, ...(Object.keys(structured).length > 0 ? { structured } : {}) };
  } catch (err) {
    if (err instanceof ParseError) throw err;
    throw new ParseError("malformed", `pdf: ${(err as Error)?.message ?? String(err)}`);
  } finally {
    await doc.destroy();
  }
}

/** Only pages that paint raster images can hold a scan worth OCRing (a blank page has nothing to read). */
async function paintsImages(
  page: { getOperatorList(): Promise<{ fnArray: number[] }> },
  ops: Record<string, number>,
): Promise<boolean> {
  const wanted = new Set(
    [
      ops.paintImageXObject,
      ops.paintInlineImageXObject,
      ops.paintImageXObjectRepeat,
      ops.paintImageMaskXObject,
    ].filter((v): v is number => typeof v === "number"),
  );
  try {
    const list = await page.getOperatorList();
    return list.fnArray.some((fn) => wanted.has(fn));
  } catch {
    return true;
  }
}

interface CanvasLike {
  encode?: (format: "png") => Promise<Uint8Array>;
  toBuffer?: (mime: "image/png") => Uint8Array;
}

/**
 * Renders one page and OCRs it (text and line boxes); undefined when no canvas implementation is available. The payment
 * QR codes on the rendered page are added to `paymentCodes`.
 */
async function ocrPage(
  doc: { canvasFactory?: unknown },
  page: {
    getViewport(o: { scale: number }): { width: number; height: number };
    render(o: unknown): { promise: Promise<void> };
  },
  pageNumber: number,
  paymentCodes: PaymentCode[],
): Promise<{ text: string; lines: LayoutLine[] } | undefined> {
  const base = page.getViewport({ scale: 1 });
  const scale = Math.min(OCR_DPI / 72, OCR_MAX_SIDE / Math.max(base.width, base.height, 1));
  const viewport = page.getViewport({ scale });
  const factory = doc.canvasFactory as
    | {
        create(w: number, h: number): { canvas: CanvasLike; context: unknown };
        destroy(c: unknown): void;
      }
    | undefined;
  if (!factory) return undefined;
  let target: { canvas: CanvasLike; context: unknown };
  try {
    target = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
  } catch {
    return undefined; // no @napi-rs/canvas: the page stays without text
  }
  try {
    await page.render({ canvasContext: target.context, viewport, canvas: target.canvas }).promise;
    const [w, h] = [Math.ceil(viewport.width), Math.ceil(viewport.height)];
    paymentCodes.push(...(await paymentCodesOnCanvas(target.context, w, h, pageNumber)));
    const png = target.canvas.encode
      ? await target.canvas.encode("png")
      : target.canvas.toBuffer?.("image/png");
    if (!png) return undefined;
    const result = await ocrImage(png);
    return { text: result.text, lines: ocrLineLayout(result.lines, w, h) };
  } finally {
    factory.destroy(target);
  }
}
