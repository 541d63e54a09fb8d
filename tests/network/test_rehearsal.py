"""A local rehearsal of the generated network: its profile's settings, on a local chain set up the same way.

Besu cannot run here, so a local anvil node stands in for the network with what the generated
profile tells dal about it: the genesis's chain id, zero gas price (anvil's base fee and gas price
are 0, like zeroBaseFee with --min-gas-price=0), the proof-of-authority header handling and the
eth_getLogs window. On it, `dal network deploy` deploys the suite governed by a real Safe, and the
end-to-end demo plays through `dal demo --like PROFILE`, after which `dal verify --proof` checks the
bank's answer against the state root on that chain.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from web3 import Web3
from web3.logs import DISCARD

from cli.main import app
from ledger.chain.compiler import PROJECT_ROOT
from ledger.chain.node import LocalNode, free_port
from ledger.context import LedgerContext
from ledger.members import admin_address

runner = CliRunner()
CHAIN_ID = 2026
LOG_RANGE = 8
SAFE_ARTIFACTS = PROJECT_ROOT / "node_modules" / "@safe-global" / "safe-smart-account" / "build" / "artifacts"
ZERO = "0x" + "00" * 20


@pytest.fixture
def network(home: Path, tmp_path: Path) -> Path:
    out = tmp_path / "net"
    result = runner.invoke(app, ["network", "init", "-o", str(out), "--validators", "4", "--member", "exchange",
                                 "--member", "bank", "--member", "regulator", "--chain-id", str(CHAIN_ID),
                                 "--log-range", str(LOG_RANGE)], env={"DAL_HOME": str(home)})
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture
def chain() -> Iterator[LocalNode]:
    """An anvil node on the network's chain id (gas price and base fee 0)."""
    node = LocalNode(port=free_port(), chain_id=CHAIN_ID)
    node.start()
    yield node
    node.stop()


def _safe(w3: Web3, owners: list[str]) -> str:
    """A 2-of-3 Safe deployed from the npm package's artifacts, by anvil's first unlocked account."""
    if not SAFE_ARTIFACTS.exists():
        pytest.skip("@safe-global/safe-smart-account is not installed; run `make setup`")
    sender = w3.eth.accounts[0]

    def deploy(path: str) -> Any:
        artifact = json.loads((SAFE_ARTIFACTS / path).read_text())
        factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
        receipt = w3.eth.wait_for_transaction_receipt(factory.constructor().transact({"from": sender}))
        return w3.eth.contract(address=receipt["contractAddress"], abi=artifact["abi"])

    singleton = deploy("contracts/Safe.sol/Safe.json")
    proxies = deploy("contracts/proxies/SafeProxyFactory.sol/SafeProxyFactory.json")
    setup = singleton.functions.setup(owners, 2, ZERO, b"", ZERO, ZERO, 0, ZERO)._encode_transaction_data()
    tx = proxies.functions.createProxyWithNonce(singleton.address, setup, 1).transact({"from": sender})
    receipt = w3.eth.wait_for_transaction_receipt(tx)
    (created,) = proxies.events.ProxyCreation().process_receipt(receipt, errors=DISCARD)
    return str(created["args"]["proxy"])


def _env(home: Path, network: Path, chain: LocalNode, tmp_path: Path, password: str) -> dict[str, str]:
    return {"DAL_HOME": str(home), "DAL_CONFIG": str(network / "dal.toml"), "DAL_RPC_URL": chain.url,
            "DAL_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}", "DAL_PASSWORD": password}


def test_deploy_puts_the_suite_on_the_network_governed_by_the_multisig(
    home: Path, network: Path, chain: LocalNode, tmp_path: Path, member_addresses: dict[str, str],
    member_password: str,
) -> None:
    w3 = Web3(Web3.HTTPProvider(chain.url))
    safe = _safe(w3, [Web3.to_checksum_address(a) for a in member_addresses.values()])
    env = _env(home, network, chain, tmp_path, member_password)

    single_key = Web3.to_checksum_address(member_addresses["exchange"])
    refused = runner.invoke(app, ["--as", "exchange", "network", "deploy", "--admin", single_key], env=env)
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"error: --admin {single_key} has no code on chain {CHAIN_ID}: the admin must be the consortium's "
        "multisig wallet (a Safe); deploy it first and give its address\n"
    )
    assert not (home / "deployments.json").exists()

    result = runner.invoke(app, ["--json", "--as", "exchange", "network", "deploy", "--admin", safe], env=env)
    assert result.exit_code == 0, result.stderr
    status = json.loads(result.stdout)
    assert (status["profile"], status["chain_id"], status["contracts_live"]) == ("consortium", CHAIN_ID, True)
    recorded = json.loads((home / "deployments.json").read_text())[str(CHAIN_ID)]
    assert {name: recorded[name] for name in status["contracts"]} == status["contracts"]
    ledger = LedgerContext.load(env=env)
    assert ledger.profile.poa and ledger.profile.gas_price == 0 and ledger.profile.log_range == LOG_RANGE
    assert admin_address(ledger) == safe

    again = runner.invoke(app, ["--as", "exchange", "network", "deploy", "--admin", safe], env=env)
    assert again.exit_code == 1
    assert again.stderr.startswith(f"error: the suite is already deployed on chain {CHAIN_ID} (Consortium at ")


def test_deploy_refuses_the_local_profile(home: Path) -> None:
    result = runner.invoke(app, ["network", "deploy", "--admin", ZERO], env={"DAL_HOME": str(home)})
    assert result.exit_code == 1
    assert result.stderr.startswith("error: `dal network deploy` deploys onto a consortium network;")


def test_the_demo_plays_through_on_a_local_chain_set_up_like_the_generated_network(
    home: Path, network: Path, tmp_path: Path
) -> None:
    demo_home = tmp_path / "demo"
    env = {"DAL_HOME": str(home), "DAL_CONFIG": str(network / "dal.toml")}
    result = runner.invoke(app, ["--json", "demo", "--like", "consortium", "--home", str(demo_home)], env=env)
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["ok"] is True and summary["like"] == "consortium"
    assert all(summary["checks"]["passed"].values()), summary["checks"]["passed"]
    # The demo's chain had the network's chain id, and the oracle read its logs in the network's window.
    assert list(json.loads((demo_home / "deployments.json").read_text())) == [str(CHAIN_ID)]
    indexed = next(step for step in summary["steps"] if step["action"] == "indexes the chain")
    windows = int(re.search(r"in (\d+) window", indexed["what happened"]).group(1))  # type: ignore[union-attr]
    head = summary["checks"]["read_model"]["head"]
    assert windows >= head // LOG_RANGE > 1

    # The bank's check without trusting the node holds on that chain too, with the network's client settings.
    rehearsed = {"DAL_HOME": str(demo_home), "DAL_RPC_URL": f"http://127.0.0.1:{free_port()}",
                 "DAL_CHAIN_ID": str(CHAIN_ID), "DAL_POA": "true", "DAL_GAS_PRICE": "0",
                 "DAL_LOG_RANGE": str(LOG_RANGE)}
    try:
        verified = runner.invoke(app, ["--json", "verify", "1", "--proof"], env=rehearsed)
    finally:
        runner.invoke(app, ["chain", "down"], env=rehearsed)
    assert verified.exit_code == 0, verified.stderr
    proof = json.loads(verified.stdout)["proof"]
    assert proof["verified"] is True, proof
    assert proof["reads_re_executed"] > 0 and proof["storage_slots_proven"] > 0
