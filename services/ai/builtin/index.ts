export { classify } from "./classifier.ts";
export { cosine, DEFAULT_EMBEDDING_DIMENSIONS, DEFAULT_EMBEDDING_MODEL, embedTexts } from "./embedding.ts";
export { extract } from "./extractor.ts";
export { BuiltinAiProvider, createBuiltinProvider } from "./provider.ts";
