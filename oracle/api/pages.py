"""The web pages of `dal serve`: server-rendered HTML (Jinja2), no script, nothing loaded from elsewhere.

- ``/``: a search box, and the certificates found (their public notice);
- ``/certificates/{ref}``: a certificate's facts; for those who may see them, the holders of each right as
  a chart, the licences, the pledges in rank order and the timeline;
- ``/certificates/{ref}/verification``: the bank's verdict in one line, the answer, and the evidence to
  download (banks and auditors);
- ``/certificates/{ref}/report``: the audit report of `dal audit report`, rendered in place;
- ``/signin``: a member pastes its API key once; the browser keeps it in an HTTP-only cookie.

The pages answer with the same rights as the API (:mod:`oracle.api.auth`) and through the same library
calls; a refusal is a page with the status and the message.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, quote

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ledger import audit, certificates
from ledger.chain.clock import format_time
from ledger.licences import read_licences
from ledger.parties import party_label
from ledger.pledges import read_pledges
from ledger.reader import ChainReader
from ledger.report import build_report, render_report
from ledger.rights import read_rights
from ledger.types import CertificateStatus, Role
from oracle.api.auth import COOKIE, caller_of
from oracle.api.backend import Backend, Caller
from oracle.api.errors import ApiError, from_exception
from oracle.api.handling import answer, backend_of, certificate_id_of
from oracle.api.routes.certificates import facts_document, sees_everything_of, verification_of
from oracle.queries import search_certificates

__all__ = ["error_page", "holders_chart", "router"]

TEMPLATES = Path(__file__).parent / "templates"
router = APIRouter(include_in_schema=False)

_environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                           trim_blocks=True, lstrip_blocks=True)
#: Colours of the holders in a chart, in order (readable on white, distinct for colour-blind readers).
_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")
#: The most certificates a search page lists.
_SEARCH_PAGE = 50


def _page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    caller: Caller | None = getattr(request.state, "caller", None)
    html = _environment.get_template(template).render(caller=caller, **values)
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, error: ApiError) -> Response:
    """A refusal or failure as a page, with its status."""
    return _page(request, "error.html.j2", status=error.status, error=error)


def holders_chart(right: str, holders: list[dict[str, Any]]) -> str:
    """One right's holders as an inline SVG bar (100% wide), one coloured part per holder, labelled."""
    width, bar, legend_row = 640, 28, 20
    height = bar + 12 + legend_row * len(holders)
    parts = [(f'<svg class="holders-chart" data-right="{right}" xmlns="http://www.w3.org/2000/svg" '
              f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
              f'aria-label="holders of the {right} right">')]
    x = 0.0
    for index, holder in enumerate(holders):
        colour = _COLOURS[index % len(_COLOURS)]
        part = width * holder["shares"] / 10_000
        label = _environment.filters["e"](holder["label"])
        parts.append(f'<rect class="share" data-holder="{label}" data-shares="{holder["shares"]}" '
                     f'x="{x:.1f}" y="0" width="{part:.1f}" height="{bar}" fill="{colour}">'
                     f'<title>{label}: {holder["percent"]}</title></rect>')
        y = bar + 12 + legend_row * index
        parts.append(f'<rect x="0" y="{y}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="18" y="{y + 11}" font-size="13">{label}: {holder["percent"]} '
                     f'(pledged {holder["pledged"] / 100:g}%)</text>')
        x += part
    if not holders:
        parts.append(f'<text x="0" y="{bar - 8}" font-size="13">no holder</text>')
    parts.append("</svg>")
    return "".join(parts)


@router.get("/", response_class=HTMLResponse)
async def search_page(
    request: Request,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[str | None, Query(max_length=30)] = None,
) -> Response:
    def work(caller: Caller) -> dict[str, Any]:
        backend = backend_of(request)
        wanted = None
        if status:
            key = status.strip().upper().replace(" ", "_").replace("-", "_")
            if key not in CertificateStatus.__members__ or key == "NONE":
                raise ApiError(422, "ValidationError", f"unknown status {status!r}")
            wanted = CertificateStatus[key].name.lower()  # as the read model keeps it
        found = None
        if q is not None or wanted is not None:
            text = (q or "").strip()
            if text.isdigit() and wanted is None:
                return {"redirect": f"/certificates/{int(text)}"}  # a certificate id: its page
            found = search_certificates(backend.engine, number=text or None, status=wanted, limit=_SEARCH_PAGE)
        names = backend.names()
        return {"found": found, "names": names}

    values = await answer(request, work)
    if "redirect" in values:
        return RedirectResponse(values["redirect"], status_code=303)
    statuses = [s.label for s in CertificateStatus if s is not CertificateStatus.NONE]
    return _page(request, "search.html.j2", q=q or "", chosen=status or "", statuses=statuses, **values)


