"""The FastAPI application of `dal serve`: the read-only JSON API, the pages, the OpenAPI document and docs.

:func:`create_app` builds it over a :class:`~oracle.api.backend.Backend`. Every
route is read-only: any other verb is refused with 405 and a JSON body saying
that writes stay with the CLI and the library, where the signing keys are.
Every refusal and failure is a JSON error (:mod:`oracle.api.errors`) on the
API, and an HTML page with the same status and message on the pages; no
stack trace ever reaches a client. Every answered request is written to the
access log.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledger.store.api_access import AccessLogEntry
from ledger.store.types import utc_now
from oracle.api import pages
from oracle.api.backend import Backend
from oracle.api.errors import ApiError, error_body, from_exception
from oracle.api.routes import certificates, members, records

__all__ = ["READ_ONLY_MESSAGE", "create_app"]

log = logging.getLogger("dal.serve")

STATIC = Path(__file__).parent / "static"

READ_ONLY_MESSAGE = ("this service is read-only: writes stay with the CLI and the library (`dal ...`), where the "
                     "members' signing keys are")

#: The verbs that read; POST is accepted only by the pages' sign-in and sign-out forms.
_READING = {"GET", "HEAD"}
_FORMS = {"/signin", "/signout"}

#: The pages send no script and load nothing from elsewhere.
_PAGE_POLICY = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; " \
               "frame-ancestors 'none'; base-uri 'none'"
#: The interactive docs (Swagger UI, served from the package) need its script, and its inline start-up.
_DOCS_POLICY = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " \
               "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path == "/api" or path == "/openapi.json"


def _logged(path: str) -> bool:
    return not (path.startswith(("/static", "/docs")) or path in ("/openapi.json", "/favicon.ico"))


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = " ".join(str(item) for item in error.get("loc", ()) if item not in ("query", "path", "body"))
        kind = str(error.get("loc", ("parameter",))[0])
        parts.append(f"{kind} parameter {where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request parameters"


class _Guard:
    """Refuse writes (405, JSON); add the security headers; log every answered request. Plain ASGI, so that
    it costs next to nothing per request."""

    def __init__(self, app: ASGIApp, backend: Backend) -> None:
        self.app = app
        self.backend = backend

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        if method not in _READING and not (method == "POST" and path in _FORMS):
            # A program writing gets a JSON answer wherever it writes.
            refusal = JSONResponse(error_body("ReadOnly", READ_ONLY_MESSAGE), status_code=405,
                                   headers={"Allow": "GET, HEAD", **_headers(path)})
            await refusal(scope, receive, send)
            return
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = MutableHeaders(scope=message)
                for name, value in _headers(path).items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, sending)
        if 0 < status < 400 and _logged(path):
            state = scope.get("state") or {}
            caller = state.get("caller")
            self.backend.record_access(AccessLogEntry(
                time=utc_now(), member=getattr(caller, "member", None), key_id=getattr(caller, "key_id", None),
                method=method, endpoint=path[:200], certificate_id=state.get("certificate_id"), status=status,
            ))


def _headers(path: str) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": _DOCS_POLICY if path.startswith("/docs") else _PAGE_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    if _is_api(path):
        headers["Cache-Control"] = "no-store"
    return headers


def create_app(backend: Backend, *, start: bool = True) -> FastAPI:
    """The application over ``backend`` (``start``: reach the chain and start the background work when the
    server starts, and stop it when it stops)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if start:
            backend.start()
        try:
            yield
        finally:
            if start:
                backend.stop()

    app = FastAPI(
        title="Data-asset ledger",
        version=version("data-asset-ledger"),
        summary="Read-only answers about data-asset certificates, rights, licences and pledges.",
        description=(
            "Send your member's API key as `Authorization: Bearer <key>`. Without a key only the public notice "
            "of a certificate is visible. A bank sees verification answers and its own pledges, a merchant its "
            "own certificates and positions, an auditor everything. " + READ_ONLY_MESSAGE + "."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.backend = backend

    def failure(request: Request, error: ApiError) -> Response:
        if _is_api(request.url.path):
            return JSONResponse(error_body(error.code, error.message), status_code=error.status,
                                headers=error.headers)
        return pages.error_page(request, error)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return failure(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return failure(request, ApiError(422, "ValidationError", _validation_message(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return failure(request, ApiError(404, "NotFound", f"there is no {request.url.path}; see /docs for the "
                                             "API"))
        if exc.status_code == 405:
            return failure(request, ApiError(405, "ReadOnly", READ_ONLY_MESSAGE, {"Allow": "GET, HEAD"}))
        return failure(request, ApiError(exc.status_code, "HttpError", str(exc.detail)))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return failure(request, from_exception(exc, rpc_url=backend.rpc_url, database=backend.database))

    app.add_middleware(_Guard, backend=backend)
    app.include_router(certificates.router)
    app.include_router(members.router)
    app.include_router(records.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _mount_docs(app)
    return app


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI from the package's files (``swagger-ui-bundle``), so the docs work offline too."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="Data-asset ledger API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js", swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
        )

