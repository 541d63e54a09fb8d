"""Measure the gas of every ledger operation on a fresh local chain and write the committed gas
report.

Deploys the suite from the shipped artifacts on a new anvil node, admits the members, walks a
certificate through its lifecycle, splits and licenses its rights, records, extends, releases and
realises pledges and anchors a batch, recording each transaction's ``gasUsed`` (a whole transaction:
the 21,000 base cost and the calldata included). Inputs are fixed (chain time included), so the
report is reproducible.

Writes ``bench/gas-report.json`` (operation name -> gas used) and ``bench/gas-report.md`` (a table
with the targets and the headroom left), and prints both. Run with ``make gas`` or ``python
bench/gas_report.py``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.logs import DISCARD
from web3.types import TxReceipt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ledger.chain.artifacts import load_artifact
from ledger.chain.compiler import DEPLOYED_CONTRACTS
from ledger.chain.deploy import deploy_suite
from ledger.chain.node import LocalNode, free_port
from ledger.consent import CONSENT_TYPES, DOMAIN_NAME, DOMAIN_VERSION, EXTENSION_TYPES
from ledger.numbers import registration_number

JSON_PATH = ROOT / "bench" / "gas-report.json"
MARKDOWN_PATH = ROOT / "bench" / "gas-report.md"

#: Gas targets of a whole transaction, from the requirement (the suite behind its proxies);
#: batch figures are per certificate.
TARGETS: dict[str, int] = {
    "issue": 125_000,
    "transfer": 80_000,
    "pledge_create": 190_000,
    "pledge_release": 55_000,
    "license": 190_000,
    "anchor": 58_000,
}

#: Certificates per batch call in the batch measurements.
BATCH = 100

#: What each operation is, for the readable table.
DESCRIPTIONS: dict[str, str] = {
    "member_add": "admit a member (admin; copied to the seven other contracts of the suite)",
    "submit": "apply for a certificate, claiming rights and declaring the source authorisation (merchant)",
    "return": "return the application for correction (registrar)",
    "resubmit": "resubmit with a corrected catalog hash (holder)",
    "accept": "accept the application (registrar)",
    "publicize": "publish it with a notice deadline (registrar)",
    "object": "object during the notice (any member)",
    "resolve": "resolve the objection with a reason and a new deadline (registrar)",
    "issue": "issue with a checked registration number and a certificate number, each unique across the "
             "consortium, minting 10,000 shares of each right granted (here all three)",
    "change_request": "apply for a change of the catalog entry (a holder of more than half, alone)",
    "change": "approve the change: version + 1, old hash kept, re-issued under a new number (registrar)",
    "renew_request": "apply for renewal (a holder of more than half, alone)",
    "renew": "approve the renewal, re-issued under a new number (registrar)",
    "suspend": "suspend for a dispute (registrar)",
    "reinstate": "reinstate (registrar)",
    "transfer": "transfer shares of a right to a member holding none of this certificate yet",
    "transfer_to_owner": "transfer shares to a member already holding shares of this certificate",
    "transfer_three_modules": "transfer to a member already holding some, judged by the three shipped compliance "
                              "modules in force (certificate flagged: the jurisdiction and qualification rules run)",
    "transfer_three_modules_new_holder": "the same to a member holding none yet: the holder cap runs too",
    "safe_transfer": "ERC-1155 safeTransferFrom of shares to a new owner",
    "license_first": "the ledger's very first licence (it also creates the licence counter, once per ledger)",
    "license": "grant a licence over the development right, the first of that right (owner)",
    "sublicense": "grant a sub-licence under it (licensee)",
    "license_revoke": "revoke a licence and its one sub-licence (grantor)",
    "pledge_create_first": "the ledger's very first pledge (it also creates the pledge counter, once per ledger)",
    "pledge_create": "record a pledge with the pledgor's EIP-712 consent, publicly registered",
    "pledge_create_junior": "record a second-ranking pledge over the same shares (another bank)",
    "pledge_extend": "extend a pledge with the pledgor's signed consent (bank)",
    "pledge_release": "release a pledge (bank)",
    "pledge_realise": "realise a matured pledge at auction: the shares go to the buyer, price and surplus recorded",
    "anchor": "anchor a batch's Merkle root (oracle); the same for any batch size",
    "pledge_consent_act": "the pledgee consents to an act over its collateral (here the certificate's cancellation)",
    "cancel_pledged": "cancel a certificate whose one active pledge's pledgee consented; the pledge is released "
                      "(registrar)",
    "forced_transfer_propose": "propose a court-ordered transfer, recording the order's hash (registrar)",
    "forced_transfer": "execute it after the delay: unencumbered shares move to a member already holding some "
                       "(governance)",
    "recover_propose": "propose a key recovery listing one certificate and two licences (registrar)",
    "recover": "execute it after the delay: identity, roles, a position of two rights and two licences move to "
               "the new address, the lost one is retired (governance)",
    "cancel": "cancel a certificate with no active pledge (registrar)",
    "submit_batch": f"apply for {BATCH} certificates in one call, per certificate (merchant)",
    "accept_batch": f"accept {BATCH} applications in one call, per certificate (registrar)",
    "publicize_batch": f"publish {BATCH} applications in one call, per certificate (registrar)",
    "issue_batch": f"issue {BATCH} certificates in one call, per certificate (registrar)",
    "import_batch": (
        f"import {BATCH} certificates issued by a legacy registry, per certificate (registrar)"
    ),
}

MNEMONIC = "test test test test test test test test test test test junk"
SIGNERS = {
    "admin": 0,
    "registrar": 1,
    "merchant_a": 2,
    "merchant_b": 3,
    "merchant_c": 4,
    "bank": 5,
    "bank_b": 6,
    "auditor": 7,
    "oracle": 8,
}
ROLES = {
    "registrar": 1,
    "merchant_a": 2,
    "merchant_b": 2,
    "merchant_c": 2,
    "bank": 4,
    "bank_b": 4,
    "auditor": 8,
    "oracle": 16,
}
HOLDING, DEVELOPMENT, OPERATION = 0, 1, 2
DAY, YEAR = 86_400, 365 * 86_400
#: The fixed chain time the scenario starts at (2030-01-01T00:00:00Z), ahead of any fresh node's
#: clock.
START = 1_893_456_000


class Scenario:
    """The suite on a chain, and the gas each measured transaction used."""

    def __init__(self, w3: Web3) -> None:
        Account.enable_unaudited_hdwallet_features()
        self.w3 = w3
        self.keys: dict[str, LocalAccount] = {
            name: Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
            for name, index in SIGNERS.items()
        }
        self.gas: dict[str, int] = {}
        admin = self.keys["admin"].address
        addresses = deploy_suite(w3, admin, admin)
        self.contracts: dict[str, Contract] = {
            name: w3.eth.contract(address=addresses[name], abi=load_artifact(name).abi)
            for name in DEPLOYED_CONTRACTS
        }

    def address(self, name: str) -> str:
        return str(self.keys[name].address)

    def set_time(self, timestamp: int) -> None:
        """Make the next block carry ``timestamp``."""
        method = "evm_setNextBlockTimestamp"
        response = self.w3.provider.make_request(method, [timestamp])  # type: ignore[arg-type]
        if "error" in response:
            raise RuntimeError(
                f"the node refused to set the time to {timestamp}: {response['error']}"
            )

    def send(
        self, call: ContractFunction, sender: str, measure: str | None = None, per: int = 1
    ) -> TxReceipt:
        tx_hash = call.transact({"from": self.address(sender), "gas": 30_000_000})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash)
        if receipt["status"] != 1:
            raise RuntimeError(
                f"{call.fn_name} from {sender} failed; "
                "the scenario is out of step with the contracts"
            )
        if measure:
            self.gas[measure] = int(receipt["gasUsed"]) // per
        return receipt

    def event(self, receipt: TxReceipt, contract: str, name: str) -> dict[str, Any]:
        logs = self.contracts[contract].events[name]().process_receipt(receipt, errors=DISCARD)
        return dict(logs[0]["args"])

    def sign(
        self, signer: str, primary: str, types: list[dict[str, str]], message: dict[str, Any]
    ) -> bytes:
        domain = {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": self.w3.eth.chain_id,
            "verifyingContract": self.contracts["Pledges"].address,
        }
        return bytes(self.keys[signer].sign_typed_data(domain, {primary: types}, message).signature)

    def pledge(
        self, pledgor: str, pledgee: str, certificate_id: int, shares: int, measure: str, right: int = DEVELOPMENT
    ) -> int:
        pledges = self.contracts["Pledges"].functions
        maturity, deadline = START + YEAR, START + 30 * DAY
        terms = (
            self.address(pledgor),
            certificate_id,
            right,
            shares,
            8_000_000_00,
            b"CNY",
            maturity,
            keccak(text=f"registration {measure}"),
            START,
            START + 3 * YEAR,
        )
        senior = self.contracts["Rights"].functions.lastPledgeOf(certificate_id, right, self.address(pledgor)).call()
        message = {
            "pledgor": self.address(pledgor),
            "pledgee": self.address(pledgee),
            "certificateId": certificate_id,
            "right": right,
            "shares": shares,
            "amount": terms[4],
            "currency": b"CNY",
            "maturity": maturity,
            "externalRef": terms[7],
            "registeredAt": terms[8],
            "registrationExpiry": terms[9],
            "seniorPledgeId": senior,
            "deadline": deadline,
        }
        signature = self.sign(pledgor, "PledgeConsent", CONSENT_TYPES, message)
        receipt = self.send(
            pledges.recordPledge(terms, senior, deadline, signature), pledgee, measure
        )
        return int(self.event(receipt, "Pledges", "PledgeRecorded")["pledgeId"])

    def run(self) -> dict[str, int]:
        consortium = self.contracts["Consortium"].functions
        certificates = self.contracts["Certificates"].functions
        rights = self.contracts["Rights"].functions
        pledges = self.contracts["Pledges"].functions
        anchors = self.contracts["Anchors"].functions
        registrar = self.address("registrar")

        self.set_time(START)
        for name, roles in ROLES.items():
            self.send(
                consortium.addMember(
                    self.address(name), keccak(text=f"USCC:{name}"), name.title(), roles
                ),
                "admin",
                "member_add",
            )

        # Review and public notice.
        receipt = self.send(
            certificates.submit(registrar, (keccak(text="catalog v1 draft"), 7, 0)), "merchant_a", "submit"
        )
        certificate_id = int(
            self.event(receipt, "Certificates", "CertificateSubmitted")["certificateId"]
        )
        self.send(
            certificates.returnForCorrection(certificate_id, keccak(text="missing source")),
            "registrar",
            "return",
        )
        self.send(
            certificates.resubmit(certificate_id, keccak(text="catalog v1")),
            "merchant_a",
            "resubmit",
        )
        self.send(certificates.accept(certificate_id), "registrar", "accept")
        self.send(
            certificates.publicize(certificate_id, START + 10 * DAY), "registrar", "publicize"
        )
        self.send(
            certificates.object(certificate_id, keccak(text="objection")), "auditor", "object"
        )
        self.send(
            certificates.resolveObjection(certificate_id, START + 20 * DAY, keccak(text="resolved")),
            "registrar",
            "resolve",
        )
        self.set_time(START + 20 * DAY + 1)
        self.send(
            certificates.issue(
                certificate_id,
                (registration_number("SZDEX", "203000000001"), "SZDEX-2030-000001", START + 5 * YEAR, 7),
            ),
            "registrar",
            "issue",
        )

        # After issue.
        self.send(
            certificates.requestChange(certificate_id, keccak(text="catalog v2"), []),
            "merchant_a",
            "change_request",
        )
        self.send(certificates.approveRequest(certificate_id, "SZDEX-2030-000001-2", []), "registrar", "change")
        self.send(
            certificates.requestRenewal(certificate_id, START + 8 * YEAR, []),
            "merchant_a",
            "renew_request",
        )
        self.send(certificates.approveRequest(certificate_id, "SZDEX-2030-000001-3", []), "registrar", "renew")
        self.send(
            certificates.suspend(certificate_id, keccak(text="dispute")), "registrar", "suspend"
        )
        self.send(certificates.reinstate(certificate_id), "registrar", "reinstate")

        # Shares.
        self.send(
            rights.transferShares(certificate_id, DEVELOPMENT, self.address("merchant_b"), 2_500),
            "merchant_a",
            "transfer",
        )
        self.send(
            rights.transferShares(certificate_id, DEVELOPMENT, self.address("merchant_b"), 500),
            "merchant_a",
            "transfer_to_owner",
        )
        self.send(
            rights.safeTransferFrom(
                self.address("merchant_a"),
                self.address("merchant_c"),
                certificate_id * 4 + OPERATION,
                1_000,
                b"",
            ),
            "merchant_a",
            "safe_transfer",
        )

        # Licences: the ledger's first creates the licence counter (once per ledger).
        span = (START + 21 * DAY, START + 2 * YEAR)
        first_terms = (self.address("merchant_c"), keccak(text="first terms"), *span, False, False)
        self.send(rights.grantLicence(certificate_id, OPERATION, first_terms), "merchant_a", "license_first")
        terms = (self.address("merchant_b"), keccak(text="terms"), *span, False, True)
        receipt = self.send(
            rights.grantLicence(certificate_id, DEVELOPMENT, terms), "merchant_a", "license"
        )
        licence_id = int(self.event(receipt, "Rights", "LicenceGranted")["licenceId"])
        sub_terms = (self.address("merchant_c"), keccak(text="sub terms"), *span, False, False)
        self.send(rights.grantSublicence(licence_id, sub_terms), "merchant_b", "sublicense")
        self.send(
            rights.revokeLicence(licence_id, keccak(text="breach")), "merchant_a", "license_revoke"
        )

        # Pledges.
        first = self.pledge("merchant_a", "bank", certificate_id, 1_000, "pledge_create_first", right=OPERATION)
        senior = self.pledge("merchant_a", "bank", certificate_id, 4_000, "pledge_create")
        junior = self.pledge("merchant_a", "bank_b", certificate_id, 4_000, "pledge_create_junior")
        nonce = pledges.nonces(self.address("merchant_a")).call()
        new_maturity, deadline = START + 2 * YEAR, START + 30 * DAY
        signature = self.sign(
            "merchant_a",
            "PledgeExtension",
            EXTENSION_TYPES,
            {"pledgeId": junior, "newMaturity": new_maturity, "nonce": nonce, "deadline": deadline},
        )
        self.send(
            pledges.extendPledge(junior, new_maturity, nonce, deadline, signature),
            "bank_b",
            "pledge_extend",
        )
        self.send(pledges.releasePledge(junior), "bank_b", "pledge_release")
        self.set_time(START + YEAR + 1)
        self.send(
            pledges.realisePledge(senior, (1, self.address("bank_b"), 9_000_000_00, keccak(text="auction record")),
                                  0, 0, b""),
            "bank",
            "pledge_realise",
        )
        # The first pledge stays active: its pledgee consents to the certificate's cancellation (below).
        closing = keccak(text="closing")
        act = certificates.certificateActHash(certificate_id, 3, closing).call()
        self.send(pledges.consentToAct(first, act), "bank", "pledge_consent_act")

        # Anchors: a root for a batch of 10,000 accounting entries.
        self.send(
            anchors.anchor(
                b"accounting-entry".ljust(32, b"\x00"),
                keccak(text="root of 10000 entries"),
                10_000,
                keccak(text="batch 2030-12 manifest"),
            ),
            "oracle",
            "anchor",
        )

        self.batches(certificates)
        self.due_process(certificate_id, licence_id)
        self.send(
            certificates.cancel(certificate_id, closing, [first]), "registrar", "cancel_pledged"
        )
        return {name: self.gas[name] for name in DESCRIPTIONS if name in self.gas}

    def due_process(self, certificate_id: int, licence_id: int) -> None:
        """A court-ordered transfer and a key recovery, each proposed by the registrar and executed by governance
        after the delay."""
        due = self.contracts["DueProcess"].functions
        rights = self.contracts["Rights"].functions
        giver, receiver = self.address("merchant_a"), self.address("merchant_b")
        free = rights.transferableSharesOf(certificate_id, HOLDING, giver).call()
        receipt = self.send(
            due.proposeForcedTransfer(certificate_id, HOLDING, giver, receiver, min(free, 1_000),
                                      keccak(text="court order")),
            "registrar",
            "forced_transfer_propose",
        )
        transfer = int(self.event(receipt, "DueProcess", "ForcedTransferProposed")["proposalId"])
        lost = self.address("merchant_b")
        new = Account.from_mnemonic(MNEMONIC, account_path="m/44'/60'/0'/0/19").address
        scope = ([certificate_id], [licence_id, licence_id + 1], [], [])
        receipt = self.send(
            due.proposeRecovery(lost, new, keccak(text="identity proof"), scope), "registrar", "recover_propose"
        )
        recovery = int(self.event(receipt, "DueProcess", "RecoveryProposed")["proposalId"])
        latest = int(self.w3.eth.get_block("latest")["timestamp"])
        self.set_time(latest + due.delay().call() + 1)
        self.send(due.execute(transfer), "admin", "forced_transfer")
        self.send(due.execute(recovery), "admin", "recover")

    def batches(self, certificates: Any) -> None:
        """An exchange's volume: the lifecycle and a legacy import, {BATCH} certificates a call."""
        registrar = self.address("registrar")
        hashes = [keccak(text=f"batch catalog {index}") for index in range(BATCH)]
        receipt = self.send(
            certificates.submitBatch(registrar, [(h, 7, 0) for h in hashes]), "merchant_a", "submit_batch", BATCH
        )
        first = int(self.event(receipt, "Certificates", "CertificateSubmitted")["certificateId"])
        ids = list(range(first, first + BATCH))
        self.send(certificates.acceptBatch(ids), "registrar", "accept_batch", BATCH)
        now = START + YEAR + 2 * DAY
        self.set_time(now)
        self.send(
            certificates.publicizeBatch(ids, now + 10 * DAY), "registrar", "publicize_batch", BATCH
        )
        self.set_time(now + 10 * DAY)
        numbers = [f"SZDEX-2031-{index:06d}" for index in range(BATCH)]
        self.send(
            certificates.issueBatch(
                ids,
                [
                    (registration_number("SZDEX", f"2031{index:08d}"), number, now + 5 * YEAR, 7)
                    for index, number in enumerate(numbers)
                ],
            ),
            "registrar",
            "issue_batch",
            BATCH,
        )
        legacy = [
            (
                self.address("merchant_b"),
                keccak(text=f"legacy catalog {index}"),
                f"LEGACY-2020-{index:06d}",
                registration_number("SZDEX", f"2020{index:08d}"),
                START - 2 * YEAR,
                START - YEAR,
                now + 3 * YEAR,
            )
            for index in range(BATCH)
        ]
        self.send(certificates.importIssued(legacy), "registrar", "import_batch", BATCH)
        self.send(certificates.cancel(ids[0], keccak(text="closing"), []), "registrar", "cancel")


