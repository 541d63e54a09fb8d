"""Upgrading a live suite under governance through the library and `dal chain`: a new release's
implementations, scheduled through the timelock, run at once or after its delay."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner
from workflow_chain import (  # noqa: F401
    chain_snapshot_fixture,
    ledger_fixture,
    workflow_chain_fixture,
    workflow_env_fixture,
)

from cli.main import app
from ledger import governance
from ledger.chain.artifacts import Artifact, load_artifact
from ledger.chain.clock import DAY, advance_time
from ledger.chain.compiler import TESTING_ARTIFACTS_DIR
from ledger.chain.deploy import TIMELOCK, implementation_of
from ledger.context import LedgerContext
from ledger.errors import ContractRevertError, ValidationError
from ledger.governance import TimelockOperation, execute_upgrade, suite_governance, upgrade_suite

runner = CliRunner()


@pytest.fixture
def new_release(monkeypatch: pytest.MonkeyPatch) -> None:
    """A release whose Certificates implementation changed: the second edition the tests ship."""

    def shipped(name: str, *args: object) -> Artifact:
        if name == "Certificates" and not args:
            return load_artifact("CertificatesV2", TESTING_ARTIFACTS_DIR)
        return load_artifact(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(governance, "load_artifact", shipped)


def edition(ledger: LedgerContext) -> int:
    v2 = ledger.w3.eth.contract(
        address=ledger.contract("Certificates").address,
        abi=load_artifact("CertificatesV2", TESTING_ARTIFACTS_DIR).abi,
    )
    return int(v2.functions.edition().call())


def set_delay(ledger: LedgerContext, seconds: int) -> None:
    """Governance changes the timelock's delay, through the timelock (its delay is zero here)."""
    timelock = ledger.contract(TIMELOCK)
    data = bytes.fromhex(timelock.encode_abi("updateDelay", args=[seconds])[2:])
    operation = TimelockOperation(targets=(timelock.address,), payloads=(data,), salt=b"\x07" * 32)
    ledger.transact(operation.schedule(ledger, 0), as_="admin")
    ledger.transact(operation.execute(ledger), as_="admin")
    assert timelock.functions.getMinDelay().call() == seconds


def test_a_suite_running_the_shipped_code_has_nothing_to_upgrade(ledger: LedgerContext) -> None:
    before = {name: implementation_of(ledger.w3, ledger.deployment.address(name)) for name in ("Rights", "Anchors")}
    outcome = upgrade_suite(ledger, as_="admin")
    assert (outcome.state, outcome.upgrades) == ("up to date", {})
    assert before == {name: implementation_of(ledger.w3, ledger.deployment.address(name)) for name in before}


def test_a_new_release_upgrades_at_once_when_the_timelock_has_no_delay(
    ledger: LedgerContext, new_release: None
) -> None:
    count = int(ledger.call("Certificates", "certificateCount"))
    outcome = upgrade_suite(ledger, as_="admin")
    assert outcome.state == "executed"
    assert list(outcome.upgrades) == ["Certificates"]
    assert implementation_of(ledger.w3, ledger.deployment.address("Certificates")) == outcome.upgrades["Certificates"]
    assert edition(ledger) == 2
    assert int(ledger.call("Certificates", "certificateCount")) == count
    # Running it again finds nothing left to do; the auditor sees the operation, executed.
    assert upgrade_suite(ledger, as_="admin").state == "up to date"
    (operation,) = suite_governance(ledger).operations
    assert (operation.operation_id, operation.state) == (outcome.operation_id, "executed")
    assert operation.calls[0]["target"].startswith("Certificates (")
    assert operation.calls[0]["call"].startswith(f"upgradeToAndCall(newImplementation={outcome.upgrades['Certificates']}")


def test_with_a_delay_the_upgrade_waits_in_public_and_runs_only_after_it(
    ledger: LedgerContext, new_release: None
) -> None:
    set_delay(ledger, DAY)
    outcome = upgrade_suite(ledger, as_="admin")
    assert (outcome.state, outcome.delay) == ("scheduled", DAY)
    assert outcome.operation_id is not None
    pending = [item for item in suite_governance(ledger).operations if item.operation_id == outcome.operation_id]
    assert [item.state for item in pending] == ["pending"]
    with pytest.raises(ContractRevertError) as refused:
        execute_upgrade(ledger, outcome.operation_id, as_="admin")
    assert refused.value.name == "TimelockUnexpectedOperationState"
    assert "is not ready" in str(refused.value)
    advance_time(ledger.w3, ledger.profile, DAY)
    with pytest.raises(ContractRevertError) as stranger:
        execute_upgrade(ledger, outcome.operation_id, as_="merchant-a")
    assert stranger.value.name == "AccessControlUnauthorizedAccount"
    execute_upgrade(ledger, outcome.operation_id, as_="admin")
    assert edition(ledger) == 2
    with pytest.raises(ValidationError, match="no operation 0x00"):
        execute_upgrade(ledger, "0x" + "00" * 32, as_="admin")


def test_only_contracts_of_the_suite_are_upgraded(ledger: LedgerContext) -> None:
    with pytest.raises(ValidationError, match="Timelock is not a contract of the suite"):
        upgrade_suite(ledger, ["Timelock"], as_="admin")


def test_dal_chain_upgrade_and_governance_answer_in_json(workflow_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["--json", "--as", "admin", "chain", "upgrade"], env=workflow_env)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"state": "up to date", "upgrades": {}}
    result = runner.invoke(app, ["--json", "chain", "governance"], env=workflow_env)
    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    assert sorted(view["implementations"]) == ["Anchors", "Certificates", "Compliance", "Consortium", "Pledges", "Registrations",
                                               "Rights"]
    assert sorted(view["directory"]) == ["Anchors", "Certificates", "Compliance", "Pledges", "Registrations", "Rights"]
    assert view["delay"] == "0 s"
    result = runner.invoke(app, ["--as", "admin", "chain", "upgrade", "--execute", "0x" + "ab" * 32], env=workflow_env)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no operation 0x" + "ab" * 32)
    assert result.stdout == ""
