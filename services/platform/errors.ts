// Domain errors, typed once. `retriable` decides retry vs dead-letter in workers;
// `kind` decides the Connect code in handlers (see toConnectError).

export type ErrorKind =
  | "invalid" // the input can never succeed
  | "not_found"
  | "already_exists"
  | "precondition" // e.g. stale etag, wrong state
  | "exhausted" // a limit was hit
  | "unauthenticated"
  | "permission_denied"
  | "unavailable" // a dependency is down or slow; try again
  | "internal";

export class DocmeshError extends Error {
  override name = "DocmeshError";
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly retriable = kind === "unavailable",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const invalid = (message: string) => new DocmeshError("invalid", message);
export const notFound = (message: string) => new DocmeshError("not_found", message);
export const precondition = (message: string) => new DocmeshError("precondition", message);
export const exhausted = (message: string) => new DocmeshError("exhausted", message);
export const unavailable = (message: string, cause?: unknown) =>
  new DocmeshError("unavailable", message, true, { cause });

/** Whether a failure is worth retrying: typed errors say so; unknown errors are assumed transient. */
export function isRetriable(error: unknown): boolean {
  return error instanceof DocmeshError ? error.retriable : true;
}
