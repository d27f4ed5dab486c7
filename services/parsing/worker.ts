import { parentPort } from "node:worker_threads";
import { parseInThisThread } from "./dispatch.ts";
import { ParseError } from "./errors.ts";
import { setMaxTextChars, TEXT_MEMORY_FACTOR } from "./format.ts";
import { takeOcrRuns } from "./ocr.ts";
import type { WorkerReady, WorkerReply, WorkerRequest } from "./protocol.ts";

// The parsing worker thread: one job at a time, sent by parser.ts. A job that hangs or blows the
// heap is dealt with by the parent (terminate / resourceLimits), never here.
const port = parentPort;
if (!port) throw new Error("parsing worker must run in a worker thread");

port.on("message", async (req: WorkerRequest) => {
  let reply: WorkerReply;
  setMaxTextChars(Math.floor((req.maxMemoryMb * 1024 * 1024) / TEXT_MEMORY_FACTOR));
  try {
    const doc = await parseInThisThread(new Uint8Array(req.bytes), req.mediaType, {
      maxUncompressedBytes: req.maxUncompressedBytes,
    });
    reply = { id: req.id, ok: true, doc, ocrRuns: takeOcrRuns() };
  } catch (err) {
    if (err instanceof ParseError)
      reply = { id: req.id, ok: false, reason: err.reason, message: err.message };
    else if (err instanceof RangeError && /allocation|memory|Array buffer/i.test(err.message)) {
      reply = { id: req.id, ok: false, reason: "memory", message: err.message };
    } else {
      reply = {
        id: req.id,
        ok: false,
        reason: "malformed",
        message: (err as Error)?.message ?? String(err),
      };
    }
  }
  takeOcrRuns(); // a failed parse's runs are not reported
  port.postMessage(reply);
});

port.postMessage({ ready: true } satisfies WorkerReady);
