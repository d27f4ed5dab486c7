export { type BreakerOptions, type BreakerState, CircuitBreaker, CircuitOpenError } from "./breaker.ts";
export { isTransient, OllamaClient, type OllamaClientOptions } from "./client.ts";
export { normalizeFields } from "./normalize.ts";
export {
  createOllamaProvider,
  OllamaAiProvider,
  type OllamaProviderOptions,
  truncateText,
  unitVector,
} from "./provider.ts";
export { CLASSIFICATION_SCHEMA, extractionSchema } from "./schemas.ts";
