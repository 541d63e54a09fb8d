"""`dal asset publicize`, `resolve` and `issue` under the registrar's configured rules, and applications in
the second catalog shape, on the session's chain."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlmodel import Session, select
from typer.testing import CliRunner
from workflow_chain import (  # noqa: F401 - fixtures
    APPLICATION,
    chain_snapshot_fixture,
    workflow_chain_fixture,
    workflow_env_fixture,
    write_catalog,
)

from cli.main import app
from ledger.catalog import load_catalog_entry
from ledger.chain.clock import DAY, advance_time, chain_time
from ledger.context import LedgerContext
from ledger.hashing import record_hash, to_hex
from ledger.registrar_rules import RegistrarRules
from ledger.store import CatalogVersion, open_store

runner = CliRunner()
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


#: A registration number with its check character (`dal asset number SZDEX 202600000001`).
NUMBER = "SZDEX2026000000018"

def _dal(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["--json", *args], env=env)
    assert result.exit_code == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def _refused(env: dict[str, str], *args: str) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.count("\n") == 1
    return result.stderr


def _today(ledger: LedgerContext) -> dt.date:
    return dt.datetime.fromtimestamp(chain_time(ledger.w3), SHANGHAI).date()


def _accepted(env: dict[str, str], tmp_path: Path, **changes: Any) -> str:
    path = write_catalog(tmp_path, "application.json", **{**APPLICATION, **changes})
    cert = str(_dal(env, "--as", "merchant-a", "asset", "apply", str(path), "--registrar", "registrar")[
        "certificate_id"])
    _dal(env, "--as", "registrar", "asset", "accept", cert)
    return cert


def test_publicize_counts_the_registrars_working_days_and_refuses_a_shorter_notice(
    workflow_env: dict[str, str], tmp_path: Path
) -> None:
    ledger = LedgerContext.load(env=workflow_env)
    today = _today(ledger)
    holidays = [today + dt.timedelta(days=n) for n in range(1, 8)]  # a week off, starting tomorrow
    config = tmp_path / "config.toml"
    config.write_text(
        "[profiles.local.registrars.registrar]\nnotice_working_days = 12\n"
        f"holidays = [{', '.join(day.isoformat() for day in holidays)}]\n"
        f"working_days = []\nrule_source = \"test rules\"\nrule_lapses = {today + dt.timedelta(days=365)}\n",
        encoding="utf-8",
    )
    env = {**workflow_env, "DAL_CONFIG": str(config)}
    cert = _accepted(env, tmp_path)

    refused = _refused(env, "--as", "registrar", "asset", "publicize", cert, "--notice-days", "14")
    assert refused.startswith("error: the notice would end before the minimum of 12 working days under the rules "
                              "of test rules, which ends at ")

    start = chain_time(ledger.w3)
    published = _dal(env, "--as", "registrar", "asset", "publicize", cert)
    assert published["status"] == "under notice"
    rules = RegistrarRules(key="registrar", notice_working_days=12, holidays=frozenset(holidays))
    deadline = ledger.certificate(int(cert)).notice_deadline
    assert deadline == rules.notice_deadline(start)
    # The week off and the two more working days push it beyond the default ten working days.
    assert deadline > RegistrarRules().notice_deadline(start) + 7 * DAY
    assert dt.datetime.fromtimestamp(deadline, SHANGHAI).time() == dt.time(0, 0)


def test_issue_without_expiry_stops_at_the_authorisations_end_and_a_later_expiry_is_refused(
    workflow_env: dict[str, str], tmp_path: Path
) -> None:
    env = workflow_env
    ledger = LedgerContext.load(env=env)
    ends = _today(ledger) + dt.timedelta(days=400)
    cert = _accepted(env, tmp_path, authorisation={"hash": "0x" + "a1" * 32, "expiry": ends.isoformat()})
    _dal(env, "--as", "registrar", "asset", "publicize", cert)
    advance_time(ledger.w3, ledger.profile, 30 * DAY)

    refused = _refused(env, "--as", "registrar", "asset", "issue", cert, "--registration-number", NUMBER, "--number", "SZDEX-2026-0900",
                       "--expiry", "5y")
    assert refused == (f"error: the expiry is later than the end of the source authorisation ({ends}, declared in "
                       "the catalog entry); a certificate is never valid beyond it: give an earlier expiry, or none "
                       "to take the latest allowed\n")
    issued = _dal(env, "--as", "registrar", "asset", "issue", cert, "--registration-number", NUMBER, "--number", "SZDEX-2026-0900")
    assert issued["status"] == "issued"
    expiry = ledger.certificate(int(cert)).expiry
    assert dt.datetime.fromtimestamp(expiry, SHANGHAI) == dt.datetime.combine(ends, dt.time(23, 59, 59), SHANGHAI)

    later = _refused(env, "--as", "merchant-a", "asset", "renew", cert, "--expiry", "2099-12-31")
    assert later.startswith("error: the expiry is later than the end of the source authorisation")


def test_issue_without_expiry_gives_the_registrars_validity(workflow_env: dict[str, str], tmp_path: Path) -> None:
    env = workflow_env
    ledger = LedgerContext.load(env=env)
    cert = _accepted(env, tmp_path, authorisation={"hash": "0x" + "a1" * 32, "expiry": None})
    _dal(env, "--as", "registrar", "asset", "publicize", cert)
    advance_time(ledger.w3, ledger.profile, 21 * DAY)
    issued_at = chain_time(ledger.w3)
    _dal(env, "--as", "registrar", "asset", "issue", cert, "--registration-number", NUMBER, "--number", "SZDEX-2026-0901")
    expiry = dt.datetime.fromtimestamp(ledger.certificate(int(cert)).expiry, dt.UTC)
    start = dt.datetime.fromtimestamp(issued_at, dt.UTC)
    assert (expiry.year - start.year, expiry.month, expiry.day) == (3, start.month, start.day)


def test_a_notice_run_again_after_an_objection_is_no_shorter_than_the_minimum(
    workflow_env: dict[str, str], tmp_path: Path
) -> None:
    env = workflow_env
    cert = _accepted(env, tmp_path)
    _dal(env, "--as", "registrar", "asset", "publicize", cert)
    _dal(env, "--as", "merchant-b", "asset", "object", cert, "--reason", "the source is ours")
    refused = _refused(env, "--as", "registrar", "asset", "resolve", cert, "--reason", "settled", "--notice-days", "3")
    assert refused.startswith("error: the notice would end before the minimum of 10 working days under the default "
                              "registrar rules (no registrar table in the profile), which ends at ")
    again = _dal(env, "--as", "registrar", "asset", "resolve", cert, "--reason", "settled", "--notice-days", "15")
    assert again["status"] == "under notice"


def test_an_import_keeps_each_file_in_its_own_shape(workflow_env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "catalogs"
    folder.mkdir()
    write_catalog(folder, "first-shape.json", name="Legacy asset")
    write_catalog(folder, "second-shape.json", name="Application asset", **APPLICATION)
    imported = _dal(workflow_env, "--as", "merchant-a", "asset", "import", str(folder), "--registrar", "registrar")
    assert imported["submitted"] == 2
    engine = open_store(workflow_env["DAL_DATABASE_URL"])
    try:
        with Session(engine) as session:
            shapes = {row.name: row.entry_schema for row in session.exec(select(CatalogVersion))}
    finally:
        engine.dispose()
    assert shapes == {"Legacy asset": "dal.catalog-entry/1", "Application asset": "dal.catalog-entry/2"}
    for item in imported["items"]:
        assert item["catalog_hash"] == to_hex(record_hash(load_catalog_entry(Path(item["source"]))))
