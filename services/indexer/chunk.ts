// Splits text into passages for keyword search and embedding: about `target` characters each,
// cut at paragraph, then sentence, then word boundaries, never mid-word.

export interface ChunkOptions {
  target: number;
  maxChunks: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { target: 1000, maxChunks: 400 };

/**
 * Only the first `maxChunks` passages are kept, so only as much of the text is read as they need: a
 * prefix of four times their size (room for collapsed spaces and short paragraphs), read again four
 * times longer only when that fell short. A 48 MiB text costs what its first 1.6 M characters do.
 */
export function chunkText(text: string, options: ChunkOptions = DEFAULT_CHUNKING): string[] {
  for (let span = options.maxChunks * options.target * 4; ; span *= 4) {
    if (span >= text.length) return chunkAll(text, options);
    const chunks = chunkAll(text.slice(0, wordEnd(text, span)), options);
    if (chunks.length >= options.maxChunks) return chunks;
  }
}

/** `span`, or the end of the word it falls in (a prefix never ends mid-word). */
function wordEnd(text: string, span: number): number {
  const at = text.slice(span, span + 1000).search(/\s/);
  return at < 0 ? span : span + at;
}

function chunkAll(text: string, options: ChunkOptions): string[] {
  const normalised = text
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+/g, " ")
    .trim();
  if (normalised.length === 0) return [];
  const pieces = normalised
    .split(/\n\s*\n/)
    .flatMap((paragraph) =>
      paragraph.length <= options.target ? [paragraph] : splitLong(paragraph, options.target),
    );

  const chunks: string[] = [];
  let current = "";
  for (const piece of pieces) {
    if (current && current.length + piece.length + 1 > options.target) {
      chunks.push(current);
      if (chunks.length >= options.maxChunks) return chunks;
      current = "";
    }
    current = current ? `${current}\n${piece}` : piece;
  }
  if (current) chunks.push(current);
  return chunks.slice(0, options.maxChunks);
}

function splitLong(paragraph: string, target: number): string[] {
  const sentences = paragraph.match(/[^.!?\n]+[.!?]*\s*/g) ?? [paragraph];
  const out: string[] = [];
  let current = "";
  for (const sentence of sentences) {
    if (sentence.length > target) {
      if (current) out.push(current.trim());
      current = "";
      out.push(...splitWords(sentence, target));
      continue;
    }
    if (current.length + sentence.length > target) {
      out.push(current.trim());
      current = "";
    }
    current += sentence;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function splitWords(text: string, target: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/)) {
    if (current && current.length + word.length + 1 > target) {
      out.push(current);
      current = "";
    }
    current = current ? `${current} ${word}` : word.slice(0, target);
  }
  if (current) out.push(current);
  return out;
}
