// Hostile inputs generated on the fly (no large committed fixtures): pixel floods by header.
import { deflateSync } from "node:zlib";

/** A little-endian TIFF with only a first IFD (no strips): the header claims width × height. */
export function tiffHeader(width: number, height: number): Uint8Array {
  const b = Buffer.alloc(8 + 2 + 12 * 3 + 4);
  b.write("II", 0, "latin1");
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(3, 8);
  const entry = (k: number, tag: number, type: number, value: number) => {
    const at = 10 + 12 * k;
    b.writeUInt16LE(tag, at);
    b.writeUInt16LE(type, at + 2);
    b.writeUInt32LE(1, at + 4);
    if (type === 3) b.writeUInt16LE(value, at + 8);
    else b.writeUInt32LE(value, at + 8);
  };
  entry(0, 256, 3, width); // ImageWidth, SHORT
  entry(1, 257, 4, height); // ImageLength, LONG
  entry(2, 258, 3, 8); // BitsPerSample
  return new Uint8Array(b);
}

/**
 * A one-page PDF, text-free, that paints one width × height 1-bit image (Flate-compressed zeros:
 * a few tens of KB on disk, width × height × 4 bytes of RGBA once decoded).
 */
export function hugeImagePdf(width: number, height: number): Uint8Array {
  return imagePdf(1, width, height, Buffer.alloc(Math.ceil(width / 8) * height));
}

/**
 * An OCR bomb: `pages` text-free pages (20 is as many as the parser OCRs) that all paint one
 * 1700 × 2200 1-bit scan of random glyph-sized specks, which OCR segments and tries to read speck
 * by speck. About 33 KB, yet OCR takes tens of seconds per page (58 s for one on the loaded
 * development machine): the whole document is far past any reasonable parse budget. Another
 * `seed` scatters other specks (different bytes, so uploads are not deduplicated).
 */
export function ocrBombPdf(pages = 20, seed = 7): Uint8Array {
  const width = 1700;
  const height = 2200;
  const row = Math.ceil(width / 8);
  const raw = Buffer.alloc(row * height, 0xff); // 1 = white
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  for (let i = 0; i < (width * height) / 60; i++) {
    const x0 = Math.floor(random() * width);
    const y0 = Math.floor(random() * height);
    const x1 = Math.min(width, x0 + 2 + Math.floor(random() * 6));
    const y1 = Math.min(height, y0 + 3 + Math.floor(random() * 10));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const at = y * row + (x >> 3);
        raw.writeUInt8(raw.readUInt8(at) & ~(0x80 >> (x & 7)), at);
      }
    }
  }
  return imagePdf(pages, width, height, raw);
}

/** `pages` letter-size pages that each paint the same width × height 1-bit gray image (raw rows). */
function imagePdf(pages: number, width: number, height: number, raw: Buffer): Uint8Array {
  const image = deflateSync(raw, { level: 9 });
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    length += b.byteLength;
  };
  const obj = (n: number, ...body: Buffer[]) => {
    offsets[n] = length;
    push(Buffer.from(`${n} 0 obj\n`, "latin1"));
    for (const b of body) push(b);
    push(Buffer.from("\nendobj\n", "latin1"));
  };
  const content = Buffer.from("q 612 0 0 792 0 0 cm /Im1 Do Q", "latin1");
  const kids = Array.from({ length: pages }, (_, i) => `${5 + i} 0 R`).join(" ");
  push(Buffer.from("%PDF-1.4\n", "latin1"));
  obj(1, Buffer.from("<< /Type /Catalog /Pages 2 0 R >>"));
  obj(2, Buffer.from(`<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`));
  obj(3, Buffer.from(`<< /Length ${content.byteLength} >>\nstream\n`), content, Buffer.from("\nendstream"));
  obj(
    4,
    Buffer.from(
      `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode /Length ${image.byteLength} >>\nstream\n`,
    ),
    image,
    Buffer.from("\nendstream"),
  );
  for (let i = 0; i < pages; i++) {
    obj(
      5 + i,
      Buffer.from(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 3 0 R >>",
      ),
    );
  }
  const xref = length;
  const size = 5 + pages;
  let table = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let n = 1; n < size; n++) table += `${String(offsets[n]).padStart(10, "0")} 00000 n \n`;
  push(
    Buffer.from(`${table}trailer\n<< /Size ${size} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`, "latin1"),
  );
  return new Uint8Array(Buffer.concat(parts));
}
