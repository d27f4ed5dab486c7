import { ParseError } from "./errors.ts";
import { cleanText, type FormatResult } from "./format.ts";
import { ocrLineLayout } from "./layout.ts";
import { ocrImage } from "./ocr.ts";
import { MAX_QR_SCAN_PIXELS, paymentCodesIn } from "./qr.ts";
import { MEDIA_TYPES } from "./sniff.ts";
import type { LayoutLine } from "./types.ts";

/** Images above this many pixels are refused before decoding (a pixel-flood "bomb"). */
export const MAX_IMAGE_PIXELS = 60_000_000;

/** Width and height from the PNG IHDR, the JPEG SOF marker or the first TIFF IFD, without decoding. */
export function imageDimensions(
  b: Uint8Array,
  mediaType: string,
): { width: number; height: number } | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (mediaType === MEDIA_TYPES.png) {
    if (b.byteLength < 24) return undefined;
    return { width: dv.getUint32(16), height: dv.getUint32(20) };
  }
  if (mediaType === MEDIA_TYPES.jpeg) {
    let p = 2;
    while (p + 9 < b.byteLength) {
      if (b[p] !== 0xff) return undefined;
      const marker = b[p + 1] as number;
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        p += 2;
        continue;
      }
      const len = dv.getUint16(p + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC)
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: dv.getUint16(p + 5), width: dv.getUint16(p + 7) };
      }
      p += 2 + len;
    }
  }
  if (mediaType === MEDIA_TYPES.tiff) return tiffDimensions(dv);
  return undefined;
}

/** ImageWidth (256) and ImageLength (257) from the first IFD; SHORT or LONG values. */
function tiffDimensions(dv: DataView): { width: number; height: number } | undefined {
  if (dv.byteLength < 8) return undefined;
  const little = dv.getUint16(0) === 0x4949;
  const ifd = dv.getUint32(4, little);
  if (ifd + 2 > dv.byteLength) return undefined;
  const count = dv.getUint16(ifd, little);
  let width: number | undefined;
  let height: number | undefined;
  for (let k = 0; k < count; k++) {
    const at = ifd + 2 + 12 * k;
    if (at + 12 > dv.byteLength) break;
    const tag = dv.getUint16(at, little);
    if (tag !== 256 && tag !== 257) continue;
    const type = dv.getUint16(at + 2, little);
    const value =
      type === 3 ? dv.getUint16(at + 8, little) : type === 4 ? dv.getUint32(at + 8, little) : undefined;
    if (tag === 256) width = value;
    else height = value;
  }
  return width !== undefined && height !== undefined ? { width, height } : undefined;
}

/** PNG, JPEG and TIFF through OCR (one page; multi-page TIFFs give their first page). */
export async function parseImage(bytes: Uint8Array, mediaType: string): Promise<FormatResult> {
  const dims = imageDimensions(bytes, mediaType);
  // Without readable dimensions the decoder's allocation could not be bounded, so refuse.
  if (!dims) throw new ParseError("malformed", "image: unreadable header (no dimensions)");
  if (dims.width === 0 || dims.height === 0) throw new ParseError("malformed", "image: zero size");
  if (dims.width * dims.height > MAX_IMAGE_PIXELS) {
    throw new ParseError(
      "decompression_bomb",
      `image: ${dims.width}x${dims.height} exceeds ${MAX_IMAGE_PIXELS} pixels`,
    );
  }
  let text: string;
  let lines: LayoutLine[];
  try {
    const result = await ocrImage(bytes);
    text = result.text;
    lines = ocrLineLayout(result.lines, dims.width, dims.height);
  } catch (err) {
    throw new ParseError("malformed", `image: OCR failed: ${(err as Error)?.message ?? String(err)}`);
  }
  // Payment QR codes (QR-bill, GiroCode) from the same bytes; TIFF is not decodable by the QR reader.
  const scan = dims && mediaType !== MEDIA_TYPES.tiff && dims.width * dims.height <= MAX_QR_SCAN_PIXELS;
  const paymentCodes = scan ? await paymentCodesIn(bytes, 1) : [];
  return {
    pages: [cleanText(text)],
    ocr: true,
    layout: [lines],
    ...(paymentCodes.length > 0 ? { structured: { paymentCodes } } : {}),
  };
}
