import { readZipDirectory } from "./zip.ts";

export const MEDIA_TYPES = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  odt: "application/vnd.oasis.opendocument.text",
  ods: "application/vnd.oasis.opendocument.spreadsheet",
  odp: "application/vnd.oasis.opendocument.presentation",
  epub: "application/epub+zip",
  html: "text/html",
  text: "text/plain",
  markdown: "text/markdown",
  eml: "message/rfc822",
  png: "image/png",
  jpeg: "image/jpeg",
  tiff: "image/tiff",
} as const;

export type SupportedMediaType = (typeof MEDIA_TYPES)[keyof typeof MEDIA_TYPES];

export const SUPPORTED_MEDIA_TYPES: readonly SupportedMediaType[] = Object.values(MEDIA_TYPES);

export function isSupportedMediaType(t: string): t is SupportedMediaType {
  return (SUPPORTED_MEDIA_TYPES as readonly string[]).includes(t);
}

/** Media types whose content is text, detected by content rather than magic numbers. */
export const TEXT_MEDIA_TYPES: readonly string[] = [
  MEDIA_TYPES.text,
  MEDIA_TYPES.markdown,
  MEDIA_TYPES.html,
  MEDIA_TYPES.eml,
];

function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.byteLength < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

/** Magic-number detection of the binary formats we support (same signatures as `file-type`). */
function sniffBinary(b: Uint8Array): SupportedMediaType | "zip" | undefined {
  // PDF: "%PDF-" within the first 1 KiB (the spec tolerates leading junk).
  const head = latin1(b.subarray(0, 1024));
  if (head.startsWith("%PDF-") || (head.includes("%PDF-") && !isMostlyText(b))) return MEDIA_TYPES.pdf;
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return MEDIA_TYPES.png;
  if (startsWith(b, [0xff, 0xd8, 0xff])) return MEDIA_TYPES.jpeg;
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]))
    return MEDIA_TYPES.tiff;
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])) return "zip";
  return undefined;
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

// The types an OCF/ODF package names in its leading `mimetype` entry.
const PACKAGE_MIMETYPES: readonly SupportedMediaType[] = [
  MEDIA_TYPES.epub,
  MEDIA_TYPES.odt,
  MEDIA_TYPES.ods,
  MEDIA_TYPES.odp,
];

/**
 * An EPUB (OCF container) or an OpenDocument package: a ZIP whose first entry is an uncompressed
 * `mimetype` file holding exactly the media type. Only the first local header is read, so a
 * truncated package is still recognised (and then fails in the parser as malformed).
 */
function packageMimetype(b: Uint8Array): SupportedMediaType | undefined {
  if (b.byteLength < 30 + 8) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(0, true) !== 0x04034b50 || dv.getUint16(8, true) !== 0) return undefined;
  const nameLen = dv.getUint16(26, true);
  const extraLen = dv.getUint16(28, true);
  if (nameLen !== 8) return undefined;
  if (latin1(b.subarray(30, 38)) !== "mimetype") return undefined;
  const start = 38 + extraLen;
  // Size 0: the sizes are in a data descriptor after the data; compare by prefix then.
  const size = dv.getUint32(18, true);
  const value = latin1(b.subarray(start, start + (size || 80)));
  return PACKAGE_MIMETYPES.find((t) => (size ? value === t : value.startsWith(t)));
}

// OOXML: the main part that tells a Word, PowerPoint or Excel package apart.
const OOXML_MAIN_PARTS: readonly [string, SupportedMediaType][] = [
  ["word/document.xml", MEDIA_TYPES.docx],
  ["ppt/presentation.xml", MEDIA_TYPES.pptx],
  ["xl/workbook.xml", MEDIA_TYPES.xlsx],
];

/**
 * A ZIP is an EPUB or OpenDocument file when its first entry is a stored `mimetype` naming the
 * type (OCF/ODF), and a DOCX, PPTX or XLSX when its directory holds the main OOXML part.
 */
function sniffZip(b: Uint8Array): SupportedMediaType | undefined {
  const packaged = packageMimetype(b);
  if (packaged) return packaged;
  try {
    const names = readZipDirectory(b).map((e) => e.name);
    if (!names.includes("[Content_Types].xml")) return undefined;
    return OOXML_MAIN_PARTS.find(([part]) => names.includes(part))?.[1];
  } catch {
    // An unreadable directory: fall back to the local headers (a truncated DOCX is still a DOCX, just malformed).
    const s = latin1(b.subarray(0, 64 * 1024));
    if (!s.includes("[Content_Types].xml")) return undefined;
    return OOXML_MAIN_PARTS.find(([part]) => s.includes(part.slice(0, part.indexOf("/") + 1)))?.[1];
  }
}

