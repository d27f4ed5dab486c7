/** What a format parser returns; the port (parser.ts) adds media type, language and counts. */
export interface FormatResult {
  pages: string[];
  ocr: boolean;
}

export interface FormatBudget {
  maxUncompressedBytes: number;
}

/** Tidies extracted text: normalises line ends and spaces, drops runs of blank lines. */
export function cleanText(s: string): string {
  return s
    .replace(/\r\n?/g, "\n")
    .replace(/\u00a0/g, " ")
    .replace(/[ \t\f\v]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
