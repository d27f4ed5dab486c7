import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { DocmeshError, type ErrorKind } from "./errors.ts";
import { logger } from "./log.ts";

const CODES: Record<ErrorKind, Code> = {
  invalid: Code.InvalidArgument,
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
  precondition: Code.FailedPrecondition,
  exhausted: Code.ResourceExhausted,
  unauthenticated: Code.Unauthenticated,
  permission_denied: Code.PermissionDenied,
  unavailable: Code.Unavailable,
  internal: Code.Internal,
};

const log = logger("api");

// Kinds whose message describes our own machinery (a database, index or storage message, a
// host name): the caller gets a generic message and a reference; the detail goes to the log.
const OPAQUE: Partial<Record<ErrorKind, string>> = {
  internal: "internal error",
  unavailable: "a backing service is temporarily unavailable; try again",
};

/** Domain errors become their Connect code; anything unexpected is INTERNAL without leaking details. */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  const kind: ErrorKind = error instanceof DocmeshError ? error.kind : "internal";
  const opaque = OPAQUE[kind];
  if (error instanceof DocmeshError && opaque === undefined)
    return new ConnectError(error.message, CODES[kind]);
  const ref = randomUUID();
  const cause = error instanceof Error ? error.cause : undefined;
  log.error(kind === "internal" ? "unexpected error" : "dependency unavailable", { ref, error, cause });
  return new ConnectError(`${opaque} (ref ${ref})`, CODES[kind]);
}

/** Wraps every method of a handler object so domain errors map to Connect codes. */
export function mapErrors<T extends object>(handlers: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(handlers)) {
    if (typeof method !== "function") continue;
    const fn = method as (...args: unknown[]) => unknown;
    wrapped[name] =
      fn.constructor.name === "AsyncGeneratorFunction"
        ? async function* (...args: unknown[]) {
            try {
              yield* fn.apply(handlers, args) as AsyncGenerator;
            } catch (error) {
              throw toConnectError(error);
            }
          }
        : async (...args: unknown[]) => {
            try {
              return await fn.apply(handlers, args);
            } catch (error) {
              throw toConnectError(error);
            }
          };
  }
  return wrapped as T;
}
