import { convert } from "html-to-text";
import { ParseError } from "./errors.ts";
import { cleanText, type FormatResult } from "./format.ts";
import { htmlNestingDepth, indexOfEndTag, MAX_HTML_DEPTH } from "./html-depth.ts";
import { decodeText } from "./sniff.ts";

export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      { selector: "script", format: "skip" },
      { selector: "style", format: "skip" },
      { selector: "h1", options: { uppercase: false } },
      { selector: "h2", options: { uppercase: false } },
      { selector: "h3", options: { uppercase: false } },
      { selector: "h4", options: { uppercase: false } },
      { selector: "h5", options: { uppercase: false } },
      { selector: "h6", options: { uppercase: false } },
      { selector: "table", format: "dataTable", options: { uppercaseHeaderCells: false } },
    ],
  });
}

/** HTML → text with html-to-text; the <title> leads, since html-to-text drops <head>. */
export function parseHtml(bytes: Uint8Array): FormatResult {
  const html = decodeText(bytes);
  const depth = htmlNestingDepth(html, MAX_HTML_DEPTH);
  if (depth > MAX_HTML_DEPTH) {
    throw new ParseError("malformed", `html: elements nested more than ${MAX_HTML_DEPTH} deep`);
  }
  const title = titleOf(html);
  const body = htmlToText(html);
  const titleText = title ? htmlToText(title).trim() : "";
  const text = titleText && !body.startsWith(titleText) ? `${titleText}\n\n${body}` : body;
  return { pages: [cleanText(text)], ocr: false };
}

/** The inner markup of the first <title>. Not a lazy regex, which rescans to the end for every unclosed <title. */
function titleOf(html: string): string | undefined {
  const open = /<title[\s>]/i.exec(html);
  if (!open) return undefined;
  const start = html.indexOf(">", open.index);
  const end = start < 0 ? -1 : indexOfEndTag(html, "title", start + 1);
  return end < 0 ? undefined : html.slice(start + 1, end);
}
