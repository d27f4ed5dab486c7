// What of a document the sentence encoder reads. Its CPU is linear in the SentencePiece pieces
// it reads (about 0.18 ms each), and this model (a CNN with sum pooling, trained on sentences)
// represents a sentence-sized passage well and a long one poorly: reading a whole 1000-character
// chunk blurs it. So documents are cut into short passages (services/indexer/chunk.ts), each read
// whole, and a document's best passage stands for it (max-sim). Only the first
// `passagesPerDocument` passages get a vector, which bounds the CPU per document; every passage
// stays searchable by keyword. The default is chosen from the trade-off curve that
// bench/eval-search.ts --curve prints (docs/search.md).

export interface EmbeddingPlan {
  /** Target passage length in characters (the chunker's target). */
  passageChars: number;
  /** Passages of a document that get a vector, from its start. */
  passagesPerDocument: number;
  /** SentencePiece pieces read per passage (and per query); the rest of a longer text is dropped. */
  piecesPerPassage: number;
}

export const EMBEDDING_PLAN: EmbeddingPlan = {
  passageChars: 200,
  passagesPerDocument: 8,
  piecesPerPassage: 64,
};