/** True when the bytes look like text: no NULs and few control characters in the sample. */
function isMostlyText(b: Uint8Array): boolean {
  const n = Math.min(b.byteLength, 8192);
  if (n === 0) return false;
  if (startsWith(b, [0xff, 0xfe]) || startsWith(b, [0xfe, 0xff])) return true; // UTF-16 BOM
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i] as number;
    if (c === 0) return false;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) bad++;
  }
  return bad / n < 0.01;
}

/** Decodes text bytes: BOM-aware, UTF-8 when valid, else Windows-1252. */
export function decodeText(b: Uint8Array): string {
  if (startsWith(b, [0xef, 0xbb, 0xbf])) return new TextDecoder("utf-8").decode(b.subarray(3));
  if (startsWith(b, [0xff, 0xfe])) return new TextDecoder("utf-16le").decode(b.subarray(2));
  if (startsWith(b, [0xfe, 0xff])) return new TextDecoder("utf-16be").decode(b.subarray(2));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    return new TextDecoder("windows-1252").decode(b);
  }
}

const EML_HEADERS = new Set([
  "from",
  "to",
  "cc",
  "subject",
  "date",
  "message-id",
  "mime-version",
  "received",
  "return-path",
  "content-type",
  "reply-to",
  "delivered-to",
  "dkim-signature",
  "x-mailer",
]);

/** An RFC 5322 message: a header block of `Name: value` lines, with From plus other mail headers. */
function looksLikeEmail(text: string): boolean {
  const end = text.search(/\r?\n\r?\n/);
  const block = (end < 0 ? text : text.slice(0, end)).slice(0, 16_384);
  const lines = block.split(/\r?\n/);
  if (lines.length < 2) return false;
  const names = new Set<string>();
  for (const line of lines) {
    if (/^[ \t]/.test(line)) continue; // folded continuation
    const m = /^([A-Za-z0-9-]+):/.exec(line);
    if (!m) return false; // not a header block
    names.add((m[1] as string).toLowerCase());
  }
  let known = 0;
  for (const n of names) if (EML_HEADERS.has(n)) known++;
  return (names.has("from") || names.has("received") || names.has("message-id")) && known >= 3;
}

function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\s+/, "").toLowerCase();
  if (head.startsWith("<!doctype html") || head.startsWith("<html")) return true;
  if (/<(html|head|body)[\s>]/.test(head)) return true;
  // A fragment: mostly tags from the HTML vocabulary.
  const tags = head.match(/<\/?(p|div|span|table|tr|td|h[1-6]|ul|ol|li|a|br|title|meta|script|style)[\s>/]/g);
  return head.startsWith("<") && (tags?.length ?? 0) >= 3;
}

/** Markdown cues: ATX headings, fenced code, links, emphasis, list markers, tables. */
export function markdownScore(text: string): number {
  const sample = text.slice(0, 20_000);
  let s = 0;
  s += 2 * (sample.match(/^#{1,6} \S/gm)?.length ?? 0);
  s += 3 * (sample.match(/^```/gm)?.length ?? 0);
  // Bounded: with `+`, a long line of "[" rescans to its end from every "[" (quadratic).
  s += 2 * (sample.match(/\[[^\]\n]{1,300}\]\([^)\s]{1,2000}\)/g)?.length ?? 0);
  s += sample.match(/(\*\*|__)[^*_\n]+\1/g)?.length ?? 0;
  s += 2 * (sample.match(/^\|.*\|\s*$\n^\|?\s*:?-{3,}/gm)?.length ?? 0);
  s += 0.5 * (sample.match(/^\s*[-*+] \S/gm)?.length ?? 0);
  return s;
}

function sniffText(b: Uint8Array, fileName?: string): SupportedMediaType | undefined {
  if (!isMostlyText(b)) return undefined;
  const text = decodeText(b.subarray(0, 64 * 1024));
  if (looksLikeEmail(text)) return MEDIA_TYPES.eml;
  if (looksLikeHtml(text)) return MEDIA_TYPES.html;
  const ext = fileName?.toLowerCase().split(".").pop();
  const md = markdownScore(text);
  if (md >= 6 || (md >= 2 && (ext === "md" || ext === "markdown"))) return MEDIA_TYPES.markdown;
  return MEDIA_TYPES.text;
}

/**
 * The media type of a document, decided from its bytes. The file name is only a tie-breaker
 * between plain text and Markdown; it never overrides the content. Unsupported → undefined.
 *
 * Binary formats are recognised by their magic numbers (the same signatures `file-type`
 * uses — `file-type` 21 is async-only, and this function is synchronous); DOCX by the
 * WordprocessingML part in the ZIP directory; text formats by content.
 */
export function sniffMediaType(bytes: Uint8Array, fileName?: string): string | undefined {
  if (bytes.byteLength === 0) return undefined;
  const bin = sniffBinary(bytes);
  if (bin === "zip") return sniffZip(bytes);
  if (bin) return bin;
  return sniffText(bytes, fileName);
}
