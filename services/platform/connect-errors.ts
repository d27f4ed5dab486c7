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

/** Domain errors become their Connect code; anything unexpected is INTERNAL without leaking details. */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  if (error instanceof DocmeshError) return new ConnectError(error.message, CODES[error.kind]);
  log.error("unexpected error", { error });
  return new ConnectError("internal error", Code.Internal);
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
