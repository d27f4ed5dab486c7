import type { StructuredData } from "./structured.ts";

/** The result of parsing one document. */
export interface ParsedDocument {
  /** The media type the document was parsed as. */
  mediaType: string;
  /** Text per page (PDF pages; one page for formats without fixed pagination). */
  pages: string[];
  /** All pages joined by blank lines. */
  text: string;
  pageCount: number;
  /** ISO 639-1 code of the dominant language, or "und". */
  language: string;
  /** True when any of the text came from OCR. */
  ocr: boolean;
  /** Machine-readable data the document carries (embedded e-invoice XML, payment QR codes). */
  structured?: StructuredData;
  /**
   * Positioned lines per page (index = page − 1), where the format has positions: PDF text layers
   * and OCR. Lines and their spans, never glyphs or words, so it stays a small multiple of the text.
   */
  layout?: LayoutLine[][];
}

/** A rectangle in fractions of its page (0–1), origin top-left. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One line of a page as the parser read it, and where it sits on the page. */
export interface LayoutLine {
  text: string;
  box: Box;
  /**
   * The line's stretches of text set apart by wide gaps (a label and its value, table cells,
   * columns), left to right; only when the line has more than one. Each stretch shares the
   * line's vertical extent.
   */
  spans?: LayoutSpan[];
}

/** A stretch of a line: characters [start, end) of the line's text, and its horizontal extent. */
export interface LayoutSpan {
  start: number;
  end: number;
  /** Left edge and width in fractions of the page width. */
  x: number;
  width: number;
}

/** Limits enforced on one parse. */
export interface ParseBudget {
  /** Wall-clock limit; the worker thread is terminated when it passes. */
  timeoutMs: number;
  /** V8 heap limit of the parsing worker thread (old generation), in MiB. */
  maxMemoryMb: number;
  /** Limit on the inflated size of compressed containers (DOCX ZIP). */
  maxUncompressedBytes: number;
}
