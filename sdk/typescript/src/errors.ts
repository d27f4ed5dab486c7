// Typed errors: every failed call surfaces as a DocmeshError subclass chosen by its Connect code,
// so callers can `catch (e) { if (e instanceof NotFoundError) … }` instead of comparing codes.
// They extend ConnectError, so code that already handles ConnectError keeps working; `name` stays
// "ConnectError" because ConnectError's own instanceof check relies on it (use constructor.name).
import { Code, ConnectError } from "@connectrpc/connect";
import { type Violation, ViolationsSchema } from "./gen/buf/validate/validate_pb.ts";

export class DocmeshError extends ConnectError {
  // ConnectError's static instanceof accepts any ConnectError-shaped value, which would make every
  // ConnectError an instance of every subclass here; the subclasses use the ordinary prototype check.
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being tested against
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** True when the same call may succeed later (network trouble, overload, a restarting server). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

/** Bad input; `violations` names each field that failed the contract's validation rules. */
export class InvalidArgumentError extends DocmeshError {
  get violations(): Violation[] {
    return this.findDetails(ViolationsSchema).flatMap((v) => v.violations);
  }
}
export class NotFoundError extends DocmeshError {}
export class AlreadyExistsError extends DocmeshError {}
/** A stale etag, or an upload whose size or hash did not match. */
export class FailedPreconditionError extends DocmeshError {}
export class UnauthenticatedError extends DocmeshError {}
export class PermissionDeniedError extends DocmeshError {}
/** A rate limit (with a retry hint) or a size limit (retrying will not help). */
export class ResourceExhaustedError extends DocmeshError {
  /** Seconds to wait, from `Retry-After`; undefined for a size refusal. */
  get retryAfterSeconds(): number | undefined {
    const value = this.metadata.get("retry-after") ?? this.metadata.get("x-ratelimit-reset");
    const seconds = value === null ? Number.NaN : Number(value);
    return Number.isFinite(seconds) ? seconds : undefined;
  }
  get rateLimited(): boolean {
    return this.retryAfterSeconds !== undefined;
  }
}
export class UnavailableError extends DocmeshError {}
export class DeadlineExceededError extends DocmeshError {}
export class InternalError extends DocmeshError {}

const RETRYABLE = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.Aborted,
  Code.Unknown,
  Code.Internal,
]);

const BY_CODE: Partial<Record<Code, typeof DocmeshError>> = {
  [Code.InvalidArgument]: InvalidArgumentError,
  [Code.NotFound]: NotFoundError,
  [Code.AlreadyExists]: AlreadyExistsError,
  [Code.FailedPrecondition]: FailedPreconditionError,
  [Code.Unauthenticated]: UnauthenticatedError,
  [Code.PermissionDenied]: PermissionDeniedError,
  [Code.ResourceExhausted]: ResourceExhaustedError,
  [Code.Unavailable]: UnavailableError,
  [Code.DeadlineExceeded]: DeadlineExceededError,
  [Code.Internal]: InternalError,
};

/** Converts anything thrown by a call into the matching DocmeshError (idempotent). */
export function toDocmeshError(error: unknown): DocmeshError {
  if (error instanceof DocmeshError) return error;
  const connect = ConnectError.from(error);
  const Type = BY_CODE[connect.code] ?? DocmeshError;
  const typed = new Type(
    connect.rawMessage,
    connect.code,
    connect.metadata,
    undefined,
    connect.cause ?? error,
  );
  typed.details = connect.details;
  return typed;
}
