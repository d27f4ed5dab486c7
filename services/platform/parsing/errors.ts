/** Why a document could not be parsed. None of these is worth retrying with the same bytes. */
export type ParseFailureReason =
  | "malformed"
  | "encrypted"
  | "decompression_bomb"
  | "timeout"
  | "memory"
  | "empty"
  | "unsupported";

export const PARSE_FAILURE_REASONS: readonly ParseFailureReason[] = [
  "malformed",
  "encrypted",
  "decompression_bomb",
  "timeout",
  "memory",
  "empty",
  "unsupported",
];

/** A typed, recorded parse failure. Parsing the same bytes again gives the same result. */
export class ParseError extends Error {
  override readonly name = "ParseError";
  readonly retriable = false as const;
  constructor(
    readonly reason: ParseFailureReason,
    message: string,
  ) {
    super(message);
  }
}

export function isParseError(e: unknown): e is ParseError {
  return e instanceof ParseError;
}
