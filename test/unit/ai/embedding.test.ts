import { afterAll, describe, expect, it } from "vitest";
import { cosine } from "../../../services/ai/builtin/index.ts";
import { EMBEDDING_DIMENSIONS, SentenceEmbedder } from "../../../services/ai/embedding/index.ts";
import { SentencePieceTokenizer } from "../../../services/ai/embedding/sentencepiece.ts";

// The model installed by scripts/setup.sh (scripts/models/use-multilingual.sh), from its default place.
const embedder = new SentenceEmbedder();
afterAll(() => embedder.close());

describe("sentence embedder (USE multilingual v3, local install)", () => {
  it("tokenises exactly like the reference tokenizer shipped with the weights", () => {
    const tokenizer = new SentencePieceTokenizer(`${embedder.modelDir}/sp.model`);
    // Expected ids printed by the package's own pure-Python SentencePiece port on the same model.
    expect(tokenizer.encode("o gato preto correu pelo jardim")).toEqual([
      1, 50, 13020, 32528, 6, 101681, 1474, 99940, 2,
    ]);
    expect(tokenizer.encode("  Ｆｕｌｌ-width ＡＢＣ  café   naïve\tTab ½ ﬁ")).toEqual([
      1, 17004, 18, 18027, 13514, 15567, 163, 12747, 344, 20200, 32259, 7950, 2,
    ]);
  });

  it("loads from the local install and returns deterministic unit vectors of 512 dimensions", async () => {
    const [a, b] = await embedder.embed(["invoice total amount due", "invoice total amount due"]);
    expect(a).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(Math.sqrt(cosine(a as Float32Array, a as Float32Array))).toBeCloseTo(1, 5);
    expect(Array.from(a as Float32Array)).toEqual(Array.from(b as Float32Array));
  });

  it("scores a paraphrase above an unrelated sentence, with no word in common", async () => {
    const [q, near, far] = await embedder.embed([
      "Where can I find the bill for my new laptop?",
      "Invoice: one notebook computer, 15 inch, payment due in 30 days",
      "The river flooded the village after three days of heavy rain",
    ]);
    const qv = q as Float32Array;
    expect(cosine(qv, near as Float32Array)).toBeGreaterThan(cosine(qv, far as Float32Array) + 0.1);
  });

  it("puts a sentence and its translation close together (cross-lingual)", async () => {
    const [en, de, fr, unrelated] = await embedder.embed([
      "The invoice is payable by the end of the month.",
      "Die Rechnung ist bis Ende des Monats zu bezahlen.",
      "La facture est payable à la fin du mois.",
      "Der Fluss trat nach drei Tagen Regen über die Ufer.",
    ]);
    const v = en as Float32Array;
    expect(cosine(v, de as Float32Array)).toBeGreaterThan(0.5);
    expect(cosine(v, fr as Float32Array)).toBeGreaterThan(0.5);
    expect(cosine(v, de as Float32Array)).toBeGreaterThan(cosine(v, unrelated as Float32Array) + 0.3);
  });

  it("reads only the budgeted pieces of a long text", async () => {
    const short = new SentenceEmbedder({ plan: { piecesPerPassage: 8 } });
    try {
      const head = "Invoice number 4711 for consulting services in March.";
      const [a, b] = await short.embed([
        head,
        `${head} ${"The weather was fine and the river was calm. ".repeat(20)}`,
      ]);
      const [c] = await short.embed([`${head} ${"The weather was fine. ".repeat(20)}`]);
      // Same first 8 pieces → the same vector, whatever follows.
      expect(Array.from(b as Float32Array)).toEqual(Array.from(c as Float32Array));
      expect(cosine(a as Float32Array, b as Float32Array)).toBeGreaterThan(0.99);
    } finally {
      await short.close();
    }
  });

  it("refuses clearly when the model is not installed", () => {
    const missing = new SentenceEmbedder({ modelDir: "/nonexistent/docmesh-model" });
    expect(() => missing.embed(["x"])).toThrow(/not installed.*scripts\/setup\.sh/);
  });
});
