"""Rendering answers: tables for people, exactly one JSON document for programs."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from enum import Enum

import pytest

from cli.output import Output, to_jsonable


class Status(Enum):
    ISSUED = 5


def test_json_values_are_plain_and_exact() -> None:
    value = {
        "hash": b"\x01\xff",
        "amount": Decimal("12.50"),
        "big": 2**255 + 1,
        "status": Status.ISSUED,
        "on": date(2025, 6, 30),
        "tags": ("a", "b"),
    }
    assert to_jsonable(value) == {
        "hash": "0x01ff",
        "amount": "12.50",
        "big": 2**255 + 1,
        "status": "issued",
        "on": "2025-06-30",
        "tags": ["a", "b"],
    }


def test_json_mode_prints_exactly_one_document_and_notes_go_to_stderr() -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    out = Output(True, stdout, stderr)
    out.note("deploying...")
    with out.progress("sending", total=2) as update:
        update(1, 2)
    out.records([{"name": "a", "n": 1}, {"name": "b", "n": 2}])
    assert json.loads(stdout.getvalue()) == [{"name": "a", "n": 1}, {"name": "b", "n": 2}]
    assert stderr.getvalue() == "deploying...\n"
    with pytest.raises(RuntimeError, match="a command answers once"):
        out.record({"again": True})


def test_tables_show_every_field_readably() -> None:
    stdout = io.StringIO()
    Output(False, stdout, io.StringIO()).records(
        [{"name": "merchant-a", "development": True, "contracts": {"Rights": "0xabc"}, "pid": None}]
    )
    text = stdout.getvalue()
    for expected in ("merchant-a", "yes", "Rights: 0xabc", "-"):
        assert expected in text


def test_one_record_is_a_field_value_table() -> None:
    stdout = io.StringIO()
    address = "0x" + "ab" * 20
    Output(False, stdout, io.StringIO()).record({"profile": "local", "address": address})
    lines = stdout.getvalue().splitlines()
    assert any(line.split() == ["profile", "local"] for line in lines)
    assert any(address in line for line in lines)


def test_progress_stays_quiet_off_a_terminal() -> None:
    stderr = io.StringIO()
    out = Output(False, io.StringIO(), stderr)
    with out.progress("sending", total=3) as update:
        for done in range(1, 4):
            update(done, 3)
    assert stderr.getvalue() == ""
