// One partition of the embedded bus: an append-only file of length-prefixed, checksummed records.
//
//   record := u32 BE bodyLength · u32 BE crc32(body) · body
//   body   := f64 BE timestamp · u32 keyLength · key (UTF-8) · u32 headersLength · headers (JSON, UTF-8)
//             · u32 valueLength · value
//
// The offset of a record is its index in the file. On open the file is scanned; a torn or corrupt tail
// (a crash mid-write) is detected by length or checksum and truncated, so the log always ends on a
// whole record. Appends are group-committed: concurrent appends share one write + fdatasync, and each
// append resolves only after its bytes are on disk.
import { open, stat } from "node:fs/promises";
import { crc32 } from "node:zlib";

const HEADER = 8;

export interface StoredRecord {
  offset: number;
  timestamp: number;
  key: string;
  headers: Record<string, string>;
  value: Uint8Array;
}

export interface AppendInput {
  key: string;
  value: Uint8Array;
  headers: Record<string, string>;
  timestamp: number;
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

export function encodeRecord(input: AppendInput): Buffer {
  const key = utf8.encode(input.key);
  const headers = utf8.encode(JSON.stringify(input.headers));
  const bodyLength = 8 + 4 + key.length + 4 + headers.length + 4 + input.value.length;
  const buf = Buffer.allocUnsafe(HEADER + bodyLength);
  let at = HEADER;
  buf.writeDoubleBE(input.timestamp, at);
  at += 8;
  buf.writeUInt32BE(key.length, at);
  at += 4;
  buf.set(key, at);
  at += key.length;
  buf.writeUInt32BE(headers.length, at);
  at += 4;
  buf.set(headers, at);
  at += headers.length;
  buf.writeUInt32BE(input.value.length, at);
  at += 4;
  buf.set(input.value, at);
  buf.writeUInt32BE(bodyLength, 0);
  buf.writeUInt32BE(crc32(buf.subarray(HEADER)), 4);
  return buf;
}

function decodeBody(body: Buffer, offset: number): StoredRecord {
  let at = 0;
  const timestamp = body.readDoubleBE(at);
  at += 8;
  const keyLength = body.readUInt32BE(at);
  at += 4;
  const key = utf8d.decode(body.subarray(at, at + keyLength));
  at += keyLength;
  const headersLength = body.readUInt32BE(at);
  at += 4;
  const headers = JSON.parse(utf8d.decode(body.subarray(at, at + headersLength))) as Record<string, string>;
  at += headersLength;
  const valueLength = body.readUInt32BE(at);
  at += 4;
  const value = new Uint8Array(body.subarray(at, at + valueLength));
  return { offset, timestamp, key, headers, value };
}

/** Scan a log image: the byte position of every whole, valid record, and where the valid prefix ends. */
export function scanLog(data: Buffer): { positions: number[]; validLength: number } {
  const positions: number[] = [];
  let at = 0;
  while (at + HEADER <= data.length) {
    const bodyLength = data.readUInt32BE(at);
    const end = at + HEADER + bodyLength;
    if (bodyLength < 20 || end > data.length) break;
    if (crc32(data.subarray(at + HEADER, end)) !== data.readUInt32BE(at + 4)) break;
    positions.push(at);
    at = end;
  }
  return { positions, validLength: at };
}

type FileHandle = Awaited<ReturnType<typeof open>>;

export class PartitionLog {
  /** Byte position of each record; positions[i] is where offset i starts. */
  private readonly positions: number[];
  private size: number;
  private pending: { buf: Buffer; resolve: (offset: number) => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private waiters = new Set<() => void>();
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    positions: number[],
    size: number,
    /** Bytes cut off the tail on open (a torn last write). */
    readonly truncatedBytes: number,
  ) {
    this.positions = positions;
    this.size = size;
  }

  static async open(path: string): Promise<PartitionLog> {
    const fh = await open(path, "a+");
    try {
      const { size } = await stat(path);
      const data = size > 0 ? await fh.readFile() : Buffer.alloc(0);
      const { positions, validLength } = scanLog(data);
      const truncated = data.length - validLength;
      if (truncated > 0) {
        await fh.truncate(validLength);
        await fh.sync();
      }
      return new PartitionLog(path, fh, positions, validLength, truncated);
    } catch (error) {
      await fh.close();
      throw error;
    }
  }

  /** The offset the next appended record gets (= number of records). */
  get endOffset(): number {
    return this.positions.length;
  }

  /** Append records; resolves with their offsets once they are fsynced. */
  append(inputs: AppendInput[]): Promise<number[]> {
    return Promise.all(inputs.map((input) => this.appendOne(encodeRecord(input))));
  }

  private appendOne(buf: Buffer): Promise<number> {
    if (this.closed) return Promise.reject(new Error(`partition log ${this.path} is closed`));
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ buf, resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        const data = Buffer.concat(batch.map((p) => p.buf));
        try {
          await this.fh.write(data, 0, data.length, null);
          await this.fh.datasync();
        } catch (error) {
          // Put the file back to the last whole record so a retry cannot leave a hole.
          await this.fh.truncate(this.size).catch(() => {});
          for (const p of batch) p.reject(error);
          continue;
        }
        let at = this.size;
        for (const p of batch) {
          this.positions.push(at);
          p.resolve(this.positions.length - 1);
          at += p.buf.length;
        }
        this.size = at;
        for (const wake of this.waiters) wake();
        this.waiters.clear();
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Read up to `max` records from `from` (or fewer, bounded by `maxBytes`). */
  async read(from: number, max: number, maxBytes = 4 * 1024 * 1024): Promise<StoredRecord[]> {
    const end = this.positions.length;
    if (from >= end) return [];
    const endPos = (i: number) => (i < end ? (this.positions[i] ?? this.size) : this.size);
    const start = endPos(from);
    let last = Math.min(end, from + max);
    while (last > from + 1 && endPos(last) - start > maxBytes) last = from + Math.ceil((last - from) / 2);
    const length = endPos(last) - start;
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.fh.read(buf, 0, length, start);
    if (bytesRead !== length) throw new Error(`short read in ${this.path}`);
    const records: StoredRecord[] = [];
    for (let i = from; i < last; i++) {
      const at = endPos(i) - start;
      const bodyLength = buf.readUInt32BE(at);
      records.push(decodeBody(buf.subarray(at + HEADER, at + HEADER + bodyLength), i));
    }
    return records;
  }

  /** Resolves when a record at `offset` exists, or when the signal aborts. */
  waitFor(offset: number, signal: AbortSignal): Promise<void> {
    if (offset < this.positions.length || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        signal.removeEventListener("abort", wake);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener("abort", wake, { once: true });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing) await this.flushing;
    this.closed = true;
    for (const wake of this.waiters) wake();
    await this.fh.close();
  }
}
