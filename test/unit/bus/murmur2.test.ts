import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { murmur2, partitionForKey, toPositive } from "../../../services/platform/bus/murmur2.ts";

const enc = new TextEncoder();
const require = createRequire(import.meta.url);
// kafkajs's own port of the Java murmur2 (what its DefaultPartitioner uses).
const kafkajsMurmur2 = require("kafkajs/src/producer/partitioners/default/murmur2.js") as (
  key: Buffer,
) => number;

describe("murmur2", () => {
  // Golden values of Apache Kafka's UtilsTest.testMurmur2 (the Java client's Utils.murmur2).
  it.each([
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ])("hashes %s like Java", (input, expected) => {
    expect(murmur2(enc.encode(input))).toBe(expected);
  });

  it("partitions with toPositive(murmur2) % n like Java's BuiltInPartitioner", () => {
    // toPositive(-790332482) = 1357151166; 1357151166 % 50 = 16; % 10 = 6
    expect(toPositive(-790332482)).toBe(1357151166);
    expect(partitionForKey("foobar", 50)).toBe(16);
    expect(partitionForKey("foobar", 10)).toBe(6);
    expect(() => partitionForKey("x", 0)).toThrow(RangeError);
  });

  it("agrees with kafkajs's DefaultPartitioner hash for UUID and non-ASCII keys", () => {
    const keys = [
      ...Array.from(
        { length: 500 },
        (_, i) => `${i.toString(16).padStart(8, "0")}-7d3c-4b6e-9f1a-0c2b3d4e5f60`,
      ),
      "",
      "é",
      "日本語のキー",
      "emoji-🦀",
    ];
    for (const key of keys) expect(murmur2(enc.encode(key))).toBe(kafkajsMurmur2(Buffer.from(key)));
  });
});
