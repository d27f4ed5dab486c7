import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parsePaymentPayload } from "./payment-qr.ts";
import type { PaymentCode } from "./structured.ts";

/**
 * QR codes through zxing-wasm (ZXing-C++ compiled to WebAssembly). Its reader binary is loaded
 * from the installed package (`wasmBinary`), never fetched: the package's default would fetch it
 * from a CDN. The module is instantiated per scan (about 10 ms) and dropped after it, because
 * WebAssembly memory never shrinks: a 4 Mpx image leaves a 44 MB heap behind, outside the V8 heap
 * budget of the parse thread.
 */
const require = createRequire(import.meta.url);

let wasmBinary: Buffer | undefined;

async function withReader<T>(use: (zxing: typeof import("zxing-wasm/reader")) => Promise<T>): Promise<T> {
  const zxing = await import("zxing-wasm/reader");
  wasmBinary ??= readFileSync(require.resolve("zxing-wasm/reader/zxing_reader.wasm"));
  const wasm = wasmBinary;
  await zxing.prepareZXingModule({
    overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) },
    fireImmediately: true,
  });
  try {
    return await use(zxing);
  } finally {
    zxing.purgeZXingModule();
  }
}

/** Images above this many pixels are not scanned: the decoded pixels live outside the V8 heap budget. */
export const MAX_QR_SCAN_PIXELS = 25_000_000;

export interface RgbaPixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** The texts of the QR codes in an image: encoded file bytes (PNG, JPEG…) or RGBA pixels. */
export async function readQrTexts(image: Uint8Array | RgbaPixels): Promise<string[]> {
  const input =
    image instanceof Uint8Array
      ? image
      : { data: image.data, width: image.width, height: image.height, colorSpace: "srgb" as const };
  const results = await withReader((zxing) =>
    zxing.readBarcodes(input, { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 4 }),
  );
  return results.filter((r) => r.isValid && r.text.length > 0).map((r) => r.text);
}

/**
 * The payment codes (Swiss QR-bill, EPC GiroCode) on one page image. Never throws: a code that
 * cannot be read, or a QR code that is no payment code, just gives nothing.
 */
export async function paymentCodesIn(image: Uint8Array | RgbaPixels, page: number): Promise<PaymentCode[]> {
  let texts: string[];
  try {
    texts = await readQrTexts(image);
  } catch {
    return [];
  }
  const out: PaymentCode[] = [];
  for (const t of texts) {
    const parsed = parsePaymentPayload(t);
    if (parsed.ok) out.push({ ...parsed.code, page });
  }
  return out;
}
