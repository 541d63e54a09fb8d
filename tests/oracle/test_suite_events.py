"""The real contracts' events rebuild the read model, and reconciliation finds it in step."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from eth_account import Account
from eth_utils.crypto import keccak
from oracle_support import Suite, indexed_state
from sqlalchemy import Engine, select, update
from web3.contract import Contract

from ledger.chain.artifacts import load_artifact
from ledger.chain.compiler import DEPLOYED_CONTRACTS
from ledger.consent import CONSENT_TYPES
from ledger.numbers import registration_number
from ledger.store.read_model import (
    Certificate,
    CertificateVersion,
    Licence,
    Member,
    Pledge,
    ShareHolding,
)
from ledger.store.session import open_store
from oracle.decoding import LogDecoder
from oracle.handlers import LOG_ONLY, default_registry
from oracle.handlers.registry import table
from oracle.indexer import Indexer
from oracle.reconcile import reconcile

REGISTRAR, MERCHANT, BANK = 1, 2, 4
HOLDING, DEVELOPMENT, OPERATION = 0, 1, 2


def suite_decoder(suite: Suite) -> LogDecoder:
    return LogDecoder({name: (suite.addresses[name], load_artifact(name).abi) for name in DEPLOYED_CONTRACTS})


class Story:
    """Fresh members of every role acting on the suite through the node's accounts."""

    def __init__(self, suite: Suite) -> None:
        self.suite, self.w3 = suite, suite.w3
        accounts = self.w3.eth.accounts
        self.admin = accounts[0]
        self.keys: dict[str, Any] = {}
        # Fresh accounts for every run, so the two database runs do not collide on the shared chain.
        self.registrar, self.merchant_a, self.merchant_b, self.bank = (self._fresh() for _ in range(4))
        self.c = {name: suite.contract(name) for name in DEPLOYED_CONTRACTS}

    def _fresh(self) -> str:
        """A new key (gas is free on the local node, so it needs no funds)."""
        account = Account.create()
        self.keys[account.address] = account
        return str(account.address)

    def send(self, call: Any, sender: str) -> Any:
        if sender not in self.keys:
            receipt = self.w3.eth.wait_for_transaction_receipt(call.transact({"from": sender, "gas": 3_000_000}))
        else:
            fields = call.build_transaction({
                "from": sender, "gas": 3_000_000, "gasPrice": 0, "chainId": self.w3.eth.chain_id,
                "nonce": self.w3.eth.get_transaction_count(sender, "pending"),
            })
            signed = self.keys[sender].sign_transaction(fields)
            receipt = self.w3.eth.wait_for_transaction_receipt(self.w3.eth.send_raw_transaction(signed.raw_transaction))
        assert receipt["status"] == 1
        return receipt

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def advance(self, seconds: int) -> None:
        self.w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
        self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    def run(self) -> int:
        consortium, certificates = self.c["Consortium"], self.c["Certificates"]
        rights, pledges = self.c["Rights"], self.c["Pledges"]
        for account, roles, name in ((self.registrar, REGISTRAR, "深圳数据交易所"), (self.merchant_a, MERCHANT, "A"),
                                     (self.merchant_b, MERCHANT, "B"), (self.bank, BANK, "Bank")):
            self.send(consortium.functions.addMember(account, keccak(text=account), name, roles), self.admin)
        receipt = self.send(certificates.functions.submit(self.registrar, (keccak(text="v1 draft"), 7, 0)), self.merchant_a)
        (submitted,) = certificates.events.CertificateSubmitted().process_receipt(receipt)
        cid = int(submitted["args"]["certificateId"])
        self.send(certificates.functions.returnForCorrection(cid, keccak(text="fix")), self.registrar)
        self.send(certificates.functions.resubmit(cid, keccak(text="v1")), self.merchant_a)
        self.send(certificates.functions.accept(cid), self.registrar)
        self.send(certificates.functions.publicize(cid, self.now() + 60), self.registrar)
        self.advance(61)
        serial = f"{uuid.uuid4().int % 10**12:012d}"
        terms = (registration_number("DEX", serial), f"DEX-{cid}-{serial}", self.now() + 10**8, 7)
        self.send(certificates.functions.issue(cid, terms), self.registrar)
        moved = self.send(rights.functions.transferShares(cid, OPERATION, self.merchant_b, 2_500), self.merchant_a)
        movement = (self.merchant_a, self.merchant_b, OPERATION, 2_500, bytes(moved["transactionHash"]))
        self.send(self.c["Registrations"].functions.registerTransfer(cid, movement, f"ZY-{serial}"), self.registrar)
        self.send(certificates.functions.lodgeObjection(cid, self.merchant_b, keccak(text="objection")),
                  self.registrar)
        self.registration_number = terms[0]
        terms = (self.merchant_b, keccak(text="terms"), 0, self.now() + 10**6, False, True)
        self.send(rights.functions.grantLicence(cid, DEVELOPMENT, terms), self.merchant_a)
        self.send(certificates.functions.requestChange(cid, keccak(text="v2"), []), self.merchant_a)
        self.send(certificates.functions.approveRequest(cid, f"DEX-{cid}-{serial}-2", []), self.registrar)
        self.send(consortium.functions.suspendMember(self.merchant_b, keccak(text="audit")), self.admin)
        self.send(consortium.functions.reinstateMember(self.merchant_b), self.admin)
        self._pledge(cid, pledges)
        return cid

    def _pledge(self, cid: int, pledges: Contract) -> None:
        maturity, deadline = self.now() + 3600, self.now() + 3600
        message = {"pledgor": self.merchant_a, "pledgee": self.bank, "certificateId": cid, "right": HOLDING, "shares": 4_000,
                   "amount": 10**12, "currency": b"CNY", "maturity": maturity,
                   "externalRef": bytes(32), "registeredAt": 0, "registrationExpiry": 0, "seniorPledgeId": 0,
                   "deadline": deadline}
        domain = {"name": "DataAssetLedger Pledges", "version": "1", "chainId": self.w3.eth.chain_id,
                  "verifyingContract": pledges.address}
        signed = self.keys[self.merchant_a].sign_typed_data(domain, {"PledgeConsent": CONSENT_TYPES}, message)
        signature = bytes(signed.signature)
        terms = (self.merchant_a, cid, HOLDING, 4_000, 10**12, b"CNY", maturity, bytes(32), 0, 0)
        receipt = self.send(pledges.functions.recordPledge(terms, 0, deadline, signature), self.bank)
        (recorded,) = pledges.events.PledgeRecorded().process_receipt(receipt)
        self.send(pledges.functions.releasePledge(int(recorded["args"]["pledgeId"])), self.bank)


