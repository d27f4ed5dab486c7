import { ParseError } from "./errors.ts";
import type { FormatBudget, FormatResult } from "./format.ts";
import { collectPages, TextBuilder } from "./office-text.ts";
import { OfficePackage } from "./package.ts";
import { dateStyles, excelSerialDate } from "./xlsx-dates.ts";
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

/** What the workbook says about its cells beyond the sheet itself. */
interface Workbook {
  shared: readonly string[];
  /** Cell styles that show numbers as dates. */
  dateStyles: ReadonlySet<number>;
  date1904: boolean;
}

// Serial day numbers up to 9999-12-31.
const MAX_SERIAL_DATE = 2_958_465;

/** What a cell shows, from its type (`t`), style (`s`) and value (`v`, or the inline string). */
function cellText(type: string, style: number, value: string, book: Workbook): string {
  switch (type) {
    case "s":
      return book.shared[Number(value)] ?? "";
    case "b":
      return value === "1" ? "TRUE" : "FALSE";
    case "n": {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n)) return value;
      if (book.dateStyles.has(style) && n >= 0 && n <= MAX_SERIAL_DATE)
        return excelSerialDate(n, book.date1904);
      // Excel writes 17 significant digits (0.1 as 0.10000000000000001): print the double instead.
      return String(n);
    }
    default: // inlineStr, str (a formula's text), e (an error such as #DIV/0!), d (ISO 8601 date)
      return value;
  }
}

/** One worksheet: the sheet name, then one line per row with the cells separated by tabs ("" when no cell has text). */
function sheetText(sheetName: string, xml: string, book: Workbook, what: string): string {
  const out = new TextBuilder();
  let type = "n";
  let style = 0;
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
          style = Number(xmlAttr(attrs, "s") ?? 0);
          value = [];
        } else if (name === "v" || name === "t") inValue++;
        else if (name === "rPh") inPhonetic++;
      },
      close(name) {
        if (name === "row") out.endRow();
        else if (name === "c" && value) {
          out.text(cellText(type, style, value.join(""), book));
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
 * stored value (shared or inline strings, numbers, booleans, cached formula results), and numbers
 * in a date or time style show as ISO 8601 ("2026-03-01"); other number formats are not applied. A sheet
 * without cell text (or a chart sheet) is an empty page. The ZIP goes through the DOCX/EPUB bomb guard first.
 */
export function parseXlsx(bytes: Uint8Array, budget: FormatBudget): FormatResult {
  const pkg = new OfficePackage(bytes, budget, "xlsx");
  const main = pkg.related("", "officeDocument") ?? "xl/workbook.xml";
  if (!pkg.has(main)) throw new ParseError("malformed", "xlsx: no workbook part");
  const rels = pkg.relationships(main);
  const sheets: { name: string; part?: string }[] = [];
  let date1904 = false;
  walkXml(
    pkg.text(main),
    {
      open(name, attrs) {
        if (name === "workbookPr") date1904 = ["1", "true"].includes(xmlAttr(attrs, "date1904") ?? "");
        if (name !== "sheet") return;
        const rel = rels.get(xmlAttr(attrs, "id", true) ?? "");
        const isWorksheet = rel?.type.endsWith("/worksheet") && pkg.has(rel.target);
        sheets.push({ name: xmlAttr(attrs, "name") ?? "", part: isWorksheet ? rel?.target : undefined });
      },
    },
    `xlsx: ${main}`,
  );
  const sst = pkg.related(main, "sharedStrings");
  const styles = pkg.related(main, "styles");
  const book: Workbook = {
    shared: sst && pkg.has(sst) ? sharedStrings(pkg.text(sst), `xlsx: ${sst}`) : [],
    dateStyles: styles && pkg.has(styles) ? dateStyles(pkg.text(styles), `xlsx: ${styles}`) : new Set(),
    date1904,
  };
  const pages = collectPages(
    sheets,
    ({ name, part }) => `${name}\u0000${part}`,
    ({ name, part }) => (part ? sheetText(name, pkg.text(part), book, `xlsx: ${part}`) : ""),
  );
  return { pages, ocr: false };
}
