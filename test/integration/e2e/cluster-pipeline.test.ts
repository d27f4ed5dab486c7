import { pipelineSuite } from "../../e2e/pipeline-suite.ts";

// The same floors as embedded mode: the engines differ, the provider does not.
pipelineSuite("cluster", {
  classification: 0.93,
  fields: 0.85,
  recallAt5: { keyword: 0.85, semantic: 0.75, hybrid: 0.85 },
  mrr: { keyword: 0.8, semantic: 0.65, hybrid: 0.8 },
});