def _rows(engine: Engine, model: Any, **where: Any) -> list[Any]:
    target = table(model)
    query = select(target)
    for name, value in where.items():
        query = query.where(target.c[name] == value)
    with engine.connect() as connection:
        return list(connection.execute(query).mappings().all())


def test_every_suite_event_has_a_handler_or_is_log_only(suite: Suite) -> None:
    events = set(suite_decoder(suite).events())
    assert events - default_registry.handled() - LOG_ONLY == set()
    assert default_registry.handled() <= events


def test_the_suite_events_rebuild_the_read_model_and_reconcile_clean(
    suite: Suite, store: Engine, new_database_url: Any
) -> None:
    story = Story(suite)
    cid = story.run()
    indexer = Indexer(suite.w3, store, suite_decoder(suite), chain_id=suite.w3.eth.chain_id,
                      log_range=7, start_block=suite.block)
    report = indexer.sync()

    (certificate,) = _rows(store, Certificate, certificate_id=cid)
    assert (certificate["status"], certificate["version"], certificate["holder"]) == ("issued", 2, story.merchant_a)
    assert (certificate["registration_number"], certificate["rights_claimed"], certificate["rights_granted"],
            certificate["authorised_until"], certificate["disputed"]) == (story.registration_number, 7, 7, 0, True)
    assert certificate["number"].endswith("-2")  # re-issued under a new number at the change
    assert certificate["catalog_hash"] == "0x" + keccak(text="v2").hex()
    versions = sorted((v["version"], v["catalog_hash"]) for v in _rows(store, CertificateVersion, certificate_id=cid))
    assert versions == [(1, "0x" + keccak(text="v1").hex()), (2, "0x" + keccak(text="v2").hex())]
    holdings = {(h["right"], h["owner"]): h["shares"] for h in _rows(store, ShareHolding, certificate_id=cid)}
    assert holdings == {("holding", story.merchant_a): 10_000, ("development", story.merchant_a): 10_000,
                        ("operation", story.merchant_a): 7_500, ("operation", story.merchant_b): 2_500}
    (licence,) = _rows(store, Licence, certificate_id=cid)
    assert (licence["licensee"], licence["right"], licence["revoked"]) == (story.merchant_b, "development", False)
    (pledge,) = _rows(store, Pledge, certificate_id=cid)
    assert (pledge["status"], pledge["shares"], pledge["currency"], pledge["amount"]) == ("released", 4_000, "CNY",
                                                                                          10**12)
    (member_b,) = _rows(store, Member, account=story.merchant_b)
    assert member_b["status"] == "active"

    contracts = {name: suite.contract(name) for name in DEPLOYED_CONTRACTS}
    drift = reconcile(store, contracts=contracts, anchors=suite.chain, cursor_block=report.cursor,
                      head=report.head)
    assert [d for d in drift if d.kind.startswith("read-model")] == []

    with store.begin() as connection:
        connection.execute(update(table(ShareHolding)).where(
            table(ShareHolding).c.owner == story.merchant_b).values(shares=2_400))
    drift = reconcile(store, contracts=contracts, anchors=suite.chain, cursor_block=report.cursor,
                      head=report.head)
    assert [(d.kind, d.detail) for d in drift if d.kind == "read-model"] == [
        ("read-model", "shares is 2400 here, 2500 on chain")
    ]

    fresh = open_store(new_database_url(), create_if_empty=True)
    Indexer(suite.w3, fresh, suite_decoder(suite), chain_id=suite.w3.eth.chain_id, log_range=5000,
            start_block=suite.block).sync(target=report.cursor)
    with store.begin() as connection:
        connection.execute(update(table(ShareHolding)).where(
            table(ShareHolding).c.owner == story.merchant_b).values(shares=2_500))
    assert indexed_state(fresh) == indexed_state(store)
    fresh.dispose()


