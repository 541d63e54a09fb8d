"""`dal asset` through typer's CliRunner (and once through a real process), on the session's chain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner
from workflow_chain import (  # noqa: F401 - fixtures
    CATALOG,
    chain_snapshot_fixture,
    workflow_chain_fixture,
    workflow_env_fixture,
    write_catalog,
)

from cli.main import app
from ledger.catalog import load_catalog_entry
from ledger.chain.clock import advance_time
from ledger.context import LedgerContext
from ledger.hashing import record_hash, to_hex

runner = CliRunner()


def _dal(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["--json", *args], env=env)
    assert result.exit_code == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def _advance(env: dict[str, str], seconds: int) -> None:
    ledger = LedgerContext.load(env=env)
    advance_time(ledger.w3, ledger.profile, seconds)


def test_a_merchant_applies_with_a_catalog_file(workflow_env: dict[str, str], tmp_path: Path) -> None:
    path = write_catalog(tmp_path, "asset.yaml")
    path.write_text("\n".join(f"{key}: {json.dumps(value)}" for key, value in CATALOG.items()) + "\n")
    applied = _dal(workflow_env, "--as", "merchant-a", "asset", "apply", str(path), "--registrar", "registrar")
    assert applied["action"] == "applied"
    assert applied["status"] == "submitted"
    assert applied["catalog_hash"] == to_hex(record_hash(load_catalog_entry(path)))
    assert applied["name"] == CATALOG["name"]
    assert applied["transaction"].startswith("0x") and applied["block"] > 0


def test_the_whole_review_runs_from_the_command_line(workflow_env: dict[str, str], tmp_path: Path) -> None:
    env = workflow_env
    path = write_catalog(tmp_path)
    cert = str(_dal(env, "--as", "merchant-a", "asset", "apply", str(path), "--registrar", "registrar")[
        "certificate_id"])
    _dal(env, "--as", "registrar", "asset", "return", cert, "--reason", "add the quality report")
    _dal(env, "--as", "merchant-a", "asset", "resubmit", cert, str(path))
    _dal(env, "--as", "registrar", "asset", "accept", cert)
    published = _dal(env, "--as", "registrar", "asset", "publicize", cert, "--notice-days", "30")
    assert published["status"] == "under notice"
    _dal(env, "--as", "auditor", "asset", "object", cert, "--reason", "source unclear")
    resolved = _dal(env, "--as", "registrar", "asset", "resolve", cert, "--reason", "source documents shown")
    assert resolved["status"] == "under notice"
    _advance(env, 1)
    issued = _dal(env, "--as", "registrar", "asset", "issue", cert, "--registration-number", "SZDEX2025000001008",
                  "--number", "SZDEX-2025-0100", "--expiry", "5y")
    assert (issued["status"], issued["in_force"], issued["number"]) == ("issued", True, "SZDEX-2025-0100")
    assert (issued["registration_number"], issued["rights_registered"]) == (
        "SZDEX2025000001008", "holding, development, operation")

    renewal = _dal(env, "--as", "merchant-a", "asset", "renew", "SZDEX-2025-0100", "--expiry", "2099-12-31")
    assert renewal["pending_request"] == "renewal"
    renewed = _dal(env, "--as", "registrar", "asset", "approve", "registrar:SZDEX-2025-0100",
                   "--number", "SZDEX-2025-0100-R")
    assert (renewed["action"], renewed["expiry"]) == ("renewed", "2099-12-31T23:59:59Z")

    changed_file = write_catalog(tmp_path, "v2.json", scale="1.5 billion records")
    _dal(env, "--as", "merchant-a", "asset", "change", cert, str(changed_file))
    changed = _dal(env, "--as", "registrar", "asset", "approve", "SZDEX2025000001008", "--number", "SZDEX-2025-0100-C")
    assert (changed["action"], changed["version"]) == ("changed", 2)

    suspended = _dal(env, "--as", "registrar", "asset", "suspend", cert, "--reason", "dispute")
    assert (suspended["status"], suspended["in_force"]) == ("suspended", False)
    _dal(env, "--as", "registrar", "asset", "reinstate", cert)
    requested = _dal(env, "--as", "merchant-a", "asset", "cancel", cert, "--reason", "retired")
    assert requested["action"] == "cancellation requested"
    _dal(env, "--as", "registrar", "asset", "decline", cert, "--reason", "pledged assets")
    cancelled = _dal(env, "--as", "registrar", "asset", "cancel", cert, "--reason", "court order")
    assert cancelled["status"] == "cancelled"


def test_an_objection_can_end_in_rejection(workflow_env: dict[str, str], tmp_path: Path) -> None:
    env = workflow_env
    cert = str(_dal(env, "--as", "merchant-b", "asset", "apply", str(write_catalog(tmp_path)), "--registrar",
                    "registrar")["certificate_id"])
    _dal(env, "--as", "registrar", "asset", "accept", cert)
    _dal(env, "--as", "registrar", "asset", "publicize", cert)
    _dal(env, "--as", "merchant-a", "asset", "object", cert, "--reason", "this is our data")
    rejected = _dal(env, "--as", "registrar", "asset", "reject", cert, "--reason", "ownership not shown")
    assert rejected["status"] == "rejected"


def test_show_and_list_answer_as_tables_by_default(workflow_env: dict[str, str], tmp_path: Path) -> None:
    env = workflow_env
    _dal(env, "--as", "merchant-a", "asset", "apply", str(write_catalog(tmp_path)), "--registrar", "registrar")
    shown = runner.invoke(app, ["asset", "show", "1"], env=env)
    assert shown.exit_code == 0, shown.stderr
    assert "submitted" in shown.stdout and CATALOG["name"] in shown.stdout
    # Tables name the parties; JSON keeps the bare addresses for programs.
    assert "merchant-a (0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC)" in shown.stdout
    assert "registrar (0x70997970C51812dc3A010C7d01b50e0d17dc79C8)" in shown.stdout
    assert _dal(env, "asset", "show", "1")["holder"] == "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
    listed = runner.invoke(app, ["asset", "list", "--status", "submitted"], env=env)
    assert CATALOG["name"] in listed.stdout
    assert json.loads(runner.invoke(app, ["--json", "asset", "list", "--holder", "merchant-b"], env=env).stdout) == []
    nothing = runner.invoke(app, ["asset", "list", "--holder", "merchant-b"], env=env)
    assert (nothing.stdout, nothing.stderr) == ("", "no certificates match\n")


def test_an_import_is_one_json_document_and_a_rerun_skips_everything(
    workflow_env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "catalogs"
    folder.mkdir()
    for index in range(6):
        write_catalog(folder, f"asset-{index}.json", name=f"Asset {index}")
    first = _dal(workflow_env, "--as", "merchant-a", "asset", "import", str(folder), "--registrar", "registrar")
    assert (first["files"], first["submitted"], first["already_submitted"]) == (6, 6, 0)
    assert [item["state"] for item in first["items"]] == ["submitted"] * 6
    again = runner.invoke(app, ["--as", "merchant-a", "asset", "import", str(folder), "--registrar", "registrar"],
                          env=workflow_env)
    assert again.exit_code == 0, again.stderr
    assert "0 applications submitted, 6 already submitted" in again.stderr
    assert "already submitted" in again.stdout


def test_a_pledged_certificate_is_cancelled_from_the_command_line_once_the_pledgee_consents(
    workflow_env: dict[str, str], tmp_path: Path
) -> None:
    from workflow_chain import _pledge, issue_catalogued

    from ledger.chain.clock import YEAR, chain_time

    env = workflow_env
    ledger = LedgerContext.load(env=env)
    cid = issue_catalogued(ledger, tmp_path, "pledged.json", "SZDEX-PLEDGED", name="pledged", year=2026)
    _pledge(ledger, cid, 4_000, maturity=chain_time(ledger.w3) + YEAR)
    cert = str(cid)
    [pledge] = _dal(env, "pledge", "list", cert, "--status", "active")
    act = _dal(env, "asset", "cancel", cert, "--reason", "court order", "--act-hash")
    assert (act["certificate"], act["act"]) == (cid, "cancellation")

    refused = runner.invoke(app, ["--as", "registrar", "asset", "cancel", cert, "--reason", "court order"], env=env)
    assert refused.exit_code == 1
    assert "Traceback" not in refused.output
    assert refused.stderr.strip().count("\n") == 0
    assert f"dal pledge consent-act {pledge['pledge']} {act['act_hash']}" in refused.stderr
    assert _dal(env, "asset", "show", cert)["status"] == "issued"

    _dal(env, "--as", "bank", "pledge", "consent-act", str(pledge["pledge"]), act["act_hash"])
    cancelled = _dal(env, "--as", "registrar", "asset", "cancel", cert, "--reason", "court order")
    assert cancelled["status"] == "cancelled"
    assert _dal(env, "pledge", "show", str(pledge["pledge"]))["status"] == "released"
