"""The Python SDK in one page: upload a folder into a batch (small files in one call, large ones
through the presigned path), watch the batch to its end, search, and read a document back.

    DOCMESH_URL=http://127.0.0.1:8080 [DOCMESH_TOKEN=...] python examples/quickstart.py <folder>

Prints one JSON line; test/integration/sdk/python-example.test.ts runs it against a live server.
"""

import json
import os
import sys

from docmesh.document.v1 import document_pb2
from docmesh.metadata.v1 import metadata_service_pb2 as metadata
from docmesh.search.v1 import search_service_pb2 as search
from docmesh_sdk import Docmesh, NotFoundError, UploadFailure


def main(folder: str) -> None:
    docmesh = Docmesh(
        os.environ.get("DOCMESH_URL", "http://127.0.0.1:8080"),
        token=lambda: os.environ.get("DOCMESH_TOKEN"),  # asked before every call
        large_file_bytes=int(os.environ.get("LARGE_FILE_BYTES") or 16 * 1024 * 1024),
    )

    # 1. Upload the folder into a new batch, one file at a time (so the first of two copies is the original).
    uploaded = docmesh.upload_many([folder], create_batch="quickstart", concurrency=1)
    batch, uploads = uploaded.batch, []
    for outcome in uploaded.outcomes:  # in path order; a failed file does not stop the others
        if isinstance(outcome, UploadFailure):
            raise outcome.error
        uploads.append({"name": outcome.document.name, "method": outcome.method, "duplicate": outcome.duplicate})

    # 2. Watch the batch until every document is terminal (reconnects resume from the cursors).
    final = {}
    for event in docmesh.watch(batch):
        if event.update and event.update.terminal:
            final[event.update.document] = document_pb2.DocumentStatus.Name(event.update.status)

    # 3. Search across pages, 2 results per page; then every document of the tenant, one per page.
    query = search.SearchDocumentsRequest(query="invoice", mode=search.SEARCH_MODE_KEYWORD, page_size=2)
    hits = sorted(hit.document.name for hit in docmesh.search_all(query))
    listed = [document.name for document in docmesh.list_all(metadata.ListDocumentsRequest(page_size=1))]

    # 4. Read one document back; a missing one is a typed error.
    document = docmesh.get_document(uploads[0]["name"])
    try:
        docmesh.get_document("documents/00000000-0000-4000-8000-000000000000")
        missing = ""
    except NotFoundError as error:
        missing = type(error).__name__

    print(
        json.dumps(
            {
                "batch": batch,
                "uploads": uploads,
                "final": final,
                "hits": hits,
                "listed": listed,
                "got": {
                    "name": document.name,
                    "status": document_pb2.DocumentStatus.Name(document.status),
                    "fileName": document.file_name,
                },
                "missing": missing,
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: quickstart.py <folder>")
    main(sys.argv[1])
