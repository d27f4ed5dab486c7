export { EMBEDDING_PLAN, type EmbeddingPlan } from "./budget.ts";
export {
  configureSharedEmbedder,
  defaultModelDir,
  EMBEDDING_DIMENSIONS,
  EMBEDDING_MODEL_ID,
  SentenceEmbedder,
  type SentenceEmbedderOptions,
  sharedEmbedder,
} from "./embedder.ts";
