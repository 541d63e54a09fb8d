"""Accounting periods: months, the periods a report covers, and closing the books through a month.

A member's books are closed *through* a month (``YYYY-MM``): that month and
every month before it refuse new entries (see :mod:`ledger.books.closing`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ledger.errors import ValidationError
from ledger.store.books import PeriodClose

__all__ = [
    "ReportPeriod",
    "closed_through",
    "month_end",
    "month_of",
    "month_start",
    "next_month",
    "parse_month",
    "parse_report_period",
]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_of(day: dt.date) -> str:
    """The month of ``day`` as ``YYYY-MM``."""
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str, *, what: str = "month") -> str:
    """A month ``YYYY-MM``, checked."""
    match = _MONTH.match(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError(f"{what} {text!r} is not a month; write it as YYYY-MM, e.g. 2026-06")
    return text.strip()


def month_start(month: str) -> dt.date:
    year, number = int(month[:4]), int(month[5:7])
    return dt.date(year, number, 1)


def month_end(month: str) -> dt.date:
    year, number = int(month[:4]), int(month[5:7])
    return dt.date(year, number, calendar.monthrange(year, number)[1])


def next_month(month: str, count: int = 1) -> str:
    """The month ``count`` months after ``month``."""
    year, number = divmod(int(month[:4]) * 12 + int(month[5:7]) - 1 + count, 12)
    return f"{year:04d}-{number + 1:02d}"


@dataclass(frozen=True)
class ReportPeriod:
    """The days a report covers, both ends included."""

    start: dt.date
    end: dt.date
    label: str


def parse_report_period(text: str) -> ReportPeriod:
    """A year (``2026``), a half (``2026-H1``), a quarter (``2026-Q3``), a month (``2026-06``) or a range of
    months (``2026-01..2026-09``)."""
    raw = text.strip().upper()
    if re.fullmatch(r"\d{4}", raw):
        return ReportPeriod(dt.date(int(raw), 1, 1), dt.date(int(raw), 12, 31), raw)
    match = re.fullmatch(r"(\d{4})-([HQ])([1-4])", raw)
    if match is not None:
        year, kind, number = int(match.group(1)), match.group(2), int(match.group(3))
        if kind == "H" and number > 2:
            raise ValidationError(f"period {text!r}: a year has two halves, H1 and H2")
        months = 6 if kind == "H" else 3
        first = f"{year:04d}-{(number - 1) * months + 1:02d}"
        return ReportPeriod(month_start(first), month_end(next_month(first, months - 1)), raw)
    if ".." in raw:
        first, _, last = raw.partition("..")
        first, last = parse_month(first, what="period start"), parse_month(last, what="period end")
        if last < first:
            raise ValidationError(f"period {text!r} ends before it starts")
        return ReportPeriod(month_start(first), month_end(last), f"{first}..{last}")
    if _MONTH.match(raw):
        month = parse_month(raw, what="period")
        return ReportPeriod(month_start(month), month_end(month), month)
    raise ValidationError(
        f"period {text!r} is not valid; give a year (2026), a half (2026-H1), a quarter (2026-Q3), "
        "a month (2026-06) or a range of months (2026-01..2026-09)"
    )


def closed_through(session: Session, entity: str) -> str | None:
    """The last month closed on ``entity``'s books, if any."""
    row = session.exec(
        select(PeriodClose.through).where(PeriodClose.entity == entity).order_by(col(PeriodClose.through).desc())
    ).first()
    return None if row is None else str(row)
