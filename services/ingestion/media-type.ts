import { SUPPORTED_MEDIA_TYPES, sniffMediaType } from "../parsing/parser.ts";
import { invalid } from "../platform/errors.ts";

// Declarations that say nothing about the content.
const UNINFORMATIVE = new Set(["", "application/octet-stream", "binary/octet-stream"]);

function family(mediaType: string): string {
  return mediaType.startsWith("text/") ? "text" : mediaType;
}

/**
 * The media type from the bytes. Unsupported content, or a declaration that contradicts
 * the content, is INVALID_ARGUMENT before anything is stored.
 */
export function checkedMediaType(content: Uint8Array, fileName: string, declared: string): string {
  const sniffed = sniffMediaType(content, fileName);
  if (!sniffed) {
    throw invalid(
      `unsupported content in "${fileName}": supported media types are ${SUPPORTED_MEDIA_TYPES.join(", ")}`,
    );
  }
  const declaredType = declared.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!UNINFORMATIVE.has(declaredType) && family(declaredType) !== family(sniffed)) {
    throw invalid(`declared media type "${declaredType}" does not match the content, which is ${sniffed}`);
  }
  return sniffed;
}
