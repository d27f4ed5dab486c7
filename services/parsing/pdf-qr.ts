import { paymentCodesIn, type RgbaPixels } from "./qr.ts";
import type { PaymentCode } from "./structured.ts";

/**
 * Payment QR codes on PDF pages. Decoding needs a rendered page, which costs a render (~0.1–0.5 s),
 * so codes are looked for only where that is cheap or likely:
 * - pages rendered anyway for OCR (scans): their pixels are scanned too;
 * - text pages that print a payment-part heading: the four headings the Swiss QR-bill guidelines
 *   prescribe (Zahlteil, Payment part, Section paiement, Sezione pagamento) or the GiroCode / EPC-QR
 *   label printed beside SEPA codes. At most MAX_QR_RENDERED_PAGES such pages per document.
 */
export const PAYMENT_PART_HEADING =
  /\b(?:zahlteil|payment part|section paiement|sezione pagamento|girocode|epc[- ]?qr)\b/i;
export const MAX_QR_RENDERED_PAGES = 2;
/** Enough for a 46 mm QR-bill code (its modules come out at about 5 px). */
const QR_RENDER_DPI = 200;

interface ContextLike {
  getImageData(
    x: number,
    y: number,
    w: number,
    h: number,
  ): { data: Uint8ClampedArray; width: number; height: number };
}
interface CanvasFactoryLike {
  create(w: number, h: number): { canvas: unknown; context: unknown };
  destroy(c: unknown): void;
}
interface PageLike {
  getViewport(o: { scale: number }): { width: number; height: number };
  render(o: unknown): { promise: Promise<void> };
}

/** The pixels of a rendered canvas context, or undefined when the canvas cannot give them. */
export function pixelsOf(context: unknown, width: number, height: number): RgbaPixels | undefined {
  try {
    const img = (context as ContextLike).getImageData(0, 0, width, height);
    return { data: img.data, width: img.width, height: img.height };
  } catch {
    return undefined;
  }
}

/** Payment codes in an already rendered page (the OCR render). */
export async function paymentCodesOnCanvas(
  context: unknown,
  width: number,
  height: number,
  pageNumber: number,
): Promise<PaymentCode[]> {
  const pixels = pixelsOf(context, width, height);
  return pixels ? paymentCodesIn(pixels, pageNumber) : [];
}

/** Renders one text page at QR_RENDER_DPI and reads its payment codes; [] without a canvas. */
export async function renderAndReadPaymentCodes(
  doc: { canvasFactory?: unknown },
  page: PageLike,
  pageNumber: number,
): Promise<PaymentCode[]> {
  const factory = doc.canvasFactory as CanvasFactoryLike | undefined;
  if (!factory) return [];
  const viewport = page.getViewport({ scale: QR_RENDER_DPI / 72 });
  const width = Math.ceil(viewport.width);
  const height = Math.ceil(viewport.height);
  let target: { canvas: unknown; context: unknown };
  try {
    target = factory.create(width, height);
  } catch {
    return [];
  }
  try {
    await page.render({ canvasContext: target.context, viewport, canvas: target.canvas }).promise;
    return await paymentCodesOnCanvas(target.context, width, height, pageNumber);
  } catch {
    return [];
  } finally {
    factory.destroy(target);
  }
}
