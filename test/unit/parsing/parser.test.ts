import { afterAll, describe, expect, it, vi } from "vitest";
import { imageDimensions } from "../../../services/parsing/image.ts";
import {
  closeParsers,
  DEFAULT_PARSE_BUDGET,
  ParseError,
  parseDocument,
  parserWorkerStats,
} from "../../../services/parsing/parser.ts";
import { MEDIA_TYPES, sniffMediaType } from "../../../services/parsing/sniff.ts";
import { corpusFile, docxShapedZip, encryptedPdf, scannedPdf } from "./fixtures.ts";

const budget = { ...DEFAULT_PARSE_BUDGET, timeoutMs: 60_000 };

async function parseFile(name: string) {
  const bytes = corpusFile(name);
  const mt = sniffMediaType(bytes, name);
  if (!mt) throw new Error(`unsniffable ${name}`);
  return parseDocument(bytes, mt, budget);
}

async function failure(p: Promise<unknown>): Promise<ParseError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    expect((e as ParseError).retriable).toBe(false);
    return e as ParseError;
  }
  throw new Error("expected a ParseError");
}

afterAll(async () => {
  await closeParsers();
});

describe("parseDocument on real corpus files", () => {
  it("PDF: text layer per page, lines rebuilt, language", async () => {
    const d = await parseFile("zugferd-corpus__EN16931_Einfach.pdf");
    expect(d.mediaType).toBe("application/pdf");
    expect(d.pageCount).toBe(2);
    expect(d.pages).toHaveLength(2);
    expect(d.ocr).toBe(false);
    expect(d.language).toBe("de");
    expect(d.pages[0]).toContain("Name: Lieferant GmbH");
    expect(d.pages[1]).toContain("Bruttosumme 529,87");
    expect(d.text).toContain(d.pages[0]);
  });

  it("PDF: multi-page contract", async () => {
    const d = await parseFile(
      "cuad__MorganStanleyDirectLendingFund_20191119_10-12GA_EX-10.5_11898508_EX-10.5_Trademark_License_Agreement.pdf",
    );
    expect(d.pageCount).toBeGreaterThan(3);
    expect(d.language).toBe("en");
    expect(d.text).toMatch(/TRADEMARK LICENSE AGREEMENT/);
  });

  it("DOCX through mammoth", async () => {
    const d = await parseFile("unstructured__handbook-1p.docx");
    expect(d.mediaType).toBe(MEDIA_TYPES.docx);
    expect(d.pageCount).toBe(1);
    expect(d.text).toMatch(/Trustee/);
    expect(d.language).toBe("en");
  });

  it("HTML through html-to-text, title first, no markup", async () => {
    const d = await parseFile("unstructured__ideas-page.html");
    expect(d.mediaType).toBe("text/html");
    expect(d.text).toMatch(/^How to Get New Ideas/);
    expect(d.text).not.toMatch(/<\/?[a-z]+[\s>]/i);
  });

  it("plain text", async () => {
    const d = await parseFile("unstructured__book-war-and-peace-1p.txt");
    expect(d.mediaType).toBe("text/plain");
    expect(d.text).toMatch(/Prince/);
    expect(d.language).toBe("en");
  });

  it("e-mail: subject and text body", async () => {
    const d = await parseFile("unstructured__family-day.eml");
    expect(d.mediaType).toBe("message/rfc822");
    expect(d.text.startsWith("Family Day")).toBe(true);
    expect(d.text).toMatch(/petting zoo/);
    expect(d.text).not.toMatch(/Content-Type:/);
  });

  it("image through OCR (tesseract.js, bundled English model)", async () => {
    const d = await parseFile("sroie__030.jpg");
    expect(d.mediaType).toBe("image/jpeg");
    expect(d.ocr).toBe(true);
    expect(d.pageCount).toBe(1);
    expect(d.text).toMatch(/UNIHAKKA/);
    expect(d.text).toMatch(/8\.20/);
  });

  it("scanned PDF: a page without a text layer is rendered and OCRed", async () => {
    const jpeg = corpusFile("sroie__030.jpg");
    const dims = imageDimensions(jpeg, MEDIA_TYPES.jpeg);
    expect(dims).toBeDefined();
    const pdf = scannedPdf(jpeg, dims?.width as number, dims?.height as number);
    expect(sniffMediaType(pdf)).toBe(MEDIA_TYPES.pdf);
    const d = await parseDocument(pdf, MEDIA_TYPES.pdf, budget);
    expect(d.ocr).toBe(true);
    expect(d.pageCount).toBe(1);
    expect(d.text).toMatch(/UNIHAKKA/);
  });

  it("a photo with no text parses to empty OCR text, not a failure", async () => {
    const d = await parseFile("unstructured__example.jpg");
    expect(d.ocr).toBe(true);
    expect(d.text.replace(/\W/g, "").length).toBeLessThan(40);
  });
});

describe("parseDocument concurrency", () => {
  it("queues concurrent jobs on the pool and answers each with its own result", async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `document number ${i} with some words`);
    const results = await Promise.all(
      texts.map((t) => parseDocument(Buffer.from(t), MEDIA_TYPES.text, budget)),
    );
    expect(results.map((r) => r.text)).toEqual(texts);
    const s = parserWorkerStats();
    expect(s.busy).toBe(0);
    expect(s.queued).toBe(0);
  });
});

