import { fileTypeFromBuffer } from "file-type";
import { afterAll, describe, expect, it } from "vitest";
import type { ParseFailureReason } from "../../../services/parsing/errors.ts";
import { closeParsers, parseDocument } from "../../../services/parsing/parser.ts";
import { MEDIA_TYPES, SUPPORTED_MEDIA_TYPES, sniffMediaType } from "../../../services/parsing/sniff.ts";
import { excelSerialDate } from "../../../services/parsing/xlsx-dates.ts";
import { buildZip } from "./fixtures.ts";
import { odf, pptx, xlsx } from "./office-fixtures.ts";

const budget = { timeoutMs: 20_000, maxMemoryMb: 256, maxUncompressedBytes: 8 * 1024 * 1024 };

/** Expects `p` to fail with a ParseError of `reason` (and a message matching `message`). */
function expectFailure(p: Promise<unknown>, reason: ParseFailureReason, message: RegExp = /./) {
  return expect(p).rejects.toMatchObject({
    name: "ParseError",
    reason,
    message: expect.stringMatching(message),
  });
}

afterAll(() => closeParsers());

const DECK = [
  { boxes: [["Quarterly review", "Revenue up 12% & costs <flat>"]], notes: "Mention the Oslo office." },
  {
    boxes: [["Line one\nLine two"]],
    table: [
      ["Region", "Sales"],
      ["North", "1200"],
      ["", ""],
    ],
  },
  {}, // a picture-only slide: no text, still slide 3
  { boxes: [["Thanks"], ["Questions?"]], alternate: { choice: "E = mc²", fallback: "E = mc2 (picture)" } },
];

const WORKBOOK = [
  {
    name: "Budget 2026",
    rows: [
      ["Item", "Cost", "Approved"],
      ["Laptops", { n: "1234.5" }, { b: true }],
      [{ inline: "Desks & chairs" }, { n: "0.10000000000000001" }, { b: false }],
      [{ rich: true as const }, { formula: "SUM(B2:B3)", str: "1234.6" }, { error: "#DIV/0!" }],
    ],
  },
  { name: "Empty" },
  {
    name: "Contacts",
    prefixed: true,
    rows: [
      ["Name", "Phone"],
      ["Ada", { n: "5550100" }],
    ],
  },
  {
    name: "Dates",
    rows: [
      [
        { n: "46082", style: 1 },
        { n: "46082.604166666664", style: 2 },
        { n: "0.5", style: 2 },
        { n: "12.5", style: 3 },
        { n: "46082", style: 4 },
        { n: "59", style: 1 },
      ],
    ],
  },
];

