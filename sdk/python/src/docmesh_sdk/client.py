"""Docmesh: the service clients (generated) and the helpers bound to them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence

from pyqwest import SyncClient, SyncHTTPTransport

from docmesh.admin.v1.admin_service_connect import AdminServiceClientSync
from docmesh.document.v1 import document_pb2
from docmesh.ingestion.v1.ingestion_service_connect import IngestionServiceClientSync
from docmesh.metadata.v1 import metadata_service_pb2
from docmesh.metadata.v1.metadata_service_connect import MetadataServiceClientSync
from docmesh.progress.v1 import progress_service_pb2
from docmesh.progress.v1.progress_service_connect import ProgressServiceClientSync
from docmesh.review.v1.review_service_connect import ReviewServiceClientSync
from docmesh.search.v1 import search_service_pb2
from docmesh.search.v1.search_service_connect import SearchServiceClientSync

from .errors import DocmeshError
from .interceptors import TokenInterceptor, TokenSource, TypedErrorInterceptor
from .pages import list_all, search_all
from .upload import DEFAULT_LARGE_FILE_BYTES, UploadManyResult, UploadResult, upload_file, upload_many
from .watch import ProgressWatch

DEFAULT_URL = "http://127.0.0.1:8080"


class Docmesh:
    """One Docmesh server (or Envoy in front of it).

    >>> docmesh = Docmesh("http://127.0.0.1:8080", token=lambda: os.environ.get("DOCMESH_TOKEN"))

    The generated clients are attributes (`ingestion`, `metadata`, `search`, `progress`, `review`,
    `admin`) for every RPC; the methods below are the helpers. Every failure is a DocmeshError.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        token: TokenSource = None,
        timeout_ms: int | None = 60_000,
        large_file_bytes: int = DEFAULT_LARGE_FILE_BYTES,
    ) -> None:
        self.base_url = (base_url or os.environ.get("DOCMESH_URL") or DEFAULT_URL).rstrip("/")
        self.large_file_bytes = large_file_bytes
        interceptors = (TokenInterceptor(token), TypedErrorInterceptor())
        http = SyncClient(SyncHTTPTransport(tls_include_system_certs=True))
        common = {"interceptors": interceptors, "http_client": http, "timeout_ms": timeout_ms}
        self.ingestion = IngestionServiceClientSync(self.base_url, **common)
        self.metadata = MetadataServiceClientSync(self.base_url, **common)
        self.search = SearchServiceClientSync(self.base_url, **common)
        self.review = ReviewServiceClientSync(self.base_url, **common)
        self.admin = AdminServiceClientSync(self.base_url, **common)
        self._interceptors = interceptors

    def progress_client(self, idle_timeout_s: float) -> ProgressServiceClientSync:
        """A progress client whose streams fail when no message or heartbeat arrives for idle_timeout_s."""
        transport = SyncHTTPTransport(tls_include_system_certs=True, read_timeout=idle_timeout_s)
        return ProgressServiceClientSync(
            self.base_url, interceptors=self._interceptors, http_client=SyncClient(transport)
        )

    def upload_file(self, path: str | os.PathLike[str], **options) -> UploadResult:
        """One file: one call below large_file_bytes, the presigned path above. See upload.upload_file."""
        options.setdefault("large_file_bytes", self.large_file_bytes)
        return upload_file(self.ingestion, path, **options)

    def upload_many(self, inputs: Sequence[str | os.PathLike[str]], **options) -> UploadManyResult:
        """Files, folders (recursively) and glob patterns, a few at a time. See upload.upload_many."""
        options.setdefault("large_file_bytes", self.large_file_bytes)
        return upload_many(self.ingestion, inputs, **options)

    def watch(
        self,
        name: str,
        *,
        cursors: Iterable[progress_service_pb2.DocumentCursor] = (),
        max_reconnects: int = 10,
        idle_timeout_s: float = 30.0,
        initial_backoff_s: float = 0.2,
        on_reconnect: Callable[[DocmeshError, int], None] | None = None,
    ) -> ProgressWatch:
        """Follows `batches/{id}` or `documents/{id}` to the end, resuming from cursors after a disconnect."""
        return ProgressWatch(
            self.progress_client(idle_timeout_s),
            name,
            cursors=cursors,
            max_reconnects=max_reconnects,
            initial_backoff_s=initial_backoff_s,
            on_reconnect=on_reconnect,
        )

    def search_all(self, request: search_service_pb2.SearchDocumentsRequest) -> Iterator[search_service_pb2.SearchResult]:
        """Every result across pages (page_size sets the page, not the total)."""
        return search_all(self.search, request)

    def list_all(
        self, request: metadata_service_pb2.ListDocumentsRequest | None = None
    ) -> Iterator[document_pb2.Document]:
        """Every document matching the request's filter, across pages."""
        return list_all(self.metadata, request or metadata_service_pb2.ListDocumentsRequest())

    def get_document(self, name: str) -> document_pb2.Document:
        return self.metadata.get_document(metadata_service_pb2.GetDocumentRequest(name=name)).document
