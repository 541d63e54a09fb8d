"""`dal compliance` through typer's runner on a real chain: list, add and remove modules, set their data,
and check a planned transfer without sending it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli.main import app
from tests.finance.support import (  # noqa: F401 - fixtures
    FinanceChain,
    chain_fixture,
    finance_chain_fixture,
    issued_certificate,
)

runner = CliRunner()


def _dal(chain: FinanceChain, *args: str) -> dict | list:  # type: ignore[type-arg]
    result = runner.invoke(app, ["--json", *args], env=chain.env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_modules_are_listed_added_and_removed(chain: FinanceChain) -> None:
    empty = runner.invoke(app, ["compliance", "list"], env=chain.env)
    assert empty.exit_code == 0 and "no compliance module is in force" in empty.stderr
    added = _dal(chain, "--as", "admin", "compliance", "add-module", "holder-cap", "--holding", "20")
    assert isinstance(added, dict)
    assert (added["kind"], added["state"]) == ("holder-cap", "executed")
    listed = _dal(chain, "compliance", "list")
    assert listed == [{
        "module": added["module"], "kind": "holder-cap", "conditions": ["holder change"],
        "settings": {"holding cap": 20, "development cap": "none", "operation cap": "none"},
    }]
    table = runner.invoke(app, ["compliance", "list"], env=chain.env)
    assert table.exit_code == 0 and "holder-cap" in table.stdout and "holding cap: 20" in table.stdout
    removed = _dal(chain, "--as", "admin", "compliance", "remove-module", added["module"])
    assert isinstance(removed, dict) and removed["state"] == "executed"
    assert _dal(chain, "compliance", "list") == []


def test_check_accepts_or_refuses_a_planned_transfer_in_one_sentence(chain: FinanceChain) -> None:
    certificate_id = str(issued_certificate(chain.context()))
    plan = ["compliance", "check", "--certificate", certificate_id, "--right", "holding",
            "--from", "merchant-a", "--to", "merchant-b", "--shares", "2500"]
    accepted = _dal(chain, *plan)
    assert isinstance(accepted, dict)
    assert (accepted["verdict"], accepted["new holder"], accepted["sender leaves"]) == ("accepted", True, False)

    _dal(chain, "--as", "admin", "compliance", "add-module", "qualification", "--qualification", "PI-PROCESSOR")
    _dal(chain, "--as", "registrar", "compliance", "flags", certificate_id, "--personal-information")
    shown = _dal(chain, "compliance", "show", certificate_id)
    assert isinstance(shown, dict)
    assert (shown["cross-border restricted"], shown["contains personal information"]) == (False, True)
    assert shown["holders counted"] is False  # a qualification module does not count holders
    refused = runner.invoke(app, plan, env=chain.env)
    assert refused.exit_code == 3, refused.stderr
    assert "refused" in refused.stdout and "ComplianceQualificationMissing" in refused.stdout
    as_json = runner.invoke(app, ["--json", *plan], env=chain.env)
    assert as_json.exit_code == 3
    answer = json.loads(as_json.stdout)
    assert (answer["verdict"], answer["refused by"]) == ("refused", "ComplianceQualificationMissing")
    assert answer["reason"].startswith("the qualification module 0x")
    assert "merchant-b (0x" in answer["reason"] and "does not hold the PI-PROCESSOR qualification" in answer["reason"]

    _dal(chain, "--as", "admin", "compliance", "qualify", "merchant-b", "PI-PROCESSOR")
    assert _dal(chain, *plan)["verdict"] == "accepted"  # type: ignore[call-overload]
    member = _dal(chain, "compliance", "member", "merchant-b", "--qualification", "PI-PROCESSOR")
    assert member["qualifications"] == {"PI-PROCESSOR": True}  # type: ignore[call-overload]


def test_jurisdictions_are_set_by_governance_and_allowed_by_the_registrar(chain: FinanceChain) -> None:
    certificate_id = str(issued_certificate(chain.context()))
    _dal(chain, "--as", "admin", "compliance", "add-module", "jurisdiction")
    _dal(chain, "--as", "admin", "compliance", "jurisdiction", "merchant-b", "de")
    _dal(chain, "--as", "registrar", "compliance", "flags", certificate_id, "--cross-border")
    plan = ["compliance", "check", "--certificate", certificate_id, "--right", "operation",
            "--from", "merchant-a", "--to", "merchant-b", "--shares", "1"]
    refused = runner.invoke(app, ["--json", *plan], env=chain.env)
    assert refused.exit_code == 3
    assert "(DE) is not in a jurisdiction its registrar allowed" in json.loads(refused.stdout)["reason"]
    _dal(chain, "--as", "registrar", "compliance", "allow", certificate_id, "DE")
    assert _dal(chain, *plan)["verdict"] == "accepted"  # type: ignore[call-overload]
    _dal(chain, "--as", "registrar", "compliance", "allow", certificate_id, "DE", "--withdraw")
    assert runner.invoke(app, plan, env=chain.env).exit_code == 3


def test_sync_holders_sets_lagging_counts_through_the_timelock(chain: FinanceChain) -> None:
    certificate_id = str(issued_certificate(chain.context()))
    assert _dal(chain, "--as", "admin", "compliance", "sync-holders") == {"changes": [], "state": "up to date"}
    _dal(chain, "--as", "merchant-a", "rights", "transfer", certificate_id, "--right", "holding",
         "--to", "merchant-b", "--shares", "10")
    # No module counting holders is in force: the transfer was not counted, which sync-holders repairs.
    synced = _dal(chain, "--as", "admin", "compliance", "sync-holders", certificate_id)
    assert isinstance(synced, dict) and synced["state"] == "executed"
    assert synced["changes"] == [{"certificate": int(certificate_id), "right": "holding", "counted": 1, "holders": 2}]
    assert _dal(chain, "compliance", "show", certificate_id)["holders"]["holding"] == 2  # type: ignore[call-overload]
    assert _dal(chain, "--as", "admin", "compliance", "sync-holders") == {"changes": [], "state": "up to date"}


def test_bad_input_is_one_line_and_exit_code_one(chain: FinanceChain) -> None:
    certificate_id = str(issued_certificate(chain.context()))
    for args, expected in [
        (["--as", "admin", "compliance", "jurisdiction", "merchant-b", "C1"], "ISO 3166-1 alpha-2"),
        (["--as", "admin", "compliance", "jurisdiction", "merchant-b"], "give the jurisdiction CODE"),
        (["--as", "admin", "compliance", "add-module", "jurisdiction", "--holding", "3"], "takes no --holding"),
        (["--as", "admin", "compliance", "add-module", "holder-cap"], "at least one cap"),
        (["--as", "merchant-a", "compliance", "qualify", "merchant-b", "PI"], "is not governance"),
        (["--as", "merchant-a", "compliance", "flags", certificate_id, "--cross-border"], "REGISTRAR role"),
        (["compliance", "check", "--certificate", certificate_id, "--right", "holding", "--from", "merchant-b",
          "--to", "merchant-c", "--shares", "5"], "holds 0 shares"),
    ]:
        result = runner.invoke(app, args, env=chain.env)
        assert result.exit_code == 1, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and expected in result.stderr, (args, result.stderr)
