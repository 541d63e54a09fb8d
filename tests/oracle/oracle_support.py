"""Helpers of the oracle tests: a contract that emits the suite's events, and state comparison."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak
from sqlalchemy import Engine, select
from web3 import Web3
from web3.contract import Contract

from ledger.store.cursor import OracleCursor
from ledger.store.events import ChainEvent
from oracle.decoding import LogDecoder
from oracle.handlers.registry import table
from oracle.indexer import READ_MODEL_TABLES

ROOT = Path(__file__).resolve().parents[2]
SOURCE = Path(__file__).with_name("EventSource.sol")

#: Which ledger contract each event of EventSource stands for.
STANDS_FOR = {
    "MemberAdded": "Consortium",
    "CertificateSubmitted": "Certificates",
    "CertificateChanged": "Certificates",
    "TransferSingle": "Rights",
    "TransferBatch": "Rights",
    "AnchorRecorded": "Anchors",
}

_COMPILE = """
const solc = require("solc");
const settings = require("./contracts/compiler.json").settings;
const input = { language: "Solidity", sources: { "EventSource.sol": { content: process.argv[1] } },
  settings: { ...settings, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } } };
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === "error");
if (errors.length) { console.error(JSON.stringify(errors)); process.exit(1); }
const c = output.contracts["EventSource.sol"].EventSource;
console.log(JSON.stringify({ abi: c.abi, bytecode: "0x" + c.evm.bytecode.object }));
"""


@dataclass(frozen=True)
class CompiledSource:
    abi: list[dict[str, Any]]
    bytecode: str


def compile_event_source() -> CompiledSource:
    """EventSource compiled with the pinned compiler (the npm solc package)."""
    completed = subprocess.run(
        ["node", "-e", _COMPILE, SOURCE.read_text()], cwd=ROOT, capture_output=True, text=True, check=True
    )
    built = json.loads(completed.stdout)
    return CompiledSource(abi=built["abi"], bytecode=built["bytecode"])


def deploy_source(w3: Web3, build: CompiledSource) -> Contract:
    """A fresh EventSource (each test gets its own address, so nothing else is indexed)."""
    factory = w3.eth.contract(abi=build.abi, bytecode=build.bytecode)
    tx_hash = factory.constructor().transact({"from": w3.eth.accounts[0]})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    return w3.eth.contract(address=receipt["contractAddress"], abi=build.abi)


def source_decoder(contract: Contract) -> LogDecoder:
    """A decoder that reads EventSource's logs as the ledger contracts' events."""
    by_contract: dict[str, list[dict[str, Any]]] = {}
    for item in contract.abi:
        if item.get("type") == "event":
            by_contract.setdefault(STANDS_FOR[item["name"]], []).append(dict(item))
    return LogDecoder({name: (contract.address, abi) for name, abi in by_contract.items()})


def indexed_state(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """The event log, the read model and the cursor position, as sorted rows."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for model in (ChainEvent, *READ_MODEL_TABLES):
            rows = connection.execute(select(table(model))).all()
            state[table(model).name] = sorted((tuple(row) for row in rows), key=repr)
        cursor = table(OracleCursor)
        state["cursor"] = [
            tuple(row) for row in connection.execute(select(cursor.c.block_number, cursor.c.block_hash))
        ]
    return state


@dataclass(frozen=True)
class Suite:
    """The ledger's contracts on the test chain, and an oracle member that may anchor."""

    w3: Web3
    addresses: dict[str, str]
    block: int
    oracle: Any  # LocalAccount
    chain: Any  # ContractAnchorChain

    def contract(self, name: str) -> Contract:
        from ledger.chain.artifacts import load_artifact

        return self.w3.eth.contract(address=self.addresses[name], abi=load_artifact(name).abi)

    def event_log(self, log_range: int = 5000) -> Any:
        """The suite's events read over plain JSON-RPC, as the library reads them (:class:`EventLog`)."""
        from ledger.chain.artifacts import DEPLOYED_CONTRACTS, ContractAbi, load_artifact
        from ledger.chain.logs import EventLog
        from ledger.chain.rpc import JsonRpc
        from ledger.config import Profile

        url = str(getattr(self.w3.provider, "endpoint_uri", ""))
        profile = Profile(name="local", home=Path("."), rpc_url=url, chain_id=self.w3.eth.chain_id,
                          database_url="sqlite://")
        contracts = {name: ContractAbi(self.addresses[name], load_artifact(name).abi) for name in DEPLOYED_CONTRACTS}
        return EventLog(JsonRpc(profile), contracts, start_block=self.block, log_range=log_range)


def deploy_ledger_suite(w3: Web3, home: Path) -> Suite:
    """Deploy the suite with a node account as admin, and make a fresh key an ORACLE member."""
    from eth_account import Account

    from ledger.chain.deploy import deploy_suite
    from ledger.chain.revert import RevertDecoder
    from ledger.chain.sender import Sender
    from ledger.config import Profile
    from oracle.anchoring import ContractAnchorChain

    admin = w3.eth.accounts[0]
    block = w3.eth.block_number + 1
    addresses = {name: str(address) for name, address in deploy_suite(w3, admin, admin).items()}
    oracle = Account.create()
    consortium = w3.eth.contract(address=addresses["Consortium"], abi=_abi("Consortium"))
    oracle_role = 1 << 4
    w3.eth.wait_for_transaction_receipt(
        consortium.functions.addMember(oracle.address, bytes(keccak(text=oracle.address)), "Oracle", oracle_role)
        .transact({"from": admin})
    )
    provider_url = str(getattr(w3.provider, "endpoint_uri", ""))
    profile = Profile(name="local", home=home, rpc_url=provider_url, chain_id=w3.eth.chain_id,
                      database_url="sqlite://", gas_price=0)
    sender = Sender(w3, profile, RevertDecoder.from_artifacts())
    anchors = w3.eth.contract(address=addresses["Anchors"], abi=_abi("Anchors"))
    return Suite(w3, addresses, block, oracle, ContractAnchorChain(anchors, sender, oracle))


def _abi(name: str) -> list[dict[str, Any]]:
    from ledger.chain.artifacts import load_artifact

    return load_artifact(name).abi
