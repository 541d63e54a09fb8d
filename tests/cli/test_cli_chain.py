"""`dal chain`: the local chain's lifecycle, its persistence and its deployments record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from ledger.chain.node import LocalNode, free_port, node_for
from ledger.config import load_profile
from ledger.context import LedgerContext
from ledger.errors import NodeUnavailableError, ValidationError
from ledger.reader import ChainReader

runner = CliRunner()


@pytest.fixture
def local_env(home: Path) -> Iterator[dict[str, str]]:
    """A data home whose local node gets a free port; the node is stopped afterwards."""
    env = {"DAL_HOME": str(home), "DAL_RPC_URL": f"http://127.0.0.1:{free_port()}"}
    yield env
    node_for(load_profile(env=env)).stop()


def _dal(env: dict[str, str], *args: str) -> dict[str, object]:
    result = runner.invoke(app, ["--json", *args], env=env)
    assert result.exit_code == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout)
    return answer


def test_the_local_chain_keeps_its_state_and_contracts_across_restarts(
    local_env: dict[str, str], home: Path
) -> None:
    before_up = _dal(local_env, "chain", "status")
    assert (before_up["node"], before_up["contracts"], before_up["block"]) == ("stopped", {}, None)

    first = _dal(local_env, "chain", "up")
    assert first["node"] == "running"
    assert isinstance(first["pid"], int)
    contracts = first["contracts"]
    assert isinstance(contracts, dict)
    assert sorted(contracts) == [
        "Anchors", "Certificates", "Compliance", "Consortium", "Pledges", "Registrations", "Rights", "Timelock"
    ]
    assert first["contracts_live"] is True
    recorded = json.loads((home / "deployments.json").read_text())
    assert recorded == {"31337": {**contracts, "block": first["deployment_block"]}}

    down = _dal(local_env, "chain", "down")
    assert down["stopped"] is True
    assert _dal(local_env, "chain", "status")["node"] == "stopped"

    again = _dal(local_env, "chain", "up")
    assert again["contracts"] == contracts
    assert again["block"] == first["block"]  # nothing was deployed a second time
    assert again["pid"] != first["pid"]


def test_a_reset_local_chain_gets_the_suite_deployed_again(local_env: dict[str, str], home: Path) -> None:
    first = _dal(local_env, "chain", "up")
    _dal(local_env, "chain", "down")
    (home / "node" / "anvil-state.json").unlink()

    reset = _dal(local_env, "chain", "up")
    assert reset["contracts_live"] is True
    assert reset["deployment_block"] == 1
    assert reset["block"] == first["block"]
    # Same deployer, same nonces, so the same addresses: but they hold fresh code now.
    assert reset["contracts"] == first["contracts"]


def test_down_when_nothing_runs_says_so(local_env: dict[str, str]) -> None:
    assert _dal(local_env, "chain", "down") == {"profile": "local", "stopped": False, "pid": None}


def test_a_node_this_home_did_not_start_is_used_but_never_replaced(local_env: dict[str, str]) -> None:
    profile = load_profile(env=local_env)
    foreign = LocalNode(port=profile.local_port)
    foreign.start()
    try:
        status = _dal(local_env, "chain", "status")
        assert (status["node"], status["pid"]) == ("running", None)
        with pytest.raises(NodeUnavailableError, match="another program already answers on"):
            node_for(profile).start()
    finally:
        foreign.stop()


def test_the_local_chain_keeps_its_clock_across_restarts(local_env: dict[str, str]) -> None:
    _dal(local_env, "chain", "up")
    moved = _dal(local_env, "chain", "advance", "30d")
    assert int(str(moved["seconds"])) >= 30 * 86_400
    _dal(local_env, "chain", "down")
    _dal(local_env, "chain", "up")
    later = _dal(local_env, "chain", "advance", "1h")
    # The clock goes on from where the chain left it, not from the machine's time.
    assert str(later["from"]) >= str(moved["to"])
    assert str(later["to"]) > str(moved["to"])


def test_a_block_whose_state_went_with_a_restart_is_refused_in_one_sentence(local_env: dict[str, str]) -> None:
    _dal(local_env, "chain", "up")
    _dal(local_env, "chain", "down")
    _dal(local_env, "chain", "up")
    ledger = LedgerContext.load(env=local_env)
    with pytest.raises(ValidationError, match=(
        r"^the node no longer holds the state of block 1 \(it answers: .*\); a node that is not an archive node, or "
        r"a local chain restarted with `dal chain up`, keeps its blocks but not every block's state"
    )):
        ChainReader(ledger, 1)
    assert ChainReader(ledger, int(ledger.w3.eth.block_number)).block_number > 1  # the latest state is there


def test_moving_the_clock_needs_a_duration(local_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["chain", "advance", "soon"], env=local_env)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("error: duration 'soon' is not a duration; give a count and a unit")
    assert _dal(local_env, "chain", "status")["node"] == "stopped"  # nothing was started
