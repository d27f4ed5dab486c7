import { walkXml, xmlAttr } from "./xml.ts";

// Built-in number formats that show dates or times: 14–22 and 45–47 in every locale, 27–36 and
// 50–58 in East Asian ones (ECMA-376 Part 1, 18.8.30).
function isBuiltInDateFormat(id: number): boolean {
  return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

/** A custom format code shows a date or time when, outside literals and brackets, it has d, m, y, h or s. */
function isDateFormatCode(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\\.|[_*].|\[[^\]]*\]/g, "");
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/**
 * The cell styles (indexes into `cellXfs`, a cell's `s`) whose number format shows a date or a
 * time, from the workbook's styles part. A date cell stores a serial day number; its style is the
 * only sign that it is a date.
 */
export function dateStyles(stylesXml: string, what: string): Set<number> {
  const customCodes = new Map<number, string>();
  const cellFormats: number[] = [];
  let inCellXfs = false;
  walkXml(
    stylesXml,
    {
      open(name, attrs) {
        if (name === "numFmt")
          customCodes.set(Number(xmlAttr(attrs, "numFmtId")), xmlAttr(attrs, "formatCode") ?? "");
        else if (name === "cellXfs") inCellXfs = true;
        else if (name === "xf" && inCellXfs) cellFormats.push(Number(xmlAttr(attrs, "numFmtId") ?? 0));
      },
      close(name) {
        if (name === "cellXfs") inCellXfs = false;
      },
    },
    what,
  );
  const dates = new Set<number>();
  cellFormats.forEach((id, style) => {
    const code = customCodes.get(id);
    if (code !== undefined ? isDateFormatCode(code) : isBuiltInDateFormat(id)) dates.add(style);
  });
  return dates;
}

const DAY_MS = 86_400_000;

/**
 * A serial day number as ISO 8601: "2026-03-01", "2026-03-01 14:30" or, under a day, "14:30".
 * The 1900 date system counts the non-existent 1900-02-29 (serial 60), as Lotus 1-2-3 did; the
 * 1904 system (`workbookPr date1904`) counts from 1904-01-01.
 */
export function excelSerialDate(serial: number, date1904: boolean): string {
  const epoch = date1904
    ? Date.UTC(1904, 0, 1)
    : serial < 61
      ? Date.UTC(1899, 11, 31)
      : Date.UTC(1899, 11, 30);
  const iso = new Date(epoch + Math.round((serial * DAY_MS) / 1000) * 1000).toISOString();
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19).replace(/:00$/, "");
  if (serial < 1 && !date1904) return time;
  return time === "00:00" ? day : `${day} ${time}`;
}