@pytest.mark.parametrize("log_range", [2])
def test_small_windows_give_the_same_read_model(suite: Suite, new_database_url: Any, log_range: int) -> None:
    whole = open_store(new_database_url(), create_if_empty=True)
    target = min(suite.w3.eth.block_number, suite.block + 60)  # the deployment and a story's worth of blocks
    Indexer(suite.w3, whole, suite_decoder(suite), chain_id=suite.w3.eth.chain_id,
            start_block=suite.block).sync(target=target)
    windows = open_store(new_database_url(), create_if_empty=True)
    Indexer(suite.w3, windows, suite_decoder(suite), chain_id=suite.w3.eth.chain_id, log_range=log_range,
            start_block=suite.block).sync(target=target)
    assert indexed_state(whole) == indexed_state(windows)


def test_a_certificate_history_from_the_read_model_equals_the_chain_logs(
    suite: Suite, store: Engine, empty_database_url: str
) -> None:
    from ledger.history import _logged_certificate_events
    from ledger.store.direct import direct_store
    from ledger.store.history import certificate_history, read_model_position

    story = Story(suite)
    cid = story.run()
    head = suite.w3.eth.block_number
    reads = direct_store(empty_database_url)
    assert not read_model_position(reads, suite.w3.eth.chain_id, head).in_step
    Indexer(suite.w3, store, suite_decoder(suite), chain_id=suite.w3.eth.chain_id,
            start_block=suite.block).sync(target=head)
    position = read_model_position(reads, suite.w3.eth.chain_id, head)
    assert position.in_step and position.behind == 0

    from_chain = _logged_certificate_events(suite.event_log(), cid, None, head, [])
    indexed = certificate_history(reads, cid)
    assert indexed.complete_to == head
    assert [(e.contract, e.event, e.order, e.tx_hash) for e in indexed.events] == [
        (e.contract, e.event, e.order, e.tx_hash) for e in from_chain]
    assert [dict(e.args) for e in indexed.events] == [dict(e.args) for e in from_chain]
    assert {e.event for e in indexed.events} >= {"CertificateIssued", "TransferSingle", "LicenceGranted",
                                                 "PledgeRecorded", "PledgeReleased", "CertificateChanged"}


