"""A data home bound to the session's chain, for the tests of the user workflows.

The suite is deployed once per session on the session's anvil through a
:class:`~ledger.context.LedgerContext` of the local profile (the node is the
session's, found through ``DAL_RPC_URL``), and the development consortium is
admitted. Each test then gets a fresh context (fresh nonces) and its own
off-chain database, and every chain change it makes is undone afterwards
(``evm_snapshot`` / ``evm_revert``).

Import the fixtures into a test module (``from workflow_chain import
ledger_fixture, ...``; each is registered under the name without ``_fixture``);
they are not in a conftest so that any test folder can use them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_utils.crypto import keccak
from web3 import Web3

from ledger import certificates
from ledger.chain.clock import DAY, HOUR, YEAR, advance_time, chain_time
from ledger.chain.node import LocalNode
from ledger.consent import CONSENT_TYPES, DOMAIN_NAME, DOMAIN_VERSION
from ledger.context import LedgerContext
from ledger.inputs import resolve_party
from ledger.members import admit_development_consortium
from ledger.numbers import registration_number
from ledger.pledges import realise_pledge
from ledger.store.session import upgrade_to_head

__all__ = [
    "APPLICATION",
    "CATALOG",
    "WorkflowChain",
    "build_history",
    "chain_snapshot_fixture",
    "issue_catalogued",
    "ledger_fixture",
    "workflow_chain_fixture",
    "workflow_env_fixture",
    "write_catalog",
]

#: A complete catalog entry (its fields as PRODUCT.md lists them).
CATALOG: dict[str, Any] = {
    "name": "Port logistics container movements 2024",
    "description": "Every container movement through the port's terminals, de-identified.",
    "source": "Terminal operating systems of the port group",
    "scale": "1.2 billion records, 340 GB",
    "update_frequency": "daily",
    "format": "Parquet",
    "coverage": "Shenzhen port terminals, 2019-01-01 to 2024-12-31",
    "classification_level": "important",
    "contains_personal_data": False,
    "compliance_report": {"hash": "0x" + "ab" * 32, "reference": "CR-2025-0042"},
    "quality_report": {"hash": "0x" + "cd" * 32, "reference": "QR-2025-0017"},
    "valuation": {"amount_minor": 1_250_000_000, "currency": "CNY", "method": "income", "date": "2025-03-31"},
}


#: The fields a ``dal.catalog-entry/2`` entry adds to :data:`CATALOG`: what an application carries.
APPLICATION: dict[str, Any] = {
    "schema": "dal.catalog-entry/2",
    "valuation": {**CATALOG["valuation"], "appraiser": "Pengcheng Asset Appraisal Co.", "report_hash": "0x" + "ef" * 32},
    "object_type": "data-product",
    "product_form": "dataset",
    "rights_claimed": ["holding", "development", "operation"],
    "acquisition_method": "licensed",
    "authorisation": {"hash": "0x" + "a1" * 32, "expiry": "2030-12-31"},
    "application_scenarios": ["Port capacity planning", "Shipping-line schedule optimisation"],
    "scope_of_use": "Analysis by licensed logistics companies; no resale of the raw records.",
    "restrictions": {"regions": ["Guangdong"], "fields": ["logistics"], "cross_border_restricted": True},
    "sample": {"kind": "schema", "hash": "0x" + "5a" * 32},
    "storage_location": "Port group data centre, Shenzhen",
    "registrant_credit_code": "91110000MA01000004",
    "personal_information_basis": None,
    "third_party_review": {"reviewer": "Shenzhen Data Compliance Law Firm",
                           "reviewer_credit_code": "31440000MD0123456L", "date": "2025-03-15", "conclusion": "passed"},
}


def write_catalog(directory: Path, filename: str = "catalog.json", **changes: Any) -> Path:
    """A catalog file with :data:`CATALOG`'s fields, some changed."""
    path = directory / filename
    path.write_text(json.dumps({**CATALOG, **changes}, ensure_ascii=False))
    return path


@dataclass(frozen=True)
class WorkflowChain:
    """The session's data home: the suite deployed and the development consortium admitted."""

    home: Path
    rpc_url: str
    empty_database: Path

    def new_database(self, directory: Path) -> str:
        """A fresh SQLite database at the current schema (a copy of a migrated empty one)."""
        path = directory / "ledger.db"
        shutil.copyfile(self.empty_database, path)
        return f"sqlite:///{path}"

    def env(self, database_url: str) -> dict[str, str]:
        """The environment of a `dal` run on this home, with its own database."""
        return {"DAL_HOME": str(self.home), "DAL_RPC_URL": self.rpc_url, "DAL_DATABASE_URL": database_url}

    def context(self, database_url: str, acting_as: str | None = None) -> LedgerContext:
        """A fresh context of this home (fresh nonces, nothing cached)."""
        env = self.env(database_url)
        return LedgerContext.load(env=env, acting_as=acting_as)


# One home per node: every module that imports the session fixture gets the same one.
_CHAINS: dict[str, WorkflowChain] = {}


