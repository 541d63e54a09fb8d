"""Certificates: search, facts, the bank's verification answer (and its evidence), the trace."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ledger import audit, certificates
from ledger.certificates import CertificateView, resolve
from ledger.evidence import evidence_document
from ledger.inputs import parse_chain_moment, resolve_party
from ledger.jsonable import to_jsonable
from ledger.types import CertificateStatus, Role
from ledger.verify import Verification, verify_certificate
from oracle.api.auth import PUBLIC_FACTS, require_member
from oracle.api.backend import Backend, Caller
from oracle.api.errors import ApiError
from oracle.api.handling import answer, backend_of, certificate_id_of, note, page_bounds
from oracle.queries import search_certificates

__all__ = ["CachedAnswer", "facts_document", "router", "sees_everything_of", "verification_of"]

router = APIRouter(prefix="/api/certificates", tags=["certificates"])

BlockQuery = Annotated[str | None, Query(description="Answer as of this block: a number, or a 0x block hash you "
                                         "trust (default: the latest).", max_length=66)]
ForBankQuery = Annotated[str | None, Query(description="The bank asking (an account name or 0x address): what it "
                                           "could still take as security. A bank may only ask for itself.",
                                           max_length=64)]


def _time(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def facts_document(view: CertificateView, *, now: int, full: bool, names: dict[str, str]) -> dict[str, Any]:
    """A certificate's facts: the public notice, and for those who may see it, the rest."""
    window_open = (view.status == CertificateStatus.UNDER_NOTICE.label and view.notice_deadline is not None
                   and view.notice_deadline.timestamp() > now)
    facts: dict[str, Any] = {
        "certificate": view.certificate_id,
        "number": view.number,
        "registrar": view.registrar,
        "registrar_name": names.get(view.registrar),
        "status": view.status,
        "catalog_hash": view.catalog_hash,
        "notice_deadline": _time(view.notice_deadline),
        "expiry": _time(view.expiry),
        "objection_window_open": window_open,
        "in_force": view.in_force,
        "holder": view.holder,
        "holder_name": names.get(view.holder),
        "catalog_version": view.version,
        "name": view.name,
        "catalog_stored": view.catalog_stored,
        "pending_request": view.pending_request,
        "requested_hash": view.requested_hash,
        "requested_expiry": _time(view.requested_expiry),
    }
    if full:
        return {**facts, "view": "full"}
    return {**{key: facts[key] for key in PUBLIC_FACTS}, "view": "public"}


def sees_everything_of(caller: Caller, view: CertificateView) -> bool:
    """Whether ``caller`` sees all of a certificate's facts: an auditor, a bank, its registrar, its holder."""
    return (caller.auditor or caller.has(Role.BANK)
            or caller.member is not None and caller.member in (view.holder, view.registrar))


def _chain_now(backend: Backend) -> int:
    return int(backend.ledger.w3.eth.get_block("latest")["timestamp"])


@router.get("", summary="Search certificates by number, holder and status (paged)")
async def search(
    request: Request,
    number: Annotated[str | None, Query(max_length=100, description="Part of the certificate number.")] = None,
    holder: Annotated[str | None, Query(max_length=64, description="The holder of record (name or 0x "
                                        "address): yourself, or anyone for an auditor.")] = None,
    status: Annotated[str | None, Query(max_length=30, description="A status: " + ", ".join(
        s.label for s in CertificateStatus if s is not CertificateStatus.NONE))] = None,
    offset: Annotated[int, Query(description="Rows to skip.")] = 0,
    limit: Annotated[int, Query(description="Rows on this page (at most the server's largest page).")] = 50,
) -> dict[str, Any]:
    offset, limit = page_bounds(request, offset, limit)
    wanted_status: str | None = None
    if status is not None:
        key = status.strip().upper().replace(" ", "_").replace("-", "_")
        try:
            wanted_status = CertificateStatus[key].name.lower()  # as the read model keeps it
        except KeyError:
            known = ", ".join(s.label for s in CertificateStatus if s is not CertificateStatus.NONE)
            raise ApiError(422, "ValidationError", f"unknown status {status!r}; use one of {known}") from None

    def work(caller: Caller) -> dict[str, Any]:
        backend = backend_of(request)
        holder_address = resolve_party(backend.ledger, holder, what="holder") if holder else None
        if holder_address is not None and not caller.auditor and holder_address != caller.member:
            require_member(caller, what="searching by holder")
            raise ApiError(403, "Forbidden", "only an auditor may search another member's certificates; "
                           "search by your own name, or by number")
        page = search_certificates(backend.engine, number=number, holder=holder_address, status=wanted_status,
                                   offset=offset, limit=limit)
        names = backend.names()
        now = _chain_now(backend)
        rows = []
        for row in page.rows:
            deadline = dt.datetime.fromtimestamp(row.notice_deadline, dt.UTC) if row.notice_deadline else None
            expiry = dt.datetime.fromtimestamp(row.expiry, dt.UTC) if row.expiry else None
            item = {
                "certificate": int(row.certificate_id), "number": row.number, "registrar": row.registrar,
                "registrar_name": names.get(row.registrar), "status": CertificateStatus[row.status.upper()].label,
                "catalog_hash": row.catalog_hash,
                "notice_deadline": _time(deadline), "expiry": _time(expiry),
                "objection_window_open": row.status == CertificateStatus.UNDER_NOTICE.name.lower()
                and row.notice_deadline > now,
            }
            if caller.auditor or caller.member in (row.holder, row.registrar):
                item["holder"] = row.holder
                item["holder_name"] = names.get(row.holder)
            rows.append(item)
        return {"certificates": rows, "total": page.total, "offset": offset, "limit": limit,
                "read_model_block": page.block}

    return await answer(request, work)


