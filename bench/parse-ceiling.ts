// The parse-only ceiling: the project's own parser alone over the documents a pipeline bench
// uploads, in as many processes as the machine has cores (one parser thread each, two documents
// in flight so the thread never waits). No pipeline can beat it on the same machine, so a
// pipeline's docs/min divided by this is the share of the CPU that goes to the user's work.
//   npx tsx bench/parse-ceiling.ts [documents=1000] [processes=cores] [--ocr]
// bench/pipeline.ts runs it in the same run and prints the ratio.
import { type ChildProcess, spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { loadTruth } from "../services/ai/eval.ts";
import { checkedMediaType } from "../services/ingestion/media-type.ts";
import { DEFAULT_PARSE_BUDGET, parseDocument, setParserWorkers } from "../services/parsing/parser.ts";
import { corpusRoot, readDoc } from "../test/e2e/corpus.ts";

export interface BenchDocument {
  file: string;
  bytes: Uint8Array;
}

/** The corpus documents the pipeline bench uploads: text-layer ones, or with `ocr` the scans and photos. */
export function benchDocuments(ocr: boolean): BenchDocument[] {
  const root = corpusRoot();
  return loadTruth(root)
    .filter((t) => (ocr ? t.needs_ocr : !t.needs_ocr && !t.file.endsWith(".epub")))
    .map((t) => ({ file: t.file, bytes: readDoc(root, t.file) }));
}

export interface CeilingResult {
  documents: number;
  processes: number;
  seconds: number;
  pages: number;
  /** CPU of the parser processes per document (threads included), from process.cpuUsage(). */
  cpuMsPerDocument: number;
  docsPerMinute: number;
  pagesPerSecond: number;
}

/**
 * Parses document i % corpus size for i < `documents`, spread over `processes` child processes.
 * Each child parses every document once untimed (JIT, pdf.js loaded), then all start together.
 */
export async function parseCeiling(
  documents: number,
  processes = availableParallelism(),
  ocr = false,
): Promise<CeilingResult> {
  const self = fileURLToPath(import.meta.url);
  const children: ChildProcess[] = [];
  const lines: AsyncIterator<string>[] = [];
  for (let index = 0; index < processes; index++) {
    const args = ["--import", "tsx", self, "--child", String(index), String(processes), String(documents)];
    const child = spawn(process.execPath, ocr ? [...args, "--ocr"] : args, {
      stdio: ["pipe", "pipe", "inherit"],
    });
    children.push(child);
    lines.push(createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]());
  }
  const next = async (i: number): Promise<string> => {
    const line = await lines[i]?.next();
    if (!line || line.done) throw new Error(`parse-ceiling child ${i} exited early`);
    return line.value;
  };
  await Promise.all(children.map((_, i) => next(i))); // "ready"
  const started = performance.now();
  for (const child of children) child.stdin?.write("go\n");
  const results = await Promise.all(
    children.map(async (_, i) => JSON.parse(await next(i)) as { pages: number; cpuMs: number }),
  );
  const seconds = (performance.now() - started) / 1000;
  // Gone before returning: a caller reading CPU from /proc must not count them on either side.
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.stdin?.end();
        }),
    ),
  );
  const pages = results.reduce((sum, r) => sum + r.pages, 0);
  return {
    documents,
    processes,
    seconds,
    pages,
    cpuMsPerDocument: results.reduce((sum, r) => sum + r.cpuMs, 0) / documents,
    docsPerMinute: (documents / seconds) * 60,
    pagesPerSecond: pages / seconds,
  };
}

/** One child: its share of the documents, parsed as the classifier parses them (one parser thread). */
async function child(index: number, processes: number, documents: number, ocr: boolean): Promise<void> {
  setParserWorkers(1);
  const docs = benchDocuments(ocr).map((d) => ({
    ...d,
    mediaType: checkedMediaType(d.bytes, d.file.split("/").pop() ?? "doc", ""),
  }));
  const parse = (i: number) => {
    const doc = docs[i % docs.length];
    if (!doc) throw new Error("no documents");
    return parseDocument(doc.bytes, doc.mediaType, DEFAULT_PARSE_BUDGET);
  };
  for (let i = 0; i < docs.length; i++) await parse(i);
  const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  process.stdout.write("ready\n");
  await input.next();
  const cpuBefore = process.cpuUsage();
  const mine: number[] = [];
  for (let i = index; i < documents; i += processes) mine.push(i);
  let pages = 0;
  // Two in flight: the thread starts the next document while this thread handles the last reply.
  const lane = async () => {
    for (let i = mine.shift(); i !== undefined; i = mine.shift()) pages += (await parse(i)).pageCount;
  };
  await Promise.all([lane(), lane()]);
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(`${JSON.stringify({ pages, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ocr = process.argv.includes("--ocr");
  const args = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
  if (process.argv.includes("--child")) {
    await child(Number(args[0]), Number(args[1]), Number(args[2]), ocr);
  } else {
    const result = await parseCeiling(
      Number(args[0] ?? 1000),
      Number(args[1] ?? availableParallelism()),
      ocr,
    );
    console.log(
      `parse ceiling — ${result.documents} documents, ${result.processes} process(es): ${result.seconds.toFixed(1)} s → ${result.docsPerMinute.toFixed(0)} docs/min, ${result.pagesPerSecond.toFixed(2)} pages/s, ${result.cpuMsPerDocument.toFixed(1)} ms CPU per document`,
    );
    process.exit(0);
  }
}
