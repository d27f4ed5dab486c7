"""Interceptors every client gets: the bearer token, and typed errors for every call and stream."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from connectrpc.errors import ConnectError
from connectrpc.request import RequestContext

from .errors import to_docmesh_error

TokenSource = str | Callable[[], str | None] | None
"""A token, or a function asked before every call (so refreshed tokens are picked up)."""


class TokenInterceptor:
    """Sends `Authorization: Bearer <token>`, untouched: what it may do is the server's business."""

    def __init__(self, token: TokenSource) -> None:
        self._token = token

    def on_start_sync(self, ctx: RequestContext, /) -> None:
        token = self._token() if callable(self._token) else self._token
        if token:
            ctx.request_headers["authorization"] = f"Bearer {token}"

    def on_end_sync(self, token: None, ctx: RequestContext, error: Exception | None, /) -> None:
        return


class TypedErrorInterceptor:
    """Raises DocmeshError subclasses instead of bare ConnectErrors, mid-stream too."""

    def intercept_unary_sync(self, call_next: Callable[..., Any], request: Any, ctx: RequestContext, /) -> Any:
        try:
            return call_next(request, ctx)
        except ConnectError as error:
            _reraise_typed(error)

    def intercept_server_stream_sync(
        self, call_next: Callable[..., Iterator[Any]], request: Any, ctx: RequestContext, /
    ) -> Iterator[Any]:
        try:
            yield from call_next(request, ctx)
        except ConnectError as error:
            _reraise_typed(error)


def _reraise_typed(error: ConnectError) -> None:
    typed = to_docmesh_error(error)
    if typed is error:
        raise error
    raise typed from error
