import { foldText } from "./text.ts";

/**
 * A deterministic lexical embedding (no model weights): feature hashing of
 *   - word unigrams (weight 1.0), word bigrams (0.7), and character 3-grams of each word
 *     with boundary marks (0.35, sharing signal between inflections and OCR-damaged words),
 * into `dims` buckets with a signed hash (so collisions cancel rather than add up), sublinear
 * term frequency (1 + ln tf), a small stop-word list, and L2 normalisation.
 *
 * What it is: a fast, stable bag-of-n-grams vector whose cosine similarity tracks lexical overlap,
 * robust to inflection, case, accents and OCR noise. What it is not: a semantic model. It does
 * not know that "car" and "automobile" are related, nor translate across languages.
 */

export const DEFAULT_EMBEDDING_DIMENSIONS = 384;

const STOP = new Set(
  (
    "the of and to in is that for it with as was on be by this are at from or an which not but they his her " +
    "der die das und ist nicht ein eine dem den des mit sich auf für von zu im " +
    "le la les des et est une un du dans que qui pour pas sur au aux par " +
    "el los las y en por con para del se de"
  ).split(" "),
);

const KIND_WEIGHT: Record<string, number> = { w: 1, b: 0.7, c: 0.35 };

/** FNV-1a 32-bit. */
function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function tokens(text: string): string[] {
  return foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function embedText(text: string, dims = DEFAULT_EMBEDDING_DIMENSIONS): Float32Array {
  const tf = new Map<string, number>();
  const add = (feature: string) => tf.set(feature, (tf.get(feature) ?? 0) + 1);
  const toks = tokens(text.length > 200_000 ? text.slice(0, 200_000) : text);
  let prev: string | undefined;
  for (const t of toks) {
    const stop = STOP.has(t);
    if (!stop) {
      add(`w:${t}`);
      if (t.length >= 3 && !/^\d+$/.test(t)) {
        const padded = `<${t}>`;
        for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`);
      }
    }
    if (prev !== undefined && !(stop && STOP.has(prev))) add(`b:${prev} ${t}`);
    prev = t;
  }
  const v = new Float32Array(dims);
  for (const [feature, count] of tf) {
    const h = fnv1a(feature);
    const sign = fnv1a(feature, 0x9747b28c) & 1 ? 1 : -1;
    const kind = KIND_WEIGHT[feature[0] as string] ?? 1;
    v[h % dims] = (v[h % dims] as number) + sign * kind * (1 + Math.log(count));
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += (v[i] as number) ** 2;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dims; i++) v[i] = (v[i] as number) / norm;
  return v;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
