export {
  DEFAULT_MAX_TOKENS,
  defaultModelDir,
  EMBEDDING_DIMENSIONS,
  EMBEDDING_MODEL_ID,
  SentenceEmbedder,
  type SentenceEmbedderOptions,
  sharedEmbedder,
} from "./embedder.ts";
