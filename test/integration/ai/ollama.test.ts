// Against the real Ollama (DOCMESH_OLLAMA_URL, started by `bash scripts/services/services.sh up ollama`),
// plus a dead port and a server that never answers for the failure paths. Fails, never skips,
// when DOCMESH_OLLAMA_URL is missing. Keep it short: gemma3-270m on 2 busy cores takes tens of
// seconds to minutes per generation, so only DOCMESH_OLLAMA_SAMPLE documents (default 1) are classified and
// extracted here; ollama-accuracy.ts measures the whole sample.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AMOUNT_FIELDS,
  CATEGORIES,
  type Category,
  DATE_FIELDS,
  FIELD_KEYS,
} from "../../../services/ai/ai.ts";
import { BuiltinAiProvider } from "../../../services/ai/builtin/provider.ts";
import { FITTED_AGREEMENT } from "../../../services/ai/ollama/agreement.ts";
import { CircuitOpenError, OllamaAiProvider } from "../../../services/ai/ollama/index.ts";
import { closeParsers } from "../../../services/parsing/parser.ts";
import { DocmeshError } from "../../../services/platform/errors.ts";
import { loadDoc, measure, report, SAMPLE } from "./ollama-sample.ts";

const url = process.env.DOCMESH_OLLAMA_URL;
const sampleSize = Number(process.env.DOCMESH_OLLAMA_SAMPLE ?? 1);

function requireUrl(): string {
  if (!url)
    throw new Error(
      "DOCMESH_OLLAMA_URL is not set: source the services.env written by scripts/services/services.sh",
    );
  return url;
}

/** A one-character parsed document, for calls whose answer does not depend on the text. */
const TINY_DOC = {
  mediaType: "text/plain",
  pages: ["x"],
  text: "x",
  pageCount: 1,
  language: "en",
  ocr: false,
};
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

