// Real PPTX, XLSX and OpenDocument packages, written part by part as the specifications lay them
// out (ECMA-376 OPC parts and relationships; ODF's stored `mimetype` first), for the parser tests
// and the end-to-end upload test.
import { buildZip, type ZipInput } from "./fixtures.ts";

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const A = "http://schemas.openxmlformats.org/drawingml/2006/main";
const P = "http://schemas.openxmlformats.org/presentationml/2006/main";
const S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

interface RelInput {
  id: string;
  type: string;
  target: string;
  external?: boolean;
}

function rels(list: RelInput[]): string {
  const items = list.map(
    (r) =>
      `<Relationship Id="${r.id}" Type="${REL_TYPE}/${r.type}" Target="${r.target}"${r.external ? ' TargetMode="External"' : ""}/>`,
  );
  return `${XML}<Relationships xmlns="${REL_NS}">${items.join("")}</Relationships>`;
}

function contentTypes(overrides: [string, string][]): string {
  const o = overrides.map(([part, type]) => `<Override PartName="${part}" ContentType="${type}"/>`).join("");
  return `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${o}</Types>`;
}

// ---------------------------------------------------------------------------------------------
// PPTX

export interface SlideInput {
  /** Text boxes: each is a list of paragraphs; a paragraph string may hold "\n" for an `a:br`. */
  boxes?: string[][];
  /** A table: rows of cell texts. */
  table?: string[][];
  notes?: string;
  /** A markup-compatibility block: a text box for new readers, and a fallback copy for old ones. */
  alternate?: { choice: string; fallback: string };
  /** Replace the slide part's bytes (e.g. a zip bomb), keeping its name. */
  raw?: Uint8Array;
  declaredSize?: number;
}

const run = (text: string) =>
  text
    .split("\n")
    .map((t) => `<a:r><a:rPr lang="en-US" dirty="0"/><a:t>${esc(t)}</a:t></a:r>`)
    .join('<a:br><a:rPr lang="en-US"/></a:br>');

function textBody(paragraphs: string[]): string {
  return `<p:txBody><a:bodyPr/><a:lstStyle/>${paragraphs.map((p) => `<a:p>${run(p)}</a:p>`).join("")}</p:txBody>`;
}

function slideXml(slide: SlideInput): string {
  const shapes = (slide.boxes ?? []).map(
    (box, i) =>
      `<p:sp><p:nvSpPr><p:cNvPr id="${i + 2}" name="TextBox ${i + 1}"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr/>${textBody(box)}</p:sp>`,
  );
  if (slide.alternate) {
    const box = (text: string) =>
      `<p:sp><p:nvSpPr><p:cNvPr id="20" name="Equation"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr/>${textBody([text])}</p:sp>`;
    shapes.push(
      `<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main" Requires="a14">${box(slide.alternate.choice)}</mc:Choice><mc:Fallback>${box(slide.alternate.fallback)}</mc:Fallback></mc:AlternateContent>`,
    );
  }
  if (slide.table) {
    const rows = slide.table
      .map(
        (row) =>
          `<a:tr h="370840">${row.map((c) => `<a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p>${c ? run(c) : ""}</a:p></a:txBody><a:tcPr/></a:tc>`).join("")}</a:tr>`,
      )
      .join("");
    shapes.push(
      `<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="9" name="Table 1"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x="0" y="0"/><a:ext cx="1" cy="1"/></p:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl><a:tblPr/><a:tblGrid><a:gridCol w="1"/></a:tblGrid>${rows}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>`,
    );
  }
  return `${XML}<p:sld xmlns:a="${A}" xmlns:r="${R}" xmlns:p="${P}"><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${shapes.join("")}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>`;
}

function notesXml(notes: string, slideNumber: number): string {
  return `${XML}<p:notes xmlns:a="${A}" xmlns:r="${R}" xmlns:p="${P}"><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/><p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide Image Placeholder 1"/><p:cNvSpPr/><p:nvPr><p:ph type="sldImg"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp><p:sp><p:nvSpPr><p:cNvPr id="3" name="Notes Placeholder 2"/><p:cNvSpPr/><p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:spPr/>${textBody([notes])}</p:sp><p:sp><p:nvSpPr><p:cNvPr id="4" name="Slide Number Placeholder 3"/><p:cNvSpPr/><p:nvPr><p:ph type="sldNum" idx="5"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum"><a:rPr lang="en-US"/><a:t>${slideNumber}</a:t></a:fld><a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:notes>`;
}

/**
 * A PPTX whose slide parts are numbered in reverse of the show order (slide N of the show is
 * `slides/slide{count+1-N}.xml`), so only the presentation's slide list gives the right order.
 * `showOrder` lists the slides the presentation shows (indexes into `slides`; default: each once).
 */