@pytest.fixture(scope="session", name="workflow_chain")
def workflow_chain_fixture(local_node: LocalNode, tmp_path_factory: pytest.TempPathFactory) -> WorkflowChain:
    """The suite and the development consortium on the session's anvil, once per session."""
    chain = _CHAINS.get(local_node.url)
    if chain is not None:
        return chain
    home = tmp_path_factory.mktemp("workflow-home")
    template = home / "empty-ledger.db"
    chain = WorkflowChain(home=home, rpc_url=local_node.url, empty_database=template)
    setup = chain.context(f"sqlite:///{home / 'setup.db'}")
    setup.deployment  # noqa: B018 - deploys the suite
    admit_development_consortium(setup)
    upgrade_to_head(f"sqlite:///{template}")
    _CHAINS[local_node.url] = chain
    return chain


@pytest.fixture(name="chain_snapshot")
def chain_snapshot_fixture(w3: Web3) -> Iterator[None]:
    """Undo every chain change of the test afterwards."""
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    yield
    w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]


@pytest.fixture(name="workflow_env")
def workflow_env_fixture(workflow_chain: WorkflowChain, chain_snapshot: None, tmp_path: Path) -> dict[str, str]:
    """The environment of `dal` runs of one test: the session's home, the test's own database."""
    return workflow_chain.env(workflow_chain.new_database(tmp_path))


@pytest.fixture(name="ledger")
def ledger_fixture(workflow_chain: WorkflowChain, chain_snapshot: None, tmp_path: Path) -> LedgerContext:
    """A fresh context on the session's home with the test's own database; chain changes are undone."""
    return workflow_chain.context(workflow_chain.new_database(tmp_path))


# --- a certificate with some history -----------------------------------------------------------

_HOLDING, _DEVELOPMENT, _OPERATION = 0, 1, 2


def _pledge(ledger: LedgerContext, certificate_id: int, shares: int, maturity: int) -> None:
    """The bank records a pledge over merchant-a's holding shares with merchant-a's signed consent."""
    pledgor = ledger.account("merchant-a")
    pledgee = resolve_party(ledger, "bank")
    reference = b"QH-2025-001".ljust(32, b"\x00")
    senior = int(ledger.call("Rights", "lastPledgeOf", certificate_id, _HOLDING, pledgor.address))
    deadline = chain_time(ledger.w3) + DAY
    message = {
        "pledgor": pledgor.address, "pledgee": pledgee, "certificateId": certificate_id, "right": _HOLDING, "shares": shares,
        "amount": 500_000_000, "currency": b"CNY", "maturity": maturity, "externalRef": reference,
        "registeredAt": chain_time(ledger.w3) - HOUR, "registrationExpiry": maturity + YEAR,
        "seniorPledgeId": senior, "deadline": deadline,
    }
    domain = {"name": DOMAIN_NAME, "version": DOMAIN_VERSION, "chainId": ledger.profile.chain_id,
              "verifyingContract": ledger.contract("Pledges").address}
    signature = pledgor.sign_typed_data(domain, {"PledgeConsent": CONSENT_TYPES}, message).signature
    terms = (pledgor.address, certificate_id, _HOLDING, shares, 500_000_000, b"CNY", maturity, reference,
             message["registeredAt"], message["registrationExpiry"])
    ledger.send("Pledges", "recordPledge", terms, senior, deadline, bytes(signature), as_="bank")


def issue_catalogued(
    ledger: LedgerContext, tmp_path: Path, filename: str, number: str, *, name: str | None = None,
    expiry_in: int = 5 * YEAR, year: int = 2025,
) -> int:
    """A certificate merchant-a applied for with a catalog file, issued by registrar after a day's notice under
    ``number``; its id."""
    catalog = write_catalog(tmp_path, filename, **({"name": name} if name else {}))
    cid = certificates.apply(ledger, catalog, registrar="registrar", as_="merchant-a").certificate.certificate_id
    certificates.accept(ledger, str(cid), as_="registrar")
    certificates.publicize(ledger, str(cid), notice_seconds=DAY, as_="registrar")
    advance_time(ledger.w3, ledger.profile, DAY + 1)
    certificates.issue(ledger, str(cid), registration_number=registration_number("SZDEX", f"{year}{cid:08d}"),
                       number=number, expiry=chain_time(ledger.w3) + expiry_in, as_="registrar")
    return cid


def build_history(ledger: LedgerContext, tmp_path: Path) -> dict[str, Any]:
    """A certificate with a transfer, a licence and a pledge realised at auction; the times between the steps."""
    times: dict[str, Any] = {"before": chain_time(ledger.w3)}
    advance_time(ledger.w3, ledger.profile, HOUR)
    cid = issue_catalogued(ledger, tmp_path, "catalog.json", "SZDEX-AUDIT-1")
    times["issued"] = chain_time(ledger.w3)
    advance_time(ledger.w3, ledger.profile, HOUR)
    ledger.send("Rights", "transferShares", cid, _OPERATION, resolve_party(ledger, "merchant-c"), 4_000,
                as_="merchant-a")
    now = chain_time(ledger.w3)
    terms = (resolve_party(ledger, "merchant-b"), keccak(text="analytics only"), 0, now + YEAR, False, False)
    ledger.send("Rights", "grantLicence", cid, _DEVELOPMENT, terms, as_="merchant-a")
    _pledge(ledger, cid, 6_000, maturity=now + DAY)
    times["pledged"] = chain_time(ledger.w3)
    advance_time(ledger.w3, ledger.profile, 2 * DAY)
    realise_pledge(ledger, 1, method="auction", price="5500000.00", document="0x" + "a1" * 32, as_="bank")
    times["realised"] = chain_time(ledger.w3)
    times["certificate"] = cid
    return times
