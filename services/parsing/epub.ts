import { inflateRawSync } from "node:zlib";
import { ParseError } from "./errors.ts";
import { cleanText, type FormatBudget, type FormatResult } from "./format.ts";
import { htmlToText } from "./html.ts";
import { assertZipWithinLimit, type ZipEntry } from "./zip.ts";

/** The inflated bytes of one entry, capped at `max` (the archive was already checked by assertZipWithinLimit). */
function readEntry(bytes: Uint8Array, en: ZipEntry, max: number): Buffer {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = en.localHeaderOffset;
  const start = h + 30 + dv.getUint16(h + 26, true) + dv.getUint16(h + 28, true);
  const data = bytes.subarray(start, start + en.compressedSize);
  if (en.method === 0) return Buffer.from(data);
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, max) });
  } catch (err) {
    throw new ParseError("malformed", `epub: entry ${en.name} does not inflate: ${(err as Error).message}`);
  }
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, "i").exec(tag);
  return m ? (m[2] ?? m[3]) : undefined;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&amp;/g, "&")
    .replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"');
}

/** Resolves `href` (URL-encoded, relative to `base`'s folder) to a ZIP entry name. */
function resolveHref(base: string, href: string): string {
  const clean = decodeURIComponent(decodeEntities(href).split("#")[0] ?? "");
  const parts = base.includes("/") ? base.slice(0, base.lastIndexOf("/")).split("/") : [];
  for (const seg of clean.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== "." && seg !== "") parts.push(seg);
  }
  return parts.join("/");
}

const XHTML_TYPES = new Set(["application/xhtml+xml", "text/html", "application/x-dtbook+xml"]);

/**
 * EPUB 2/3: META-INF/container.xml names the OPF package; its spine gives the reading order of
 * the XHTML content documents, each turned into text with html-to-text. One page per spine item
 * with text (an EPUB has no fixed pagination; chapters are the natural unit). The ZIP goes through
 * the same decompression-bomb guard as DOCX before anything is inflated.
 */
export function parseEpub(bytes: Uint8Array, budget: FormatBudget): FormatResult {
  const entries = assertZipWithinLimit(bytes, budget.maxUncompressedBytes);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const read = (name: string): string => {
    const en = byName.get(name);
    if (!en) throw new ParseError("malformed", `epub: missing ${name}`);
    return new TextDecoder("utf-8").decode(readEntry(bytes, en, budget.maxUncompressedBytes));
  };

  const container = read("META-INF/container.xml");
  const rootTag = /<rootfile\b[^>]*>/i.exec(container)?.[0];
  const opfPath = rootTag ? attr(rootTag, "full-path") : undefined;
  if (!opfPath) throw new ParseError("malformed", "epub: container.xml names no rootfile");
  const opf = read(decodeURIComponent(opfPath));

  const manifest = new Map<string, { href: string; type: string }>();
  for (const m of opf.matchAll(/<(?:\w+:)?item\b[^>]*>/gi)) {
    const id = attr(m[0], "id");
    const href = attr(m[0], "href");
    if (id && href) manifest.set(id, { href, type: (attr(m[0], "media-type") ?? "").toLowerCase() });
  }
  const spine = [...opf.matchAll(/<(?:\w+:)?itemref\b[^>]*>/gi)]
    .map((m) => attr(m[0], "idref"))
    .map((id) => (id ? manifest.get(id) : undefined))
    .filter((item): item is { href: string; type: string } => !!item && XHTML_TYPES.has(item.type));
  if (spine.length === 0)
    throw new ParseError("malformed", "epub: the spine lists no XHTML content documents");

  const paths = spine.map((item) => resolveHref(opfPath, item.href));
  const encryption = byName.has("META-INF/encryption.xml") ? read("META-INF/encryption.xml") : "";
  if (
    encryption &&
    paths.some((p) => encryption.includes(`URI="${p}"`) || encryption.includes(`URI="${p.split("/").pop()}"`))
  ) {
    throw new ParseError("encrypted", "epub: content documents are encrypted (DRM)");
  }

  const pages: string[] = [];
  for (const p of paths) {
    if (!byName.has(p)) continue; // a dangling spine reference: skip it, as reading systems do
    const text = cleanText(htmlToText(read(p)));
    if (text.length > 0) pages.push(text);
  }
  return { pages, ocr: false };
}
