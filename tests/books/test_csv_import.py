"""Importing entries from CSV posts all of them or none, naming each problem's line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from ledger.books.csv_import import import_csv
from ledger.books.journal import list_entries
from ledger.errors import ValidationError
from ledger.store.books import JournalEntry

HEADER = "voucher,date,description,account,debit,credit,currency,rate,card,kind\n"


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "entries.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(JournalEntry)).scalar_one())


def test_a_good_file_posts_every_entry_with_its_lines(session: Session, entity: str, tmp_path: Path) -> None:
    path = _file(tmp_path, (
        "IMP-1,2026-01-05,Opening balance of the port dataset,1701.01,\"120,000.00\",,,,,\n"
        "IMP-1,2026-01-05,,2202,,120000.00,,,,\n"
        "IMP-2,2026-01-06,Licence fee in dollars,1002,7123.40,,,,,\n"
        "IMP-2,,,6051,,1000.00,USD,7.1234,,\n"
    ))
    entries = import_csv(session, entity, path)
    assert [(entry.voucher, entry.kind, len(entry.lines)) for entry in entries] == [("IMP-1", "import", 2),
                                                                                   ("IMP-2", "import", 2)]
    assert entries[1].lines[1].book_amount_minor == 712_340
    assert [entry.voucher for entry in list_entries(session, entity)] == ["IMP-1", "IMP-2"]


def test_a_file_with_problems_imports_nothing_and_names_each_line(
    session: Session, entity: str, tmp_path: Path,
) -> None:
    path = _file(tmp_path, (
        "OK-1,2026-01-05,Fine,1002,100.00,,,,,\n"
        "OK-1,2026-01-05,Fine,2202,,100.00,,,,\n"
        "BAD-1,2026-01-06,Does not balance,1002,100.00,,,,,\n"
        "BAD-1,2026-01-06,,2202,,90.00,,,,\n"
        "BAD-2,2026-01-07,Unknown account,9999,100.00,,,,,\n"
        "BAD-2,2026-01-07,,2202,,100.00,,,,\n"
        "BAD-3,2026-13-01,Bad date,1002,1.00,,,,,\n"
        "BAD-3,2026-13-01,,2202,,1.00,,,,\n"
        "BAD-4,2026-01-08,Both sides,1002,1.00,1.00,,,,\n"
        "BAD-5,2026-01-09,Releases an impairment,1703.01,1.00,,,,,dispose\n"
        "BAD-5,2026-01-09,,6701,,1.00,,,,\n"
    ))
    with pytest.raises(ValidationError) as caught:
        import_csv(session, entity, path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: nothing imported: ")
    assert "line 4: the entry does not balance" in message
    assert "line 6: account '9999' is not in the chart" in message
    assert "line 8: the date of voucher BAD-3 '2026-13-01' is not a date" in message
    assert "line 10: give an amount in exactly one of debit and credit" in message
    assert "line 11: kind 'dispose' cannot be imported" in message
    assert _count(session) == 0


def test_a_file_without_the_required_columns_is_refused_at_its_header(
    session: Session, entity: str, tmp_path: Path,
) -> None:
    path = tmp_path / "entries.csv"
    path.write_text("voucher,date,account,debit\nX,2026-01-01,1002,1\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="line 1: the header lacks description, credit"):
        import_csv(session, entity, path)
