import { ParseError } from "./errors.ts";
import { cleanText, type FormatResult } from "./format.ts";
import { decodeText } from "./sniff.ts";

/** Plain text and Markdown: decoded as-is (Markdown syntax is kept; it reads fine as text). Form feeds split pages. */
export function parseText(bytes: Uint8Array): FormatResult {
  const text = decodeText(bytes);
  if (text.includes("\u0000")) throw new ParseError("malformed", "text: contains NUL bytes");
  const pages = text.split("\f").map(cleanText);
  const nonEmpty = pages.filter((p) => p.length > 0);
  return { pages: nonEmpty.length > 0 ? nonEmpty : [""], ocr: false };
}
