"""`dal audit trace` through typer's CliRunner: the history as a table or JSON, and holders at a time."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner
from workflow_chain import (  # noqa: F401 - fixtures
    build_history,
    chain_snapshot_fixture,
    workflow_chain_fixture,
    workflow_env_fixture,
)

from cli.main import app
from ledger.context import LedgerContext

runner = CliRunner()


def _iso(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat()


def test_the_trace_is_a_table_of_events_and_one_json_document(workflow_env: dict[str, str], tmp_path: Path) -> None:
    build_history(LedgerContext.load(env=workflow_env), tmp_path)
    table = runner.invoke(app, ["audit", "trace", "SZDEX-AUDIT-1"], env=workflow_env)
    assert table.exit_code == 0, table.stderr
    assert "certificate 1 (SZDEX-AUDIT-1): 10 events" in table.stdout
    assert "PledgeEnforced" in table.stdout
    as_json = runner.invoke(app, ["--json", "audit", "trace", "1"], env=workflow_env)
    document = json.loads(as_json.stdout)
    assert (document["certificate_id"], document["number"]) == (1, "SZDEX-AUDIT-1")
    first = document["events"][0]
    assert first["event"] == "CertificateSubmitted"
    assert set(first) == {"block", "time", "tx_hash", "log_index", "contract", "event", "summary", "args"}
    assert first["args"]["certificateId"] == 1


def test_holders_at_a_time_answer_who_and_how(workflow_env: dict[str, str], tmp_path: Path) -> None:
    history = build_history(LedgerContext.load(env=workflow_env), tmp_path)
    at = _iso(history["pledged"])
    as_json = runner.invoke(app, ["--json", "audit", "trace", "1", "--at", at], env=workflow_env)
    assert as_json.exit_code == 0, as_json.stderr
    document = json.loads(as_json.stdout)
    assert (document["status"], document["in_force"]) == ("issued", True)
    operation = {h["name"]: h["shares"] for h in document["rights"][2]["holders"]}
    assert operation == {"merchant-a": 6000, "merchant-c": 4000}
    assert [p["pledge_id"] for p in document["pledges"]] == [1]

    table = runner.invoke(app, ["audit", "trace", "1", "--at", at], env=workflow_env)
    assert table.exit_code == 0, table.stderr
    assert "issued, in force; 1 licences in force, 1 active pledges" in table.stderr
    assert "merchant-c" in table.stdout and "40%" in table.stdout


def test_a_malformed_time_is_one_line(workflow_env: dict[str, str], tmp_path: Path) -> None:
    build_history(LedgerContext.load(env=workflow_env), tmp_path)
    result = runner.invoke(app, ["audit", "trace", "1", "--at", "30 June"], env=workflow_env)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("error: --at '30 June' is not a time; give a date YYYY-MM-DD (the end of that day, UTC)")
