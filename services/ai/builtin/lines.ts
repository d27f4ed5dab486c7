import { foldChars } from "./text.ts";

/** A document as lines, with folded copies for matching and cell splits for table-like layouts. */
export interface Line {
  raw: string;
  folded: string;
  index: number;
}

export function toLines(text: string): Line[] {
  return text.split("\n").map((raw, index) => ({ raw: raw.trim(), folded: foldChars(raw.trim()), index }));
}

/** Cells of a line: runs separated by 3+ spaces (the PDF layout writes wide gaps that way) or tabs. */
export function cells(raw: string): string[] {
  return raw
    .split(/\s{3,}|\t+/)
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

export interface LabelHit {
  line: number;
  /** Text after the label on the same line, within the label's cell and the following cells. */
  rest: string;
  /** The rest of the label's own cell only. */
  cellRest: string;
  /** The value under the label in the next line when the layout is columnar. */
  below?: string;
  /** The next non-empty line. */
  next?: string;
  /** Which cell of its line the label is in, and how many cells the line has. */
  cellIndex: number;
  cellCount: number;
}

/**
 * Finds labels (regexes on folded text, matched at the start of a cell or after a non-letter)
 * and returns what follows them: on the same line, in the cell below, and on the next line.
 */
export function findLabels(lines: Line[], label: RegExp): LabelHit[] {
  const hits: LabelHit[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as Line;
    label.lastIndex = 0;
    const m = label.exec(line.folded);
    if (!m) continue;
    // Map the folded offset back to the raw line: folding keeps lengths for Latin text except
    // for decomposed accents, so search the raw line for the same words instead.
    const end = rawOffset(line.raw, line.folded, (m.index ?? 0) + m[0].length);
    const rest = line.raw
      .slice(end)
      .replace(/^[\s:#.\-–=]+/, "")
      .trim();
    const cellRest = (rest.split(/\s{3,}|\t/)[0] ?? "").trim();
    let next: string | undefined;
    let j = i + 1;
    while (j < lines.length && (lines[j] as Line).raw.length === 0) j++;
    if (j < lines.length) next = (lines[j] as Line).raw;
    let below: string | undefined;
    let cellIndex = 0;
    let cellCount = 1;
    if (next !== undefined) {
      const labelCells = cells(line.raw);
      const nextCells = cells(next);
      const start = rawOffset(line.raw, line.folded, m.index ?? 0);
      let at = -1;
      let pos = 0;
      for (let k = 0; k < labelCells.length; k++) {
        const c = labelCells[k] as string;
        const found = line.raw.indexOf(c, pos);
        if (found <= start && start < found + c.length + 1) at = k;
        pos = found + c.length;
      }
      if (at >= 0 && labelCells.length > 1 && labelCells.length === nextCells.length) below = nextCells[at];
      cellIndex = Math.max(0, at);
      cellCount = labelCells.length;
    }
    hits.push({ line: i, rest, cellRest, below, next, cellIndex, cellCount });
  }
  return hits;
}

/** Offset in `raw` corresponding to offset `k` in its folded form (approximate, monotone). */
export function rawOffset(raw: string, folded: string, k: number): number {
  if (raw.length === folded.length) return k;
  // Walk both strings: fold character by character.
  let f = 0;
  for (let r = 0; r < raw.length; r++) {
    if (f >= k) return r;
    f += foldChars(raw[r] as string).length;
  }
  return raw.length;
}
