import { DocmeshError } from "../platform/errors.ts";

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

/** Reasons that mean a budget (time, memory, inflated size, pixels) was overrun. */
const BUDGET_REASONS: ReadonlySet<ParseFailureReason> = new Set(["timeout", "memory", "decompression_bomb"]);

/**
 * A typed, recorded parse failure. Parsing the same bytes again gives the same result, so it is
 * a permanent DocmeshError (`retriable: false`): a stage fails the document at once, and a budget
 * overrun is final rather than paid for again on every retry.
 */
export class ParseError extends DocmeshError {
  override readonly retriable = false as const;
  constructor(
    readonly reason: ParseFailureReason,
    message: string,
  ) {
    super(BUDGET_REASONS.has(reason) ? "exhausted" : "invalid", message, false);
    this.name = "ParseError";
  }
}

export function isParseError(e: unknown): e is ParseError {
  return e instanceof ParseError;
}
