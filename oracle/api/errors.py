"""How the API refuses or fails: one JSON document, ``{"error": {"code": ..., "message": ...}}``, never a trace.

The codes are stable, as under `dal --json` (:mod:`cli.errors`): the ledger's error kinds
(``ValidationError``, ``NotFoundError`` ...) and the API's own (``Unauthorized``, ``Forbidden``,
``ReadOnly``, ``Unavailable``, ``Timeout``). The status follows the kind:

- 401 no key, or a key the server does not know or that was revoked;
- 403 a key whose member may not see this;
- 404 no such certificate, member, record or page;
- 405 a write: writes stay with the CLI and the library, where the signing keys are;
- 422 a parameter the server refuses, with what is wrong and how to fix it;
- 503 the node or the database is down (with the reason), or the answer took longer than the timeout;
- 500 anything else, said in one line without the trace (the trace goes to the server's log).
"""

from __future__ import annotations

import errno
import logging
import socket
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ledger.errors import (
    ChainError,
    ConfigError,
    ContractRevertError,
    LedgerError,
    NodeUnavailableError,
    NotFoundError,
    StoreError,
    ValidationError,
)

__all__ = ["ApiError", "error_body", "from_exception"]

log = logging.getLogger("dal.serve")


class ApiError(Exception):
    """A refusal or failure to send back as it is: status, stable code, one-line message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = " ".join(message.split())
        self.headers = headers


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _connection_failure(exc: BaseException) -> str | None:
    """The reason, when ``exc`` (or what caused it) is a failure to reach a server."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = type(current).__name__
        module = type(current).__module__
        if module.startswith(("requests", "urllib3", "aiohttp")) and (
            "Connection" in name or "Timeout" in name or "Protocol" in name or "MaxRetry" in name
        ):
            return f"{name}"
        if isinstance(current, (ConnectionError, socket.timeout, TimeoutError)):
            return type(current).__name__
        if isinstance(current, OSError) and current.errno in (errno.ECONNREFUSED, errno.ECONNRESET,
                                                                errno.EHOSTUNREACH, errno.ENETUNREACH):
            return type(current).__name__
        current = current.__cause__ or current.__context__
    return None


def _node_down(rpc_url: str, failure: str) -> ApiError:
    return ApiError(503, "Unavailable", f"the node at {rpc_url} does not answer ({failure}); "
                                       "the server answers again as soon as it does")


def from_exception(exc: BaseException, *, rpc_url: str, database: str) -> ApiError:
    """The API's answer to an exception raised while answering a request."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, NotFoundError):
        return ApiError(404, "NotFoundError", str(exc))
    if isinstance(exc, ValidationError):
        return ApiError(422, "ValidationError", str(exc))
    if isinstance(exc, ContractRevertError):
        return ApiError(422, exc.name, str(exc))
    failure = _connection_failure(exc)
    if isinstance(exc, NodeUnavailableError):
        # The library's reading connection could not reach the node (its one-line error keeps what failed as its
        # context): said as the server says it of any connection failure.
        return _node_down(rpc_url, failure) if failure is not None else ApiError(503, "Unavailable", str(exc))
    if isinstance(exc, ChainError):
        return ApiError(503, "Unavailable", f"the node is unavailable: {exc}")
    if isinstance(exc, StoreError):
        return ApiError(503, "Unavailable", f"the database is unavailable: {exc}")
    if isinstance(exc, SQLAlchemyError):
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
        return ApiError(503, "Unavailable", f"the database at {database} is unavailable: {reason}")
    if isinstance(exc, ConfigError):
        return ApiError(503, "Unavailable", f"the server's configuration is unusable: {exc}")
    if isinstance(exc, LedgerError):
        return ApiError(422, type(exc).__name__, str(exc))
    if failure is not None:
        return _node_down(rpc_url, failure)
    log.error("unexpected error while answering a request", exc_info=exc)
    return ApiError(500, "UnexpectedError", f"unexpected {type(exc).__name__}; the server's log has the details")
