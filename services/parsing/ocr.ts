import { createRequire } from "node:module";
import path from "node:path";
import { createWorker, type Worker as TesseractWorker } from "tesseract.js";

/**
 * OCR with tesseract.js and the English LSTM model shipped in the `@tesseract.js-data/eng` npm
 * package: nothing is downloaded at run time (`langPath` is a local directory, cache disabled).
 * One tesseract worker is created lazily and reused for every image in this thread.
 */
const require = createRequire(import.meta.url);

export function tesseractLangPath(): string {
  const pkg = require.resolve("@tesseract.js-data/eng/package.json");
  return path.join(path.dirname(pkg), "4.0.0_best_int");
}

let workerPromise: Promise<TesseractWorker> | undefined;

function getWorker(): Promise<TesseractWorker> {
  workerPromise ??= createWorker("eng", 1, {
    langPath: tesseractLangPath(),
    gzip: true,
    cacheMethod: "none",
  }).catch((err: unknown) => {
    workerPromise = undefined;
    throw err;
  });
  return workerPromise;
}

/** A box in pixels of the recognised image. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** One recognised line, its box in pixels of the image and its words' boxes. */
export interface OcrLine {
  text: string;
  bbox: PixelBox;
  /** Used to split the line into spans (layout.ts), then dropped. */
  words?: { text: string; bbox: PixelBox }[];
}

export interface OcrResult {
  text: string;
  /** Tesseract's mean word confidence, 0–100. */
  confidence: number;
  /** The lines with their boxes and word boxes (glyphs are dropped here). */
  lines: OcrLine[];
}

/** When each OCR call of the current parse ran (epoch ms): the main thread makes spans of them. */
const runs: { startMs: number; endMs: number }[] = [];

/** The OCR runs since the last call, for the parse that just finished in this thread. */
export function takeOcrRuns(): { startMs: number; endMs: number }[] {
  return runs.splice(0);
}

/** Recognises one image (PNG, JPEG, TIFF, BMP bytes). */
export async function ocrImage(image: Uint8Array): Promise<OcrResult> {
  const startMs = Date.now();
  try {
    return await recognize(image);
  } finally {
    runs.push({ startMs, endMs: Date.now() });
  }
}

async function recognize(image: Uint8Array): Promise<OcrResult> {
  const worker = await getWorker();
  const { data } = await worker.recognize(
    Buffer.from(image.buffer, image.byteOffset, image.byteLength),
    {},
    { text: true, blocks: true },
  );
  const lines = (data.blocks ?? []).flatMap((b) =>
    b.paragraphs.flatMap((p) =>
      p.lines.map((l) => ({
        text: l.text,
        bbox: l.bbox,
        words: l.words.map((w) => ({ text: w.text, bbox: w.bbox })),
      })),
    ),
  );
  return { text: data.text, confidence: data.confidence, lines };
}

export async function terminateOcr(): Promise<void> {
  const w = workerPromise;
  workerPromise = undefined;
  if (w) await (await w).terminate();
}
