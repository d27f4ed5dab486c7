import { pipelineSuite } from "../../e2e/pipeline-suite.ts";

pipelineSuite("embedded", {
  classification: 0,
  fields: 0,
  recallAt5: { keyword: 0, semantic: 0, hybrid: 0 },
  mrr: { keyword: 0, semantic: 0, hybrid: 0 },
});
