"""Typed errors: every failed call raises a DocmeshError subclass chosen by its Connect code.

They extend connectrpc's ConnectError, so code that already catches ConnectError keeps working.
"""

from __future__ import annotations

from connectrpc.code import Code
from connectrpc.errors import ConnectError

from buf.validate import validate_pb2


class DocmeshError(ConnectError):
    """A failed Docmesh call (or a failed step of a helper, with code UNKNOWN)."""

    @property
    def retryable(self) -> bool:
        """True when the same call may succeed later (network trouble, overload, a restarting server)."""
        return self.code in _RETRYABLE


class InvalidArgumentError(DocmeshError):
    """Bad input; `violations` names each field that failed the contract's validation rules."""

    @property
    def violations(self) -> list[validate_pb2.Violation]:
        found: list[validate_pb2.Violation] = []
        for detail in self.details:
            if detail.type_name == validate_pb2.Violations.DESCRIPTOR.full_name:
                found.extend(validate_pb2.Violations.FromString(detail.message_bytes).violations)
        return found


class NotFoundError(DocmeshError):
    pass


class AlreadyExistsError(DocmeshError):
    pass


class FailedPreconditionError(DocmeshError):
    """A stale etag, a contested review claim, or an upload whose size or hash did not match."""


class UnauthenticatedError(DocmeshError):
    pass


class PermissionDeniedError(DocmeshError):
    pass


class ResourceExhaustedError(DocmeshError):
    """A rate limit or a size limit."""


class UnavailableError(DocmeshError):
    pass


class DeadlineExceededError(DocmeshError):
    pass


class InternalError(DocmeshError):
    pass


_RETRYABLE = {Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED, Code.ABORTED, Code.UNKNOWN, Code.INTERNAL}

_BY_CODE: dict[Code, type[DocmeshError]] = {
    Code.INVALID_ARGUMENT: InvalidArgumentError,
    Code.NOT_FOUND: NotFoundError,
    Code.ALREADY_EXISTS: AlreadyExistsError,
    Code.FAILED_PRECONDITION: FailedPreconditionError,
    Code.UNAUTHENTICATED: UnauthenticatedError,
    Code.PERMISSION_DENIED: PermissionDeniedError,
    Code.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    Code.UNAVAILABLE: UnavailableError,
    Code.DEADLINE_EXCEEDED: DeadlineExceededError,
    Code.INTERNAL: InternalError,
}


def to_docmesh_error(error: BaseException) -> DocmeshError:
    """The matching DocmeshError for anything a call raised (idempotent)."""
    if isinstance(error, DocmeshError):
        return error
    if isinstance(error, ConnectError):
        typed = _BY_CODE.get(error.code, DocmeshError)(error.code, error.message, error.details)
    else:
        typed = DocmeshError(Code.UNKNOWN, f"{type(error).__name__}: {error}")
    typed.__cause__ = error
    return typed
