"""How every request is handled: who asks, the work off the event loop with a timeout, what the log records.

A route does its work in :func:`answer`: the caller is resolved and the work
runs in a worker thread (the ledger's calls block), bounded by the server's
request timeout; past it the client gets 503 ``Timeout`` and the thread's
result is dropped. What the route sets on ``request.state`` (the member, the
certificate) goes into the access log once the answer is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from fastapi import Request

from ledger.certificates import resolve
from oracle.api.auth import caller_of, secret_of
from oracle.api.backend import Backend, Caller
from oracle.api.errors import ApiError, from_exception

__all__ = ["answer", "backend_of", "certificate_id_of", "note", "page_bounds"]

T = TypeVar("T")


def backend_of(request: Request) -> Backend:
    backend: Backend = request.app.state.backend
    return backend


def certificate_id_of(request: Request, ref: str) -> int:
    """The certificate named in the path (id, REGISTRAR:NUMBER or number), noted for the access log."""
    certificate_id = resolve(backend_of(request).ledger, ref)
    request.state.certificate_id = certificate_id
    return certificate_id


def page_bounds(request: Request, offset: int, limit: int) -> tuple[int, int]:
    """``offset`` and ``limit`` checked against the server's largest page."""
    largest = backend_of(request).settings.max_page
    if offset < 0:
        raise ApiError(422, "ValidationError", f"offset must be 0 or more, got {offset}")
    if not 1 <= limit <= largest:
        raise ApiError(422, "ValidationError", f"limit must be between 1 and {largest}, got {limit}")
    return offset, limit


async def answer(request: Request, work: Callable[[Caller], T]) -> T:
    """Resolve the caller, then run ``work(caller)`` in a worker thread within the request timeout."""
    backend = backend_of(request)
    secret = secret_of(request.headers, request.cookies)

    def run() -> T:
        try:
            caller = caller_of(backend, secret)
            request.state.caller = caller
            return work(caller)
        except ApiError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure becomes a JSON error, never a trace
            raise from_exception(exc, rpc_url=backend.rpc_url, database=backend.database) from None

    timeout = backend.settings.request_timeout
    try:
        with anyio.fail_after(timeout):
            return await anyio.to_thread.run_sync(run, abandon_on_cancel=True)
    except TimeoutError:
        raise ApiError(503, "Timeout", f"no answer within {timeout:g} s (the node or the database is slow); "
                       "try again") from None


def note(request: Request, **values: Any) -> None:
    """Values for the access log (``certificate_id``)."""
    for key, value in values.items():
        setattr(request.state, key, value)
