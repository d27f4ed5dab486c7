// The original as uploaded (GetDocumentContent), drawn under the field boxes: PDF pages rendered
// by pdf.js onto canvases, images shown as they are from a blob URL. Formats without pages
// (DOCX, HTML, text, e-mail) and images browsers cannot show (TIFF) keep the page outline.

import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import { metadata } from "./clients.ts";

export type Original =
  | {
      kind: "pdf";
      pageCount: number;
      /** Draws one page (1-based) onto the canvas at the given CSS width. */
      render(page: number, canvas: HTMLCanvasElement, cssWidth: number): Promise<void>;
      close(): void;
    }
  | { kind: "image"; url: string; close(): void };

const IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"]);

/** Whether the console can draw this media type's pages itself. */
export const drawable = (mediaType: string) => mediaType === "application/pdf" || IMAGES.has(mediaType);

export async function loadOriginal(name: string): Promise<Original> {
  const { contentType, data } = await metadata.getDocumentContent({ name });
  if (contentType === "application/pdf") {
    // Loaded on demand: pdf.js is most of the bundle, and most pages never need it.
    const pdfjs = await import("pdfjs-dist");
    pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
    const pdf = await pdfjs.getDocument({ data }).promise;
    return {
      kind: "pdf",
      pageCount: pdf.numPages,
      async render(page, canvas, cssWidth) {
        const pdfPage = await pdf.getPage(page);
        const unscaled = pdfPage.getViewport({ scale: 1 });
        // Sharp on high-density screens: the backing store follows devicePixelRatio.
        const viewport = pdfPage.getViewport({
          scale: (cssWidth / unscaled.width) * (window.devicePixelRatio || 1),
        });
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        await pdfPage.render({ canvas, viewport }).promise;
      },
      close: () => void pdf.destroy(),
    };
  }
  const url = URL.createObjectURL(new Blob([data as Uint8Array<ArrayBuffer>], { type: contentType }));
  return { kind: "image", url, close: () => URL.revokeObjectURL(url) };
}
