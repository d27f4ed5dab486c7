import { parseDocx } from "./docx.ts";
import { standaloneEInvoice } from "./einvoice-xml.ts";
import { parseEml } from "./eml.ts";
import { parseEpub } from "./epub.ts";
import { ParseError } from "./errors.ts";
import type { FormatBudget, FormatResult } from "./format.ts";
import { parseHtml } from "./html.ts";
import { parseImage } from "./image.ts";
import { detectLanguage } from "./language.ts";
import { parseOdf } from "./odf.ts";
import { parsePdf } from "./pdf.ts";
import { parsePptx } from "./pptx.ts";
import { MEDIA_TYPES } from "./sniff.ts";
import { parseText } from "./text.ts";
import type { ParsedDocument } from "./types.ts";
import { parseXlsx } from "./xlsx.ts";

function runFormat(
  bytes: Uint8Array,
  mediaType: string,
  budget: FormatBudget,
): Promise<FormatResult> | FormatResult {
  switch (mediaType) {
    case MEDIA_TYPES.pdf:
      return parsePdf(bytes);
    case MEDIA_TYPES.docx:
      return parseDocx(bytes, budget);
    case MEDIA_TYPES.epub:
      return parseEpub(bytes, budget);
    case MEDIA_TYPES.pptx:
      return parsePptx(bytes, budget);
    case MEDIA_TYPES.xlsx:
      return parseXlsx(bytes, budget);
    case MEDIA_TYPES.odt:
      return parseOdf(bytes, budget, "text");
    case MEDIA_TYPES.ods:
      return parseOdf(bytes, budget, "spreadsheet");
    case MEDIA_TYPES.odp:
      return parseOdf(bytes, budget, "presentation");
    case MEDIA_TYPES.html:
      return parseHtml(bytes);
    case MEDIA_TYPES.text:
    case MEDIA_TYPES.markdown:
      return parseText(bytes);
    case MEDIA_TYPES.eml:
      return parseEml(bytes);
    case MEDIA_TYPES.png:
    case MEDIA_TYPES.jpeg:
    case MEDIA_TYPES.tiff:
      return parseImage(bytes, mediaType);
    default:
      throw new ParseError("unsupported", `no parser for ${mediaType}`);
  }
}

/**
 * Runs the format parser in the current thread and assembles the ParsedDocument.
 * parseDocument() calls this inside a worker thread; call it directly only for trusted input.
 */
export async function parseInThisThread(
  bytes: Uint8Array,
  mediaType: string,
  budget: FormatBudget,
): Promise<ParsedDocument> {
  const { pages, ocr, structured: carried, layout } = await runFormat(bytes, mediaType, budget);
  const standalone = mediaType === MEDIA_TYPES.text ? standaloneEInvoice(bytes) : undefined;
  const structured = carried ?? (standalone ? { einvoice: standalone } : undefined);
  const text = pages.join("\n\n");
  if (text.trim().length === 0 && !ocr) throw new ParseError("empty", `${mediaType}: no text content`);
  return {
    mediaType,
    pages,
    text,
    pageCount: pages.length,
    language: detectLanguage(text),
    ocr,
    ...(structured ? { structured } : {}),
    ...(layout ? { layout } : {}),
  };
}
