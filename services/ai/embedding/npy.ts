// Reads NumPy .npy files (format 1.0/2.0, little-endian, C order): the weights of the built-in
// embedding model are shipped that way. Only the dtypes the model uses are accepted.
import { readFileSync } from "node:fs";

export interface NpyArray {
  shape: number[];
  data: Float32Array | Float64Array | Uint8Array | Int8Array;
}

const DTYPES = {
  "<f4": (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  "<f8": (b: Buffer) => new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  "|u1": (b: Buffer) => new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  "|i1": (b: Buffer) => new Int8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
} as const;

export function readNpy(path: string): NpyArray {
  const file = readFileSync(path);
  if (file.toString("latin1", 0, 6) !== "\x93NUMPY") throw new Error(`${path}: not a .npy file`);
  const major = file[6] as number;
  const headerLength = major === 1 ? file.readUInt16LE(8) : file.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = file.toString("latin1", start, start + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] as keyof typeof DTYPES | undefined;
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !(descr in DTYPES) || shapeText === undefined || /'fortran_order':\s*True/.test(header)) {
    throw new Error(`${path}: unsupported .npy header ${header.trim()}`);
  }
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  return { shape, data: DTYPES[descr](file.subarray(start + headerLength)) };
}
