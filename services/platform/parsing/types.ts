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
