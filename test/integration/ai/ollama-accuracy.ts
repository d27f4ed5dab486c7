// Measures the Ollama provider on the whole sample (slow: about a minute per document on 2 busy
// cores). Run: DOCMESH_OLLAMA_URL=http://127.0.0.1:59434 npx tsx test/integration/ai/ollama-accuracy.ts
import { createOllamaProvider } from "../../../services/platform/ai/ollama/index.ts";
import { closeParsers } from "../../../services/platform/parsing/parser.ts";
import { measure, report, SAMPLE } from "./ollama-sample.ts";

const host = process.env.DOCMESH_OLLAMA_URL;
if (!host) throw new Error("DOCMESH_OLLAMA_URL is not set");
const maxInputChars = Number(process.env.DOCMESH_OLLAMA_MAX_CHARS ?? 1000);
const provider = createOllamaProvider({ host, chatTimeoutMs: 180_000, retries: 0, maxInputChars });
const results = await measure(provider, SAMPLE);
console.log(`maxInputChars ${maxInputChars}`);
console.log(report(results));
for (const r of results) console.log(JSON.stringify({ file: r.file, fields: r.fields }));
await closeParsers();
