"""Booking a registered data asset as an intangible asset, in one call.

:func:`book_certificate` is what a merchant does after its certificate is
issued: open an asset card linked to the certificate (its useful life capped
at the certificate's expiry), post the cost (purchased, or developed in-house
and then ready for use), and amortise it through a month. The demo and
integrations call it; the CLI offers the same steps one by one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from ledger.books import posting
from ledger.books.cards import Acquisition, AssetClass, open_card
from ledger.books.journal import EntryView
from ledger.books.periods import month_of
from ledger.books.schedule import amortise
from ledger.certificates import catalog_store
from ledger.context import LedgerContext
from ledger.errors import ValidationError
from ledger.licences import show_licence
from ledger.reader import ChainReader, certificate_exists
from ledger.store.books import AssetCard

__all__ = ["BookedCertificate", "book_certificate", "rights_end_of"]


def _day(timestamp: int) -> dt.date | None:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).date() if timestamp else None


def rights_end_of(ledger: LedgerContext, certificate_id: int, licence_id: int | None = None) -> dt.date | None:
    """The last day of the rights a card on ``certificate_id`` rests on, read from the chain: the certificate's
    expiry, or the licence's end when it is earlier (``None``: the certificate does not expire)."""
    expiry = _day(certificate_exists(ChainReader(ledger), certificate_id).expiry)
    if licence_id is None:
        return expiry
    licence = show_licence(ledger, licence_id)
    if licence.certificate_id != certificate_id:
        raise ValidationError(
            f"licence {licence_id} is a licence of certificate {licence.certificate_id}, not {certificate_id}"
        )
    end = _day(licence.end)
    return min(day for day in (expiry, end) if day is not None) if expiry or end else None


@dataclass(frozen=True)
class BookedCertificate:
    """The card opened for a certificate and the entries posted."""

    card: AssetCard
    entries: list[EntryView]


def book_certificate(
    ledger: LedgerContext,
    certificate_id: int,
    *,
    cost: int,
    on: dt.date,
    name: str | None = None,
    life: str = "5y",
    acquisition: str = "developed",
    serves_customers: bool = True,
    amortise_through: str | None = None,
    currency: str = "CNY",
    as_: str | None = None,
) -> BookedCertificate:
    """Put certificate ``certificate_id`` on the books of the acting member (or ``as_``) as an intangible asset
    of ``cost`` minor units, ready for use on ``on``, and amortise it through ``amortise_through`` (a month
    ``YYYY-MM``; default the month of ``on``). ``acquisition`` is ``developed`` (development cost
    capitalised, then ready for use) or ``purchased``. Everything is written in one transaction."""
    if acquisition not in (Acquisition.DEVELOPED, Acquisition.PURCHASED):
        raise ValidationError(f"book a certificate as developed or purchased, not {acquisition!r}")
    entity = ledger.address_of(as_)
    rights_end = rights_end_of(ledger, certificate_id)
    with Session(catalog_store(ledger), expire_on_commit=False) as session:
        card = open_card(
            session, entity, name or f"Data asset of certificate {certificate_id}",
            asset_class=AssetClass.DEVELOPMENT if acquisition == Acquisition.DEVELOPED else AssetClass.INTANGIBLE,
            life=life, currency=currency, serves_customers=serves_customers, certificate_id=certificate_id,
            rights_end=rights_end,
        )
        assert card.id is not None
        if acquisition == Acquisition.DEVELOPED:
            entries = [posting.develop(session, entity, card.id, on=on, cost=cost),
                       posting.ready(session, entity, card.id, on=on, life=life)]
        else:
            entries = [posting.purchase(session, entity, card.id, on=on, cost=cost)]
        entries += amortise(session, entity, amortise_through or month_of(on), card_id=card.id)
        session.commit()
        session.refresh(card)
        return BookedCertificate(card, entries)
