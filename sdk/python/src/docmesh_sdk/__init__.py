"""The Docmesh Python SDK: generated Connect clients (packages `docmesh.*.v1`) plus thin helpers.

    from docmesh_sdk import Docmesh, NotFoundError
    docmesh = Docmesh("http://127.0.0.1:8080", token=lambda: os.environ.get("DOCMESH_TOKEN"))

Usage in docs/sdk.md (Python).
"""

from .client import DEFAULT_URL, Docmesh
from .errors import (
    AlreadyExistsError,
    DeadlineExceededError,
    DocmeshError,
    FailedPreconditionError,
    InternalError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    ResourceExhaustedError,
    UnauthenticatedError,
    UnavailableError,
    to_docmesh_error,
)
from .upload import DEFAULT_LARGE_FILE_BYTES, UploadFailure, UploadManyResult, UploadResult, expand_inputs
from .watch import ProgressWatch, WatchEvent

__all__ = [
    "DEFAULT_LARGE_FILE_BYTES",
    "DEFAULT_URL",
    "AlreadyExistsError",
    "DeadlineExceededError",
    "Docmesh",
    "DocmeshError",
    "FailedPreconditionError",
    "InternalError",
    "InvalidArgumentError",
    "NotFoundError",
    "PermissionDeniedError",
    "ProgressWatch",
    "ResourceExhaustedError",
    "UnauthenticatedError",
    "UnavailableError",
    "UploadFailure",
    "UploadManyResult",
    "UploadResult",
    "WatchEvent",
    "expand_inputs",
    "to_docmesh_error",
]
