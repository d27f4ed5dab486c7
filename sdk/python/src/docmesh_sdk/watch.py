"""Resumable progress watches.

The server sends each update once per stream, in sequence order, with heartbeats while idle. A watch
here remembers the last sequence seen per document; when the stream breaks (network, restart, no
message or heartbeat for the idle timeout) it reopens with those cursors, so the caller sees every
update exactly once and in order, across any number of reconnects.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from docmesh.progress.v1 import progress_service_pb2 as progress
from docmesh.progress.v1.progress_service_connect import ProgressServiceClientSync

from .errors import DocmeshError, to_docmesh_error


@dataclass
class WatchEvent:
    """Exactly one of `update` and `summary` is set (summaries come only from batch watches)."""

    update: progress.ProgressUpdate | None = None
    summary: progress.BatchSummary | None = None


class ProgressWatch:
    """Iterate it to follow `batches/{id}` or `documents/{id}` to the end."""

    def __init__(
        self,
        client: ProgressServiceClientSync,
        name: str,
        *,
        cursors: Iterable[progress.DocumentCursor] = (),
        max_reconnects: int = 10,
        initial_backoff_s: float = 0.2,
        on_reconnect: Callable[[DocmeshError, int], None] | None = None,
    ) -> None:
        self.name = name
        self.reconnects = 0
        """Streams reopened so far."""
        self._client = client
        self._positions = {cursor.document: cursor.after_sequence for cursor in cursors}
        self._max_reconnects = max_reconnects
        self._initial_backoff_s = initial_backoff_s
        self._on_reconnect = on_reconnect

    def cursors(self) -> list[progress.DocumentCursor]:
        """Where the watch stands: pass these as `cursors` to resume later, even from another process."""
        return [progress.DocumentCursor(document=d, after_sequence=s) for d, s in self._positions.items()]

    def __iter__(self) -> Iterator[WatchEvent]:
        failures = 0
        while True:
            try:
                for message in self._open():
                    failures = 0
                    kind = message.WhichOneof("message")
                    if kind == "update":
                        update = message.update
                        # After a reopen the server resends from the cursor; anything at or below it was seen.
                        if update.sequence <= self._positions.get(update.document, 0):
                            continue
                        self._positions[update.document] = update.sequence
                        yield WatchEvent(update=update)
                    elif kind == "summary":
                        yield WatchEvent(summary=message.summary)
                return
            except Exception as thrown:  # noqa: BLE001 - classified below
                error = to_docmesh_error(thrown)
                failures += 1
                if not error.retryable or failures > self._max_reconnects:
                    raise error from thrown
                self.reconnects += 1
                if self._on_reconnect:
                    self._on_reconnect(error, failures)
                time.sleep(min(5.0, self._initial_backoff_s * 2 ** (failures - 1)))

    def _open(self) -> Iterator[progress.WatchBatchResponse | progress.WatchDocumentResponse]:
        if self.name.startswith("batches/"):
            return self._client.watch_batch(progress.WatchBatchRequest(name=self.name, cursors=self.cursors()))
        after = self._positions.get(self.name, 0)
        return self._client.watch_document(progress.WatchDocumentRequest(name=self.name, after_sequence=after))