export function pptx(slides: SlideInput[], showOrder: number[] = slides.map((_, i) => i)): Uint8Array {
  const n = slides.length;
  const file = (i: number) => `slide${n - i}.xml`; // i: show position, 0-based
  const entries: ZipInput[] = [
    {
      name: "[Content_Types].xml",
      data: contentTypes([
        [
          "/ppt/presentation.xml",
          "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        ],
        ...slides.map((_, i): [string, string] => [
          `/ppt/slides/${file(i)}`,
          "application/vnd.openxmlformats-officedocument.presentationml.slide+xml",
        ]),
      ]),
    },
    {
      name: "_rels/.rels",
      data: rels([{ id: "rId1", type: "officeDocument", target: "ppt/presentation.xml" }]),
    },
    {
      name: "ppt/presentation.xml",
      data: `${XML}<p:presentation xmlns:a="${A}" xmlns:r="${R}" xmlns:p="${P}"><p:sldMasterIdLst/><p:sldIdLst>${showOrder.map((i, k) => `<p:sldId id="${256 + k}" r:id="rId${10 + i}"/>`).join("")}</p:sldIdLst><p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>`,
    },
    {
      name: "ppt/_rels/presentation.xml.rels",
      // Listed in part order, not show order; the ids carry the order.
      data: rels(
        slides
          .map((_, i): RelInput => ({ id: `rId${10 + i}`, type: "slide", target: `slides/${file(i)}` }))
          .reverse()
          .concat([{ id: "rId1", type: "hyperlink", target: "https://example.com/", external: true }]),
      ),
    },
  ];
  slides.forEach((slide, i) => {
    const name = `ppt/slides/${file(i)}`;
    entries.push({ name, data: slide.raw ?? slideXml(slide), declaredSize: slide.declaredSize });
    if (slide.notes !== undefined) {
      entries.push({
        name: `ppt/slides/_rels/${file(i)}.rels`,
        data: rels([{ id: "rId2", type: "notesSlide", target: `../notesSlides/notesSlide${i + 1}.xml` }]),
      });
      entries.push({ name: `ppt/notesSlides/notesSlide${i + 1}.xml`, data: notesXml(slide.notes, i + 1) });
    }
  });
  return buildZip(entries);
}

// ---------------------------------------------------------------------------------------------
// XLSX

/** A cell: a string (shared), or a typed cell written as is. */
export type CellInput =
  | string
  /** A number; `style` indexes the cell formats of XLSX_STYLES. */
  | { n: string; style?: number }
  | { b: boolean }
  | { inline: string }
  | { formula: string; str: string }
  | { error: string }
  /** The rich-text shared string (with a phonetic guide). */
  | { rich: true };

export interface SheetInput {
  name: string;
  rows?: CellInput[][];
  /** Replace the sheet part's bytes, keeping its name. */
  raw?: Uint8Array;
  declaredSize?: number;
  /** Write the worksheet with an `x:` namespace prefix (as the .NET Open XML SDK does). */
  prefixed?: boolean;
}

/**
 * Cell formats: 0 General, 1 the built-in short date (14), 2 a custom date and time, 3 a number
 * with a quoted "days" suffix (not a date), 4 a coloured number (not a date).
 */
const XLSX_STYLES = `${XML}<styleSheet xmlns="${S}"><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/><numFmt numFmtId="165" formatCode="#,##0.00 &quot;days&quot;"/><numFmt numFmtId="166" formatCode="[Red]0.00"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`;

/**
 * An XLSX with a shared string table (entry 0 is rich text with a phonetic guide, which is not
 * text), whose sheet parts are numbered in reverse of the workbook order.
 */
export function xlsx(sheets: SheetInput[]): Uint8Array {
  const shared: string[] = [];
  const indexes = new Map<string, number>();
  // Index 0 is the rich-text entry; plain strings follow.
  const sharedIndex = (s: string) => {
    let at = indexes.get(s);
    if (at === undefined) {
      at = shared.push(s);
      indexes.set(s, at);
    }
    return at;
  };
  const col = (c: number) => String.fromCharCode(65 + c);
  const cellXml = (cell: CellInput, ref: string, x: string): string => {
    if (typeof cell === "string")
      return `<${x}c r="${ref}" t="s"><${x}v>${sharedIndex(cell)}</${x}v></${x}c>`;
    if ("rich" in cell) return `<${x}c r="${ref}" t="s"><${x}v>0</${x}v></${x}c>`;
    if ("n" in cell) return `<${x}c r="${ref}" s="${cell.style ?? 0}"><${x}v>${cell.n}</${x}v></${x}c>`;
    if ("b" in cell) return `<${x}c r="${ref}" t="b"><${x}v>${cell.b ? 1 : 0}</${x}v></${x}c>`;
    if ("inline" in cell)
      return `<${x}c r="${ref}" t="inlineStr"><${x}is><${x}t>${esc(cell.inline)}</${x}t></${x}is></${x}c>`;
    if ("formula" in cell)
      return `<${x}c r="${ref}" t="str"><${x}f>${esc(cell.formula)}</${x}f><${x}v>${esc(cell.str)}</${x}v></${x}c>`;
    return `<${x}c r="${ref}" t="e"><${x}v>${esc(cell.error)}</${x}v></${x}c>`;
  };
  const sheetXml = (sheet: SheetInput): string => {
    const x = sheet.prefixed ? "x:" : "";
    const ns = sheet.prefixed ? `xmlns:x="${S}"` : `xmlns="${S}"`;
    const rows = (sheet.rows ?? [])
      .map(
        (row, r) =>
          `<${x}row r="${r + 1}" spans="1:${row.length}">${row.map((cell, c) => cellXml(cell, `${col(c)}${r + 1}`, x)).join("")}</${x}row>`,
      )
      .join("");
    return `${XML}<${x}worksheet ${ns} xmlns:r="${R}"><${x}dimension ref="A1"/><${x}sheetData>${rows}</${x}sheetData><${x}pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></${x}worksheet>`;
  };
  const n = sheets.length;
  const file = (i: number) => `sheet${n - i}.xml`;
  const sheetParts = sheets.map((s, i) => ({
    name: `xl/worksheets/${file(i)}`,
    data: s.raw ?? sheetXml(s),
    declaredSize: s.declaredSize,
  }));
  // Rich text with a phonetic run: the reading guide (ルビ) is not part of the cell's text.
  const richText = `<si><r><rPr><b/></rPr><t>Tokyo</t></r><r><t xml:space="preserve"> office</t></r><rPh sb="0" eb="5"><t>トウキョウ</t></rPh></si>`;
  const sst = `${XML}<sst xmlns="${S}" count="${shared.length + 1}" uniqueCount="${shared.length + 1}">${richText}${shared.map((s) => `<si><t xml:space="preserve">${esc(s)}</t></si>`).join("")}</sst>`;
  return buildZip([
    {
      name: "[Content_Types].xml",
      data: contentTypes([
        ["/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"],
        [
          "/xl/sharedStrings.xml",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
        ],
        ["/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"],
      ]),
    },
    { name: "_rels/.rels", data: rels([{ id: "rId1", type: "officeDocument", target: "xl/workbook.xml" }]) },
    {
      name: "xl/workbook.xml",
      data: `${XML}<workbook xmlns="${S}" xmlns:r="${R}"><bookViews><workbookView/></bookViews><sheets>${sheets.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${10 + i}"/>`).join("")}</sheets></workbook>`,
    },
    {
      name: "xl/_rels/workbook.xml.rels",
      data: rels([
        ...sheets.map((_, i) => ({
          id: `rId${10 + i}`,
          type: "worksheet",
          target: `/xl/worksheets/${file(i)}`,
        })),
        { id: "rId1", type: "sharedStrings", target: "sharedStrings.xml" },
        { id: "rId2", type: "styles", target: "styles.xml" },
      ]),
    },
    { name: "xl/styles.xml", data: XLSX_STYLES },
    ...sheetParts.reverse(),
    { name: "xl/sharedStrings.xml", data: sst },
  ]);
}

// ---------------------------------------------------------------------------------------------
// OpenDocument

const ODF_NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"';

export const ODF_MIMETYPES = {
  text: "application/vnd.oasis.opendocument.text",
  spreadsheet: "application/vnd.oasis.opendocument.spreadsheet",
  presentation: "application/vnd.oasis.opendocument.presentation",
} as const;

/** An ODF package: stored `mimetype` first, a manifest, and `body` as office:body's content. */
export function odf(
  kind: keyof typeof ODF_MIMETYPES,
  body: string,
  options: { encrypted?: boolean; content?: Uint8Array; declaredSize?: number } = {},
): Uint8Array {
  const mimetype = ODF_MIMETYPES[kind];
  const encryption = options.encrypted
    ? '<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="AAAA"/></manifest:encryption-data>'
    : "";
  const manifest = `${XML}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="${mimetype}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">${encryption}</manifest:file-entry></manifest:manifest>`;
  const content = `${XML}<office:document-content ${ODF_NS}><office:automatic-styles/><office:body><office:${kind}>${body}</office:${kind}></office:body></office:document-content>`;
  return buildZip([
    { name: "mimetype", data: mimetype, stored: true },
    { name: "META-INF/manifest.xml", data: manifest },
    { name: "content.xml", data: options.content ?? content, declaredSize: options.declaredSize },
  ]);
}
