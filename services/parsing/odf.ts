import { ParseError } from "./errors.ts";
import type { FormatBudget, FormatResult } from "./format.ts";
import { TextBuilder } from "./office-text.ts";
import { OfficePackage } from "./package.ts";
import { walkXml, xmlAttr } from "./xml.ts";

export type OdfKind = "text" | "spreadsheet" | "presentation";

const FORMAT: Record<OdfKind, string> = { text: "odt", spreadsheet: "ods", presentation: "odp" };

// Content that is not the document's text: deleted tracked changes and comments.
const SKIPPED = new Set(["tracked-changes", "annotation"]);

/**
 * OpenDocument text, spreadsheet and presentation (ODT, ODS, ODP) from `content.xml`. Paragraphs
 * (`text:p`, `text:h`) on their own lines, with `text:s`, `text:tab` and `text:line-break`; table
 * rows as tab-separated cells (what a cell shows, so dates and numbers come formatted). Pages: one
 * per sheet (starting with the sheet name) or per slide (speaker notes included), so page N is sheet
 * or slide N (a sheet without text is an empty page); a text document is one page, like DOCX. Repeated rows and cells
 * (`number-*-repeated`) are read once. The ZIP goes through the DOCX/EPUB bomb guard first; an
 * encrypted package (encryption data in the manifest) fails with `encrypted`.
 */
export function parseOdf(bytes: Uint8Array, budget: FormatBudget, kind: OdfKind): FormatResult {
  const format = FORMAT[kind];
  const pkg = new OfficePackage(bytes, budget, format);
  if (pkg.has("META-INF/manifest.xml")) {
    let encrypted = false;
    walkXml(
      pkg.text("META-INF/manifest.xml"),
      {
        open: (name) => {
          if (name === "encryption-data") encrypted = true;
        },
      },
      `${format}: manifest`,
    );
    if (encrypted)
      throw new ParseError("encrypted", `${format}: the package is encrypted (password-protected)`);
  }
  if (!pkg.has("content.xml")) throw new ParseError("malformed", `${format}: no content.xml part`);

  const out = new TextBuilder();
  const pages: string[] = [];
  let paragraphs = 0;
  let skipping = 0;
  let tables = 0;
  let sheetName = "";
  walkXml(
    pkg.text("content.xml"),
    {
      open(name, attrs) {
        if (skipping > 0 || SKIPPED.has(name)) {
          skipping++;
          return;
        }
        if (name === "p" || name === "h") paragraphs++;
        else if (name === "s" && paragraphs > 0)
          out.text(" ".repeat(Math.min(Number(xmlAttr(attrs, "c") ?? 1) || 1, 100)));
        else if (name === "tab" && paragraphs > 0) out.text("\t");
        else if (name === "line-break") out.newline();
        else if (name === "table-row") out.startRow();
        else if (name === "table-cell" || name === "covered-table-cell") out.startCell();
        else if (name === "table") {
          if (tables === 0) sheetName = (xmlAttr(attrs, "name") ?? "").trim();
          tables++;
        }
      },
      close(name) {
        if (skipping > 0) {
          skipping--;
          return;
        }
        if (name === "p" || name === "h") {
          paragraphs--;
          out.newline();
        } else if (name === "table-row") out.endRow();
        else if (name === "table-cell" || name === "covered-table-cell") out.endCell();
        else if (name === "table") {
          tables--;
          if (kind !== "spreadsheet" || tables > 0) return;
          const body = out.takePage();
          pages.push(body && `${sheetName}\n${body}`.trim());
        } else if (name === "page" && kind === "presentation") pages.push(out.takePage());
      },
      text(s) {
        if (paragraphs > 0 && skipping === 0) out.text(s);
      },
    },
    `${format}: content.xml`,
  );
  if (kind === "text") pages.push(out.takePage());
  return { pages, ocr: false };
}
