import { inflateRawSync } from "node:zlib";
import { ParseError } from "./errors.ts";

/** One entry of a ZIP central directory. Sizes are as declared by the archive (not trusted). */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads the central directory of a ZIP archive without inflating anything.
 * Throws ParseError("malformed") when the structure is not a readable ZIP.
 */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] {
  const dv = view(bytes);
  const len = bytes.byteLength;
  if (len < 22) throw new ParseError("malformed", "zip: too short for an end-of-central-directory record");
  let eocd = -1;
  for (let i = len - 22; i >= Math.max(0, len - 22 - 0xffff); i--) {
    if (dv.getUint32(i, true) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ParseError("malformed", "zip: no end-of-central-directory record (truncated?)");
  let count = dv.getUint16(eocd + 10, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if ((count === 0xffff || cdOffset === 0xffffffff) && eocd >= 20) {
    const loc = eocd - 20;
    if (dv.getUint32(loc, true) === ZIP64_LOCATOR_SIG) {
      const z64 = Number(dv.getBigUint64(loc + 8, true));
      if (z64 + 56 > len || dv.getUint32(z64, true) !== ZIP64_EOCD_SIG) {
        throw new ParseError("malformed", "zip: bad zip64 end-of-central-directory record");
      }
      count = Number(dv.getBigUint64(z64 + 32, true));
      cdOffset = Number(dv.getBigUint64(z64 + 48, true));
    }
  }
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > len || dv.getUint32(p, true) !== CDH_SIG) {
      throw new ParseError("malformed", "zip: central directory is corrupt");
    }
    const method = dv.getUint16(p + 10, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let uncompressedSize = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let localHeaderOffset = dv.getUint32(p + 42, true);
    if (p + 46 + nameLen + extraLen > len)
      throw new ParseError("malformed", "zip: central directory is corrupt");
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extended information extra field (0x0001): the 64-bit values, in this order, when the 32-bit ones are saturated.
    let e = p + 46 + nameLen;
    const eEnd = e + extraLen;
    while (e + 4 <= eEnd) {
      const id = dv.getUint16(e, true);
      const size = dv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === 0xffffffff && q + 8 <= e + 4 + size) {
          uncompressedSize = Number(dv.getBigUint64(q, true));
          q += 8;
        }
        if (compressedSize === 0xffffffff && q + 8 <= e + 4 + size) {
          compressedSize = Number(dv.getBigUint64(q, true));
          q += 8;
        }
        if (localHeaderOffset === 0xffffffff && q + 8 <= e + 4 + size) {
          localHeaderOffset = Number(dv.getBigUint64(q, true));
        }
      }
      e += 4 + size;
    }
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset });
    p = eEnd + commentLen;
  }
  return entries;
}

/**
 * Guards against decompression bombs before any library inflates the archive:
 * 1. the declared uncompressed total must be within the limit;
 * 2. every entry is actually inflated with a hard output cap, so an archive that lies
 *    about its sizes is caught too (zlib stops at the cap instead of allocating more).
 */
export function assertZipWithinLimit(bytes: Uint8Array, maxUncompressedBytes: number): ZipEntry[] {
  const entries = readZipDirectory(bytes);
  let declared = 0;
  for (const en of entries) declared += en.uncompressedSize;
  if (declared > maxUncompressedBytes) {
    throw new ParseError(
      "decompression_bomb",
      `zip: declared uncompressed size ${declared} bytes exceeds the limit of ${maxUncompressedBytes}`,
    );
  }
  const dv = view(bytes);
  let actual = 0;
  for (const en of entries) {
    const h = en.localHeaderOffset;
    if (h + 30 > bytes.byteLength || dv.getUint32(h, true) !== LFH_SIG) {
      throw new ParseError("malformed", `zip: bad local header for ${en.name}`);
    }
    const start = h + 30 + dv.getUint16(h + 26, true) + dv.getUint16(h + 28, true);
    const end = start + en.compressedSize;
    if (end > bytes.byteLength) throw new ParseError("malformed", `zip: entry ${en.name} is truncated`);
    const data = bytes.subarray(start, end);
    if (en.method === 0) {
      actual += data.byteLength;
    } else if (en.method === 8) {
      const remaining = maxUncompressedBytes - actual;
      try {
        actual += inflateRawSync(data, { maxOutputLength: Math.max(1, remaining + 1) }).byteLength;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
          throw new ParseError(
            "decompression_bomb",
            `zip: entry ${en.name} inflates beyond the limit of ${maxUncompressedBytes} bytes`,
          );
        }
        throw new ParseError(
          "malformed",
          `zip: entry ${en.name} does not inflate: ${(err as Error).message}`,
        );
      }
    } else {
      throw new ParseError("unsupported", `zip: compression method ${en.method} in ${en.name}`);
    }
    if (actual > maxUncompressedBytes) {
      throw new ParseError(
        "decompression_bomb",
        `zip: inflated size exceeds the limit of ${maxUncompressedBytes} bytes`,
      );
    }
  }
  return entries;
}
