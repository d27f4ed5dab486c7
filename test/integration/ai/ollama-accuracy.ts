// Measures the Ollama provider on the whole sample (slow: about a minute per document on 2 busy
// cores; DOCMESH_OLLAMA_MAX_CHARS sets the text budget, 600 by default as in the test). Run: DOCMESH_OLLAMA_URL=http://127.0.0.1:59434 npx tsx test/integration/ai/ollama-accuracy.ts
import { OllamaAiProvider } from "../../../services/ai/ollama/index.ts";
import { closeParsers } from "../../../services/parsing/parser.ts";
import { measure, report, SAMPLE } from "./ollama-sample.ts";

const host = process.env.DOCMESH_OLLAMA_URL;
if (!host) throw new Error("DOCMESH_OLLAMA_URL is not set");
const maxInputChars = Number(process.env.DOCMESH_OLLAMA_MAX_CHARS ?? 600);
const provider = new OllamaAiProvider({ host, chatTimeoutMs: 120_000, retries: 0, maxInputChars });
let seen = 0;
const results = await measure(provider, SAMPLE, (r) => {
  const calls = provider.stats.slice(seen);
  seen = provider.stats.length;
  console.log(
    JSON.stringify({
      file: r.file,
      truth: r.truth,
      predicted: r.predicted,
      hits: r.fieldHits,
      error: r.error,
      fields: r.fields,
      calls,
    }),
  );
});
console.log(`maxInputChars ${maxInputChars}`);
console.log(report(results));
const calls = provider.stats;
const avg = (f: (s: (typeof calls)[number]) => number, task: string) => {
  const xs = calls.filter((c) => c.task === task).map(f);
  return Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
};
for (const task of ["classify", "extract"]) {
  console.log(
    `${task}: prompt ${avg((c) => c.promptTokens, task)} tokens in ${avg((c) => c.promptMs, task)} ms, output ${avg((c) => c.outputTokens, task)} tokens in ${avg((c) => c.outputMs, task)} ms, total ${avg((c) => c.totalMs, task)} ms`,
  );
}
await closeParsers();
