"""A member's positions (from the read model) and its books' disclosure tables."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlmodel import Session

from ledger.books.cards import list_cards
from ledger.books.chain_check import block_at_end_of, pledges_at
from ledger.books.disclosure import disclosure as disclosure_of
from ledger.books.periods import parse_report_period
from ledger.certificates import catalog_store
from ledger.inputs import parse_currency, resolve_party
from oracle.api.auth import require_member
from oracle.api.backend import Caller
from oracle.api.errors import ApiError
from oracle.api.handling import answer, backend_of
from oracle.queries import member_positions

__all__ = ["router"]

router = APIRouter(prefix="/api/members", tags=["members"])


def _own_or_auditor(caller: Caller, member: str, what: str) -> None:
    require_member(caller, what=what)
    if member != caller.member and not caller.auditor:
        raise ApiError(403, "Forbidden", f"{what} of another member are for an auditor; ask for your own")


@router.get("/{member}/positions", summary="A member's shares, licences and pledges (yours, or any for an auditor)")
async def positions(request: Request, member: str) -> dict[str, Any]:
    def work(caller: Caller) -> dict[str, Any]:
        backend = backend_of(request)
        address = resolve_party(backend.ledger, member, what="member")
        _own_or_auditor(caller, address, "the positions")
        document = member_positions(backend.engine, address).document()
        names = backend.names()
        document["name"] = names.get(address)
        document["read_model"] = backend.read_model_status()
        return document

    return await answer(request, work)


@router.get("/{member}/disclosure", summary="The disclosure of data resources from a member's books (yours, or "
            "any for an auditor)")
async def disclosure(
    request: Request,
    member: str,
    period: Annotated[str, Query(max_length=20, description="A year (2026), half (2026-H1), quarter (2026-Q3), "
                                 "month (2026-06) or range (2026-01..2026-09).")],
    currency: Annotated[str | None, Query(max_length=3, description="The books' currency (default CNY).")] = None,
) -> dict[str, Any]:
    def work(caller: Caller) -> dict[str, Any]:
        backend = backend_of(request)
        ledger = backend.ledger
        address = resolve_party(ledger, member, what="member")
        _own_or_auditor(caller, address, "the books")
        span = parse_report_period(period)
        chosen = parse_currency(currency) if currency is not None else None
        with Session(catalog_store(ledger)) as session:
            cards = list_cards(session, address)
            if not cards:
                raise ApiError(404, "NotFoundError", f"{member} keeps no books here yet (no asset cards); they "
                               "are opened with `dal books open`")
            linked = [card.certificate_id for card in cards if card.certificate_id is not None]
            pledges = pledges_at(ledger, address, linked, block_at_end_of(ledger, span.end))
            document: dict[str, Any] = disclosure_of(session, address, span, currency=chosen,
                                                     pledges=pledges).document()
        return document

    return await answer(request, work)
