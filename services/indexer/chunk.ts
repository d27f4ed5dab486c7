// Splits text into passages for embedding: about `target` characters each,
// cut at paragraph, then sentence, then word boundaries, never mid-word.

export interface ChunkOptions {
  target: number;
  maxChunks: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { target: 1000, maxChunks: 400 };

export function chunkText(text: string, options: ChunkOptions = DEFAULT_CHUNKING): string[] {
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
