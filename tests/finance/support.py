"""A ledger for the finance workflow tests: the suite deployed once on the session's anvil, the development
consortium admitted, and certificates issued by driving the contracts directly.

Test modules import the fixtures they use from here (``from tests.finance.support import chain_fixture,
ledger_fixture, finance_chain_fixture``); each is registered under its name without ``_fixture``. Each
test runs on a chain snapshot that is reverted afterwards, with a fresh :class:`LedgerContext` (so the local
nonce counters start from the chain's state).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_utils.crypto import keccak
from web3 import Web3
from web3.logs import DISCARD

from ledger.chain.node import LocalNode
from ledger.config import Profile, load_profile
from ledger.context import LedgerContext
from ledger.numbers import registration_number

DAY = 24 * 3600
YEAR = 365 * DAY

#: Development account -> Consortium roles (REGISTRAR 1, MERCHANT 2, BANK 4, AUDITOR 8, ORACLE 16).
MEMBERS: dict[str, int] = {
    "registrar": 1,
    "merchant-a": 2,
    "merchant-b": 2,
    "merchant-c": 2,
    "bank": 4,
    "bank-b": 4,
    "auditor": 8,
}

#: A complete catalog entry, for certificates whose catalog hash a test checks against a file or the store.
CATALOG: dict[str, Any] = {
    "name": "Port logistics container movements",
    "description": "Container gate-in and gate-out events at the port terminals",
    "source": "Terminal operating systems of the port group",
    "scale": "1.2 billion records",
    "update_frequency": "daily",
    "format": "Parquet",
    "coverage": "2019-2025, all terminals",
    "classification_level": "important",
    "contains_personal_data": False,
    "compliance_report": {"hash": "0x" + "11" * 32, "reference": "CR-2025-0042"},
}

_numbers = itertools.count(1)

#: The id of the certificate issued at setup (the first one the finance chain's suite ever saw).
SHARED_CERTIFICATE = 1


@dataclass(frozen=True)
class FinanceChain:
    """The data home and profile bound to the session's anvil, with the suite deployed and members admitted."""

    home: Path
    env: dict[str, str]
    profile: Profile
    w3: Web3

    def context(self, acting_as: str | None = None) -> LedgerContext:
        return LedgerContext(self.profile, acting_as=acting_as, env=self.env)


def rpc(w3: Web3, method: str, params: list[Any]) -> Any:
    response = w3.provider.make_request(method, params)  # type: ignore[arg-type]
    assert "error" not in response, response
    return response.get("result")


@pytest.fixture(scope="session", name="finance_chain")
def finance_chain_fixture(local_node: LocalNode, tmp_path_factory: pytest.TempPathFactory) -> FinanceChain:
    home = tmp_path_factory.mktemp("finance-home")
    env = {"DAL_HOME": str(home), "DAL_RPC_URL": local_node.url}
    profile = load_profile(env=env)
    ctx = LedgerContext(profile, env=env)
    ctx.deployment  # noqa: B018 - deploys the suite as the development admin
    for name, roles in MEMBERS.items():
        ctx.send(
            "Consortium", "addMember", ctx.address_of(name), keccak(text=f"USCC:{name}"), name.title(), roles,
            as_="admin",
        )
    # A certificate issued to merchant-a at setup: every test finds it as it was, since each test's changes
    # are reverted (see issued_certificate).
    assert issue_certificate(ctx) == SHARED_CERTIFICATE
    return FinanceChain(home=home, env=env, profile=profile, w3=ctx.w3)


@pytest.fixture(name="chain")
def chain_fixture(finance_chain: FinanceChain) -> Iterator[FinanceChain]:
    """The finance chain, with every change the test makes undone afterwards."""
    snapshot = rpc(finance_chain.w3, "evm_snapshot", [])
    try:
        yield finance_chain
    finally:
        rpc(finance_chain.w3, "evm_revert", [snapshot])


@pytest.fixture(name="ledger")
def ledger_fixture(chain: FinanceChain) -> LedgerContext:
    """A fresh context on the reverted-after-test chain."""
    return chain.context()


def now(ctx: LedgerContext) -> int:
    return int(ctx.w3.eth.get_block("latest")["timestamp"])


def advance(ctx: LedgerContext, seconds: int) -> int:
    """Move the chain's clock forward and mine a block; returns the new time."""
    rpc(ctx.w3, "evm_increaseTime", [seconds])
    rpc(ctx.w3, "evm_mine", [])
    return now(ctx)


def event_args(ctx: LedgerContext, receipt: Any, contract: str, event: str) -> list[dict[str, Any]]:
    logs = ctx.contract(contract).events[event]().process_receipt(receipt, errors=DISCARD)
    return [dict(log["args"]) for log in logs]


def issue_certificate(
    ctx: LedgerContext,
    holder: str = "merchant-a",
    registrar: str = "registrar",
    *,
    catalog_hash: bytes | None = None,
    expiry_in: int = 5 * YEAR,
) -> int:
    """Submit, accept, publicize and issue a certificate to ``holder``; returns its id."""
    catalog_hash = catalog_hash or keccak(text=f"catalog-{next(_numbers)}")
    receipt = ctx.send("Certificates", "submit", ctx.address_of(registrar), (catalog_hash, 7, 0), as_=holder)
    (submitted,) = event_args(ctx, receipt, "Certificates", "CertificateSubmitted")
    certificate_id = int(submitted["certificateId"])
    ctx.send("Certificates", "accept", certificate_id, as_=registrar)
    ctx.send("Certificates", "publicize", certificate_id, now(ctx) + 60, as_=registrar)
    advance(ctx, 61)
    serial = next(_numbers)
    ctx.send(
        "Certificates", "issue", certificate_id,
        (registration_number("SZDEXT", f"{certificate_id:08d}{serial:06d}"),
         f"SZDEX-T-{certificate_id:05d}-{serial}", now(ctx) + expiry_in, 7),
        as_=registrar,
    )
    return certificate_id


def issued_certificate(ctx: LedgerContext) -> int:
    """The certificate issued to merchant-a at setup, as the chain had it then (see :class:`FinanceChain`)."""
    record = ctx.call("Certificates", "certificate", SHARED_CERTIFICATE)
    assert record[1] == ctx.address_of("merchant-a"), "the finance chain's shared certificate is not merchant-a's"
    return SHARED_CERTIFICATE


def block_number(ctx: LedgerContext) -> int:
    return int(ctx.w3.eth.block_number)
