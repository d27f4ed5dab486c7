// Worker-thread entry of the sentence embedder: loads the model once, then answers
// { id, texts, maxTokens } with one unit vector per text (buffers transferred, not copied).
import { parentPort, workerData } from "node:worker_threads";
import { UseMultilingualModel } from "./use-multilingual.ts";

interface Request {
  id: number;
  texts: string[];
  maxTokens: number;
}

const port = parentPort;
if (!port) throw new Error("embed-worker: not started as a worker thread");
let model: UseMultilingualModel | undefined;
let loadError: string | undefined;
try {
  model = new UseMultilingualModel((workerData as { modelDir: string }).modelDir);
} catch (err) {
  loadError = err instanceof Error ? err.message : String(err);
}

port.on("message", (req: Request) => {
  if (!model) {
    port.postMessage({ id: req.id, error: `embedding model failed to load: ${loadError}` });
    return;
  }
  try {
    const cpuStart = process.cpuUsage();
    const vectors = req.texts.map((t) => (model as UseMultilingualModel).embed(t, req.maxTokens));
    const cpu = process.cpuUsage(cpuStart);
    port.postMessage(
      { id: req.id, vectors, cpuMicros: cpu.user + cpu.system },
      vectors.map((v) => v.buffer as ArrayBuffer),
    );
  } catch (err) {
    port.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) });
  }
});
