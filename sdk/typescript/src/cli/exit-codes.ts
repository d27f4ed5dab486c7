// The CLI's exit codes (documented in docs/cli.md): scripts branch on them.
import { Code } from "@connectrpc/connect";
import { DocmeshError } from "../errors.ts";

export const EXIT = {
  ok: 0,
  /** Anything not covered below. */
  error: 1,
  /** Bad command line: unknown command or flag, missing argument, unreadable config file. */
  usage: 2,
  /** The named document or batch does not exist (for this tenant). */
  notFound: 3,
  /** No token, a bad token, or a token without the right to do this. */
  auth: 4,
  /** The server refused the request as given: invalid argument, stale etag, size limit. */
  refused: 5,
  /** The server could not be reached, or stayed unavailable. */
  unavailable: 6,
  /** Partly done: some files failed to upload, a watched document ended FAILED, some dead letters were not redriven. */
  partial: 7,
} as const;

export class UsageError extends Error {}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (!(error instanceof DocmeshError)) return EXIT.error;
  switch (error.code) {
    case Code.NotFound:
      return EXIT.notFound;
    case Code.Unauthenticated:
    case Code.PermissionDenied:
      return EXIT.auth;
    case Code.InvalidArgument:
    case Code.FailedPrecondition:
    case Code.ResourceExhausted:
    case Code.AlreadyExists:
    case Code.OutOfRange:
      return EXIT.refused;
    case Code.Unavailable:
    case Code.DeadlineExceeded:
      return EXIT.unavailable;
    default:
      return EXIT.error;
  }
}
