"""`dal due-process` through typer's runner on the session's anvil: a registrar proposes a forced transfer or a key
recovery, governance executes it once the delay (two days on a new suite) has passed on the chain's clock
(`dal chain advance`), a registrar cancels its own proposal, `list` shows where each stands; every refusal and every
bad input is one line on stderr (and one JSON error with `--json`), exit 1, or 2 for a usage mistake."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_utils.crypto import keccak
from typer.testing import CliRunner, Result
from workflow_chain import (  # noqa: F401 - fixtures
    chain_snapshot_fixture,
    workflow_chain_fixture,
    workflow_env_fixture,
)

from cli.main import app
from ledger.context import LedgerContext
from ledger.types import MemberStatus, Right
from tests.finance.support import issue_certificate

runner = CliRunner()

ORDER = "0x" + "c0" * 32


def _dal(env: dict[str, str], *args: str) -> Any:
    result = runner.invoke(app, ["--json", *args], env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _refused(env: dict[str, str], *args: str, code: int = 1) -> str:
    """The one line a refusal prints, checked to be the same sentence as the `--json` error's message."""
    result = runner.invoke(app, list(args), env=env)
    _one_line(result, code)
    if code == 1:
        as_json = runner.invoke(app, ["--json", *args], env=env)
        assert as_json.exit_code == 1
        error = json.loads(as_json.stdout)["error"]
        assert error["message"] == result.stderr.strip().removeprefix("error: ")
    return result.stderr.strip()


def _one_line(result: Result, code: int) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def _code(env: dict[str, str], *args: str) -> str:
    result = runner.invoke(app, ["--json", *args], env=env)
    assert result.exit_code == 1, result.stdout
    return str(json.loads(result.stdout)["error"]["code"])


def _shares(ledger: LedgerContext, certificate_id: int, right: Right, member: str) -> int:
    return int(ledger.call("Rights", "sharesOf", certificate_id, int(right), ledger.address_of(member)))


def test_a_forced_transfer_waits_the_delay_on_the_chains_clock_then_governance_executes_it(
    workflow_env: dict[str, str],
) -> None:
    ledger = LedgerContext.load(env=workflow_env)
    certificate_id = issue_certificate(ledger, "merchant-a")
    proposed = _dal(workflow_env, "--as", "registrar", "due-process", "propose-transfer", str(certificate_id),
                    "holding", "--from", "merchant-a", "--to", "merchant-b", "--percent", "30", "--document", ORDER)
    assert (proposed["proposal"], proposed["next"]) == (1, "dal due-process execute 1")

    early = _refused(workflow_env, "--as", "admin", "due-process", "execute", "1")
    when = proposed["executable at"].replace("T", " ").replace("Z", " UTC")
    assert early == f"error: proposal 1 may run from {when} on; execute it then"
    assert _code(workflow_env, "--as", "admin", "due-process", "execute", "1") == "DueProcessTooEarly"
    assert _shares(ledger, certificate_id, Right.HOLDING, "merchant-b") == 0

    _dal(workflow_env, "chain", "advance", "2d")
    executed = _dal(workflow_env, "--as", "admin", "due-process", "execute", "1")
    assert executed["status"] == "executed" and executed["tx"].startswith("0x")
    assert _shares(ledger, certificate_id, Right.HOLDING, "merchant-b") == 3_000
    assert _shares(ledger, certificate_id, Right.HOLDING, "merchant-a") == 7_000

    (row,) = _dal(workflow_env, "due-process", "list")
    assert {key: row[key] for key in ("proposal", "kind", "status", "from", "to", "document")} == {
        "proposal": 1, "kind": "forced transfer", "status": "executed", "from": ledger.address_of("merchant-a"),
        "to": ledger.address_of("merchant-b"), "document": ORDER,
    }
    assert row["what"] == f"3000 shares of the holding right of certificate {certificate_id}"
    again = _refused(workflow_env, "--as", "admin", "due-process", "execute", "1")
    assert again == "error: proposal 1 is executed, not proposed: it ran or was cancelled"

    trace = _dal(workflow_env, "audit", "trace", str(certificate_id))
    summaries = [event["summary"] for event in trace["events"]]
    assert "governance (admin) executed due-process proposal 1" in summaries
    assert "merchant-a transferred 30% of the holding right to merchant-b by court order (due-process proposal 1)" \
        in summaries


