"""Uploads: a small file in one UploadDocument call, a large one through the presigned path
(CreateUpload, PUT the bytes, CompleteUpload). Both report whether the tenant already had the bytes
(`duplicate`): the server answers with the existing document and stores nothing twice.
"""

from __future__ import annotations

import glob
import hashlib
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from connectrpc.code import Code

from docmesh.document.v1 import document_pb2
from docmesh.ingestion.v1 import ingestion_service_pb2 as ingestion
from docmesh.ingestion.v1.ingestion_service_connect import IngestionServiceClientSync

from .errors import DocmeshError, to_docmesh_error

DEFAULT_LARGE_FILE_BYTES = 16 * 1024 * 1024
"""Files from this size take the presigned path; the server's one-call limit defaults to 50 MiB."""

_CHUNK = 1024 * 1024

Progress = Callable[[int, int], None]


@dataclass
class UploadResult:
    path: str
    document: document_pb2.Document
    duplicate: bool
    """True when identical content already existed for this tenant; `document` is that one."""
    method: Literal["single", "presigned"]
    size_bytes: int


@dataclass
class UploadFailure:
    path: str
    error: DocmeshError


@dataclass
class UploadManyResult:
    batch: str
    """`batches/{id}` the files joined, or "" without one."""
    outcomes: list[UploadResult | UploadFailure]
    """One per file, in path order: one failure does not stop the others."""


def upload_file(
    ingestion_client: IngestionServiceClientSync,
    path: str | os.PathLike[str],
    *,
    batch: str = "",
    file_name: str | None = None,
    declared_media_type: str = "",
    correlation_id: str = "",
    large_file_bytes: int = DEFAULT_LARGE_FILE_BYTES,
    on_progress: Progress | None = None,
) -> UploadResult:
    path = os.fspath(path)
    size = os.path.getsize(path)
    common = {
        "file_name": file_name or os.path.basename(path),
        "batch": batch,
        "declared_media_type": declared_media_type,
        "correlation_id": correlation_id,
    }
    if on_progress:
        on_progress(0, size)
    if size < large_file_bytes:
        with open(path, "rb") as file:
            content = file.read()
        response = ingestion_client.upload_document(ingestion.UploadDocumentRequest(content=content, **common))
        if on_progress:
            on_progress(size, size)
        return UploadResult(path, response.document, response.duplicate, "single", size)

    created = ingestion_client.create_upload(
        ingestion.CreateUploadRequest(size_bytes=size, sha256=_sha256(path), **common)
    )
    if created.HasField("existing_document"):
        if on_progress:
            on_progress(size, size)
        return UploadResult(path, created.existing_document, True, "presigned", size)
    _put_file(created.upload_url, path, size, on_progress)
    completed = ingestion_client.complete_upload(ingestion.CompleteUploadRequest(name=created.name))
    return UploadResult(path, completed.document, completed.duplicate, "presigned", size)


def upload_many(
    ingestion_client: IngestionServiceClientSync,
    inputs: Sequence[str | os.PathLike[str]],
    *,
    batch: str = "",
    create_batch: str | None = None,
    concurrency: int = 4,
    on_file_done: Callable[[UploadResult | UploadFailure], None] | None = None,
    **options,
) -> UploadManyResult:
    """Uploads files, folders and globs, `concurrency` at a time, optionally into a new batch."""
    files = expand_inputs(inputs)
    if not batch and create_batch is not None:
        batch = ingestion_client.create_batch(ingestion.CreateBatchRequest(display_name=create_batch)).batch.name

    def one(path: str) -> UploadResult | UploadFailure:
        try:
            outcome: UploadResult | UploadFailure = upload_file(ingestion_client, path, batch=batch, **options)
        except Exception as error:  # noqa: BLE001 - reported per file
            outcome = UploadFailure(path, to_docmesh_error(error))
        if on_file_done:
            on_file_done(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(files) or 1))) as pool:
        outcomes = list(pool.map(one, files))
    return UploadManyResult(batch, outcomes)


def expand_inputs(inputs: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Files as given, folders walked recursively (hidden files skipped), glob patterns expanded; sorted."""
    files: set[str] = set()
    for given in map(os.fspath, inputs):
        if os.path.isfile(given):
            files.add(os.path.abspath(given))
        elif os.path.isdir(given):
            for root, dirs, names in os.walk(given):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                files.update(os.path.abspath(os.path.join(root, n)) for n in names if not n.startswith("."))
        elif glob.has_magic(given):
            files.update(os.path.abspath(p) for p in glob.glob(given, recursive=True) if os.path.isfile(p))
        else:
            raise DocmeshError(Code.INVALID_ARGUMENT, f"no such file or folder: {given}")
    return sorted(files)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _CountingReader:
    """The file as a PUT body, reporting each chunk as it goes out."""

    def __init__(self, file, size: int, on_progress: Progress | None) -> None:
        self._file, self._size, self._on_progress, self._sent = file, size, on_progress, 0

    def read(self, amount: int = _CHUNK) -> bytes:
        chunk = self._file.read(amount)
        self._sent += len(chunk)
        if self._on_progress and chunk:
            self._on_progress(self._sent, self._size)
        return chunk


def _put_file(url: str, path: str, size: int, on_progress: Progress | None) -> None:
    """PUTs the file with an exact Content-Length (S3 presigned URLs refuse chunked bodies)."""
    with open(path, "rb") as file:
        request = urllib.request.Request(
            url,
            data=_CountingReader(file, size, on_progress),
            method="PUT",
            headers={"Content-Length": str(size), "Content-Type": "application/octet-stream"},
        )
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                response.read()
        except urllib.error.HTTPError as error:
            body = error.read(500).decode("utf-8", "replace")
            raise DocmeshError(Code.UNKNOWN, f"PUT to the upload URL answered {error.code}: {body}") from error
        except urllib.error.URLError as error:
            raise DocmeshError(Code.UNAVAILABLE, f"PUT to the upload URL failed: {error.reason}") from error