/** A port nothing listens on: bind an ephemeral port, then release it. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

afterAll(() => closeParsers());

describe("Ollama provider against the real server", () => {
  let provider: OllamaAiProvider;

  beforeAll(() => {
    provider = new OllamaAiProvider({
      host: requireUrl(),
      maxInputChars: 300,
      chatTimeoutMs: 240_000,
      retries: 0,
    });
  });

  it("embeds: 384 dimensions, unit length, a query closer to a related text than to an unrelated one", async () => {
    const t = performance.now();
    const [query, related, unrelated] = await provider.embed([
      "how much is still owed on the bill",
      "Invoice INV-2023-08. Total amount due: 279.84 USD, payable within 15 days.",
      "The cat slept on the warm windowsill all afternoon.",
    ]);
    console.log(`embed 3 texts: ${Math.round(performance.now() - t)} ms`);
    for (const v of [query, related, unrelated]) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v?.length).toBe(384);
      expect(Math.sqrt(dot(v as Float32Array, v as Float32Array))).toBeCloseTo(1, 4);
    }
    const near = dot(query as Float32Array, related as Float32Array);
    const far = dot(query as Float32Array, unrelated as Float32Array);
    console.log(`cosine related ${near.toFixed(3)}, unrelated ${far.toFixed(3)}`);
    expect(near).toBeGreaterThan(far);
    expect(await provider.embed([])).toEqual([]);
  });

  it(
    `classifies and extracts ${sampleSize} corpus documents with normalised values`,
    async () => {
      const results = await measure(provider, SAMPLE.slice(0, sampleSize));
      console.log(`Ollama sample (maxInputChars 300):\n${report(results)}`);
      console.log(JSON.stringify(provider.stats));
      for (const r of results) console.log(JSON.stringify({ file: r.file, fields: r.fields }));
      expect(results).toHaveLength(sampleSize);
      for (const r of results) {
        expect(r.error).toBeUndefined();
        expect(Object.keys(r.scores).sort()).toEqual([...CATEGORIES].sort());
        expect(Object.values(r.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
        expect(r.confidence).toBe(r.scores[r.predicted]);
        expect(CATEGORIES).toContain(r.predicted);
        expect(r.confidence).toBeGreaterThan(0);
        expect(r.confidence).toBeLessThanOrEqual(1);
        for (const [key, f] of Object.entries(r.fields)) {
          expect(FIELD_KEYS[r.truth]).toContain(key);
          expect(f.confidence).toBeGreaterThanOrEqual(0);
          expect(f.confidence).toBeLessThanOrEqual(1);
          if (AMOUNT_FIELDS.has(key)) expect(typeof f.value, key).toBe("number");
          else if (DATE_FIELDS.has(key)) expect(f.value, key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          else if (key === "currency") expect(f.value, key).toMatch(/^[A-Z]{3}$/);
          else if (key === "parties") expect(Array.isArray(f.value), key).toBe(true);
          else expect(typeof f.value, key).toBe("string");
        }
      }
      // No accuracy floor: a 270M model is close to chance on some categories (docs/ai.md).
    },
    30_000 + sampleSize * 480_000,
  );

  it(
    "the classification confidence is measured, not a constant: agreeing with the built-in reader scores higher than disagreeing",
    async () => {
      const doc = await loadDoc(SAMPLE[0] as string);
      const named = await provider.classifyRaw(doc);
      expect(named, "the model named no category").toBeDefined();
      const builtin = new BuiltinAiProvider();
      // The same model and document (temperature 0, so the same answer) read against two references:
      // the built-in provider told to name the LLM's category, and to name another one.
      const against = (category: Category) =>
        new OllamaAiProvider({
          host: requireUrl(),
          maxInputChars: 300,
          chatTimeoutMs: 240_000,
          retries: 0,
          reference: {
            classify: async (d) => ({ ...(await builtin.classify(d)), category }),
            extract: (c, d) => builtin.extract(c, d),
          },
        }).classify(doc);
      const other = CATEGORIES.find((c) => c !== named) as Category;
      const agreeing = await against(named as Category);
      const disagreeing = await against(other);
      console.log(`named ${named}: agreeing ${agreeing.confidence}, disagreeing ${disagreeing.confidence}`);
      expect(agreeing.category).toBe(named);
      expect(disagreeing.category).toBe(named);
      expect(agreeing.confidence).toBe(FITTED_AGREEMENT.classification.agree);
      expect(disagreeing.confidence).toBe(Math.max(0.2, FITTED_AGREEMENT.classification.disagree));
      expect(agreeing.confidence).not.toBe(disagreeing.confidence);
      expect(agreeing.confidence).toBeGreaterThan(disagreeing.confidence);
    },
    3 * 240_000,
  );

  it("extract for `other` asks nothing of the model", async () => {
    expect(await provider.extract("other", TINY_DOC)).toEqual({
      category: "other",
      fields: {},
      missingRequired: [],
    });
  });
});

describe("Ollama provider failure paths", () => {
  it("a dead port: calls fail with retriable unavailable, the circuit opens, then calls fail fast", async () => {
    requireUrl();
    const port = await deadPort();
    const p = new OllamaAiProvider({
      host: `http://127.0.0.1:${port}`,
      retries: 1,
      backoffMs: 10,
      breaker: { failureThreshold: 3, coolDownMs: 60_000 },
    });
    const e1 = await rejection(p.embed(["x"]));
    expect(e1).toBeInstanceOf(DocmeshError);
    expect((e1 as DocmeshError).kind).toBe("unavailable");
    expect((e1 as DocmeshError).retriable).toBe(true);
    await rejection(p.embed(["x"])); // third consecutive failure opens the circuit
    expect(p.client.breaker.state).toBe("open");
    const t = performance.now();
    const e3 = await rejection(p.classify(TINY_DOC));
    const ms = performance.now() - t;
    expect(e3).toBeInstanceOf(CircuitOpenError);
    expect((e3 as DocmeshError).retriable).toBe(true);
    expect(ms).toBeLessThan(20);
  });

  describe("a server that accepts connections and never answers", () => {
    let server: Server;
    let port = 0;
    let requests = 0;
    beforeAll(async () => {
      requireUrl();
      server = createServer(() => {
        requests++; // hold the request open forever
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });

    it("times out each attempt, retries, then fails with unavailable", async () => {
      const p = new OllamaAiProvider({
        host: `http://127.0.0.1:${port}`,
        chatTimeoutMs: 300,
        embedTimeoutMs: 300,
        retries: 1,
        backoffMs: 10,
      });
      const t = performance.now();
      const err = await rejection(p.embed(["x"]));
      const ms = performance.now() - t;
      expect((err as DocmeshError).kind).toBe("unavailable");
      expect((err as Error).message).toMatch(/no answer within 300 ms/);
      expect(requests).toBe(2);
      expect(ms).toBeGreaterThanOrEqual(590);
      expect(ms).toBeLessThan(3_000);
      expect(p.client.breaker.consecutiveFailures).toBe(2);
    });
  });
});
