// Kafka's default partitioner, bit-for-bit: Java's Utils.murmur2 (seed 0x9747b28c) over the key's
// UTF-8 bytes, then toPositive(hash) % partitions. kafkajs's DefaultPartitioner does the same, so the
// embedded bus, kafkajs and every Java/Python/Go Confluent client agree on a key's partition.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Java `Utils.murmur2`: a signed 32-bit hash. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k =
      (data[i4] ?? 0) |
      ((data[i4 + 1] ?? 0) << 8) |
      ((data[i4 + 2] ?? 0) << 16) |
      ((data[i4 + 3] ?? 0) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  switch (length % 4) {
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: the Java original falls through
    case 3:
      h ^= (data[tail + 2] ?? 0) << 16;
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: the Java original falls through
    case 2:
      h ^= (data[tail + 1] ?? 0) << 8;
    case 1:
      h ^= data[tail] ?? 0;
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java `Utils.toPositive`. */
export const toPositive = (n: number): number => n & 0x7fffffff;

const utf8 = new TextEncoder();

/** The partition Kafka's default partitioner picks for a non-null key. */
export function partitionForKey(key: string | Uint8Array, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1)
    throw new RangeError(`partitions must be ≥ 1, got ${partitions}`);
  const bytes = typeof key === "string" ? utf8.encode(key) : key;
  return toPositive(murmur2(bytes)) % partitions;
}
