import { convert } from "html-to-text";
import { cleanText, type FormatResult } from "./format.ts";
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
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const body = htmlToText(html);
  const titleText = title ? htmlToText(title).trim() : "";
  const text = titleText && !body.startsWith(titleText) ? `${titleText}\n\n${body}` : body;
  return { pages: [cleanText(text)], ocr: false };
}
