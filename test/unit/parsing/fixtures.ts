import fs from "node:fs";
import path from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { corpusRoot } from "../../e2e/corpus.ts";

/**
 * The evaluation corpus (../shared/corpus beside the repo). It is a required test input:
 * when it is missing, the tests that need it fail with this message rather than skip.
 */
export function corpusDir(): string {
  return corpusRoot();
}

export function corpusFile(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(corpusDir(), "docs", name)));
}

export interface ZipInput {
  name: string;
  data?: string | Uint8Array;
  /** Store the entry uncompressed (an EPUB's `mimetype` must be). */
  stored?: boolean;
  /** An already-deflated body (e.g. one compressed part reused many times); its CRC is left 0. */
  deflated?: Uint8Array;
  /** Override the declared uncompressed size (a lying archive). */
  declaredSize?: number;
}

/** A minimal ZIP writer (deflate), enough to build DOCX-shaped archives and zip bombs. */
export function buildZip(entries: ZipInput[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const raw = Buffer.from(e.data ?? "");
    const method = e.stored ? 0 : 8;
    const comp = Buffer.from(e.deflated ?? (e.stored ? raw : deflateRawSync(raw, { level: 9 })));
    const crc = e.deflated ? 0 : crc32(raw);
    const size = e.declaredSize ?? raw.byteLength;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.byteLength, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.byteLength, 26);
    locals.push(lh, name, comp);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(comp.byteLength, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.byteLength, 28);
    ch.writeUInt32LE(offset, 42);
    centrals.push(ch, name);
    offset += 30 + name.byteLength + comp.byteLength;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.byteLength, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, eocd]));
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';

/** A DOCX-shaped archive whose document part is `docBytes` (e.g. hundreds of MB of zeros). */
export function docxShapedZip(docBytes: Uint8Array, declaredSize?: number): Uint8Array {
  return buildZip([
    { name: "[Content_Types].xml", data: Buffer.from(CONTENT_TYPES) },
    { name: "word/document.xml", data: docBytes, declaredSize },
  ]);
}

/**
 * A minimal PDF protected by the Standard security handler (RC4, R2) whose /U entry matches no
 * password: any reader must ask for a password. Offsets in the xref table are exact.
 */
export function encryptedPdf(): Uint8Array {
  const hex32 = "9f".repeat(32);
  const objs = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
    "<< /Length 8 >>\nstream\n\x8a\x13\x99\x01\x42\x77\x10\x05\nendstream",
    `<< /Filter /Standard /V 1 /R 2 /O <${hex32}> /U <${"3c".repeat(32)}> /P -44 >>`,
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objs.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R /Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}

/** A one-page PDF with no text layer: a JPEG scan drawn over the whole page (DCTDecode XObject). */
export function scannedPdf(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    length += b.byteLength;
  };
  const obj = (n: number, body: Buffer[]) => {
    offsets[n] = length;
    push(Buffer.from(`${n} 0 obj\n`, "latin1"));
    for (const b of body) push(b);
    push(Buffer.from("\nendobj\n", "latin1"));
  };
  // Page size in points: the scan at 300 dpi (what the parser renders at, so OCR sees the native pixels).
  const w = Math.round((width * 72) / 300);
  const h = Math.round((height * 72) / 300);
  const content = Buffer.from(`q ${w} 0 0 ${h} 0 0 cm /Im1 Do Q`, "latin1");
  push(Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1"));
  obj(1, [Buffer.from("<< /Type /Catalog /Pages 2 0 R >>")]);
  obj(2, [Buffer.from("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")]);
  obj(3, [
    Buffer.from(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>`,
    ),
  ]);
  obj(4, [Buffer.from(`<< /Length ${content.byteLength} >>\nstream\n`), content, Buffer.from("\nendstream")]);
  obj(5, [
    Buffer.from(
      `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.byteLength} >>\nstream\n`,
    ),
    Buffer.from(jpeg),
    Buffer.from("\nendstream"),
  ]);
  const xref = length;
  let table = "xref\n0 6\n0000000000 65535 f \n";
  for (let n = 1; n <= 5; n++) table += `${String(offsets[n]).padStart(10, "0")} 00000 n \n`;
  push(Buffer.from(`${table}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`, "latin1"));
  return new Uint8Array(Buffer.concat(parts));
}
