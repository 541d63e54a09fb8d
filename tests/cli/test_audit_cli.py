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
    assert "PledgeRealised" in table.stdout
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


def test_a_members_part_in_a_certificate_and_its_whole_history(workflow_env: dict[str, str], tmp_path: Path) -> None:
    build_history(LedgerContext.load(env=workflow_env), tmp_path)
    one = runner.invoke(app, ["--json", "audit", "trace", "1", "--member", "merchant-a"], env=workflow_env)
    assert one.exit_code == 0, one.stderr
    document = json.loads(one.stdout)
    roles = [(item["role"], item["event"]["event"]) for item in document["events"]]
    assert roles == [
        ("applied", "CertificateSubmitted"),
        ("holder of record at issue", "CertificateIssued"),
        ("received at issue", "TransferBatch"),
        ("transferred", "TransferSingle"),
        ("granted a licence", "LicenceGranted"),
        ("pledged", "PledgeRecorded"),
        ("pledge realised", "PledgeRealised"),
        ("lost by the realisation of a pledge", "TransferSingle"),
    ]
    assert all(item["event"]["time"].endswith("Z") for item in document["events"])
    bank = runner.invoke(app, ["--json", "audit", "trace", "--member", "bank"], env=workflow_env)
    assert bank.exit_code == 0, bank.stderr
    history = json.loads(bank.stdout)
    assert history["certificates"] == [1]
    assert [item["role"] for item in history["events"]] == [
        "took a pledge", "pledge realised", "bought at the realisation of a pledge"
    ]
    table = runner.invoke(app, ["audit", "trace", "--member", "merchant-c"], env=workflow_env)
    assert table.exit_code == 0, table.stderr
    assert "on 1 certificates: 1 events" in table.stdout and " UTC" in table.stdout
    nobody = runner.invoke(app, ["audit", "trace", "--member", "auditor"], env=workflow_env)
    assert nobody.exit_code == 0 and "was never a party to 0 certificates" in nobody.stderr


def test_a_time_in_the_future_or_before_the_chain_is_refused_in_one_line(
    workflow_env: dict[str, str], tmp_path: Path
) -> None:
    build_history(LedgerContext.load(env=workflow_env), tmp_path)
    future = runner.invoke(app, ["audit", "trace", "1", "--at", "2999-01-01"], env=workflow_env)
    assert (future.exit_code, future.stdout) == (1, "")
    assert future.stderr.startswith("error: 2999-01-01 23:59 UTC is in the future: the chain's latest block is of ")
    past = runner.invoke(app, ["audit", "trace", "1", "--at", "2000-01-01T00:00:00"], env=workflow_env)
    assert (past.exit_code, past.stdout) == (1, "")
    assert past.stderr == "error: the chain did not exist yet at 2000-01-01 00:00 UTC; ask about a later time\n"
    both = runner.invoke(app, ["audit", "trace", "1", "--member", "bank", "--at", "2030-01-01"], env=workflow_env)
    assert both.exit_code == 2
    neither = runner.invoke(app, ["audit", "trace"], env=workflow_env)
    assert neither.exit_code == 2
