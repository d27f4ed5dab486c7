import { assertTextFits, cleanText } from "./format.ts";

/**
 * Lays out the text of an office document as it is walked: each paragraph on its own line, each
 * table row on one line with its cells separated by tabs (the field extractor reads tabs and wide
 * gaps as cell boundaries). Paragraphs inside a cell are joined by spaces. Tables may nest.
 */
export class TextBuilder {
  /** Text of the page (index 0) and of each open cell above it. */
  private readonly buffers: string[][] = [[]];
  private readonly rows: string[][] = [];

  text(s: string): void {
    (this.buffers.at(-1) as string[]).push(s);
  }

  /** A paragraph end or an explicit line break. */
  newline(): void {
    this.text("\n");
  }

  startRow(): void {
    this.rows.push([]);
  }

  startCell(): void {
    this.buffers.push([]);
  }

  endCell(): void {
    if (this.buffers.length < 2) return; // unbalanced markup: ignore the stray end
    const cell = (this.buffers.pop() as string[]).join("").replace(/\s+/g, " ").trim();
    this.rows.at(-1)?.push(cell);
  }

  endRow(): void {
    const row = this.rows.pop();
    if (!row) return;
    while (row.length > 0 && row.at(-1) === "") row.pop();
    if (row.length > 0) this.text(`${row.join("\t")}\n`);
  }

  /** The page's text so far (tidied; refused as `memory` past the budget), and a fresh start. */
  takePage(): string {
    while (this.buffers.length > 1) this.endCell();
    while (this.rows.length > 0) this.endRow();
    const page = cleanText((this.buffers[0] as string[]).join(""));
    this.buffers[0] = [];
    return page;
  }
}

/**
 * One page per item, read once per distinct `key` (a package may list the same slide or sheet part
 * many times), and refused as `memory` as soon as all the pages together pass the text budget.
 */
export function collectPages<T>(
  items: readonly T[],
  key: (item: T) => string,
  pageOf: (item: T) => string,
): string[] {
  const read = new Map<string, string>();
  const pages: string[] = [];
  let total = 0;
  for (const item of items) {
    const k = key(item);
    let page = read.get(k);
    if (page === undefined) {
      page = pageOf(item);
      read.set(k, page);
    }
    total += page.length;
    assertTextFits(total, "extracted text");
    pages.push(page);
  }
  return pages;
}
