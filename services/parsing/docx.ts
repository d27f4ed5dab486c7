import mammoth from "mammoth";
import { ParseError } from "./errors.ts";
import { cleanText, type FormatBudget, type FormatResult } from "./format.ts";
import { assertZipWithinLimit } from "./zip.ts";

/**
 * DOCX through mammoth's raw-text extraction. The ZIP is checked first (declared sizes, then a
 * capped inflate of every entry), so a zip bomb fails with `decompression_bomb` before mammoth
 * inflates anything. DOCX has no fixed pagination, so the document is one page.
 */
export async function parseDocx(bytes: Uint8Array, budget: FormatBudget): Promise<FormatResult> {
  const entries = assertZipWithinLimit(bytes, budget.maxUncompressedBytes);
  if (!entries.some((e) => e.name === "word/document.xml")) {
    throw new ParseError("malformed", "docx: no word/document.xml part");
  }
  const enc = entries.find((e) => e.name === "EncryptedPackage" || e.name === "EncryptionInfo");
  if (enc) throw new ParseError("encrypted", "docx: the package is encrypted");
  try {
    const result = await mammoth.extractRawText({
      buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    });
    return { pages: [cleanText(result.value)], ocr: false };
  } catch (err) {
    if (err instanceof ParseError) throw err;
    throw new ParseError("malformed", `docx: ${(err as Error).message}`);
  }
}
