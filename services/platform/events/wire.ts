// The Confluent Schema Registry wire format for Protobuf values:
//
//   byte 0       magic byte 0
//   bytes 1..4   schema id, big-endian int32
//   then         message-index array: zigzag varint count, then each index as a zigzag varint;
//                the common case [0] (first message in the file) is written as the single byte 0
//   then         the protobuf binary of the message
import { DocmeshError } from "../errors.ts";

export const MAGIC_BYTE = 0;

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}
function unzigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** Encode a message-index array ([0] → [0x00]). */
export function encodeMessageIndexes(indexes: readonly number[]): Uint8Array {
  if (indexes.length === 1 && indexes[0] === 0) return Uint8Array.of(0);
  const out: number[] = [];
  writeVarint(out, zigzag(indexes.length));
  for (const i of indexes) writeVarint(out, zigzag(i));
  return Uint8Array.from(out);
}

export function frame(schemaId: number, messageIndexes: readonly number[], payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0x7fffffff) {
    throw new RangeError(`schema id ${schemaId} is not a non-negative int32`);
  }
  const indexes = encodeMessageIndexes(messageIndexes);
  const out = new Uint8Array(5 + indexes.length + payload.length);
  out[0] = MAGIC_BYTE;
  new DataView(out.buffer).setInt32(1, schemaId, false);
  out.set(indexes, 5);
  out.set(payload, 5 + indexes.length);
  return out;
}

export interface Unframed {
  schemaId: number;
  messageIndexes: number[];
  payload: Uint8Array;
}

const undecodable = (why: string) => new DocmeshError("invalid", `undecodable record value: ${why}`, false);

/** Split a Confluent-framed value. Malformed framing is a non-retriable DocmeshError (dead-lettered). */
export function unframe(bytes: Uint8Array): Unframed {
  if (bytes.length < 6) throw undecodable(`${bytes.length} bytes is too short for the Confluent framing`);
  if (bytes[0] !== MAGIC_BYTE) throw undecodable(`magic byte ${bytes[0]} (expected 0)`);
  const schemaId = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(1, false);
  let at = 5;
  const readVarint = (): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (at >= bytes.length) throw undecodable("truncated message-index varint");
      const b = bytes[at++] ?? 0;
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw undecodable("message-index varint too long");
  };
  const count = unzigzag(readVarint());
  if (count < 0 || count > 100) throw undecodable(`message-index count ${count}`);
  const messageIndexes = count === 0 ? [0] : Array.from({ length: count }, () => unzigzag(readVarint()));
  return { schemaId, messageIndexes, payload: bytes.subarray(at) };
}