describe("PPTX", () => {
  it("is sniffed from its main part, like file-type does, and is supported", async () => {
    const bytes = pptx(DECK);
    expect(SUPPORTED_MEDIA_TYPES).toContain(MEDIA_TYPES.pptx);
    expect(sniffMediaType(bytes)).toBe(MEDIA_TYPES.pptx);
    expect((await fileTypeFromBuffer(bytes))?.mime).toBe(MEDIA_TYPES.pptx);
    // Truncated past its directory: the local headers still say PowerPoint (then malformed).
    expect(sniffMediaType(bytes.subarray(0, 1500))).toBe(MEDIA_TYPES.pptx);
  });

  it("gives one page per slide in show order, with tables, line breaks and notes", async () => {
    const doc = await parseDocument(pptx(DECK), MEDIA_TYPES.pptx, budget);
    expect(doc.pageCount).toBe(4);
    expect(doc.pages[0]).toBe("Quarterly review\nRevenue up 12% & costs <flat>\n\nMention the Oslo office.");
    expect(doc.pages[1]).toBe("Line one\nLine two\nRegion\tSales\nNorth\t1200");
    expect(doc.pages[2]).toBe("");
    expect(doc.pages[3]).toBe("Thanks\nQuestions?\nE = mc²"); // not the mc:Fallback copy
    expect(doc.ocr).toBe(false);
  });

  it("a slide that inflates past the budget → decompression_bomb (declared or lying sizes)", async () => {
    const zeros = new Uint8Array(20 * 1024 * 1024);
    const declared = pptx([DECK[0] ?? {}, { raw: zeros }]);
    await expectFailure(parseDocument(declared, MEDIA_TYPES.pptx, budget), "decompression_bomb", /exceeds/);
    const lying = pptx([DECK[0] ?? {}, { raw: zeros, declaredSize: 1000 }]);
    await expectFailure(
      parseDocument(lying, MEDIA_TYPES.pptx, budget),
      "decompression_bomb",
      /inflates beyond/,
    );
  });

  it("one slide listed 100,000 times is read once, then refused as memory past the text budget", async () => {
    const bytes = pptx([{ boxes: [["Repeated slide ".repeat(10)]] }], new Array(100_000).fill(0));
    const started = performance.now();
    await expectFailure(
      parseDocument(bytes, MEDIA_TYPES.pptx, { ...budget, maxMemoryMb: 32 }),
      "memory",
      /^extracted text of \d+ characters exceeds what the memory budget allows \(4194304\)$/,
    );
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it("broken slide XML or a truncated file → malformed", async () => {
    const broken = pptx([{ raw: new TextEncoder().encode("<p:sld><a:t>unclosed <<<") }]);
    const where = /^pptx: ppt\/slides\/slide1\.xml: not well-formed XML/;
    await expectFailure(parseDocument(broken, MEDIA_TYPES.pptx, budget), "malformed", where);
    const truncated = pptx(DECK).subarray(0, 1500);
    await expectFailure(parseDocument(truncated, MEDIA_TYPES.pptx, budget), "malformed");
  });
});

describe("XLSX", () => {
  it("is sniffed from its main part, like file-type does, and is supported", async () => {
    const bytes = xlsx(WORKBOOK);
    expect(SUPPORTED_MEDIA_TYPES).toContain(MEDIA_TYPES.xlsx);
    expect(sniffMediaType(bytes)).toBe(MEDIA_TYPES.xlsx);
    expect((await fileTypeFromBuffer(bytes))?.mime).toBe(MEDIA_TYPES.xlsx);
  });

  it("gives one page per sheet in workbook order: the name, then rows of tab-separated cells", async () => {
    const doc = await parseDocument(xlsx(WORKBOOK), MEDIA_TYPES.xlsx, budget);
    expect(doc.pageCount).toBe(4);
    expect(doc.pages[0]).toBe(
      [
        "Budget 2026",
        "Item\tCost\tApproved",
        "Laptops\t1234.5\tTRUE",
        "Desks & chairs\t0.1\tFALSE",
        "Tokyo office\t1234.6\t#DIV/0!", // no phonetic guide; the formula's cached value, not its text
      ].join("\n"),
    );
    expect(doc.pages[1]).toBe(""); // an empty sheet keeps its place
    expect(doc.pages[2]).toBe("Contacts\nName\tPhone\nAda\t5550100"); // an `x:`-prefixed worksheet
    expect(doc.text).not.toContain("SUM(");
    // Date-styled numbers as ISO 8601 (1900 system, with its fictitious 1900-02-29 at serial 60).
    expect(doc.pages[3]).toBe("Dates\n2026-03-01\t2026-03-01 14:30\t12:00\t12.5\t46082\t1900-02-28");
  });

  it("converts serial day numbers in both date systems", () => {
    expect(excelSerialDate(1, false)).toBe("1900-01-01");
    expect(excelSerialDate(61, false)).toBe("1900-03-01");
    expect(excelSerialDate(44562.75, false)).toBe("2022-01-01 18:00");
    expect(excelSerialDate(0, true)).toBe("1904-01-01");
    expect(excelSerialDate(43100, true)).toBe("2022-01-01");
  });

  it("a sheet that inflates past the budget → decompression_bomb (declared or lying sizes)", async () => {
    const zeros = new Uint8Array(20 * 1024 * 1024);
    for (const declaredSize of [undefined, 1000]) {
      const bomb = xlsx([
        { name: "A", rows: [["x"]] },
        { name: "B", raw: zeros, declaredSize },
      ]);
      await expectFailure(parseDocument(bomb, MEDIA_TYPES.xlsx, budget), "decompression_bomb");
    }
  });

  it("a sheet too big for the heap budget → memory, before its XML is walked", async () => {
    // 4.5 MB of sheet XML (within the 8 MiB inflate budget) against a 32 MiB heap: limit 4 Mi chars.
    const rows = Array.from({ length: 45_000 }, (_, i) => [`row ${i}`, { n: String(i) }]);
    const bytes = xlsx([{ name: "Big", rows }]);
    await expectFailure(
      parseDocument(bytes, MEDIA_TYPES.xlsx, { ...budget, maxMemoryMb: 32 }),
      "memory",
      /^xlsx: part xl\/worksheets\/sheet1\.xml of \d+ characters exceeds/,
    );
    // The same workbook within a normal budget parses, every row present.
    const doc = await parseDocument(bytes, MEDIA_TYPES.xlsx, budget);
    expect(doc.pages[0]?.split("\n")).toHaveLength(45_001);
  });

  it("a workbook without its workbook part → malformed", async () => {
    const bytes = buildZip([
      { name: "[Content_Types].xml", data: "<Types/>" },
      { name: "xl/workbook.xml", data: "<workbook/>" },
      {
        name: "_rels/.rels",
        data: '<Relationships><Relationship Id="r" Type="x/officeDocument" Target="xl/missing.xml"/></Relationships>',
      },
    ]);
    await expectFailure(
      parseDocument(bytes, MEDIA_TYPES.xlsx, budget),
      "malformed",
      /^xlsx: no workbook part$/,
    );
  });
});

const ODT = `<text:sequence-decls/>
<text:h text:outline-level="1">Tenancy agreement</text:h>
<text:p>Rent:<text:s text:c="3"/>EUR<text:tab/>950<text:line-break/>due monthly.</text:p>
<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>DELETED CLAUSE</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:p>Signed <office:annotation><dc:creator>Bo</dc:creator><text:p>A COMMENT</text:p></office:annotation>by both parties.</text:p>`;

const ODS = `<table:table table:name="Q1 &amp; Q2"><table:table-column table:number-columns-repeated="3"/>
<table:table-row><table:table-cell office:value-type="string"><text:p>Month</text:p></table:table-cell><table:table-cell><text:p>Total</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="date" office:date-value="2026-01-31"><text:p>31/01/2026</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="1500"><text:p>1,500.00</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16378"/></table:table-row>
<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
</table:table>
<table:table table:name="Blank"><table:table-row><table:table-cell/></table:table-row></table:table>
<table:table table:name="Notes"><table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Merged</text:p><text:p>cell</text:p></table:table-cell><table:covered-table-cell/><table:table-cell><text:p>after</text:p></table:table-cell></table:table-row></table:table>`;

const ODP = `<draw:page draw:name="page1"><draw:frame><draw:text-box><text:p>Roadmap 2027</text:p><text:list><text:list-item><text:p>Ship search v2</text:p></text:list-item></text:list></draw:text-box></draw:frame>
<presentation:notes><draw:page-thumbnail/><draw:frame><draw:text-box><text:p>Keep it short.</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>
<draw:page draw:name="page2"/>
<draw:page draw:name="page3"><draw:frame><draw:text-box><text:p>The end</text:p></draw:text-box></draw:frame></draw:page>`;

describe("OpenDocument (ODT, ODS, ODP)", () => {
  it("is sniffed from the stored mimetype entry, like file-type does", async () => {
    for (const [kind, body, type] of [
      ["text", ODT, MEDIA_TYPES.odt],
      ["spreadsheet", ODS, MEDIA_TYPES.ods],
      ["presentation", ODP, MEDIA_TYPES.odp],
    ] as const) {
      const bytes = odf(kind, body);
      expect(SUPPORTED_MEDIA_TYPES).toContain(type);
      expect(sniffMediaType(bytes)).toBe(type);
      expect((await fileTypeFromBuffer(bytes))?.mime).toBe(type);
    }
  });

  it("ODT: one page; spaces, tabs and breaks kept; deleted changes and comments left out", async () => {
    const doc = await parseDocument(odf("text", ODT), MEDIA_TYPES.odt, budget);
    expect(doc.pages).toEqual(["Tenancy agreement\nRent:   EUR\t950\ndue monthly.\nSigned by both parties."]);
  });

  it("ODS: one page per sheet, displayed cell text, repeated rows and columns read once", async () => {
    const doc = await parseDocument(odf("spreadsheet", ODS), MEDIA_TYPES.ods, budget);
    expect(doc.pages).toEqual([
      "Q1 & Q2\nMonth\tTotal\n31/01/2026\t1,500.00",
      "",
      "Notes\nMerged cell\t\tafter",
    ]);
  });

  it("ODP: one page per slide, speaker notes included", async () => {
    const doc = await parseDocument(odf("presentation", ODP), MEDIA_TYPES.odp, budget);
    expect(doc.pages).toEqual(["Roadmap 2027\nShip search v2\nKeep it short.", "", "The end"]);
  });

  it("an encrypted package → encrypted; a content bomb → decompression_bomb; no content → malformed", async () => {
    const encrypted = odf("text", ODT, { encrypted: true });
    await expectFailure(parseDocument(encrypted, MEDIA_TYPES.odt, budget), "encrypted");
    const zeros = new Uint8Array(20 * 1024 * 1024);
    for (const declaredSize of [undefined, 1000]) {
      const bomb = odf("spreadsheet", "", { content: zeros, declaredSize });
      await expectFailure(parseDocument(bomb, MEDIA_TYPES.ods, budget), "decompression_bomb");
    }
    const noContent = buildZip([{ name: "mimetype", data: MEDIA_TYPES.odp, stored: true }]);
    expect(sniffMediaType(noContent)).toBe(MEDIA_TYPES.odp);
    await expectFailure(
      parseDocument(noContent, MEDIA_TYPES.odp, budget),
      "malformed",
      /^odp: no content\.xml part$/,
    );
  });
});
