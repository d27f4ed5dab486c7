import { ParseError } from "./errors.ts";
import type { FormatBudget, FormatResult } from "./format.ts";
import { TextBuilder } from "./office-text.ts";
import { OfficePackage } from "./package.ts";
import { walkXml, xmlAttr } from "./xml.ts";

/** The shared string table: each `si`'s text runs, without the phonetic (`rPh`) guides. */
function sharedStrings(xml: string, what: string): string[] {
  const strings: string[] = [];
  let current: string[] | undefined;
  let inText = 0;
  let inPhonetic = 0;
  walkXml(
    xml,
    {
      open(name) {
        if (name === "si") current = [];
        else if (name === "t") inText++;
        else if (name === "rPh") inPhonetic++;
      },
      close(name) {
        if (name === "si" && current) strings.push(current.join(""));
        else if (name === "t") inText--;
        else if (name === "rPh") inPhonetic--;
      },
      text(s) {
        if (current && inText > 0 && inPhonetic === 0) current.push(s);
      },
    },
    what,
  );
  return strings;
}

/** What a cell shows, from its type (`t`) and its value (`v`, or the inline string). */
function cellText(type: string, value: string, shared: readonly string[]): string {
  switch (type) {
    case "s":
      return shared[Number(value)] ?? "";
    case "b":
      return value === "1" ? "TRUE" : "FALSE";
    case "n": {
      // Excel writes 17 significant digits (0.1 as 0.10000000000000001): print the double instead.
      const n = Number(value);
      return value.trim() !== "" && Number.isFinite(n) ? String(n) : value;
    }
    default: // inlineStr, str (a formula's text), e (an error such as #DIV/0!), d (ISO 8601 date)
      return value;
  }
}

/** One worksheet: the sheet name, then one line per row with the cells separated by tabs ("" when no cell has text). */
function sheetText(sheetName: string, xml: string, shared: readonly string[], what: string): string {
  const out = new TextBuilder();
  let type = "n";
  let value: string[] | undefined;
  let inValue = 0;
  let inPhonetic = 0;
  walkXml(
    xml,
    {
      open(name, attrs) {
        if (name === "row") out.startRow();
        else if (name === "c") {
          out.startCell();
          type = xmlAttr(attrs, "t") ?? "n";
          value = [];
        } else if (name === "v" || name === "t") inValue++;
        else if (name === "rPh") inPhonetic++;
      },
      close(name) {
        if (name === "row") out.endRow();
        else if (name === "c" && value) {
          out.text(cellText(type, value.join(""), shared));
          out.endCell();
          value = undefined;
        } else if (name === "v" || name === "t") inValue--;
        else if (name === "rPh") inPhonetic--;
      },
      text(s) {
        if (value && inValue > 0 && inPhonetic === 0) value.push(s);
      },
    },
    what,
  );
  const body = out.takePage();
  return body && `${sheetName.trim()}\n${body}`.trim();
}

/**
 * XLSX: one page per sheet, in workbook order (`sheets` in the workbook part, resolved through its
 * relationships), so page N is sheet N. Each page starts with the sheet name; cells show their
 * stored value (shared or inline strings, numbers, booleans, cached formula results). A sheet
 * without cell text (or a chart sheet) is an empty page. The ZIP goes through the DOCX/EPUB bomb guard first.
 */
export function parseXlsx(bytes: Uint8Array, budget: FormatBudget): FormatResult {
  const pkg = new OfficePackage(bytes, budget, "xlsx");
  const main = pkg.related("", "officeDocument") ?? "xl/workbook.xml";
  if (!pkg.has(main)) throw new ParseError("malformed", "xlsx: no workbook part");
  const rels = pkg.relationships(main);
  const sheets: { name: string; part?: string }[] = [];
  walkXml(
    pkg.text(main),
    {
      open(name, attrs) {
        if (name !== "sheet") return;
        const rel = rels.get(xmlAttr(attrs, "id", true) ?? "");
        const isWorksheet = rel?.type.endsWith("/worksheet") && pkg.has(rel.target);
        sheets.push({ name: xmlAttr(attrs, "name") ?? "", part: isWorksheet ? rel?.target : undefined });
      },
    },
    `xlsx: ${main}`,
  );
  const sst = [...rels.values()].find((r) => r.type.endsWith("/sharedStrings"))?.target;
  const shared = sst && pkg.has(sst) ? sharedStrings(pkg.text(sst), `xlsx: ${sst}`) : [];
  const pages = sheets.map(({ name, part }) =>
    part ? sheetText(name, pkg.text(part), shared, `xlsx: ${part}`) : "",
  );
  return { pages, ocr: false };
}