def test_the_proposing_registrar_cancels_and_governance_sets_the_delay(
    workflow_env: dict[str, str], tmp_path: Path
) -> None:
    ledger = LedgerContext.load(env=workflow_env)
    certificate_id = issue_certificate(ledger, "merchant-a")
    order = tmp_path / "ruling.pdf"
    order.write_bytes(b"%PDF the court's ruling")
    _dal(workflow_env, "--as", "registrar", "due-process", "propose-transfer", str(certificate_id), "operation",
         "--from", "merchant-a", "--to", "merchant-c", "--shares", "10000", "--document", str(order))
    assert _code(workflow_env, "--as", "merchant-a", "due-process", "cancel", "1", "--reason", "no") \
        == "ConsortiumMissingRole"
    cancelled = _dal(workflow_env, "--as", "registrar", "due-process", "cancel", "1", "--reason",
                     "the court withdrew its order")
    assert cancelled["status"] == "cancelled"
    (row,) = _dal(workflow_env, "due-process", "list")
    assert row["status"] == "cancelled"
    assert row["document"] == "0x" + keccak(order.read_bytes()).hex()
    assert _refused(workflow_env, "--as", "admin", "due-process", "execute", "1") == (
        "error: proposal 1 is cancelled, not proposed: it ran or was cancelled"
    )

    assert _refused(workflow_env, "--as", "registrar", "due-process", "set-delay", "1d").startswith(
        f"error: registrar ({ledger.address_of('registrar')}) is not governance; only the Consortium's admin executes"
    )
    assert _dal(workflow_env, "--as", "admin", "due-process", "set-delay", "0")["delay"] == "0 s"
    table = runner.invoke(app, ["due-process", "list"], env=workflow_env)
    assert table.exit_code == 0 and "due process (delay 0 s)" in table.stdout + table.stderr
    _dal(workflow_env, "--as", "registrar", "due-process", "propose-transfer", str(certificate_id), "operation",
         "--from", "merchant-a", "--to", "merchant-c", "--shares", "10000", "--document", ORDER)
    _dal(workflow_env, "--as", "admin", "due-process", "execute", "2")
    assert _shares(ledger, certificate_id, Right.OPERATION, "merchant-c") == 10_000


def test_a_key_recovery_moves_the_member_to_its_new_address(workflow_env: dict[str, str]) -> None:
    ledger = LedgerContext.load(env=workflow_env)
    certificate_id = issue_certificate(ledger, "merchant-a")
    new = Account.create().address
    proposed = _dal(workflow_env, "--as", "registrar", "due-process", "propose-recovery", "merchant-a", new,
                    "--document", ORDER)
    assert (proposed["certificates"], proposed["licences"], proposed["pledges"]) == ([certificate_id], [], [])
    assert _code(workflow_env, "--as", "admin", "due-process", "execute", "1") == "DueProcessTooEarly"
    _dal(workflow_env, "chain", "advance", "2d")
    _dal(workflow_env, "--as", "admin", "due-process", "execute", "1")

    assert ledger.member(ledger.address_of("merchant-a")).status is MemberStatus.RETIRED
    assert ledger.member(new).status is MemberStatus.ACTIVE
    assert int(ledger.call("Rights", "sharesOf", certificate_id, 0, new)) == 10_000
    (row,) = _dal(workflow_env, "due-process", "list")
    assert (row["kind"], row["status"], row["to"]) == ("recovery", "executed", new)
    assert row["what"] == f"certificates [{certificate_id}], licences [], pledges [], 0 qualification(s)"

    lost = _refused(workflow_env, "--as", "merchant-a", "rights", "transfer", str(certificate_id), "--right",
                    "holding", "--to", "merchant-b", "--shares", "1")
    assert "was replaced by key recovery and can do nothing" in lost
    trace = _dal(workflow_env, "audit", "trace", str(certificate_id))
    assert "merchant-a transferred 100% of the holding right to Pearl River Logistics Data Co. (development) by key " \
        "recovery (due-process proposal 1)" in [event["summary"] for event in trace["events"]]


def test_bad_input_is_one_line_and_no_traceback(workflow_env: dict[str, str]) -> None:
    ledger = LedgerContext.load(env=workflow_env)
    certificate_id = str(issue_certificate(ledger, "merchant-a"))
    transfer = ["due-process", "propose-transfer", certificate_id, "holding", "--from", "merchant-a", "--to",
                "merchant-b", "--shares", "100"]

    assert _refused(workflow_env, "--as", "admin", "due-process", "execute", "99") == (
        "error: proposal 99 does not exist; list the proposals with `dal due-process list`"
    )
    assert _code(workflow_env, "--as", "admin", "due-process", "execute", "99") == "DueProcessUnknownProposal"
    not_registrar = _refused(workflow_env, "--as", "merchant-a", *transfer, "--document", ORDER)
    assert not_registrar == (
        f"error: merchant-a ({ledger.address_of('merchant-a')}) does not hold the REGISTRAR role this needs; act as a "
        "member that does, or ask the admin to grant it"
    )
    assert _code(workflow_env, "--as", "merchant-a", *transfer, "--document", ORDER) == "ConsortiumMissingRole"

    missing = runner.invoke(app, ["--as", "registrar", *transfer], env=workflow_env)
    _one_line(missing, 2)
    assert "--document" in missing.stderr
    assert _refused(workflow_env, "--as", "registrar", *transfer, "--document", "0x" + "00" * 32) == (
        "error: --document must not be the zero hash; give the document's hash"
    )
    assert "give the document or its keccak-256 hash" in _refused(
        workflow_env, "--as", "registrar", *transfer, "--document", "no-such-ruling.pdf"
    )
    assert _refused(workflow_env, "--as", "registrar", "due-process", "propose-transfer", certificate_id, "holding",
                    "--from", "merchant-a", "--to", "merchant-b", "--shares", "0", "--document", ORDER) == (
        "error: shares must be between 1 and 10000 basis points (0.01% to 100%), got 0"
    )
    assert "is not a duration" in _refused(workflow_env, "--as", "admin", "due-process", "set-delay", "soon")
    assert _code(workflow_env, "--as", "registrar", "due-process", "propose-recovery", "merchant-a", "merchant-a",
                 "--document", ORDER) == "DueProcessInvalidParties"
    assert _code(workflow_env, "--as", "admin", "due-process", "set-delay", "91d") == "DueProcessInvalidDelay"
    assert _dal(workflow_env, "due-process", "list") == []  # nothing was half-written