def test_reconcile_reports_a_catalog_entry_that_differs_from_its_certificate(suite: Suite, store: Engine) -> None:
    from pathlib import Path

    from sqlmodel import Session

    from ledger.catalog import parse_catalog_entry
    from ledger.hashing import record_hash
    from ledger.store.catalog import add_catalog_version

    doc = (Path(__file__).resolve().parents[2] / "docs" / "canonical-form.md").read_text(encoding="utf-8")
    entry = json.loads(doc.split("<!-- worked-example-entry -->\n```json\n", 1)[1].split("```", 1)[0])
    story = Story(suite)
    cid = story.run()
    first = parse_catalog_entry(dict(entry, name=f"reconciled {cid} {store.dialect.name}"))
    with Session(store) as session:
        version = add_catalog_version(session, first, certificate_id=cid)
        session.commit()
        entry_id = version.entry_id
    contracts = {name: suite.contract(name) for name in DEPLOYED_CONTRACTS}

    def catalog_drift() -> list[str]:
        head = suite.w3.eth.block_number
        drift = reconcile(store, contracts=contracts, anchors=None, cursor_block=head, head=head)
        return [d.subject for d in drift if d.kind == "catalog-hash"]

    assert catalog_drift() == [f"certificate {cid}"]  # the chain still carries keccak("v2")
    certificates = contracts["Certificates"]
    story.send(certificates.functions.requestChange(cid, record_hash(first), []), story.merchant_a)
    story.send(certificates.functions.approveRequest(cid, f"DEX-{cid}-restored", []), story.registrar)
    assert catalog_drift() == []
    with Session(store) as session:
        add_catalog_version(session, parse_catalog_entry(dict(entry, name="edited off chain")), entry_id=entry_id)
        session.commit()
    assert catalog_drift() == [f"certificate {cid}"]


def test_an_imported_certificate_enters_the_read_model_issued_like_any_other(suite: Suite, store: Engine) -> None:
    story = Story(suite)
    consortium, certificates = story.c["Consortium"], story.c["Certificates"]
    for account, roles in ((story.registrar, REGISTRAR), (story.merchant_a, MERCHANT)):
        story.send(consortium.functions.addMember(account, keccak(text=account), "member", roles), story.admin)
    now, number = story.now(), f"LEGACY-{uuid.uuid4().hex[:8]}"
    registration = registration_number("GZDEX", f"{int(uuid.uuid4().hex[:8], 16):012d}")
    item = (story.merchant_a, keccak(text=number), number, registration, now - 2 * 10**7, now - 10**7, now + 10**8)
    receipt = story.send(certificates.functions.importIssued([item]), story.registrar)
    (event,) = certificates.events.CertificateImported().process_receipt(receipt)
    cid = int(event["args"]["certificateId"])
    Indexer(suite.w3, store, suite_decoder(suite), chain_id=suite.w3.eth.chain_id, log_range=50,
            start_block=suite.block).sync()
    (row,) = _rows(store, Certificate, certificate_id=cid)
    assert (row["status"], row["number"], row["holder"], row["registrar"], row["expiry"], row["version"]) == (
        "issued", number, story.merchant_a, story.registrar, now + 10**8, 1)
    assert row["registration_number"] == registration
    assert [(v["version"], v["catalog_hash"]) for v in _rows(store, CertificateVersion, certificate_id=cid)] == [
        (1, "0x" + keccak(text=number).hex())]
    holdings = {(h["right"], h["owner"]): h["shares"] for h in _rows(store, ShareHolding, certificate_id=cid)}
    assert holdings == {(right, story.merchant_a): 10_000 for right in ("holding", "development", "operation")}
