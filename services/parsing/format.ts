import type { StructuredData } from "./structured.ts";
import type { LayoutLine } from "./types.ts";

/** What a format parser returns; the port (parser.ts) adds media type, language and counts. */
export interface FormatResult {
  pages: string[];
  ocr: boolean;
  /** E-invoice XML and payment QR codes, where the format carries them (structured.ts). */
  structured?: StructuredData;
  /** Positioned lines per page, where the format has positions (PDF, OCR). */
  layout?: LayoutLine[][];
}

import { ParseError } from "./errors.ts";

export interface FormatBudget {
  maxUncompressedBytes: number;
}

/** Bytes of heap budget needed per byte (or character) of text: decode, clean and regex copies. */
export const TEXT_MEMORY_FACTOR = 8;

/**
 * Extracted text longer than this is refused as `memory` before any regular expression runs over
 * it: V8 aborts the whole process (not just the worker) when a regexp operation on a huge string
 * hits the heap limit. The parsing worker sets it from its heap budget (heap / 8, in characters).
 */
let maxTextChars = Number.POSITIVE_INFINITY;

export function setMaxTextChars(n: number): void {
  maxTextChars = n;
}

/** Refuses, as `memory`, text (or markup about to be walked) of `length` characters past that limit. */
export function assertTextFits(length: number, what: string): void {
  if (length > maxTextChars) {
    throw new ParseError(
      "memory",
      `${what} of ${length} characters exceeds what the memory budget allows (${maxTextChars})`,
    );
  }
}

/** Tidies extracted text: normalises line ends and spaces, drops runs of blank lines. */
export function cleanText(s: string): string {
  assertTextFits(s.length, "extracted text");
  const lines = s
    .replace(/\r\n?/g, "\n")
    .replace(/\u00a0/g, " ")
    .split("\n");
  return lines
    .map(trimLineEnd)
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Drops trailing spaces and tabs from one line. Not a regex: `/[ \t]+\n/` retries from every
 * position of a long run of spaces that is not followed by a line end, which is quadratic
 * (2 MiB of spaces took minutes). This scan is linear.
 */
export function trimLineEnd(line: string): string {
  let end = line.length;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0c && c !== 0x0b) break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
}