describe("parseDocument failures are typed ParseErrors", () => {
  it("truncated PDF → malformed", async () => {
    const whole = corpusFile("invoice2data__AzureInterior.pdf");
    const e = await failure(
      parseDocument(whole.subarray(0, Math.floor(whole.byteLength / 2)), MEDIA_TYPES.pdf, budget),
    );
    expect(e.reason).toBe("malformed");
  });

  it("encrypted PDF → encrypted", async () => {
    const e = await failure(parseDocument(encryptedPdf(), MEDIA_TYPES.pdf, budget));
    expect(e.reason).toBe("encrypted");
  });

  it("zip bomb disguised as DOCX → decompression_bomb (declared sizes)", async () => {
    const bomb = docxShapedZip(new Uint8Array(64 * 1024 * 1024)); // 64 MiB of zeros, ~64 KiB zipped
    expect(bomb.byteLength).toBeLessThan(200_000);
    expect(sniffMediaType(bomb)).toBe(MEDIA_TYPES.docx);
    const e = await failure(
      parseDocument(bomb, MEDIA_TYPES.docx, { ...budget, maxUncompressedBytes: 16 * 1024 * 1024 }),
    );
    expect(e.reason).toBe("decompression_bomb");
  });

  it("zip bomb that lies about its sizes → decompression_bomb (capped inflate)", async () => {
    const liar = docxShapedZip(new Uint8Array(64 * 1024 * 1024), 1000);
    const e = await failure(
      parseDocument(liar, MEDIA_TYPES.docx, { ...budget, maxUncompressedBytes: 16 * 1024 * 1024 }),
    );
    expect(e.reason).toBe("decompression_bomb");
  });

  it("zero-byte file → empty", async () => {
    const e = await failure(parseDocument(new Uint8Array(0), MEDIA_TYPES.pdf, budget));
    expect(e.reason).toBe("empty");
  });

  it("whitespace-only text → empty", async () => {
    const e = await failure(parseDocument(Buffer.from(" \n\t\n  "), MEDIA_TYPES.text, budget));
    expect(e.reason).toBe("empty");
  });

  it("wrong declared media type → malformed, naming both types", async () => {
    const pdf = corpusFile("invoice2data__AzureInterior.pdf");
    const e = await failure(parseDocument(pdf, MEDIA_TYPES.docx, budget));
    expect(e.reason).toBe("malformed");
    expect(e.message).toMatch(/application\/pdf/);
    const e2 = await failure(parseDocument(Buffer.from("hello there, plain text"), MEDIA_TYPES.png, budget));
    expect(e2.reason).toBe("malformed");
  });

  it("unsupported media type → unsupported", async () => {
    const e = await failure(
      parseDocument(Buffer.from("PK\u0003\u0004"), "application/vnd.ms-powerpoint", budget),
    );
    expect(e.reason).toBe("unsupported");
  });

  it("a PNG claiming 100k×100k pixels → decompression_bomb before decoding", async () => {
    const png = Buffer.alloc(33);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png, 0);
    png.writeUInt32BE(13, 8);
    png.write("IHDR", 12, "latin1");
    png.writeUInt32BE(100_000, 16);
    png.writeUInt32BE(100_000, 20);
    const e = await failure(parseDocument(png, MEDIA_TYPES.png, budget));
    expect(e.reason).toBe("decompression_bomb");
  });

  it("a parser over its time budget → timeout; the worker is terminated and replaced", async () => {
    const img = corpusFile("unstructured__double-column-A.jpg"); // OCR takes seconds
    const before = parserWorkerStats();
    const e = await failure(parseDocument(img, MEDIA_TYPES.jpeg, { ...budget, timeoutMs: 150 }));
    expect(e.reason).toBe("timeout");
    const after = parserWorkerStats();
    expect(after.busy).toBe(0);
    expect(after.live).toBeLessThanOrEqual(before.live);
    // The terminated thread really exits: nothing is left running in the background.
    await vi.waitFor(() => expect(parserWorkerStats().exiting).toBe(0), { timeout: 5000, interval: 20 });
    // The pool still works afterwards.
    const ok = await parseDocument(Buffer.from("still alive after a timeout"), MEDIA_TYPES.text, budget);
    expect(ok.text).toBe("still alive after a timeout");
  });

  it("a parser that outgrows its heap budget → memory; the worker dies, the process survives", async () => {
    // 4 MiB of HTML whose DOM (hundreds of thousands of nodes) needs far more than a 16 MiB heap.
    const html = Buffer.from(
      `<html><body>${"<div><p>x y</p><span>z</span></div>".repeat(120_000)}</body></html>`,
    );
    const e = await failure(parseDocument(html, MEDIA_TYPES.html, { ...budget, maxMemoryMb: 16 }));
    expect(e.reason).toBe("memory");
    expect(parserWorkerStats().busy).toBe(0);
    const ok = await parseDocument(Buffer.from("fine"), MEDIA_TYPES.text, budget);
    expect(ok.text).toBe("fine");
  });

  it("a small DOCX that expands to more text than the heap budget allows → memory", async () => {
    const para = `<w:p><w:r><w:t>${"lorem ipsum dolor sit amet ".repeat(2000)}</w:t></w:r></w:p>`;
    const xml = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${para.repeat(200)}</w:body></w:document>`;
    const docx = docxShapedZip(Buffer.from(xml)); // ~30 KiB zipped, 10 MiB of XML, 10.8 M characters of text
    const e = await failure(parseDocument(docx, MEDIA_TYPES.docx, { ...budget, maxMemoryMb: 32 }));
    expect(e.reason).toBe("memory");
  });

  it("text far larger than the heap budget → memory, refused before any worker", async () => {
    const big = Buffer.alloc(64 * 1024 * 1024, "a b c d ");
    const e = await failure(parseDocument(big, MEDIA_TYPES.text, { ...budget, maxMemoryMb: 16 }));
    expect(e.reason).toBe("memory");
  });
});
