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
  const raw = Buffer.alloc(Math.ceil(width / 8) * height);
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
  push(Buffer.from("%PDF-1.4\n", "latin1"));
  obj(1, Buffer.from("<< /Type /Catalog /Pages 2 0 R >>"));
  obj(2, Buffer.from("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"));
  obj(
    3,
    Buffer.from(
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
    ),
  );
  obj(4, Buffer.from(`<< /Length ${content.byteLength} >>\nstream\n`), content, Buffer.from("\nendstream"));
  obj(
    5,
    Buffer.from(
      `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode /Length ${image.byteLength} >>\nstream\n`,
    ),
    image,
    Buffer.from("\nendstream"),
  );
  const xref = length;
  let table = "xref\n0 6\n0000000000 65535 f \n";
  for (let n = 1; n <= 5; n++) table += `${String(offsets[n]).padStart(10, "0")} 00000 n \n`;
  push(Buffer.from(`${table}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`, "latin1"));
  return new Uint8Array(Buffer.concat(parts));
}
