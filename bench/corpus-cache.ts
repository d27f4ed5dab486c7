/**
 * Parses the evaluation corpus through the real parser once and caches each result outside the
 * repository (os.tmpdir()/docmesh-eval-cache, or DOCMESH_EVAL_CACHE), keyed by the file's sha256,
 * so repeated evaluation runs skip parsing and OCR. Each entry records the parser version (a hash of
 * services/parsing) it came from; an entry of another version is a miss, so a parser change never
 * evaluates stale parses. `--reparse` (or DOCMESH_EVAL_REPARSE=1) parses everything again.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TruthRecord } from "../services/ai/eval.ts";
import { ParseError } from "../services/parsing/errors.ts";
import { closeParsers, parseDocument, sniffMediaType } from "../services/parsing/parser.ts";
import type { ParsedDocument } from "../services/parsing/types.ts";

export interface CachedParse {
  doc?: ParsedDocument;
  error?: string;
  parseMs: number;
  /** Hash of the parser sources that produced this entry. */
  parserVersion?: string;
}

const PARSING_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../services/parsing");

function parserVersion(): string {
  const h = crypto.createHash("sha256");
  for (const f of fs.readdirSync(PARSING_DIR).sort())
    h.update(f).update(fs.readFileSync(path.join(PARSING_DIR, f)));
  return h.digest("hex").slice(0, 16);
}

export function cacheDir(): string {
  return process.env.DOCMESH_EVAL_CACHE ?? path.join(os.tmpdir(), "docmesh-eval-cache");
}

async function parseOne(bytes: Uint8Array, name: string): Promise<ParsedDocument> {
  const mt = sniffMediaType(bytes, name);
  if (!mt) throw new ParseError("unsupported", "unsupported media type");
  return parseDocument(bytes, mt, {
    timeoutMs: 120_000,
    maxMemoryMb: 768,
    maxUncompressedBytes: 256 * 1024 * 1024,
  });
}

/** Parsed documents by truth `file`, from the cache when the bytes and the parser are unchanged. */
export async function parseCorpus(
  corpusDir: string,
  truth: TruthRecord[],
  onDoc?: (file: string, r: CachedParse, cached: boolean) => void,
): Promise<Map<string, CachedParse>> {
  const dir = cacheDir();
  fs.mkdirSync(dir, { recursive: true });
  const version = parserVersion();
  const reparse = process.argv.includes("--reparse") || process.env.DOCMESH_EVAL_REPARSE === "1";
  const out = new Map<string, CachedParse>();
  let opened = false;
  for (const t of truth) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(corpusDir, t.file)));
    const sha = crypto.createHash("sha256").update(bytes).digest("hex");
    const file = path.join(dir, `${sha}.json`);
    const hit = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as CachedParse) : undefined;
    if (hit && !reparse && hit.parserVersion === version) {
      out.set(t.file, hit);
      onDoc?.(t.file, hit, true);
      continue;
    }
    opened = true;
    const t0 = performance.now();
    let r: CachedParse;
    try {
      const doc = await parseOne(bytes, path.basename(t.file));
      r = { doc, parseMs: performance.now() - t0, parserVersion: version };
    } catch (err) {
      r = {
        error: (err as { reason?: string }).reason ?? (err as Error).message,
        parseMs: performance.now() - t0,
        parserVersion: version,
      };
    }
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(r));
    fs.renameSync(`${file}.tmp`, file);
    out.set(t.file, r);
    onDoc?.(t.file, r, false);
  }
  if (opened) await closeParsers();
  return out;
}
