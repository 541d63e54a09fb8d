"""The journal: double-entry entries, each checked whole before anything is written.

An entry (a voucher) has a date, a voucher number unique on the member's
books, a description and two or more lines, each an account of the chart, a
side and an amount. Amounts are integers of minor units with their ISO 4217
currency. A line in another currency than the books' carries the rate (books'
currency per unit) and its amount in the books' currency, rounded half up to
the minor unit; the entry must balance in the books' currency.

Refused whole, with one line naming the problem: an entry that does not
balance, uses an account not in the chart (or a parent account), mixes
currencies without a rate, falls in a closed period, reuses a voucher number,
or debits the impairment provision of an intangible asset outside a
derecognition (CAS 8 forbids reversing that loss). Negative amounts appear
only on red-ink (红字) correcting vouchers.

Corrections (:func:`correct`) are new entries that refer to the one they
correct: a *reversal* swaps the sides, a *red-ink* voucher repeats the lines
with negative amounts. Either carries the kind of the entry it corrects, so
the disclosure nets it against the same movement. Nothing is ever edited or
deleted.

Each entry's record hash (keccak-256 of :func:`entry_form`, see
:mod:`ledger.hashing`) is stored with it and is what the oracle anchors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Final

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from ledger.books.accounts import IMPAIRMENT_PROVISION, Side, account, leaf_codes
from ledger.books.periods import closed_through, month_of
from ledger.errors import NotFoundError, ValidationError
from ledger.hashing import record_hash, to_hex
from ledger.inputs import CURRENCY_EXPONENTS, format_amount, parse_amount, parse_currency
from ledger.store.books import AssetCard, JournalEntry, JournalLine

__all__ = [
    "DERECOGNITION_KINDS",
    "ENTRY_SCHEMA",
    "Correction",
    "EntryDraft",
    "EntryView",
    "LineDraft",
    "LineView",
    "card_balance",
    "card_movements",
    "check_entry",
    "correct",
    "entry_form",
    "entry_view",
    "format_money",
    "list_entries",
    "parse_money",
    "post",
    "post_many",
    "stored_entry_hash",
]

#: The record type of an accounting entry's canonical form.
ENTRY_SCHEMA: Final = "dal.accounting-entry/1"

#: The kinds of entry that take an asset off the books (the only ones that may release an impairment).
DERECOGNITION_KINDS: Final = frozenset({"dispose", "lapse"})

_MAX_MINOR: Final = 2**63 - 1


class Correction:
    """The two ways to correct a posted entry."""

    REVERSAL: Final = "reversal"
    RED_INK: Final = "red-ink"
    ALL: Final = (REVERSAL, RED_INK)


# --- amounts ------------------------------------------------------------------------------------


def parse_money(text: str | int, currency: str, *, what: str = "amount", negative: bool = False) -> int:
    """``text`` (``"1200.50"``) as minor units of ``currency``, exactly; zero is refused, and negatives unless
    ``negative``."""
    raw = str(text).strip()
    sign = -1 if raw.startswith("-") else 1
    body = raw[1:] if sign < 0 else raw
    if sign < 0 and not negative:
        raise ValidationError(f"{what} {raw} is negative; give a positive amount (negatives only on red-ink vouchers)")
    try:
        zero = Decimal(body.replace(",", "").replace("_", "")) == 0
    except InvalidOperation:
        zero = False
    if zero:
        raise ValidationError(f"{what} is zero; give a positive amount such as 1000.00")
    try:
        minor = parse_amount(body, currency)
    except ValidationError as exc:
        raise ValidationError(f"{what}: {exc}") from None
    if minor > _MAX_MINOR:
        raise ValidationError(f"{what} {raw} is too large for the books")
    return sign * minor


def format_money(minor: int, currency: str) -> str:
    """Minor units as a decimal amount, sign included (``-12050`` CNY -> ``"-120.50"``)."""
    text = format_amount(abs(minor), currency)
    return f"-{text}" if minor < 0 else text


# --- drafts and views ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LineDraft:
    """A line to post: account, side, amount in minor units (of ``currency``, default the entry's)."""

    account: str
    side: Side
    amount_minor: int
    currency: str | None = None
    rate: str | None = None
    card_id: int | None = None


@dataclass(frozen=True)
class EntryDraft:
    """An entry to post (see :func:`post`)."""

    entity: str
    entry_date: dt.date
    description: str
    lines: Sequence[LineDraft]
    kind: str = "manual"
    voucher: str | None = None
    currency: str = "CNY"
    card_id: int | None = None
    reason: str | None = None
    schedule_key: str | None = None
    corrects_id: int | None = None
    correction: str | None = None


@dataclass(frozen=True)
class LineView:
    """A posted line."""

    line_no: int
    account: str
    side: str
    amount_minor: int
    currency: str
    rate: str | None
    book_amount_minor: int
    card_id: int | None

    def row(self, book_currency: str) -> dict[str, Any]:
        return {
            "line": self.line_no,
            "account": self.account,
            "account_name": account(self.account).name_en,
            "debit": format_money(self.amount_minor, self.currency) if self.side == Side.DEBIT else None,
            "credit": format_money(self.amount_minor, self.currency) if self.side == Side.CREDIT else None,
            "currency": self.currency,
            "rate": self.rate,
            "book_amount": format_money(self.book_amount_minor, book_currency),
            "card": self.card_id,
        }


@dataclass(frozen=True)
class EntryView:
    """A posted entry and its lines."""

    id: int
    entity: str
    voucher: str
    entry_date: dt.date
    description: str
    kind: str
    currency: str
    card_id: int | None
    reason: str | None
    corrects_id: int | None
    correction: str | None
    record_hash: str
    lines: list[LineView] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """The entry as `dal books journal` and `dal books post` show it."""
        return {
            "entry": self.id,
            "voucher": self.voucher,
            "date": self.entry_date.isoformat(),
            "kind": self.kind,
            "description": self.description,
            "card": self.card_id,
            "reason": self.reason,
            "corrects": self.corrects_id,
            "correction": self.correction,
            "currency": self.currency,
            "lines": [line.row(self.currency) for line in self.lines],
            "record_hash": self.record_hash,
        }


# --- the canonical form -------------------------------------------------------------------------


def _form(entry: Mapping[str, Any], lines: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return {
        "schema": ENTRY_SCHEMA,
        "entity": str(entry["entity"]),
        "voucher": str(entry["voucher"]),
        "date": entry["entry_date"].isoformat(),
        "description": str(entry["description"]),
        "kind": str(entry["kind"]),
        "currency": str(entry["currency"]),
        "card": text(entry["card_id"]),
        "reason": entry["reason"],
        "corrects": text(entry["corrects_id"]),
        "correction": entry["correction"],
        "lines": [
            {
                "line": int(line["line_no"]),
                "account": str(line["account"]),
                "side": str(line["side"]),
                "amount_minor": str(int(line["amount_minor"])),
                "currency": str(line["currency"]),
                "rate": line["rate"],
                "book_amount_minor": str(int(line["book_amount_minor"])),
                "card": text(line["card_id"]),
            }
            for line in sorted(lines, key=lambda item: int(item["line_no"]))
        ],
    }


def entry_form(entry: JournalEntry | Mapping[str, Any], lines: Iterable[JournalLine | Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON value that is hashed and anchored for an entry: every field and line, amounts as decimal
    strings of minor units (docs/books.md)."""

    def mapping(value: Any) -> Mapping[str, Any]:
        return value if isinstance(value, Mapping) else value.model_dump()

    return _form(mapping(entry), (mapping(line) for line in lines))


def stored_entry_hash(session: Session, entry_id: int) -> str | None:
    """The hash that entry ``entry_id`` has now, recomputed from its stored fields (``None`` if it is gone)."""
    entry = session.get(JournalEntry, entry_id)
    if entry is None:
        return None
    lines = session.exec(select(JournalLine).where(JournalLine.entry_id == entry_id)).all()
    try:
        return to_hex(record_hash(entry_form(entry, lines)))
    except (ValueError, TypeError, AttributeError):  # a field no longer valid is a change too
        return "0x" + "00" * 32


# --- posting ------------------------------------------------------------------------------------


def _book_amount(line: LineDraft, book_currency: str, number: int) -> tuple[str, str | None, int]:
    currency = parse_currency(line.currency or book_currency)
    if currency == book_currency:
        if line.rate is not None:
            raise ValidationError(f"line {number} is in the books' currency {book_currency}; leave its rate out")
        return currency, None, line.amount_minor
    if line.rate is None:
        raise ValidationError(
            f"line {number} is in {currency} but the books are in {book_currency}: give the rate "
            f"({book_currency} per {currency}), or book the line in {book_currency}"
        )
    try:
        rate = Decimal(line.rate.strip())
    except InvalidOperation:
        rate = Decimal(0)
    if not rate.is_finite() or rate <= 0:
        raise ValidationError(f"line {number}: rate {line.rate!r} is not a positive number such as 7.1234")
    units = Decimal(line.amount_minor).scaleb(-CURRENCY_EXPONENTS[currency])
    book = (units * rate).scaleb(CURRENCY_EXPONENTS[book_currency]).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return currency, format(rate.normalize(), "f"), int(book)


def _lines_of(draft: EntryDraft, codes: frozenset[str]) -> list[dict[str, Any]]:
    if len(draft.lines) < 2:
        raise ValidationError("an entry needs at least two lines, a debit and a credit")
    rows = []
    for number, line in enumerate(draft.lines, start=1):
        if line.account not in codes:
            account(line.account)  # says why: unknown, or a parent account
        side = Side(line.side)
        if line.amount_minor == 0:
            raise ValidationError(f"line {number} ({line.account}) has a zero amount; leave it out")
        if line.amount_minor < 0 and draft.correction != Correction.RED_INK:
            raise ValidationError(
                f"line {number} ({line.account}) has a negative amount; post it on the other side "
                "(negative amounts belong on red-ink correcting vouchers only)"
            )
        if abs(line.amount_minor) > _MAX_MINOR:
            raise ValidationError(f"line {number} ({line.account}): the amount is too large for the books")
        currency, rate, book = _book_amount(line, draft.currency, number)
        rows.append({
            "line_no": number, "account": line.account, "side": side.value, "amount_minor": line.amount_minor,
            "currency": currency, "rate": rate, "book_amount_minor": book, "card_id": line.card_id,
        })
    return rows


def _check_balanced(draft: EntryDraft, rows: Sequence[Mapping[str, Any]]) -> None:
    debits = sum(row["book_amount_minor"] for row in rows if row["side"] == Side.DEBIT)
    credits = sum(row["book_amount_minor"] for row in rows if row["side"] == Side.CREDIT)
    if debits != credits:
        raise ValidationError(
            f"the entry does not balance: debits {format_money(debits, draft.currency)} {draft.currency}, "
            f"credits {format_money(credits, draft.currency)} {draft.currency} "
            f"(difference {format_money(debits - credits, draft.currency)})"
        )


def _check_impairment_not_reversed(draft: EntryDraft, rows: Sequence[Mapping[str, Any]]) -> None:
    if draft.kind in DERECOGNITION_KINDS or draft.correction is not None:
        return
    for row in rows:
        released = (row["side"] == Side.DEBIT) == (row["book_amount_minor"] > 0)
        if row["account"] == IMPAIRMENT_PROVISION and released:
            raise ValidationError(
                f"line {row['line_no']} releases the impairment provision of an intangible asset "
                f"({IMPAIRMENT_PROVISION}): an impairment loss on an intangible asset is never reversed (CAS 8); "
                "it leaves the books only when the asset is disposed of or lapses"
            )


def _next_vouchers(session: Session, entity: str, drafts: Sequence[EntryDraft]) -> list[str]:
    """Voucher numbers for drafts that have none: ``JV-YYYYMM-NNNNN``, counting on from the month's last."""
    counters: dict[str, int] = {}
    vouchers = []
    for draft in drafts:
        if draft.voucher is not None:
            vouchers.append(draft.voucher.strip())
            continue
        prefix = f"JV-{draft.entry_date:%Y%m}-"
        if prefix not in counters:
            last = session.exec(
                select(func.max(JournalEntry.voucher)).where(
                    JournalEntry.entity == entity, col(JournalEntry.voucher).startswith(prefix)
                )
            ).one()
            counters[prefix] = int(str(last)[len(prefix):]) if last and str(last)[len(prefix):].isdigit() else 0
        counters[prefix] += 1
        vouchers.append(f"{prefix}{counters[prefix]:05d}")
    return vouchers


def _check_vouchers(session: Session, entity: str, vouchers: Sequence[str]) -> None:
    for voucher in vouchers:
        if not voucher or len(voucher) > 40:
            raise ValidationError(f"voucher {voucher!r} must be 1 to 40 characters")
    seen: set[str] = set()
    for voucher in vouchers:
        if voucher in seen:
            raise ValidationError(f"voucher {voucher} appears twice; give each entry its own number")
        seen.add(voucher)
    for start in range(0, len(vouchers), 500):
        chunk = list(vouchers[start:start + 500])
        taken = session.exec(
            select(JournalEntry.voucher).where(JournalEntry.entity == entity, col(JournalEntry.voucher).in_(chunk))
        ).first()
        if taken is not None:
            raise ValidationError(f"voucher {taken} is already on these books; give another number or leave it out")


def _check_cards(session: Session, entity: str, drafts: Sequence[EntryDraft]) -> None:
    wanted = {card for draft in drafts for card in [draft.card_id, *(line.card_id for line in draft.lines)]}
    wanted.discard(None)
    if not wanted:
        return
    found = dict(session.exec(select(AssetCard.id, AssetCard.entity).where(col(AssetCard.id).in_(wanted))).all())
    for card in sorted(wanted, key=int):  # type: ignore[arg-type]
        if card not in found:
            raise NotFoundError(f"asset card {card} does not exist; see `dal books cards`")
        if found[card] != entity:
            raise ValidationError(f"asset card {card} is on another member's books, not {entity}")


def _prepare(session: Session, drafts: Sequence[EntryDraft]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Check every draft against the rules and the books; the rows to insert."""
    entity = drafts[0].entity
    if any(draft.entity != entity for draft in drafts):
        raise ValidationError("entries posted together must be on the books of one member")
    closed = closed_through(session, entity)
    codes = leaf_codes()
    vouchers = _next_vouchers(session, entity, drafts)
    _check_vouchers(session, entity, vouchers)
    _check_cards(session, entity, drafts)
    prepared: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for draft, voucher in zip(drafts, vouchers, strict=True):
        currency = parse_currency(draft.currency)
        draft = replace(draft, currency=currency)
        if closed is not None and month_of(draft.entry_date) <= closed:
            raise ValidationError(
                f"voucher {voucher} is dated {draft.entry_date}, but the books are closed through {closed}; "
                "date it in an open month (corrections go in by reversing or red-ink vouchers)"
            )
        if not draft.description.strip() or len(draft.description) > 500:
            raise ValidationError(f"voucher {voucher} needs a description of 1 to 500 characters")
        rows = _lines_of(draft, codes)
        _check_balanced(draft, rows)
        _check_impairment_not_reversed(draft, rows)
        entry = {
            "entity": entity, "voucher": voucher, "entry_date": draft.entry_date,
            "description": draft.description.strip(), "kind": draft.kind, "card_id": draft.card_id,
            "currency": currency, "reason": draft.reason, "corrects_id": draft.corrects_id,
            "correction": draft.correction, "schedule_key": draft.schedule_key,
        }
        entry["record_hash"] = to_hex(record_hash(_form(entry, rows)))
        prepared.append((entry, rows))
    return prepared


def check_entry(session: Session, draft: EntryDraft) -> None:
    """Check ``draft`` as :func:`post` would, writing nothing."""
    _prepare(session, [draft])


def post_many(session: Session, drafts: Sequence[EntryDraft]) -> list[EntryView]:
    """Check every draft, then write them all (the caller commits); one bad draft refuses the lot.

    All drafts are on the books of one member.
    """
    if not drafts:
        return []
    prepared = _prepare(session, drafts)
    ids = [int(entry_id or 0) for entry_id in session.scalars(
        insert(JournalEntry).returning(col(JournalEntry.id), sort_by_parameter_order=True),
        [entry for entry, _ in prepared],
    ).all()]
    session.execute(
        insert(JournalLine),
        [{**row, "entry_id": entry_id} for entry_id, (_, rows) in zip(ids, prepared, strict=True) for row in rows],
    )
    return [_view(entry_id, entry, rows) for entry_id, (entry, rows) in zip(ids, prepared, strict=True)]


def post(session: Session, draft: EntryDraft) -> EntryView:
    """Check ``draft`` and write it (the caller commits)."""
    return post_many(session, [draft])[0]


def _view(entry_id: int, entry: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]) -> EntryView:
    return EntryView(
        id=entry_id, entity=entry["entity"], voucher=entry["voucher"], entry_date=entry["entry_date"],
        description=entry["description"], kind=entry["kind"], currency=entry["currency"],
        card_id=entry["card_id"], reason=entry["reason"], corrects_id=entry["corrects_id"],
        correction=entry["correction"], record_hash=entry["record_hash"],
        lines=[
            LineView(line_no=int(row["line_no"]), account=row["account"], side=row["side"],
                     amount_minor=int(row["amount_minor"]), currency=row["currency"], rate=row["rate"],
                     book_amount_minor=int(row["book_amount_minor"]), card_id=row["card_id"])
            for row in sorted(rows, key=lambda item: int(item["line_no"]))
        ],
    )


def entry_view(session: Session, entry: JournalEntry) -> EntryView:
    """A stored entry with its lines."""
    assert entry.id is not None
    lines = session.exec(select(JournalLine).where(JournalLine.entry_id == entry.id)).all()
    return _view(entry.id, entry.model_dump(), [line.model_dump() for line in lines])


def _find(session: Session, entity: str, voucher: str) -> JournalEntry:
    entry = session.exec(
        select(JournalEntry).where(JournalEntry.entity == entity, JournalEntry.voucher == voucher.strip())
    ).first()
    if entry is None:
        raise NotFoundError(f"voucher {voucher} is not on these books; see `dal books journal`")
    return entry


def correct(
    session: Session, entity: str, voucher: str, *, style: str, on: dt.date, description: str | None = None,
    new_voucher: str | None = None,
) -> EntryView:
    """Correct voucher ``voucher`` by a reversing (sides swapped) or red-ink (negative amounts) voucher dated
    ``on``. An entry is corrected once; a correction is not itself corrected.

    Correcting a derecognition puts the asset back on the books; correcting a
    ready-for-use entry puts it back in development.
    """
    if style not in Correction.ALL:
        raise ValidationError(f"a correction is {' or '.join(Correction.ALL)}, not {style!r}")
    original = _find(session, entity, voucher)
    assert original.id is not None
    if original.correction is not None:
        raise ValidationError(f"voucher {voucher} is itself a correction; post a new entry instead")
    done = session.exec(select(JournalEntry.voucher).where(JournalEntry.corrects_id == original.id)).first()
    if done is not None:
        raise ValidationError(f"voucher {voucher} was already corrected by voucher {done}")
    view = entry_view(session, original)
    flip = {Side.DEBIT.value: Side.CREDIT, Side.CREDIT.value: Side.DEBIT}
    lines = [
        LineDraft(
            account=line.account,
            side=flip[line.side] if style == Correction.REVERSAL else Side(line.side),
            amount_minor=line.amount_minor if style == Correction.REVERSAL else -line.amount_minor,
            currency=line.currency, rate=line.rate, card_id=line.card_id,
        )
        for line in view.lines
    ]
    word = "Reversal" if style == Correction.REVERSAL else "Red-ink correction"
    posted = post(session, EntryDraft(
        entity=entity, entry_date=on, description=description or f"{word} of voucher {original.voucher}",
        lines=lines, kind=original.kind, voucher=new_voucher, currency=original.currency,
        card_id=original.card_id, reason=original.reason, corrects_id=original.id, correction=style,
    ))
    _undo_card_change(session, original)
    return posted


def _undo_card_change(session: Session, original: JournalEntry) -> None:
    card = session.get(AssetCard, original.card_id) if original.card_id is not None else None
    if card is None:
        return
    if original.kind in DERECOGNITION_KINDS or original.reason == "sale":
        card.derecognised_on, card.derecognition_reason = None, None
    elif original.kind == "ready":
        card.asset_class, card.ready_on = "development", None
    session.add(card)
    session.flush()


def list_entries(
    session: Session, entity: str, *, start: dt.date | None = None, end: dt.date | None = None,
    card_id: int | None = None, limit: int | None = None,
) -> list[EntryView]:
    """The entries on ``entity``'s books, oldest first, optionally within dates or for one card."""
    query = select(JournalEntry).where(JournalEntry.entity == entity)
    if start is not None:
        query = query.where(JournalEntry.entry_date >= start)
    if end is not None:
        query = query.where(JournalEntry.entry_date <= end)
    if card_id is not None:
        query = query.where(JournalEntry.card_id == card_id)
    query = query.order_by(col(JournalEntry.entry_date), col(JournalEntry.id))
    if limit is not None:
        query = query.limit(limit)
    entries = session.exec(query).all()
    if not entries:
        return []
    lines: dict[int, list[dict[str, Any]]] = {}
    ids = [entry.id for entry in entries]
    for start_at in range(0, len(ids), 500):
        for line in session.exec(
            select(JournalLine).where(col(JournalLine.entry_id).in_(ids[start_at:start_at + 500]))
        ).all():
            lines.setdefault(line.entry_id, []).append(line.model_dump())
    return [_view(int(entry.id or 0), entry.model_dump(), lines.get(int(entry.id or 0), [])) for entry in entries]


def card_movements(
    session: Session, card_id: int, accounts: Sequence[str]
) -> list[tuple[dt.date, str, int]]:
    """Every movement of ``card_id`` on ``accounts``: (date, account, amount signed on the account's normal
    side), oldest first."""
    rows = session.exec(
        select(col(JournalEntry.entry_date), col(JournalLine.account), col(JournalLine.side),
               col(JournalLine.book_amount_minor))
        .join(JournalEntry, col(JournalEntry.id) == col(JournalLine.entry_id))
        .where(JournalLine.card_id == card_id, col(JournalLine.account).in_(list(accounts)))
        .order_by(col(JournalEntry.entry_date), col(JournalEntry.id))
    ).all()
    normal = {code: account(code).normal_side.value for code in accounts}
    return [
        (day, code, int(amount) if side == normal[code] else -int(amount))
        for day, code, side, amount in rows
    ]


def card_balance(session: Session, card_id: int, code: str, *, through: dt.date | None = None) -> int:
    """The balance of ``card_id`` on account ``code`` (on its normal side), up to ``through`` if given."""
    return sum(
        amount for day, _, amount in card_movements(session, card_id, [code]) if through is None or day <= through
    )
