"""`dal books` through typer's CliRunner: the member's books kept from the command line, and bad input
answered with one line, an exit code and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from workflow_chain import (  # noqa: F401 - fixtures
    chain_snapshot_fixture,
    workflow_chain_fixture,
    workflow_env_fixture,
)

from cli.main import app

runner = CliRunner()


def dal(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--as", "merchant-a", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def _journal(env: dict[str, str]) -> list[dict[str, object]]:
    code, out, err = dal(env, "--json", "books", "journal")
    assert code == 0, err
    entries: list[dict[str, object]] = json.loads(out)
    return entries


def test_a_year_of_books_from_the_command_line(workflow_env: dict[str, str], tmp_path: Path) -> None:
    code, out, err = dal(workflow_env, "--json", "books", "cards", "open", "Port data", "--class", "intangible",
                         "--life", "1y", "--serves-customers")
    assert code == 0, err
    assert json.loads(out)["card"] == 1
    code, out, err = dal(workflow_env, "--json", "books", "post", "purchase", "1", "--date", "2026-03-15",
                         "--cost", "12000.00", "--vat", "720.00")
    assert code == 0, err
    (purchase,) = json.loads(out)
    assert [(line["account"], line["debit"], line["credit"]) for line in purchase["lines"]] == [
        ("1701.01", "12000.00", None), ("2221.01", "720.00", None), ("1002", None, "12720.00")]
    code, out, err = dal(workflow_env, "--json", "books", "schedule", "--through", "2026-12")
    assert code == 0, err
    assert len(json.loads(out)) == 10
    code, out, err = dal(workflow_env, "books", "schedule", "--through", "2026-12")
    assert (code, out) == (0, "") and "the schedule is up to date" in err
    code, out, err = dal(workflow_env, "--json", "books", "close", "--through", "2026-12")
    assert code == 0 and json.loads(out)["closed_through"] == "2026-12"
    code, out, err = dal(workflow_env, "--json", "books", "report", "--period", "2026")
    assert code == 0, err
    report = json.loads(out)
    intangible = report["tables"][0]
    assert {row["row"]: row["total"] for row in intangible["rows"]}["carrying.closing"] == "2000.00"
    assert report["restricted_or_pledged"] == {"read_from_chain": True, "items": []}
    code, out, err = dal(workflow_env, "books", "report", "--period", "2026", "--csv", "--no-chain")
    assert code == 0 and "intangible,carrying.closing,账面价值：期末账面价值" in out
    code, out, err = dal(workflow_env, "books", "report", "--period", "2026", "-o", str(tmp_path / "r.xlsx"))
    assert code == 0, err
    assert (tmp_path / "r.xlsx").stat().st_size > 0
    code, out, err = dal(workflow_env, "books", "accounts")
    assert code == 0 and "无形资产—数据资源" in out
    code, out, err = dal(workflow_env, "--json", "books", "cards", "link", "1", "--certificate", "5",
                         "--rights-end", "2031-12-31")
    assert code == 0, err
    assert (json.loads(out)["certificate"], json.loads(out)["rights_end"]) == (5, "2031-12-31")


def test_a_posted_entry_is_corrected_by_a_red_ink_voucher(workflow_env: dict[str, str]) -> None:
    dal(workflow_env, "books", "cards", "open", "panel", "--class", "inventory")
    code, out, err = dal(workflow_env, "--json", "books", "post", "purchase", "1", "--date", "2026-02-01",
                         "--cost", "500.00", "--voucher", "P-1")
    assert code == 0, err
    code, out, err = dal(workflow_env, "--json", "books", "correct", "P-1", "--date", "2026-02-02",
                         "--style", "red-ink")
    assert code == 0, err
    (red,) = json.loads(out)
    assert (red["correction"], red["kind"]) == ("red-ink", "purchase")
    assert [line["debit"] or line["credit"] for line in red["lines"]] == ["-500.00", "-500.00"]
    assert [entry["voucher"] for entry in _journal(workflow_env)] == ["P-1", red["voucher"]]


@pytest.mark.parametrize(("args", "message", "exit_code"), [
    (["books", "post", "purchase", "9", "--date", "2026-01-01", "--cost", "10"],
     "error: asset card 9 does not exist on the books of", 1),
    (["books", "post", "purchase", "1", "--date", "2026-01-01", "--cost", "10.001"],
     "error: --cost: amount 10.001 has more decimals than CNY allows (2)", 1),
    (["books", "post", "purchase", "1", "--date", "1 Jan 2026", "--cost", "10"],
     "error: date '1 Jan 2026' is not a date; write it as YYYY-MM-DD", 1),
    (["books", "post", "impair", "1", "--date", "2026-01-01", "--amount", "10"],
     "error: impairment applies to intangible data resources; card 1 is inventory", 1),
    (["books", "report", "--period", "2026-13"], "error: period '2026-13' is not a month", 1),
    (["books", "correct", "NOPE", "--date", "2026-01-01"], "error: voucher NOPE is not on these books", 1),
    (["books", "post", "purchase", "1", "--date", "2026-01-01"], "Missing option '--cost'", 2),
])
def test_bad_input_is_one_line_with_an_exit_code_and_writes_nothing(
    workflow_env: dict[str, str], args: list[str], message: str, exit_code: int,
) -> None:
    code, _, err = dal(workflow_env, "books", "cards", "open", "panel", "--class", "inventory")
    assert code == 0, err
    code, out, err = dal(workflow_env, *args)
    assert code == exit_code
    assert message in err
    if exit_code == 1:
        assert err.count("\n") == 1 and out == ""
    assert _journal(workflow_env) == []


def test_an_import_with_a_bad_line_writes_nothing(workflow_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "entries.csv"
    path.write_text("voucher,date,description,account,debit,credit\n"
                    "A,2026-01-05,fine,1002,1.00,\nA,2026-01-05,,2202,,1.00\n"
                    "B,2026-01-06,bad,1002,1.00,\nB,2026-01-06,,2202,,2.00\n", encoding="utf-8")
    code, out, err = dal(workflow_env, "books", "import", str(path))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "line 4: the entry does not balance" in err
    assert _journal(workflow_env) == []
    path.write_text("voucher,date,description,account,debit,credit\nA,2026-01-05,fine,1002,1.00,\n"
                    "A,2026-01-05,,2202,,1.00\n", encoding="utf-8")
    code, out, err = dal(workflow_env, "--json", "books", "import", str(path))
    assert code == 0, err
    assert [entry["voucher"] for entry in json.loads(out)] == ["A"]


def test_a_closed_period_refuses_a_posting_from_the_command_line(workflow_env: dict[str, str]) -> None:
    dal(workflow_env, "books", "cards", "open", "panel", "--class", "inventory")
    assert dal(workflow_env, "books", "close", "--through", "2026-03")[0] == 0
    code, out, err = dal(workflow_env, "books", "post", "purchase", "1", "--date", "2026-03-31", "--cost", "5")
    assert code == 1 and out == "" and "closed through 2026-03" in err and err.count("\n") == 1
    assert _journal(workflow_env) == []


def test_whose_books_must_be_said(workflow_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["books", "cards"], env=workflow_env)
    assert result.exit_code == 1
    assert result.stderr == "error: say whose books: --member NAME, or act as the member with --as NAME\n"
