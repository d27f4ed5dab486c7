"""Page iterators: follow next_page_token so callers loop over results, not pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from docmesh.document.v1 import document_pb2
from docmesh.metadata.v1 import metadata_service_pb2 as metadata
from docmesh.metadata.v1.metadata_service_connect import MetadataServiceClientSync
from docmesh.search.v1 import search_service_pb2 as search
from docmesh.search.v1.search_service_connect import SearchServiceClientSync


def search_all(client: SearchServiceClientSync, request: search.SearchDocumentsRequest) -> Iterator[search.SearchResult]:
    """Every search result across pages; stop early by breaking out of the loop."""
    return _follow(client.search_documents, request, "results")


def list_all(client: MetadataServiceClientSync, request: metadata.ListDocumentsRequest) -> Iterator[document_pb2.Document]:
    """Every document matching the filter, newest first, across pages."""
    return _follow(client.list_documents, request, "documents")


def _follow(call: Callable[[Any], Any], request: Any, items: str) -> Iterator[Any]:
    """Calls page after page (on a copy of the request, so the caller's stays as it was)."""
    page_request = type(request)()
    page_request.CopyFrom(request)
    while True:
        page = call(page_request)
        yield from getattr(page, items)
        if not page.next_page_token:
            return
        page_request.page_token = page.next_page_token
