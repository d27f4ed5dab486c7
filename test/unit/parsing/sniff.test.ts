import fs from "node:fs";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import { describe, expect, it } from "vitest";
import { MEDIA_TYPES, SUPPORTED_MEDIA_TYPES, sniffMediaType } from "../../../services/parsing/sniff.ts";
import { corpusDir, docxShapedZip } from "./fixtures.ts";

const BY_EXTENSION: Record<string, string | undefined> = {
  pdf: MEDIA_TYPES.pdf,
  docx: MEDIA_TYPES.docx,
  html: MEDIA_TYPES.html,
  txt: MEDIA_TYPES.text,
  eml: MEDIA_TYPES.eml,
  png: MEDIA_TYPES.png,
  jpg: MEDIA_TYPES.jpeg,
  epub: MEDIA_TYPES.epub,
};

const BINARY = new Set<string>([
  MEDIA_TYPES.pdf,
  MEDIA_TYPES.docx,
  MEDIA_TYPES.epub,
  MEDIA_TYPES.png,
  MEDIA_TYPES.jpeg,
  MEDIA_TYPES.tiff,
]);

const dir = corpusDir();

describe("sniffMediaType", () => {
  it("lists the supported media types", () => {
    expect(SUPPORTED_MEDIA_TYPES).toEqual(
      expect.arrayContaining([
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "text/html",
        "text/plain",
        "text/markdown",
        "message/rfc822",
        "image/png",
        "image/jpeg",
        "image/tiff",
      ]),
    );
  });

  it("detects every corpus document from its bytes, agreeing with file-type on binaries", async () => {
    const files = fs.readdirSync(path.join(dir, "docs"));
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const bytes = new Uint8Array(fs.readFileSync(path.join(dir, "docs", f)));
      const ext = path.extname(f).slice(1);
      // No file name given: the content alone decides.
      expect(sniffMediaType(bytes), f).toBe(BY_EXTENSION[ext]);
      const ft = await fileTypeFromBuffer(bytes);
      // file-type is the reference for binary formats only (it calls XHTML "application/xml").
      if (ft && BINARY.has(ft.mime)) expect(sniffMediaType(bytes), f).toBe(ft.mime);
    }
  });

  it("tells Markdown from plain text by content", () => {
    const md =
      "# Title\n\nSome *text* with a [link](https://example.com).\n\n- one\n- two\n\n```\ncode\n```\n";
    expect(sniffMediaType(Buffer.from(md))).toBe("text/markdown");
    expect(sniffMediaType(Buffer.from("Just a line of text.\nAnd another one.\n"))).toBe("text/plain");
    // The name only breaks ties for weak Markdown.
    expect(sniffMediaType(Buffer.from("Intro\n\n- one\n- two\n- three\n- four\n"), "notes.md")).toBe(
      "text/markdown",
    );
  });

  it("detects HTML and e-mail by content", () => {
    expect(sniffMediaType(Buffer.from("  <!DOCTYPE html><html><body><p>x</p></body></html>"))).toBe(
      "text/html",
    );
    const eml =
      "From: a@example.com\r\nTo: b@example.com\r\nSubject: Hi\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nBody\r\n";
    expect(sniffMediaType(Buffer.from(eml))).toBe("message/rfc822");
    // "Key: value" lines alone are not an e-mail.
    expect(sniffMediaType(Buffer.from("Name: Bob\nAge: 3\n\nNotes here\n"))).toBe("text/plain");
  });

  it("detects TIFF, DOCX-shaped ZIPs, and rejects unknown binaries and empty input", () => {
    expect(sniffMediaType(new Uint8Array([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]))).toBe("image/tiff");
    expect(sniffMediaType(docxShapedZip(Buffer.from("<w:document/>")))).toBe(MEDIA_TYPES.docx);
    expect(sniffMediaType(new Uint8Array([0x00, 0x01, 0x02, 0x03, 0xff, 0x00]))).toBeUndefined();
    expect(sniffMediaType(new Uint8Array(0))).toBeUndefined();
  });
});
