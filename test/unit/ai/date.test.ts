import { describe, expect, it } from "vitest";
import { findDates, inferDateOrder, isoDate, parseDate } from "../../../services/ai/normalize/date.ts";

describe("parseDate", () => {
  it.each([
    ["05.03.2018", "2018-03-05"],
    ["5.3.18", "2018-03-05"],
    ["vom05.03.2018", "2018-03-05"],
    ["2018-03-05", "2018-03-05"],
    ["2018/3/5", "2018-03-05"],
    ["20-10-2015", "2015-10-20"],
    ["11/03/2017", "2017-03-11"],
    ["12-01-19", "2019-01-12"],
    ["05 MAR 2018", "2018-03-05"],
    ["5. März 2018", "2018-03-05"],
    ["19 april 2014", "2014-04-19"],
    ["02 Juillet 2015", "2015-07-02"],
    ["1er février 2020", "2020-02-01"],
    ["28 Jan 15", "2015-01-28"],
    ["March 5, 2018", "2018-03-05"],
    ["Jan 31, 2022", "2022-01-31"],
    ["July 11 , 2006", "2006-07-11"],
    ["January 18th, 2020", "2020-01-18"],
    ["the 18th day of January, 2020", "2020-01-18"],
    ["the 16t h day of May, 2017", undefined],
    ["12 de marzo de 2019", "2019-03-12"],
  ])("%s → %s", (raw, iso) => {
    expect(parseDate(raw)).toBe(iso);
  });

  it("uses the document order for ambiguous numeric dates, never for dotted ones", () => {
    expect(parseDate("11/03/2017", "MDY")).toBe("2017-11-03");
    expect(parseDate("11/03/2017", "DMY")).toBe("2017-03-11");
    expect(parseDate("11.03.2017", "MDY")).toBe("2017-03-11");
    // Unambiguous either way.
    expect(parseDate("11/17/2017", "DMY")).toBe("2017-11-17");
    expect(parseDate("17/11/2017", "MDY")).toBe("2017-11-17");
  });

  it("rejects impossible dates", () => {
    expect(parseDate("31.02.2018")).toBeUndefined();
    expect(parseDate("2018-13-01")).toBeUndefined();
    expect(isoDate(2019, 2, 29)).toBeUndefined();
    expect(isoDate(2020, 2, 29)).toBe("2020-02-29");
  });

  it("finds every date with its position and flags ambiguity", () => {
    const ds = findDates("Invoice Date 11/03/2017 Due Date 12/03/2017, paid 11/17/2017");
    expect(ds.map((d) => d.iso)).toEqual(["2017-03-11", "2017-03-12", "2017-11-17"]);
    expect(ds.map((d) => d.ambiguous)).toEqual([true, true, false]);
  });
});

describe("inferDateOrder", () => {
  it("decides from unambiguous dates in the same document", () => {
    expect(inferDateOrder("Invoice Date 11/03/2017 … payment 11/17/2017")).toBe("MDY");
    expect(inferDateOrder("Date 11/03/2017 … delivered 25/03/2017")).toBe("DMY");
  });

  it("falls back to conventions: US English with USD is MDY, otherwise DMY", () => {
    expect(inferDateOrder("Date 01/02/2020", { language: "en", currency: "USD" })).toBe("MDY");
    expect(inferDateOrder("Date 01/02/2020", { language: "en", currency: "GBP" })).toBe("DMY");
    expect(inferDateOrder("Datum 01.02.2020", { language: "de", currency: "EUR" })).toBe("DMY");
  });
});
