import { ParseError } from "./errors.ts";
import { cleanText, type FormatResult } from "./format.ts";
import { ocrImage } from "./ocr.ts";
import { MAX_QR_SCAN_PIXELS, paymentCodesIn } from "./qr.ts";
import { MEDIA_TYPES } from "./sniff.ts";

/** Images above this many pixels are refused before decoding (a pixel-flood "bomb"). */
export const MAX_IMAGE_PIXELS = 60_000_000;

/** Width and height from the PNG IHDR or the JPEG SOF marker, without decoding. */
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
  return undefined;
}

/** PNG, JPEG and TIFF through OCR (one page; multi-page TIFFs give their first page). */
export async function parseImage(bytes: Uint8Array, mediaType: string): Promise<FormatResult> {
  const dims = imageDimensions(bytes, mediaType);
  if (mediaType !== MEDIA_TYPES.tiff && !dims) throw new ParseError("malformed", "image: unreadable header");
  if (dims && (dims.width === 0 || dims.height === 0)) throw new ParseError("malformed", "image: zero size");
  if (dims && dims.width * dims.height > MAX_IMAGE_PIXELS) {
    throw new ParseError(
      "decompression_bomb",
      `image: ${dims.width}x${dims.height} exceeds ${MAX_IMAGE_PIXELS} pixels`,
    );
  }
  let text: string;
  try {
    text = (await ocrImage(bytes)).text;
  } catch (err) {
    throw new ParseError("malformed", `image: OCR failed: ${(err as Error)?.message ?? String(err)}`);
  }
  // Payment QR codes (QR-bill, GiroCode) from the same bytes; TIFF is not decodable by the QR reader.
  const scan = dims && mediaType !== MEDIA_TYPES.tiff && dims.width * dims.height <= MAX_QR_SCAN_PIXELS;
  const paymentCodes = scan ? await paymentCodesIn(bytes, 1) : [];
  return {
    pages: [cleanText(text)],
    ocr: true,
    ...(paymentCodes.length > 0 ? { structured: { paymentCodes } } : {}),
  };
}
