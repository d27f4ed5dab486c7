// Test documents that carry machine-readable data: PDFs with an embedded e-invoice XML or a
// payment QR code, and QR images made by real encoders (swissqrbill for the Swiss QR-bill,
// ZXing-C++'s writer for EPC GiroCode).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { SwissQRBill } from "swissqrbill/svg";
import type { Data } from "swissqrbill/types";
import { prepareZXingModule, writeBarcode } from "zxing-wasm/writer";

const require = createRequire(import.meta.url);

export interface PdfOptions {
  /** Lines of text, drawn in Helvetica from the top of an A4 page. */
  lines: string[];
  /** A JPEG drawn at the bottom of the page, `widthPt` points wide. */
  jpeg?: { bytes: Uint8Array; width: number; height: number; widthPt: number };
  /** Embedded files (the PDF/A-3 way: a file specification in the EmbeddedFiles name tree). */
  attachments?: { name: string; bytes: Uint8Array; mime: string }[];
}

const pdfString = (s: string) => `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;

/** A one-page PDF with a text layer, an optional image and optional attachments; exact xref offsets. */
export function buildPdf(o: PdfOptions): Uint8Array {
  const objects: Buffer[][] = [];
  const add = (...body: (string | Uint8Array)[]) => {
    objects.push(body.map((b) => (typeof b === "string" ? Buffer.from(b, "latin1") : Buffer.from(b))));
    return objects.length;
  };
  const stream = (dict: string, data: Uint8Array) =>
    add(`<< ${dict} /Length ${data.byteLength} >>\nstream\n`, data, "\nendstream");

  const font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  let content = "BT /F1 11 Tf 14 TL 50 800 Td\n";
  for (const l of o.lines) content += `${pdfString(l)} Tj T*\n`;
  content += "ET\n";
  let xobjects = "";
  if (o.jpeg) {
    const im = stream(
      `/Type /XObject /Subtype /Image /Width ${o.jpeg.width} /Height ${o.jpeg.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode`,
      o.jpeg.bytes,
    );
    const h = (o.jpeg.widthPt * o.jpeg.height) / o.jpeg.width;
    content += `q ${o.jpeg.widthPt} 0 0 ${h.toFixed(2)} 0 0 cm /Im1 Do Q\n`;
    xobjects = ` /XObject << /Im1 ${im} 0 R >>`;
  }
  const contents = stream("", Buffer.from(content, "latin1"));
  const specs: number[] = [];
  for (const a of o.attachments ?? []) {
    const file = stream(
      `/Type /EmbeddedFile /Subtype /${a.mime.replace("/", "#2F")} /Params << /Size ${a.bytes.byteLength} >>`,
      a.bytes,
    );
    specs.push(
      add(
        `<< /Type /Filespec /F ${pdfString(a.name)} /UF ${pdfString(a.name)} /AFRelationship /Data /EF << /F ${file} 0 R /UF ${file} 0 R >> >>`,
      ),
    );
  }
  const pagesNo = objects.length + 1;
  const pageNo = pagesNo + 1;
  add(`<< /Type /Pages /Kids [${pageNo} 0 R] /Count 1 >>`);
  add(
    `<< /Type /Page /Parent ${pagesNo} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >>${xobjects} >> /Contents ${contents} 0 R >>`,
  );
  const names =
    specs.length > 0
      ? ` /Names << /EmbeddedFiles << /Names [${(o.attachments ?? []).map((a, i) => `${pdfString(a.name)} ${specs[i]} 0 R`).join(" ")}] >> >> /AF [${specs.map((s) => `${s} 0 R`).join(" ")}]`
      : "";
  const catalog = add(`<< /Type /Catalog /Pages ${pagesNo} 0 R${names} >>`);

  const parts: Buffer[] = [Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let length = parts[0]?.byteLength ?? 0;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(length);
    for (const b of [
      Buffer.from(`${i + 1} 0 obj\n`, "latin1"),
      ...body,
      Buffer.from("\nendobj\n", "latin1"),
    ]) {
      parts.push(b);
      length += b.byteLength;
    }
  });
  let table = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) table += `${String(off).padStart(10, "0")} 00000 n \n`;
  parts.push(
    Buffer.from(
      `${table}trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${length}\n%%EOF\n`,
      "latin1",
    ),
  );
  return new Uint8Array(Buffer.concat(parts));
}

export interface Raster {
  png: Uint8Array;
  jpeg: Uint8Array;
  width: number;
  height: number;
}

async function rasterise(svg: string, scale: number): Promise<Raster> {
  const img = await loadImage(Buffer.from(svg));
  const width = Math.round(img.width * scale);
  const height = Math.round(img.height * scale);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(img, 0, 0, width, height);
  return {
    png: new Uint8Array(await canvas.encode("png")),
    jpeg: new Uint8Array(await canvas.encode("jpeg", 95)),
    width,
    height,
  };
}

/** A Swiss QR-bill payment part (receipt + payment part with the QR code), rendered by swissqrbill. */
export function swissQrBill(data: Data, scale = 3): Promise<Raster> {
  return rasterise(new SwissQRBill(data).toString(), scale);
}

/** A QR-bill creditor on a QR-IBAN (the SIX specimen's account), for the tests' bills. */
export const SAMPLE_CREDITOR = {
  account: "CH44 3199 9123 0008 8901 2",
  name: "Beispiel Handwerk GmbH",
  address: "Musterstrasse",
  buildingNumber: 7,
  zip: 8000,
  city: "Zürich",
  country: "CH",
};

let writerReady: Promise<unknown> | undefined;

/** A QR code of `text` at error-correction level M (what EPC069-12 prescribes), on a white margin. */
export async function qrCode(text: string, scale = 4): Promise<Raster> {
  const wasm = readFileSync(require.resolve("zxing-wasm/writer/zxing_writer.wasm"));
  writerReady ??= prepareZXingModule({
    overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) },
    fireImmediately: true,
  });
  await writerReady;
  const written = await writeBarcode(text, { format: "QRCode", options: "ecLevel=M" });
  if (written.error) throw new Error(`QR writer: ${written.error}`);
  return rasterise(written.svg, scale);
}
