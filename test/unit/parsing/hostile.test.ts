// Hostile documents against the real parser (worker threads): each fails at once with a
// permanent reason, or parses, without long stalls, unbounded pixels or a blocked event loop.
// Every input is generated here; nothing large is committed.
import { afterAll, describe, expect, it } from "vitest";
import { cleanText } from "../../../services/parsing/format.ts";
import { htmlNestingDepth, MAX_HTML_DEPTH } from "../../../services/parsing/html-depth.ts";
import { imageDimensions, MAX_IMAGE_PIXELS } from "../../../services/parsing/image.ts";
import {
  closeParsers,
  DEFAULT_PARSE_BUDGET,
  ParseError,
  parseDocument,
} from "../../../services/parsing/parser.ts";
import { MEDIA_TYPES, sniffMediaType } from "../../../services/parsing/sniff.ts";
import { shouldRetry } from "../../../services/pipeline/stage-outcome.ts";
import { DocmeshError, isRetriable } from "../../../services/platform/errors.ts";
import { hugeImagePdf, tiffHeader } from "./hostile-fixtures.ts";

const budget = DEFAULT_PARSE_BUDGET;

afterAll(async () => {
  await closeParsers();
});

async function failure(p: Promise<unknown>): Promise<ParseError> {
  const e = await p.then(
    () => {
      throw new Error("expected a ParseError");
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ParseError);
  return e as ParseError;
}

/** Largest gap between ticks of a 10 ms interval while `work` runs: how long the event loop was blocked. */
async function longestTickGap<T>(work: () => Promise<T>): Promise<{ result: T; gapMs: number }> {
  let last = performance.now();
  let gapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gapMs = Math.max(gapMs, now - last);
    last = now;
  }, 10);
  try {
    const result = await work();
    return { result, gapMs };
  } finally {
    clearInterval(timer);
  }
}

describe("a parse failure is permanent: the stage fails the document at once", () => {
  const context = { attempt: 1, signal: new AbortController().signal, heartbeat: async () => {} };

  it("every ParseError reason is a non-retriable DocmeshError, budget overruns included", () => {
    for (const reason of ["malformed", "encrypted", "timeout", "memory", "decompression_bomb"] as const) {
      const e = new ParseError(reason, "x");
      expect(e).toBeInstanceOf(DocmeshError);
      expect(e.name).toBe("ParseError");
      expect(isRetriable(e)).toBe(false);
      expect(shouldRetry(e, context)).toBe(false);
    }
    expect(new ParseError("timeout", "x").kind).toBe("exhausted");
    expect(new ParseError("malformed", "x").kind).toBe("invalid");
  });

  it("a real parser failure decides fail-at-once; a transient error is still retried", async () => {
    const e = await failure(parseDocument(Buffer.from("%PDF-1.4\nnot really"), MEDIA_TYPES.pdf, budget));
    expect(shouldRetry(e, context)).toBe(false);
    expect(shouldRetry(new Error("connection reset"), context)).toBe(true);
  });
});

describe("pixel caps apply however the pixels arrive", () => {
  it("a 20000×20000 TIFF header → decompression_bomb from the header, before decoding", async () => {
    const tiff = tiffHeader(20_000, 20_000);
    expect(sniffMediaType(tiff)).toBe(MEDIA_TYPES.tiff);
    expect(imageDimensions(tiff, MEDIA_TYPES.tiff)).toEqual({ width: 20_000, height: 20_000 });
    const e = await failure(parseDocument(tiff, MEDIA_TYPES.tiff, budget));
    expect(e.reason).toBe("decompression_bomb");
    expect(e.message).toContain("20000x20000");
  });

  it("a big-endian TIFF header is read too; one without dimensions is refused as malformed", async () => {
    const be = Buffer.alloc(8 + 2 + 24 + 4);
    be.write("MM", 0, "latin1");
    be.writeUInt16BE(42, 2);
    be.writeUInt32BE(8, 4);
    be.writeUInt16BE(2, 8);
    be.writeUInt16BE(256, 10);
    be.writeUInt16BE(3, 12);
    be.writeUInt32BE(1, 14);
    be.writeUInt16BE(640, 18);
    be.writeUInt16BE(257, 22);
    be.writeUInt16BE(4, 24);
    be.writeUInt32BE(1, 26);
    be.writeUInt32BE(480, 30);
    expect(imageDimensions(new Uint8Array(be), MEDIA_TYPES.tiff)).toEqual({ width: 640, height: 480 });
    const noDims = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const e = await failure(parseDocument(noDims, MEDIA_TYPES.tiff, budget));
    expect(e.reason).toBe("malformed");
  });

  it("a small PDF painting a 20000×20000 image is never decoded: fails fast, memory stays bounded", async () => {
    const pdf = hugeImagePdf(20_000, 20_000);
    expect(pdf.byteLength).toBeLessThan(200_000);
    expect(20_000 * 20_000).toBeGreaterThan(MAX_IMAGE_PIXELS);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const started = Date.now();
    try {
      const e = await failure(parseDocument(pdf, MEDIA_TYPES.pdf, budget));
      // Nothing is left to read once the image is dropped: a permanent failure, not a retry.
      expect(e.reason).toBe("empty");
    } finally {
      clearInterval(sampler);
    }
    expect(Date.now() - started).toBeLessThan(45_000);
    // Decoded, the image alone is 1.6 GB of RGBA (7.5 GiB RSS was seen); pdf.js itself needs far less.
    expect(peak - baseline).toBeLessThan(1024 * 1024 * 1024);
  }, 120_000);
});

