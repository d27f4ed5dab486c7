import type { Box, LayoutSpan, ParsedDocument } from "../../parsing/types.ts";
import { rawOffset } from "./lines.ts";
import { foldChars } from "./text.ts";

/**
 * Layout-aware key–value reading: a label and the value printed to its right on the same row or
 * under it on the next row, found from positions (the parser's line boxes and spans) rather than
 * from reading order. Two columns, a label row over a value row, or a value that OCR put in
 * another line of the same row are read where the text order interleaves or separates them.
 */

/** A line of a page, folded for label matching, with its spans (one span = the whole line). */
export interface PlacedLine {
  page: number;
  /** Position in the document's layout (all pages), for "earlier is more likely a header" scores. */
  order: number;
  text: string;
  folded: string;
  box: Box;
  spans: LayoutSpan[];
}

/** A value under the label is looked for at most this many label heights below the label's row. */
const MAX_BELOW = 3;
/** Rows overlap when they share at least this share of the shorter line's height. */
const ROW_OVERLAP = 0.5;
/** A value to the right may start this much (fraction of the page width) left of the label's end. */
const RIGHT_SLACK = 0.005;

/** The document's positioned lines per page; empty where the format has no positions. */
export function placedLines(doc: ParsedDocument): PlacedLine[][] {
  let order = 0;
  return (doc.layout ?? []).map((lines, i) =>
    lines.map((l) => ({
      page: i + 1,
      order: order++,
      text: l.text,
      folded: foldChars(l.text),
      box: l.box,
      spans:
        l.spans && l.spans.length > 0
          ? l.spans
          : [{ start: 0, end: l.text.length, x: l.box.x, width: l.box.width }],
    })),
  );
}

/** A label found on a page, and the values placed next to it. */
export interface KeyValueHit {
  page: number;
  order: number;
  /** The label's line text (folded), for the callers' exclusion patterns. */
  lineFolded: string;
  /** Where the label itself sits. */
  label: Box;
  /** The value to the right on the same row: the rest of the label's span, else the nearest span right of it. */
  right?: string;
  /** Whether `right` is the rest of the label's own span (as text order reads it) or another span of the row. */
  rightIsRest: boolean;
  /** The value under the label, on the nearest row below with text in the label's columns. */
  below?: string;
}

const spanText = (l: PlacedLine, s: LayoutSpan) => l.text.slice(s.start, s.end).trim();
const stripSeparators = (s: string) => s.replace(/^[\s:#.\-–=]+/, "").trim();

/** The x position of character `k` of a line, interpolated within its span (a gap maps to the next span). */
function xAt(l: PlacedLine, k: number): number {
  for (const s of l.spans) {
    if (k < s.start) return s.x;
    if (k <= s.end) return s.x + (s.end > s.start ? (s.width * (k - s.start)) / (s.end - s.start) : 0);
  }
  const last = l.spans.at(-1) as LayoutSpan;
  return last.x + last.width;
}

function rowOverlap(a: Box, b: Box): boolean {
  const shared = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return shared >= ROW_OVERLAP * Math.min(a.height, b.height);
}

/** The nearest span right of `x` on the row of `line` (its own later spans or other lines of the row). */
function rightOf(line: PlacedLine, page: PlacedLine[], x: number): string | undefined {
  let best: { text: string; x: number } | undefined;
  for (const other of page) {
    if (other !== line && !rowOverlap(other.box, line.box)) continue;
    for (const s of other.spans) {
      if (s.x < x - RIGHT_SLACK || (best && s.x >= best.x)) continue;
      const text = spanText(other, s);
      if (text.length > 0) best = { text, x: s.x };
    }
  }
  return best?.text;
}

/** The text under [x0, x1] on the nearest row below `line` that has text there, within MAX_BELOW heights. */
function belowOf(line: PlacedLine, page: PlacedLine[], x0: number, x1: number): string | undefined {
  const top = line.box.y + line.box.height;
  const limit = top + MAX_BELOW * line.box.height;
  let best: { text: string; y: number } | undefined;
  for (const other of page) {
    const y = other.box.y;
    if (y < top - 0.25 * line.box.height || y > limit || rowOverlap(other.box, line.box)) continue;
    if (best && y >= best.y) continue;
    // The span under the label that overlaps it most.
    let pick: { text: string; overlap: number } | undefined;
    for (const s of other.spans) {
      const overlap = Math.min(x1, s.x + s.width) - Math.max(x0, s.x);
      if (overlap <= 0 || (pick && overlap <= pick.overlap)) continue;
      const text = spanText(other, s);
      if (text.length > 0) pick = { text, overlap };
    }
    if (pick) best = { text: pick.text, y };
  }
  return best?.text;
}

/**
 * Every line whose folded text matches `label` (a regex on folded text, as for the text reader;
 * the first match of a line counts), with the values to its right and below it.
 */
export function keyValues(pages: PlacedLine[][], label: RegExp): KeyValueHit[] {
  const hits: KeyValueHit[] = [];
  for (const page of pages)
    for (const line of page) {
      label.lastIndex = 0;
      const m = label.exec(line.folded);
      if (!m) continue;
      let start = rawOffset(line.text, line.folded, m.index);
      const end = rawOffset(line.text, line.folded, m.index + m[0].length);
      while (start < end && /\s/.test(line.text[start] as string)) start++;
      const x0 = xAt(line, start);
      const x1 = xAt(line, end);
      const own = line.spans.find(
        (s) => s.start <= Math.max(start, end - 1) && Math.max(start, end - 1) < s.end,
      );
      const rest = own ? stripSeparators(line.text.slice(end, own.end)) : "";
      const right = rest.length > 0 ? rest : rightOf(line, page, x1);
      hits.push({
        page: line.page,
        order: line.order,
        lineFolded: line.folded,
        label: { x: x0, y: line.box.y, width: Math.max(0, x1 - x0), height: line.box.height },
        right,
        rightIsRest: rest.length > 0,
        below: belowOf(line, page, x0, x1),
      });
    }
  return hits;
}