@router.get("/{ref}", summary="One certificate's facts (the public notice without a key)")
async def show(request: Request, ref: str) -> dict[str, Any]:
    def work(caller: Caller) -> dict[str, Any]:
        backend = backend_of(request)
        view = certificates.show(backend.ledger, str(certificate_id_of(request, ref)))
        return facts_document(view, now=_chain_now(backend), full=sees_everything_of(caller, view),
                              names=backend.names())

    return await answer(request, work)


def _pinned(block: str | None) -> int | str | None:
    if block is None:
        return None
    text = block.strip()
    if text.isdigit():
        return int(text)
    if text.lower().startswith("0x"):
        return text
    raise ApiError(422, "ValidationError", f"block must be a block number or a 0x block hash, got {block!r}")


class CachedAnswer:
    """A verification answer kept for its block: the library's answer, and its JSON once asked for."""

    def __init__(self, certificate_id: int, found: Verification) -> None:
        self.certificate_id = certificate_id
        self.found = found
        self._body: bytes | None = None

    def body(self) -> bytes:
        """The answer's summary as JSON (what `dal verify --json` prints), made once."""
        if self._body is None:
            self._body = json.dumps(self.found.summary(), ensure_ascii=False).encode("utf-8")
        return self._body


def verification_of(backend: Backend, caller: Caller, ref: str, *, for_bank: str | None, block: str | None,
                    proof: bool) -> CachedAnswer:
    """The library's answer to "can I lend against it?", for a bank asking for itself or an auditor.

    The latest block is named by its hash, and answers of a block hash are kept for a while under
    (certificate, bank, block hash): while the chain's head is that block, the same answer is served again,
    made once however many ask at the same time (see :mod:`oracle.api.backend`). Answers pinned to a block
    number are read each time.
    """
    require_member(caller, Role.BANK, Role.AUDITOR, what="a verification answer")
    ledger = backend.ledger
    if not caller.auditor:
        if for_bank is not None and resolve_party(ledger, for_bank, what="bank") != caller.member:
            raise ApiError(403, "Forbidden", "a bank may ask only for itself: leave for_bank out, or give your own "
                           "name")
        asker: str | None = caller.member
    else:
        asker = for_bank
    pinned = _pinned(block)
    if pinned is None:
        pinned = backend.head()[0]  # the answer is read at exactly the block it is kept under

    def make() -> CachedAnswer:
        certificate_id = resolve(ledger, ref)
        bank = resolve_party(ledger, asker, what="bank") if asker is not None else None
        return CachedAnswer(certificate_id, verify_certificate(ledger, certificate_id, block=pinned, proof=proof,
                                                               bank=bank))

    if isinstance(pinned, int):
        return make()
    cached: CachedAnswer = backend.verifications.get_or_make((ref.strip(), asker, pinned.lower(), proof), make)
    return cached


@router.get("/{ref}/verification", summary="Can I lend against it? The verification answer (banks, auditors)")
async def verification(request: Request, ref: str, for_bank: ForBankQuery = None,
                       block: BlockQuery = None) -> Response:
    def work(caller: Caller) -> bytes:
        found = verification_of(backend_of(request), caller, ref, for_bank=for_bank, block=block, proof=False)
        note(request, certificate_id=found.certificate_id)
        return found.body()

    return Response(await answer(request, work), media_type="application/json")


@router.get("/{ref}/evidence", summary="The verification answer as evidence that `dal verify --check` re-checks "
            "offline (banks, auditors)")
async def evidence(request: Request, ref: str, for_bank: ForBankQuery = None,
                   block: BlockQuery = None) -> Response:
    def work(caller: Caller) -> tuple[int, dict[str, Any]]:
        backend = backend_of(request)
        found = verification_of(backend, caller, ref, for_bank=for_bank, block=block, proof=True)
        note(request, certificate_id=found.certificate_id)
        return found.certificate_id, evidence_document(found.found, backend.ledger.profile.chain_id)

    certificate_id, document = await answer(request, work)
    block = document["answer"]["block"]["number"]
    # The same form as `dal verify --save` writes.
    body = json.dumps(document, indent=1, sort_keys=False) + "\n"
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="evidence-certificate-{certificate_id}-block-{block}.json"'})


@router.get("/{ref}/trace", summary="The certificate's events; with `at`, the holders then; with `member`, one "
            "member's part")
async def trace(
    request: Request,
    ref: str,
    at: Annotated[str | None, Query(max_length=40, description="Who held each right at that time (a date means "
                                    "the end of that day, UTC; or an ISO date and time).")] = None,
    member: Annotated[str | None, Query(max_length=64, description="Only this member's part (yours, unless you "
                                        "are an auditor).")] = None,
) -> Any:
    def work(caller: Caller) -> Any:
        backend = backend_of(request)
        ledger = backend.ledger
        require_member(caller, what="a certificate's trace")
        certificate_id = certificate_id_of(request, ref)
        who: str | None = resolve_party(ledger, member, what="member") if member is not None else None
        if not caller.auditor:
            if who is not None and who != caller.member:
                raise ApiError(403, "Forbidden", "only an auditor may trace another member's part; leave member "
                               "out for your own")
            who = caller.member
        if at is not None:
            if who is not None and not caller.auditor:
                raise ApiError(403, "Forbidden", "the holders at a time are for an auditor; trace your own part "
                               "without at")
            if who is not None:
                raise ApiError(422, "ValidationError", "at goes with the certificate alone, not with member")
            return to_jsonable(audit.holdings_at(ledger, str(certificate_id),
                                                 parse_chain_moment(ledger, at, what="at")))
        if who is not None:
            return to_jsonable(audit.member_trace(ledger, who, str(certificate_id)))
        return to_jsonable(audit.trace(ledger, str(certificate_id)))

    return await answer(request, work)