def render_markdown(gas: dict[str, int]) -> str:
    """The readable table: gas, target and headroom per operation."""
    lines = [
        "# Gas report",
        "",
        "Gas used by each ledger operation: a whole transaction, with the 21,000 base cost",
        "and the calldata. Produced by `python bench/gas_report.py` (`make gas`) on a fresh",
        "anvil node; not asserted in tests.",
        "",
        "| operation | what it does | gas used | target | headroom |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for name, used in gas.items():
        target = TARGETS.get(name)
        target_text = f"{target:,}" if target else ""
        headroom = f"{target - used:,}" if target else ""
        lines.append(f"| `{name}` | {DESCRIPTIONS[name]} | {used:,} | {target_text} | {headroom} |")
    lines += [
        "",
        "Notes:",
        "- Every contract sits behind its own ERC-1967 proxy: each call into the suite, and",
        "  each call one contract makes into another, pays the proxy's delegate call (a cold",
        "  account access and the implementation slot, about 4,700 gas).",
        "- Every contract checks its caller against its own copy of the member records (one",
        "  cold storage read), which the Consortium writes whenever it writes a member; asking",
        "  the Consortium instead would add a call through its proxy to every check.",
        "- Every term a bank relies on is stored (a certificate's number and dates, a pledge's",
        "  amount, currency and reference, a licence's terms hash), so each can be proved from",
        "  storage; each adds a storage slot to the write that records it.",
        f"- Batch figures divide one call of {BATCH} certificates by {BATCH}.",
        "- Calldata costs 16 gas per non-zero byte and 4 per zero byte, so the figures move by",
        "  a few hundred gas with the values sent (hashes are mostly non-zero bytes, small",
        "  numbers mostly zeros).",
        "- `transfer` is the dearer case of a transfer: the recipient's first shares of the",
        "  certificate create a storage slot (22,100 gas). Where its gas goes: the 21,000 base",
        "  and the calldata (about 900); the Rights proxy (4,700); the two parties' member copies",
        "  (2 x 2,100); the Certificates contract's answer whether the certificate is in force,",
        "  through its proxy (about 10,300); the two positions (2 x 2,100 read; 2,900 and 20,000",
        "  written); the `TransferSingle` event (2,400); ERC-1155's check of the recipient's code",
        "  (2,600); the Rights contract's copy of the compliance conditions (2,100); about 5,000",
        "  of computation. Only a Rights copy of each certificate's status and expiry, written by",
        "  the Certificates contract whenever they change, would remove the call to Certificates.",
        "- With no compliance module in force, as here, a transfer, licence or pledge does not",
        "  call the Compliance contract: the Rights contract keeps a copy of the conditions of",
        "  the modules in force (one cold word), which the Compliance contract refreshes whenever",
        "  a module is added or removed, and the Pledges contract reads it from the Rights",
        "  contract it already calls. A module in force adds the Compliance contract's call when",
        "  its conditions may hold (about 14,000 for the common case with the three shipped",
        "  modules, `docs/compliance.md`), and holder counts are written only while a holder",
        "  cap is in force.",
        "- A pledge consent is bound to the rank it takes (the pledgor's most recent pledge on",
        "  that right, which the new pledge ranks behind), not to a nonce: recording a pledge",
        "  writes no nonce slot, and a consent cannot be used twice since the pledge it records",
        "  becomes the most recent. Extensions and agreed realisations still use nonces.",
        "- `pledge_create_first` is the ledger's very first pledge: it also creates the pledge",
        "  counter (17,100 gas, once per ledger), and, as the first pledge on its certificate, that",
        "  certificate's active pledge count (a new slot, about 20,000 gas).",
        "  Likewise `license_first` creates the licence counter. `license` is the first licence of",
        "  its right on the certificate: it creates the list of that right's licences (a later one",
        "  writes the list's length, 17,100 less, but reads the right's exclusive licences, 2,100).",
        "  A licence stores three slots (its parties and period, its place in the tree, its terms",
        "  hash) and a list entry.",
        "- Every pledge keeps its certificate's active pledge count (incremented when recorded,",
        "  decremented when released or realised): the count already exists on a later pledge",
        "  of the same certificate, so `pledge_create` and `pledge_release` pay a warm-up read and",
        "  a rewrite of that slot (about 5,000 gas each). This is what lets a change or",
        "  cancellation of the certificate check that it names every active pledge, whose",
        "  pledgees consent to it; the cheapest place for the count, as no slot that recording",
        "  already writes is per certificate.",
        "- A licence grant compares itself with the exclusive licences of its group only, so",
        "  its cost does not grow with earlier non-exclusive licences; `license_revoke` is one",
        "  write however large the revoked subtree (revocation is lazy).",
        "- The registration law costs storage: `submit` writes the rights claimed and the",
        "  authorisation's end (one slot); `issue` stores the registration number and reserves it",
        "  and the certificate number across the consortium (three slots) and checks the MOD 11-2",
        "  character; `change` and `renew` reserve the new certificate number; a holder's first",
        "  request on a certificate creates its request nonce and reads its shares from Rights.",
        "- Over target: `issue`, by the Certificates contract's side (about 150,000 of it): nine",
        "  cold reads of the certificate's record and of the number reservations, four new slots",
        "  (the two numbers reserved, the two number strings in the record: 4 x 20,000 and more)",
        "  and about 15,000 of computation (the MOD 11-2 check, hashing and copying the two",
        "  strings). The Rights side, the mint, is about 42,000: the call through the Rights",
        "  proxy (7,300 with the code check), the holder's new position (22,100), the",
        "  `TransferBatch` event (4,500), ERC-1155's check of the holder's code (2,600) and",
        "  building the event's lists, and `SharesMoved` per right. `transfer`, by about 2,100:",
        "  the 1,535 of `SharesMoved` and about 600 of computation beyond the costs listed above.",
        "  `pledge_release`, by about 3,000: the update of the certificate's active pledge count.",
        "- `transfer_three_modules` and `transfer_three_modules_new_holder` run on a suite of",
        "  their own with the holder cap, the jurisdiction rule and the qualification rule in",
        "  force and a certificate flagged both ways, so that every module must judge. The",
        "  Compliance contract's check alone (`python bench/compliance_gas.py`) is about 14,300",
        "  when the modules in force need not judge (existing holders, no flag), about 21,000",
        "  when the holder cap judges a new holder, and 37,000 to 43,000 when the jurisdiction",
        "  and qualification rules judge too. The 15,000 goal for three checks holds when they",
        "  need not judge; each module that judges is a contract of its own (a cold account,",
        "  2,600) reading cold facts (2,100 each: the member's jurisdiction, whether it is",
        "  allowed, the qualification, the holder count), the price of modules that governance",
        "  adds and removes without redeploying the suite.",
        "- `recover` grows with what it moves: per position a storage slot moved (and one",
        "  `TransferSingle` per right held), per licence one slot rewritten, per pledge of the",
        "  moved chains one slot; the identity and roles are copied to every replica.",
        "- Every share movement emits `SharesMoved(certificateId, right)` (two indexed topics, no",
        "  data), so that a certificate's movements can be read from the logs by its id: about",
        "  1,535 gas a movement (`transfer`, `safe_transfer`, `pledge_realise`), three times at",
        "  `issue` (one per right minted, about 4,650), included in the figures above.",
        "",
    ]
    return "\n".join(lines)


def write_report(gas: dict[str, int]) -> tuple[str, str]:
    """Write the JSON and Markdown reports; return their texts."""
    json_text = json.dumps(gas, indent=2) + "\n"
    markdown = render_markdown(gas)
    JSON_PATH.write_text(json_text)
    MARKDOWN_PATH.write_text(markdown)
    return json_text, markdown


def measure(make_node: Callable[[], LocalNode] | None = None) -> dict[str, int]:
    """Run the scenario on a fresh node, then transfers judged by the three shipped compliance modules on another
    (bench/compliance_gas.py), and return the gas per operation."""
    from compliance_gas import run as run_with_modules

    def on_fresh_node(scenario: Callable[[Scenario], dict[str, int]]) -> dict[str, int]:
        node = make_node() if make_node else LocalNode(port=free_port())
        node.start()
        try:
            return scenario(Scenario(Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 60}))))
        finally:
            node.stop()

    return on_fresh_node(Scenario.run) | on_fresh_node(lambda scenario: run_with_modules(scenario)[1])


def main() -> int:
    gas = measure()
    json_text, markdown = write_report(gas)
    print(json_text)
    print(markdown)
    over = [name for name, target in TARGETS.items() if gas[name] > target]
    if over:
        print(f"over target: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
