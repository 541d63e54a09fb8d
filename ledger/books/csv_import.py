"""Importing journal entries from CSV, all or nothing.

The file has a header line and one line per journal line::

    voucher,date,description,account,debit,credit,currency,rate,card,kind
    IMP-001,2026-01-05,Opening balance of the port dataset,1701.01,120000.00,,,,1,
    IMP-001,2026-01-05,,2202,,120000.00,,,1,

Lines with the same voucher, one after another, make one entry; its date and
description come from its first line (later lines leave them empty or repeat
them). Each line has an amount in exactly one of ``debit`` and ``credit``.
``currency`` defaults to the books' currency; a line in another currency
gives ``rate`` (books' currency per unit). ``card`` (an asset card id) and
``kind`` (default ``import``) are optional; every line names its voucher.

Every problem is reported with its line number, and nothing is written when
there is any.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from sqlmodel import Session

from ledger.books.accounts import Side
from ledger.books.journal import (
    EntryDraft,
    EntryView,
    LineDraft,
    check_entry,
    parse_money,
    post_many,
)
from ledger.errors import LedgerError, ValidationError
from ledger.inputs import parse_currency, parse_day

__all__ = ["COLUMNS", "IMPORT_KINDS", "import_csv", "read_entries"]

#: The columns of an import file; the first five are required.
COLUMNS: Final = ("voucher", "date", "description", "account", "debit", "credit", "currency", "rate", "card", "kind")
_REQUIRED: Final = COLUMNS[:6]
#: The kinds an imported entry may carry (for the disclosure's rows). Events that change a card (ready for use,
#: a sale, a disposal, a lapse) and the amortisation schedule's entries are posted with `dal books post` and
#: `dal books schedule`, which keep the card in step.
IMPORT_KINDS: Final = ("import", "manual", "purchase", "processing", "finish", "research", "develop", "impair",
                       "write-down", "reverse-write-down", "licence-revenue")
#: How many problems the one-line refusal lists before counting the rest.
_SHOWN: Final = 8


@dataclass
class _Block:
    voucher: str
    line: int
    date: str
    description: str
    kind: str
    lines: list[tuple[int, LineDraft]] = field(default_factory=list)
    #: Whether a line of it could not be read (its problem is reported already).
    broken: bool = False


def _parse_line(number: int, row: dict[str, str], currency: str) -> LineDraft:
    debit, credit = (row.get("debit") or "").strip(), (row.get("credit") or "").strip()
    if bool(debit) == bool(credit):
        raise ValidationError("give an amount in exactly one of debit and credit")
    side = Side.DEBIT if debit else Side.CREDIT
    line_currency = parse_currency((row.get("currency") or "").strip() or currency)
    amount = parse_money(debit or credit, line_currency, what=side.value)
    card_text = (row.get("card") or "").strip()
    if card_text and not card_text.isdigit():
        raise ValidationError(f"card {card_text!r} is not an asset card id")
    return LineDraft(
        account=(row.get("account") or "").strip(), side=side, amount_minor=amount, currency=line_currency,
        rate=(row.get("rate") or "").strip() or None, card_id=int(card_text) if card_text else None,
    )


def _blocks(rows: Iterable[tuple[int, dict[str, str]]], currency: str, problems: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    for number, row in rows:
        voucher = (row.get("voucher") or "").strip()
        if not voucher:
            problems.append(f"line {number}: the voucher is empty; every line names its voucher")
            continue
        if not blocks or blocks[-1].voucher != voucher:
            if any(block.voucher == voucher for block in blocks):
                problems.append(f"line {number}: voucher {voucher} appears again after other vouchers; "
                                "keep an entry's lines together")
                continue
            blocks.append(_Block(voucher, number, (row.get("date") or "").strip(),
                                 (row.get("description") or "").strip(), (row.get("kind") or "").strip() or "import"))
        block = blocks[-1]
        if block.line == number and block.kind not in IMPORT_KINDS:
            problems.append(f"line {number}: kind {block.kind!r} cannot be imported; use one of "
                            f"{', '.join(IMPORT_KINDS)}, and `dal books post` for the others")
            block.broken = True
        for name, value in (("date", block.date), ("description", block.description)):
            given = (row.get(name) or "").strip()
            if given and given != value:
                problems.append(f"line {number}: the {name} differs from the first line of voucher {voucher} "
                                f"(line {block.line})")
        try:
            block.lines.append((number, _parse_line(number, row, currency)))
        except LedgerError as exc:
            block.broken = True
            problems.append(f"line {number}: {exc}")
    return blocks


def read_entries(session: Session, entity: str, text: str, *, currency: str = "CNY",
                 source: str = "the file") -> list[EntryDraft]:
    """The entries of CSV ``text``, each checked against the books; a :class:`ValidationError` listing every
    problem with its line number."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise ValidationError(f"{source}: line 1: the header lacks {', '.join(missing)}; expected {','.join(COLUMNS)}")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise ValidationError(f"{source}: line 1: unknown column {unknown[0]!r}; the columns are {','.join(COLUMNS)}")
    reader.fieldnames = header
    problems: list[str] = []
    rows = [(reader.line_num, row) for row in reader if any((value or "").strip() for value in row.values()
                                                            if isinstance(value, str))]
    blocks = _blocks(rows, currency, problems)
    drafts = []
    for block in blocks:
        try:
            draft = EntryDraft(
                entity=entity, entry_date=parse_day(block.date, what=f"the date of voucher {block.voucher}"),
                description=block.description, lines=[line for _, line in block.lines], kind=block.kind,
                voucher=block.voucher, currency=currency,
            )
            if not block.broken:
                check_entry(session, draft)
            drafts.append(draft)
        except LedgerError as exc:
            problems.append(f"line {block.line}: {exc}")
    if not rows:
        problems.append("line 2: there are no entries")
    if problems:
        shown = "; ".join(problems[:_SHOWN])
        more = f"; and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else ""
        raise ValidationError(f"{source}: nothing imported: {shown}{more}")
    return drafts


def import_csv(session: Session, entity: str, path: Path, *, currency: str = "CNY") -> list[EntryView]:
    """Post every entry of the CSV file at ``path`` on ``entity``'s books, or none (the caller commits)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    drafts = read_entries(session, entity, text, currency=parse_currency(currency), source=str(path))
    return post_many(session, drafts)