def _certificate_page(backend: Backend, caller: Caller, certificate_id: int) -> dict[str, Any]:
    ledger = backend.ledger
    view = certificates.show(ledger, str(certificate_id))
    names = backend.names()
    reader = ChainReader(ledger)
    facts = facts_document(view, now=reader.block_time, full=sees_everything_of(caller, view), names=names)
    page: dict[str, Any] = {"facts": facts, "full": facts["view"] == "full", "block": reader.block_number,
                            "label": lambda address: party_label(address, names)}
    if not page["full"]:
        return page
    rights = read_rights(reader, certificate_id, names)
    page["charts"] = [
        {"right": item.right.label, "svg": holders_chart(item.right.label, [
            {"label": party_label(holding.owner, names), "shares": holding.shares, "percent": holding.percent,
             "pledged": holding.pledged}
            for holding in item.holdings
        ])}
        for item in rights.rights
    ]
    page["licences"] = [licence.row(names) for licence in read_licences(reader, certificate_id)]
    pledges = read_pledges(reader, certificate_id)
    active = sorted((p for p in pledges if p.status == "active"), key=lambda p: (int(p.right), p.rank or 0))
    page["pledges"] = [p.row(names) for p in active]
    page["ended_pledges"] = [p.row(names) for p in pledges if p.status != "active"]
    page["timeline"] = audit.trace(ledger, str(certificate_id)).events
    page["may_verify"] = caller.auditor or caller.has(Role.BANK)
    page["may_report"] = caller.auditor or caller.member in (view.holder, view.registrar)
    return page


@router.get("/certificates/{ref}", response_class=HTMLResponse)
async def certificate_page(request: Request, ref: str) -> Response:
    def work(caller: Caller) -> dict[str, Any]:
        return _certificate_page(backend_of(request), caller, certificate_id_of(request, ref))

    return _page(request, "certificate.html.j2", **await answer(request, work))


@router.get("/certificates/{ref}/verification", response_class=HTMLResponse)
async def verification_page(request: Request, ref: str,
                            for_bank: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    def work(caller: Caller) -> dict[str, Any]:
        backend = backend_of(request)
        cached = verification_of(backend, caller, ref, for_bank=for_bank, block=None, proof=False)
        certificate_id, found = cached.certificate_id, cached.found
        request.state.certificate_id = certificate_id
        summary = found.summary()
        verdict = "Lendable" if found.lendable else "Not lendable: " + "; ".join(summary["reasons"])
        evidence = f"/api/certificates/{certificate_id}/evidence?block={found.block_number}"
        if for_bank:
            evidence += f"&for_bank={quote(for_bank)}"
        return {"summary": summary, "verdict": verdict, "lendable": found.lendable, "evidence": evidence}

    return _page(request, "verification.html.j2", **await answer(request, work))


@router.get("/certificates/{ref}/report", response_class=HTMLResponse)
async def report_page(request: Request, ref: str) -> Response:
    def work(caller: Caller) -> str:
        backend = backend_of(request)
        certificate_id = certificate_id_of(request, ref)
        view = certificates.show(backend.ledger, str(certificate_id))
        if caller.public:
            raise ApiError(401, "Unauthorized", "the audit report needs a member's key: sign in first")
        if not (caller.auditor or caller.member in (view.holder, view.registrar)):
            raise ApiError(403, "Forbidden", "the audit report of a certificate is for an auditor, its holder "
                           "and its registrar")
        return render_report(build_report(backend.ledger, ref=str(certificate_id)))

    # The report is a whole page of its own, with its own policy (inline styles, no script).
    return HTMLResponse(await answer(request, work))


@router.get("/signin", response_class=HTMLResponse)
async def signin_form(request: Request) -> Response:
    return _page(request, "signin.html.j2", problem=None)


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request) -> Response:
    body = (await request.body())[:4096].decode("utf-8", "replace")
    secret = (parse_qs(body).get("key") or [""])[0].strip()
    backend = backend_of(request)
    try:
        caller = await anyio.to_thread.run_sync(caller_of, backend, secret or None)
    except ApiError as exc:
        return _page(request, "signin.html.j2", status=exc.status, problem=exc.message)
    except Exception as exc:  # noqa: BLE001 - the database or the node is down: said on the page
        error = from_exception(exc, rpc_url=backend.rpc_url, database=backend.database)
        return _page(request, "signin.html.j2", status=error.status, problem=error.message)
    if caller.public:
        return _page(request, "signin.html.j2", status=422, problem="paste your API key")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, secret, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        max_age=8 * 3600)
    return response


@router.post("/signout")
async def signout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def _time(value: dt.datetime | int | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, int):
        return format_time(value).replace("T", " ").replace("Z", " UTC")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value).replace("T", " ").replace("Z", " UTC")


_environment.filters["when"] = _time
