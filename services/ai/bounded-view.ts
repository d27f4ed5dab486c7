// The part of a document the AI reads: classification, field extraction and grounding look at the
// start and the end of a long document (headers, parties and line items; totals and signatures),
// never all of it, so one huge upload cannot hold the event loop for seconds. Keyword and semantic
// indexing still take the saved full text.
import type { ParsedDocument } from "../parsing/types.ts";

/** Characters read from the start of a long document; a 100-page PDF fits. */
export const VIEW_HEAD_CHARS = 256 * 1024;
/** Characters read from its end. */
export const VIEW_TAIL_CHARS = 256 * 1024;
/** A cut moves back (or forward) at most this far to land between words. */
const WORD_SEARCH = 1024;

/**
 * The document itself when it is short enough (every ordinary document: the whole evaluation
 * corpus), else the same document with only its first `head` and last `tail` characters of page
 * text. Page numbers are kept (pages between the two ends become empty, with no layout), and the
 * two ends of a page that spans the gap are separated by a blank line so no phrase reads across it.
 */
export function boundedView(
  doc: ParsedDocument,
  head = VIEW_HEAD_CHARS,
  tail = VIEW_TAIL_CHARS,
): ParsedDocument {
  const source = doc.pages.length > 0 ? doc.pages : [doc.text];
  const total = source.reduce((sum, page) => sum + page.length, 0);
  if (total <= head + tail && doc.text.length <= head + tail) return doc;

  const tailFrom = total - tail;
  let offset = 0;
  const pages = source.map((page) => {
    const start = offset;
    offset += page.length;
    const parts: string[] = [];
    if (start < head) parts.push(headOf(page, head - start));
    if (offset > tailFrom) parts.push(tailOf(page, tailFrom - start));
    return parts.join("\n\n");
  });
  return {
    ...doc,
    pages: doc.pages.length > 0 ? pages : [],
    text: pages.filter((page) => page.length > 0).join("\n\n"),
    layout: doc.layout?.map((lines, i) => (pages[i] ? lines : [])),
  };
}

/** The first `n` characters of `s`, ending between words when a space is near. */
function headOf(s: string, n: number): string {
  if (s.length <= n) return s;
  const at = Math.max(s.lastIndexOf(" ", n), s.lastIndexOf("\n", n));
  return s.slice(0, at > n - WORD_SEARCH ? at : n);
}

/** `s` from character `from` on, starting between words when a space is near. */
function tailOf(s: string, from: number): string {
  if (from <= 0) return s;
  const space = s.indexOf(" ", from);
  const newline = s.indexOf("\n", from);
  const at = Math.min(space < 0 ? s.length : space, newline < 0 ? s.length : newline);
  return s.slice(at < from + WORD_SEARCH ? at + 1 : from);
}