describe("text and markup that used to stall or crash the parser", () => {
  it("2 MiB of spaces → empty at once (the trailing-space regex was quadratic)", async () => {
    const started = Date.now();
    const e = await failure(parseDocument(Buffer.alloc(2 * 1024 * 1024, " "), MEDIA_TYPES.text, budget));
    expect(e.reason).toBe("empty");
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("words around 2 MiB of spaces parse, inner spaces kept, trailing spaces dropped", async () => {
    const spaces = " ".repeat(2 * 1024 * 1024);
    const d = await parseDocument(Buffer.from(`first${spaces}last${spaces}\nnext`), MEDIA_TYPES.text, budget);
    expect(d.text).toBe(`first${spaces}last\nnext`);
    expect(cleanText("a \t\v\f\nb  \r\n\n\n\nc\u00a0 ")).toBe("a\nb\n\nc");
  });

  it("sniffing a line of 64 K brackets stays cheap (it runs on the main thread)", () => {
    const started = performance.now();
    expect(sniffMediaType(Buffer.from("[".repeat(64 * 1024)))).toBe(MEDIA_TYPES.text);
    // The unbounded Markdown link pattern took ~380 ms here (quadratic in the 20 K sample); now ~15 ms.
    expect(performance.now() - started).toBeLessThan(250);
  });

  it("200 000 nested tags → malformed with a clear reason, quickly", async () => {
    const n = 200_000;
    const html = Buffer.from(`<html><body>${"<div>".repeat(n)}x${"</div>".repeat(n)}</body></html>`);
    const started = Date.now();
    const e = await failure(parseDocument(html, MEDIA_TYPES.html, budget));
    expect(e.reason).toBe("malformed");
    expect(e.message).toContain(`nested more than ${MAX_HTML_DEPTH} deep`);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("nesting is counted as a browser would: void, self-closing, implied-end and raw-text elements do not nest", async () => {
    expect(htmlNestingDepth("<div><p>a<p>b<br><img src=x><span/></div>")).toBe(1);
    expect(htmlNestingDepth(`<ul>${"<li>item".repeat(5000)}</ul>`)).toBe(1);
    expect(htmlNestingDepth(`<script>${"<div>".repeat(5000)}</SCRIPT><b>x</b>`)).toBe(1);
    expect(htmlNestingDepth("<!-- <div><div> --><i>x</i>")).toBe(1);
    const deepButFine = `<html><body>${"<div>".repeat(500)}deep text${"</div>".repeat(500)}</body></html>`;
    const d = await parseDocument(Buffer.from(deepButFine), MEDIA_TYPES.html, budget);
    expect(d.text).toBe("deep text");
  });

  it("a 48 MiB single line parses in a worker while the event loop keeps ticking", async () => {
    const line = Buffer.alloc(48 * 1024 * 1024, "lorem ipsum dolor sit amet ");
    const { result, gapMs } = await longestTickGap(() => parseDocument(line, MEDIA_TYPES.text, budget));
    expect(result.text.length).toBeGreaterThan(48 * 1024 * 1024 - 64);
    expect(result.pageCount).toBe(1);
    // The parse takes seconds of CPU in the worker; the main thread only copies bytes in and the
    // text out (tens of ms). A blocked loop would show the whole parse time here.
    expect(gapMs).toBeLessThan(1500);
  }, 120_000);
});
