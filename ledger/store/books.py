"""The books of data resources: the chart, asset cards, journal entries and their lines, and period closes.

Amounts are integers of minor units (fen for CNY) with their ISO 4217
currency, never floats. Each entry keeps the record hash it had when it was
written (:func:`ledger.books.journal.entry_form`), which is what the oracle
anchors on chain; an entry changed since no longer hashes to it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from ledger.store.types import Bytes32, CounterId, utc_now

__all__ = ["AssetCard", "BookAccount", "CardRevision", "JournalEntry", "JournalLine", "PeriodClose"]


class BookAccount(SQLModel, table=True):
    """An account of the chart (see :mod:`ledger.books.accounts`)."""

    __tablename__ = "book_accounts"

    code: str = Field(primary_key=True, max_length=16)
    parent: str | None = Field(default=None, max_length=16, nullable=True)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=200)
    category: str = Field(max_length=20)
    normal_side: str = Field(max_length=6)


class AssetCard(SQLModel, table=True):
    """A data resource on a member's books: its class, how it was acquired, and how it is amortised."""

    __tablename__ = "book_cards"

    id: int | None = Field(default=None, primary_key=True)
    #: The member whose books hold the asset (its address).
    entity: str = Field(max_length=42, index=True)
    name: str = Field(max_length=200)
    #: ``intangible``, ``inventory`` or ``development`` (see :class:`ledger.books.cards.AssetClass`).
    asset_class: str = Field(max_length=20)
    #: ``purchased``, ``developed``, ``processed`` or ``other``.
    acquisition: str = Field(max_length=20)
    certificate_id: int | None = Field(default=None, sa_type=CounterId, nullable=True, index=True)
    licence_id: int | None = Field(default=None, sa_type=CounterId, nullable=True)
    currency: str = Field(max_length=3)
    #: ``None`` for an indefinite useful life (never amortised).
    useful_life_months: int | None = Field(default=None, nullable=True)
    method: str = Field(default="straight-line", max_length=20)
    #: For the ``pattern`` method: the percentage of the cost amortised in each year of the life (``40,30,20,10``).
    pattern: str | None = Field(default=None, max_length=200, nullable=True)
    #: Whether the data serves customers (amortisation to cost of sales) or the company (management expense).
    serves_customers: bool = False
    #: The day the asset became ready for its intended use: amortisation starts that month.
    ready_on: dt.date | None = None
    #: The end of the rights held (certificate validity or licence period), which caps the useful life.
    rights_end: dt.date | None = None
    derecognised_on: dt.date | None = None
    derecognition_reason: str | None = Field(default=None, max_length=20, nullable=True)
    created_at: dt.datetime = Field(default_factory=utc_now)


class CardRevision(SQLModel, table=True):
    """A change in the estimate of an intangible's useful life or amortisation method (CAS 6 and 28: applied
    prospectively from ``effective_month``), kept for the disclosure of such changes."""

    __tablename__ = "book_card_revisions"

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(sa_column=Column(Integer, ForeignKey("book_cards.id"), nullable=False, index=True))
    entity: str = Field(max_length=42)
    #: The first month amortised under the new estimate (``YYYY-MM``).
    effective_month: str = Field(max_length=7)
    previous_life_months: int | None = Field(default=None, nullable=True)
    useful_life_months: int | None = Field(default=None, nullable=True)
    previous_method: str = Field(max_length=20)
    method: str = Field(max_length=20)
    previous_pattern: str | None = Field(default=None, max_length=200, nullable=True)
    pattern: str | None = Field(default=None, max_length=200, nullable=True)
    reason: str = Field(max_length=500)
    created_at: dt.datetime = Field(default_factory=utc_now)


class JournalEntry(SQLModel, table=True):
    """A double-entry journal entry (a voucher) on a member's books."""

    __tablename__ = "book_entries"
    __table_args__ = (
        UniqueConstraint("entity", "voucher", name="uq_book_entries_voucher"),
        Index("ix_book_entries_entity_date", "entity", "entry_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=42)
    voucher: str = Field(max_length=40)
    entry_date: dt.date
    description: str = Field(max_length=500)
    #: The posting rule that made it (``purchase``, ``amortise`` ...), ``manual`` or ``import``; a correction
    #: carries the kind of the entry it corrects.
    kind: str = Field(max_length=30)
    card_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("book_cards.id"), nullable=True, index=True)
    )
    #: The currency of the books (every line's book amount is in it).
    currency: str = Field(max_length=3)
    #: For derecognitions: ``disposal``, ``lapsed`` (失效且终止确认) or ``other``.
    reason: str | None = Field(default=None, max_length=20, nullable=True)
    corrects_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("book_entries.id"), nullable=True, index=True)
    )
    #: ``reversal`` (sides swapped) or ``red-ink`` (红字: same sides, negative amounts).
    correction: str | None = Field(default=None, max_length=10, nullable=True)
    #: Set on scheduled entries (``amortise:CARD:YYYY-MM``) so that running a schedule twice posts once.
    schedule_key: str | None = Field(default=None, max_length=60, nullable=True, unique=True)
    record_hash: str = Field(sa_type=Bytes32, index=True)
    created_at: dt.datetime = Field(default_factory=utc_now)


class JournalLine(SQLModel, table=True):
    """One line of an entry: account, side and amount (in its currency and in the books' currency)."""

    __tablename__ = "book_lines"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(
        sa_column=Column(Integer, ForeignKey("book_entries.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    line_no: int = Field(ge=1)
    account: str = Field(sa_column=Column(String(16), ForeignKey("book_accounts.code"), nullable=False))
    side: str = Field(max_length=6)
    amount_minor: int = Field(sa_type=BigInteger)
    currency: str = Field(max_length=3)
    #: Books' currency per unit of ``currency``, as a decimal string; ``None`` when they are the same.
    rate: str | None = Field(default=None, max_length=40, nullable=True)
    book_amount_minor: int = Field(sa_type=BigInteger)
    card_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("book_cards.id"), nullable=True, index=True)
    )


class PeriodClose(SQLModel, table=True):
    """A close of a member's books through a month (``YYYY-MM``): that month and all before it are closed."""

    __tablename__ = "book_period_closes"

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=42, index=True)
    through: str = Field(max_length=7)
    closed_at: dt.datetime = Field(default_factory=utc_now)
