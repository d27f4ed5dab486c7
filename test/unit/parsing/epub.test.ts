import { afterAll, describe, expect, it } from "vitest";
import { isParseError, type ParseError } from "../../../services/parsing/errors.ts";
import { closeParsers, parseDocument } from "../../../services/parsing/parser.ts";
import { MEDIA_TYPES, SUPPORTED_MEDIA_TYPES, sniffMediaType } from "../../../services/parsing/sniff.ts";
import { buildZip, corpusFile } from "./fixtures.ts";

const zip = buildZip;

const CONTAINER =
  '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>';

/** Manifest order ch1, ch2, nav; spine order ch2, ch1 (the reading order must follow the spine). */
const OPF = `<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">
<manifest>
  <item id="c1" href="text/chapter%201.xhtml" media-type="application/xhtml+xml"/>
  <item media-type="application/xhtml+xml" href="text/ch2.xhtml" id="c2"/>
  <item id="css" href="style.css" media-type="text/css"/>
</manifest>
<spine><itemref idref="c2"/><itemref idref="css"/><itemref idref="c1"/></spine></package>`;

const chapter = (title: string, body: string) =>
  `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body><h1>${title}</h1><p>${body}</p></body></html>`;

function epub(
  chapter2: string | Uint8Array = chapter("Second", "Read first, by the spine."),
  declaredSize?: number,
) {
  return zip([
    { name: "mimetype", data: "application/epub+zip", stored: true },
    { name: "META-INF/container.xml", data: CONTAINER },
    { name: "OEBPS/content.opf", data: OPF },
    { name: "OEBPS/text/chapter 1.xhtml", data: chapter("First", "Read second &amp; last.") },
    { name: "OEBPS/text/ch2.xhtml", data: chapter2, declaredSize },
    { name: "OEBPS/style.css", data: "p { margin: 0 }" },
  ]);
}

const budget = { timeoutMs: 20_000, maxMemoryMb: 256, maxUncompressedBytes: 8 * 1024 * 1024 };

async function failure(p: Promise<unknown>): Promise<ParseError> {
  try {
    await p;
  } catch (err) {
    if (isParseError(err)) return err;
    throw err;
  }
  throw new Error("expected a ParseError");
}

afterAll(() => closeParsers());

describe("EPUB", () => {
  it("is sniffed from the stored mimetype entry, and is a supported type", () => {
    expect(SUPPORTED_MEDIA_TYPES).toContain("application/epub+zip");
    expect(sniffMediaType(epub())).toBe(MEDIA_TYPES.epub);
    // A compressed `mimetype`, or one that is not first, is not the OCF signature.
    const compressed = zip([
      { name: "mimetype", data: "application/epub+zip" },
      { name: "a.txt", data: "x" },
    ]);
    expect(sniffMediaType(compressed)).toBeUndefined();
    const notFirst = buildZip([{ name: "a.txt", data: Buffer.from("x") }]);
    expect(sniffMediaType(notFirst)).toBeUndefined();
    // Only the first local header is needed: a truncated EPUB is still an EPUB (then malformed).
    expect(sniffMediaType(epub().subarray(0, 100))).toBe(MEDIA_TYPES.epub);
  });

  it("follows the OPF spine order, skips non-XHTML spine items, decodes hrefs", async () => {
    const doc = await parseDocument(epub(), MEDIA_TYPES.epub, budget);
    expect(doc.pageCount).toBe(2);
    expect(doc.pages[0]).toContain("Second");
    expect(doc.pages[1]).toContain("Read second & last.");
    expect(doc.text.indexOf("Second")).toBeLessThan(doc.text.indexOf("First"));
    expect(doc.text).not.toContain("margin");
    expect(doc.ocr).toBe(false);
  });

  it("parses the corpus EPUB, one page per chapter", async () => {
    const bytes = corpusFile("unstructured__winter-sports.epub");
    expect(sniffMediaType(bytes)).toBe(MEDIA_TYPES.epub);
    const doc = await parseDocument(bytes, MEDIA_TYPES.epub);
    expect(doc.pages[0]).toMatch(/^The Project Gutenberg eBook of Winter Sports in Switzerland/);
    expect(doc.pageCount).toBeGreaterThanOrEqual(8);
    expect(doc.language).toBe("en");
    expect(doc.text.length).toBeGreaterThan(300_000);
  });

  it("a chapter that inflates past the budget → decompression_bomb (declared or lying sizes)", async () => {
    const zeros = new Uint8Array(20 * 1024 * 1024);
    const e = await failure(parseDocument(epub(zeros), MEDIA_TYPES.epub, budget));
    expect(e.reason).toBe("decompression_bomb");
    const e2 = await failure(parseDocument(epub(zeros, 1000), MEDIA_TYPES.epub, budget));
    expect(e2.reason).toBe("decompression_bomb");
  });

  it("a missing container or an empty spine → malformed; a truncated file → malformed", async () => {
    const noContainer = zip([
      { name: "mimetype", data: "application/epub+zip", stored: true },
      { name: "OEBPS/content.opf", data: OPF },
    ]);
    expect((await failure(parseDocument(noContainer, MEDIA_TYPES.epub, budget))).reason).toBe("malformed");
    const noSpine = zip([
      { name: "mimetype", data: "application/epub+zip", stored: true },
      { name: "META-INF/container.xml", data: CONTAINER },
      { name: "OEBPS/content.opf", data: "<package><manifest/><spine/></package>" },
    ]);
    expect((await failure(parseDocument(noSpine, MEDIA_TYPES.epub, budget))).reason).toBe("malformed");
    const truncated = epub().subarray(0, 300);
    expect((await failure(parseDocument(truncated, MEDIA_TYPES.epub, budget))).reason).toBe("malformed");
  });
});
