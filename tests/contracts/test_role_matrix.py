"""The role matrix: every state-changing function of every contract, called by every role, by a
suspended member (holding every role) and by a stranger. Only the allowed callers succeed; every
other call is refused with the exact error for its reason (no membership, suspension, missing role,
not the admin, not the contract).

Each call is simulated with ``eth_call`` against one prepared state, so every caller meets the same
state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from contract_harness import (
    AUDITOR,
    BANK,
    DAY,
    DEVELOPMENT,
    HOLDERS,
    HOLDING,
    MERCHANT,
    OPERATION,
    ORACLE,
    REGISTRAR,
    YEAR,
    Ledger,
)
from eth_utils.crypto import keccak
from web3.contract.contract import ContractFunction

ALL_MEMBER_ROLES = REGISTRAR | MERCHANT | BANK | AUDITOR | ORACLE
REASON = keccak(text="matrix")

#: Caller in the matrix -> the signer who plays it. The merchant is the holder and grantor of
#: record.
CALLERS = {
    "admin": "admin",
    "registrar": "registrar",
    "merchant": "merchant_a",
    "bank": "bank",
    "auditor": "auditor",
    "oracle": "oracle",
    "suspended": "suspended",
    "stranger": "stranger",
}

Build = Callable[[Ledger, dict[str, Any], str], ContractFunction]
Relation = Callable[[Ledger, dict[str, Any]], tuple[str, tuple[Any, ...]]]


@dataclass(frozen=True)
class Case:
    """One state-changing function: how to call it, and what each caller gets."""

    contract: str
    function: str
    build: Build
    #: "member:<mask>", "admin", "certificates", "pledges", "consortium", "timelock",
    #: "compliance-timelock", "compliance-governance", "compliance-reporter",
    #: "initialized" (nobody initialises twice), "anyone", "nobody"
    gate: str
    allowed: frozenset[str] = field(default_factory=frozenset)
    #: Callers holding a permitted role but in the wrong relation to the record, and their error.
    relation_errors: dict[str, Relation] = field(default_factory=dict)


def member(mask: int) -> str:
    return f"member:{mask}"


def _terms(
    ledger: Ledger, licensee: str, start: int, end: int, sublicensable: bool = False
) -> tuple[Any, ...]:
    return (ledger.address(licensee), keccak(text="terms"), start, end, False, sublicensable)


def _consent(ledger: Ledger, ctx: dict[str, Any]) -> list[Any]:
    terms = ledger.pledge_terms("merchant_a", ctx["issued"], right=HOLDING, shares=1_000)
    senior = ledger.last_pledge(terms)
    deadline = ledger.now() + DAY
    return [
        terms,
        senior,
        deadline,
        ledger.consent_signature("merchant_a", "bank", terms, senior, deadline),
    ]


def _extension(ledger: Ledger, ctx: dict[str, Any]) -> list[Any]:
    pledge_id = ctx["pledge"]
    maturity = ledger.pledges.functions.pledge(pledge_id).call()[6] + YEAR
    nonce = ledger.pledges.functions.nonces(ledger.address("merchant_a")).call()
    deadline = ledger.now() + DAY
    return [
        pledge_id,
        maturity,
        nonce,
        deadline,
        ledger.extension_signature("merchant_a", pledge_id, maturity, nonce, deadline),
    ]


REGISTRAR_ONLY = frozenset({"registrar"})
MERCHANT_ONLY = frozenset({"merchant"})
HOLDER_CALLERS = frozenset({"merchant", "bank"})

CASES: list[Case] = [
    # Consortium governance.
    Case(
        "Consortium",
        "addMember",
        lambda l, x, c: l.consortium.functions.addMember(
            l.w3.to_checksum_address("0x" + "ef" * 20), keccak(text="new"), "New", MERCHANT
        ),
        "admin",
        frozenset({"admin"}),
    ),
    Case(
        "Consortium",
        "setRoles",
        lambda l, x, c: l.consortium.functions.setRoles(l.address("auditor"), AUDITOR | ORACLE),
        "admin",
        frozenset({"admin"}),
    ),
    Case(
        "Consortium",
        "suspendMember",
        lambda l, x, c: l.consortium.functions.suspendMember(l.address("merchant_b"), REASON),
        "admin",
        frozenset({"admin"}),
    ),
    Case(
        "Consortium",
        "reinstateMember",
        lambda l, x, c: l.consortium.functions.reinstateMember(l.address("suspended")),
        "admin",
        frozenset({"admin"}),
    ),
    Case(
        "Consortium",
        "transferOwnership",
        lambda l, x, c: l.consortium.functions.transferOwnership(l.address("auditor")),
        "admin",
        frozenset({"admin"}),
    ),
    Case(
        "Consortium",
        "acceptOwnership",
        lambda l, x, c: l.consortium.functions.acceptOwnership(),
        "admin",
    ),
    # Certificates.
    Case(
        "Certificates",
        "submit",
        lambda l, x, c: l.certificates.functions.submit(
            l.address("registrar"), (keccak(text="new catalog"), 7, 0)),
        member(MERCHANT),
        MERCHANT_ONLY,
    ),
    Case(
        "Certificates",
        "submitBatch",
        lambda l, x, c: l.certificates.functions.submitBatch(
            l.address("registrar"), [(keccak(text="batch 1"), 7, 0), (keccak(text="batch 2"), 7, 0)]
        ),
        member(MERCHANT),
        MERCHANT_ONLY,
    ),
    Case(
        "Certificates",
        "acceptBatch",
        lambda l, x, c: l.certificates.functions.acceptBatch([x["submitted"]]),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "publicizeBatch",
        lambda l, x, c: l.certificates.functions.publicizeBatch([x["accepted"]], l.now() + 10 * DAY),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "issueBatch",
        lambda l, x, c: l.certificates.functions.issueBatch(
            [x["notice_ended"]], [l.issue_terms(l.now() + YEAR, number="MATRIX-B1")]
        ),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "importIssued",
        lambda l, x, c: l.certificates.functions.importIssued(
            [(l.address("merchant_a"), keccak(text="legacy"), "LEGACY-1", "", l.now() - YEAR,
              l.now() - DAY, l.now() + YEAR)]
        ),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "returnForCorrection",
        lambda l, x, c: l.certificates.functions.returnForCorrection(x["submitted"], REASON),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "resubmit",
        lambda l, x, c: l.certificates.functions.resubmit(x["returned"], keccak(text="fixed")),
        member(MERCHANT),
        MERCHANT_ONLY,
    ),
    Case(
        "Certificates",
        "accept",
        lambda l, x, c: l.certificates.functions.accept(x["submitted"]),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "publicize",
        lambda l, x, c: l.certificates.functions.publicize(x["accepted"], l.now() + 10 * DAY),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "object",
        lambda l, x, c: l.certificates.functions.object(x["notice"], REASON),
        member(ALL_MEMBER_ROLES),
        frozenset({"registrar", "merchant", "bank", "auditor", "oracle"}),
    ),
    Case(
        "Certificates",
        "resolveObjection",
        lambda l, x, c: l.certificates.functions.resolveObjection(x["objected"], 0, REASON),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "reject",
        lambda l, x, c: l.certificates.functions.reject(x["objected"], REASON),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "issue",
        lambda l, x, c: l.certificates.functions.issue(x["notice_ended"], l.issue_terms(l.now() + YEAR, number="MATRIX-1")),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "requestChange",
        lambda l, x, c: l.certificates.functions.requestChange(x["issued"], keccak(text="v2"), []),
        member(HOLDERS),
        MERCHANT_ONLY,
        {"bank": lambda l, x: ("CertificatesNoMajority", (x["issued"], 2_000))},
    ),
    Case(
        "Certificates",
        "requestRenewal",
        lambda l, x, c: l.certificates.functions.requestRenewal(x["issued"], l.now() + 10 * YEAR, []),
        member(HOLDERS),
        MERCHANT_ONLY,
        {"bank": lambda l, x: ("CertificatesNoMajority", (x["issued"], 2_000))},
    ),
    Case(
        "Certificates",
        "requestCancellation",
        lambda l, x, c: l.certificates.functions.requestCancellation(x["issued"], REASON, []),
        member(HOLDERS),
        MERCHANT_ONLY,
        {"bank": lambda l, x: ("CertificatesNoMajority", (x["issued"], 2_000))},
    ),
    Case(
        "Certificates",
        "approveRequest",
        lambda l, x, c: l.certificates.functions.approveRequest(x["requested"], "MATRIX-2", []),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "declineRequest",
        lambda l, x, c: l.certificates.functions.declineRequest(x["requested"], REASON),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "suspend",
        lambda l, x, c: l.certificates.functions.suspend(x["issued"], REASON),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "reinstate",
        lambda l, x, c: l.certificates.functions.reinstate(x["suspended"]),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "cancel",
        lambda l, x, c: l.certificates.functions.cancel(x["suspended"], REASON, []),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    # Rights: shares.
    Case(
        "Rights",
        "transferShares",
        lambda l, x, c: l.rights.functions.transferShares(
            x["issued"], DEVELOPMENT, l.address("merchant_b"), 100
        ),
        member(HOLDERS),
        HOLDER_CALLERS,
    ),
    Case(
        "Rights",
        "safeTransferFrom",
        lambda l, x, c: l.rights.functions.safeTransferFrom(
            l.address(c), l.address("merchant_b"), x["issued"] * 4 + OPERATION, 100, b""
        ),
        member(HOLDERS),
        HOLDER_CALLERS,
    ),
    Case(
        "Rights",
        "safeBatchTransferFrom",
        lambda l, x, c: l.rights.functions.safeBatchTransferFrom(
            l.address(c),
            l.address("merchant_b"),
            [x["issued"] * 4 + HOLDING, x["issued"] * 4 + OPERATION],
            [10, 10],
            b"",
        ),
        member(HOLDERS),
        HOLDER_CALLERS,
    ),
    Case(
        "Rights",
        "setApprovalForAll",
        lambda l, x, c: l.rights.functions.setApprovalForAll(l.address("merchant_b"), True),
        "nobody",
    ),
    # Rights: licences.
    Case(
        "Rights",
        "grantLicence",
        lambda l, x, c: l.rights.functions.grantLicence(
            x["issued"], OPERATION, _terms(l, "merchant_c", 0, l.now() + YEAR)
        ),
        member(HOLDERS),
        HOLDER_CALLERS,
    ),
    Case(
        "Rights",
        "grantSublicence",
        lambda l, x, c: l.rights.functions.grantSublicence(
            x["bank_licence"], _terms(l, "merchant_c", 0, l.now() + DAY)
        ),
        member(HOLDERS),
        MERCHANT_ONLY,
        {"bank": lambda l, x: ("RightsNotLicensee", (x["bank_licence"], l.address("bank")))},
    ),
    Case(
        "Rights",
        "revokeLicence",
        lambda l, x, c: l.rights.functions.revokeLicence(x["merchant_licence"], REASON),
        member(HOLDERS),
        MERCHANT_ONLY,
        {"bank": lambda l, x: ("RightsNotGrantor", (x["merchant_licence"], l.address("bank")))},
    ),
    # Rights: the ledger's hooks.
    Case(
        "Rights",
        "mintIssued",
        lambda l, x, c: l.rights.functions.mintIssued(x["issued"], l.address(c), 7),
        "certificates",
    ),
    Case(
        "Rights",
        "lockShares",
        lambda l, x, c: l.rights.functions.lockShares(
            x["issued"], HOLDING, l.address("merchant_a"), 1, 99
        ),
        "pledges",
    ),
    Case(
        "Rights",
        "unlockShares",
        lambda l, x, c: l.rights.functions.unlockShares(
            x["issued"], DEVELOPMENT, l.address("merchant_a"), 1
        ),
        "pledges",
    ),
    Case(
        "Rights",
        "seizeShares",
        lambda l, x, c: l.rights.functions.seizeShares(
            x["issued"], DEVELOPMENT, l.address("merchant_a"), l.address("bank"), 1, 1
        ),
        "pledges",
    ),
    # Pledges.
    Case(
        "Pledges",
        "recordPledge",
        lambda l, x, c: l.pledges.functions.recordPledge(*_consent(l, x)),
        member(BANK),
        frozenset({"bank"}),
    ),
    Case(
        "Pledges",
        "releasePledge",
        lambda l, x, c: l.pledges.functions.releasePledge(x["pledge"]),
        member(BANK),
        frozenset({"bank"}),
    ),
    Case(
        "Pledges",
        "extendPledge",
        lambda l, x, c: l.pledges.functions.extendPledge(*_extension(l, x)),
        member(BANK),
        frozenset({"bank"}),
    ),
    Case(
        "Pledges",
        "realisePledge",
        lambda l, x, c: l.pledges.functions.realisePledge(
            x["pledge"], (1, l.address("bank"), 10**6, REASON), 0, 0, b""
        ),
        member(BANK),
        frozenset({"bank"}),
    ),
    Case(
        "Pledges",
        "consentToAct",
        lambda l, x, c: l.pledges.functions.consentToAct(x["pledge"], REASON),
        member(BANK),
        frozenset({"bank"}),
    ),
    Case(
        "Pledges",
        "releaseOnCancellation",
        lambda l, x, c: l.pledges.functions.releaseOnCancellation(x["issued"], [x["pledge"]], REASON),
        "certificates-contract",
    ),
    # Certificates: the registration law and separation of duties.
    Case(
        "Certificates",
        "refuse",
        lambda l, x, c: l.certificates.functions.refuse(x["submitted"], 1, REASON),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "setMinimumNotice",
        lambda l, x, c: l.certificates.functions.setMinimumNotice(10 * DAY),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "lodgeObjection",
        lambda l, x, c: l.certificates.functions.lodgeObjection(
            x["issued"], l.address("merchant_b"), REASON
        ),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "resolveDispute",
        lambda l, x, c: l.certificates.functions.resolveDispute(x["disputed"], REASON),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    # Registrations: transfer and licence registrations after issue.
    Case(
        "Registrations",
        "registerTransfer",
        lambda l, x, c: l.registrations.functions.registerTransfer(
            x["issued"],
            (l.address("merchant_a"), l.address("bank"), HOLDING, 2_000, x["movement"]),
            "TRANSFER-VOUCHER-1",
        ),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Registrations",
        "registerLicence",
        lambda l, x, c: l.registrations.functions.registerLicence(
            x["merchant_licence"], "LICENCE-VOUCHER-1"
        ),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Certificates",
        "reassign",
        lambda l, x, c: l.certificates.functions.reassign([x["orphaned"]], l.address("registrar")),
        "governance",
        frozenset({"admin"}),
    ),
    # Anchors.
    Case(
        "Anchors",
        "anchor",
        lambda l, x, c: l.anchors.functions.anchor(
            b"catalog".ljust(32, b"\x00"), keccak(text="matrix root"), 10, keccak(text="batch")
        ),
        member(ORACLE),
        frozenset({"oracle"}),
    ),
]
# Governance: the directory and the timelock are the timelock's alone; seeding a replica copies
# only what the Consortium holds, and refreshing the Rights contract's copy of the compliance
# conditions only what the Compliance contract holds, so anyone may.
CASES += [
    Case(
        "Consortium",
        "setTimelock",
        lambda l, x, c: l.consortium.functions.setTimelock(l.address("auditor")),
        "timelock",
    ),
    Case(
        "Consortium",
        "registerContract",
        lambda l, x, c: l.consortium.functions.registerContract(
            b"Probe".ljust(32, b"\x00"), l.anchors.address, False
        ),
        "timelock",
    ),
    Case(
        "Consortium",
        "removeContract",
        lambda l, x, c: l.consortium.functions.removeContract(b"Anchors".ljust(32, b"\x00")),
        "timelock",
    ),
    Case(
        "Consortium",
        "seedReplica",
        lambda l, x, c: l.consortium.functions.seedReplica(l.anchors.address, 0, 3),
        "anyone",
        frozenset(CALLERS),
    ),
    # The Rights contract's copy of the compliance conditions in force: it only copies, so anyone may.
    Case(
        "Rights",
        "syncComplianceConditions",
        lambda l, x, c: l.rights.functions.syncComplianceConditions(),
        "anyone",
        frozenset(CALLERS),
    ),
]
# Compliance: modules by the timelock, member data by governance, certificate flags by the
# certificate's registrar, movements reported by the Rights and Pledges contracts only.
_PI = b"PI-PROCESSOR".ljust(32, b"\x00")
CASES += [
    Case(
        "Compliance",
        "addModule",
        lambda l, x, c: l.contracts["Compliance"].functions.addModule(l.anchors.address),
        "compliance-timelock",
    ),
    Case(
        "Compliance",
        "removeModule",
        lambda l, x, c: l.contracts["Compliance"].functions.removeModule(l.anchors.address),
        "compliance-timelock",
    ),
    Case(
        "Compliance",
        "setHolderCount",
        lambda l, x, c: l.contracts["Compliance"].functions.setHolderCount(x["issued"], HOLDING, 2),
        "compliance-timelock",
    ),
    Case(
        "Compliance",
        "setJurisdiction",
        lambda l, x, c: l.contracts["Compliance"].functions.setJurisdiction(l.address("merchant_b"), b"CN"),
        "compliance-governance",
        frozenset({"admin"}),
    ),
    Case(
        "Compliance",
        "grantQualification",
        lambda l, x, c: l.contracts["Compliance"].functions.grantQualification(l.address("merchant_b"), _PI),
        "compliance-governance",
        frozenset({"admin"}),
    ),
    Case(
        "Compliance",
        "revokeQualification",
        lambda l, x, c: l.contracts["Compliance"].functions.revokeQualification(l.address("merchant_b"), _PI),
        "compliance-governance",
        frozenset({"admin"}),
    ),
    Case(
        "Compliance",
        "setCertificateFlags",
        lambda l, x, c: l.contracts["Compliance"].functions.setCertificateFlags(x["issued"], True, True),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Compliance",
        "setJurisdictionAllowed",
        lambda l, x, c: l.contracts["Compliance"].functions.setJurisdictionAllowed(x["issued"], b"CN", True),
        member(REGISTRAR),
        REGISTRAR_ONLY,
    ),
    Case(
        "Compliance",
        "transferred",
        lambda l, x, c: l.contracts["Compliance"].functions.transferred(
            x["issued"], HOLDING, l.address("merchant_a"), l.address("merchant_b"), 1, 0, 1
        ),
        "compliance-reporter",
    ),
    Case(
        "Compliance",
        "enforced",
        lambda l, x, c: l.contracts["Compliance"].functions.enforced(
            x["issued"], HOLDING, l.address("merchant_a"), l.address("bank"), 1, 1
        ),
        "compliance-reporter",
    ),
]
for _name in ("Consortium", "Certificates", "Rights", "Pledges", "Anchors", "Compliance", "Registrations"):
    CASES.append(
        Case(
            _name,
            "upgradeToAndCall",
            lambda l, x, c, _n=_name: l.contracts[_n].functions.upgradeToAndCall(
                l.contracts[_n].address, b""
            ),
            "timelock",
        )
    )
    CASES.append(
        Case(
            _name,
            "initialize",
            lambda l, x, c, _n=_name: (
                l.contracts[_n].functions.initialize(
                    l.address("admin"), l.address("admin"), [], [], []
                )
                if _n == "Consortium"
                else l.contracts[_n].functions.initialize()
            ),
            "initialized",
        )
    )
for _name in ("Certificates", "Rights", "Pledges", "Anchors", "Compliance", "Registrations"):
    CASES.append(
        Case(
            _name,
            "replicateMember",
            lambda l, x, c, _n=_name: l.contracts[_n].functions.replicateMember(
                l.address("stranger"), 1, ALL_MEMBER_ROLES
            ),
            "consortium",
        )
    )


def expected_error(
    ledger: Ledger, ctx: dict[str, Any], case: Case, caller: str
) -> tuple[str, tuple[Any, ...]] | None:
    """None when ``caller`` may make the call; else the error name and arguments it must get."""
    signer = CALLERS[caller]
    address = ledger.address(signer)
    if caller in case.allowed:
        return None
    if case.gate == "admin":
        return ("OwnableUnauthorizedAccount", (address,))
    if case.gate == "governance":
        return ("CertificatesUnauthorizedGovernance", (address,))
    if case.gate in ("certificates", "pledges"):
        return ("RightsUnauthorizedCaller", (address,))
    if case.gate == "consortium":
        return ("SuiteUnauthorizedCaller", (address,))
    if case.gate == "certificates-contract":
        return ("PledgesUnauthorizedCaller", (address,))
    if case.gate == "compliance-timelock":
        return ("ComplianceUnauthorizedTimelock", (address,))
    if case.gate == "compliance-governance":
        return ("ComplianceUnauthorizedGovernance", (address,))
    if case.gate == "compliance-reporter":
        return ("ComplianceUnauthorizedCaller", (address,))
    if case.gate == "timelock" and case.contract == "Consortium":
        return ("ConsortiumUnauthorizedTimelock", (address,))
    if case.gate == "timelock":
        return ("SuiteUnauthorizedUpgrade", (address,))
    if case.gate == "initialized":
        return ("InvalidInitialization", ())
    if case.gate == "nobody":
        return ("RightsApprovalsDisabled", ())
    mask = int(case.gate.split(":")[1])
    if caller in ("admin", "stranger"):
        return ("ConsortiumNotMember", (address,))
    if caller == "suspended":
        return ("ConsortiumMemberSuspended", (address,))
    if caller in case.relation_errors:
        return case.relation_errors[caller](ledger, ctx)
    return ("ConsortiumMissingRole", (address, mask))


@pytest.fixture
def prepared(ledger: Ledger) -> dict[str, Any]:
    """One record in every state the matrix needs."""
    c = ledger.certificates.functions
    r = ledger.rights.functions
    ctx: dict[str, Any] = {}
    ctx["notice_ended"] = ledger.under_notice(notice=60)
    ctx["issued"] = ledger.issue()
    for right in (HOLDING, DEVELOPMENT, OPERATION):
        receipt = ledger.send(
            r.transferShares(ctx["issued"], right, ledger.address("bank"), 2_000), "merchant_a"
        )
    ctx["movement"] = bytes(receipt["transactionHash"])
    ctx["disputed"] = ledger.issue()
    ledger.send(
        c.lodgeObjection(ctx["disputed"], ledger.address("merchant_b"), REASON), "registrar"
    )
    ctx["orphaned"] = ledger.submit(registrar="registrar_b")
    ledger.send(
        ledger.consortium.functions.suspendMember(ledger.address("registrar_b"), REASON), "admin"
    )
    ctx["pledge"] = ledger.record_pledge(
        "merchant_a",
        "bank",
        ctx["issued"],
        right=DEVELOPMENT,
        shares=3_000,
        maturity=ledger.now() + 2 * DAY,
    )
    ledger.advance(3 * DAY)
    ctx["requested"] = ledger.issue()
    ledger.send(c.requestChange(ctx["requested"], keccak(text="v2"), []), "merchant_a")
    ctx["suspended"] = ledger.issue()
    ledger.send(c.suspend(ctx["suspended"], REASON), "registrar")
    ctx["submitted"] = ledger.submit()
    ctx["returned"] = ledger.submit()
    ledger.send(c.returnForCorrection(ctx["returned"], REASON), "registrar")
    ctx["accepted"] = ledger.submit()
    ledger.send(c.accept(ctx["accepted"]), "registrar")
    ctx["notice"] = ledger.under_notice(notice=30 * DAY)
    ctx["objected"] = ledger.under_notice(notice=30 * DAY)
    ledger.send(c.object(ctx["objected"], REASON), "auditor")
    now = ledger.now()
    receipt = ledger.send(
        r.grantLicence(
            ctx["issued"], DEVELOPMENT, _terms(ledger, "merchant_a", 0, now + YEAR, True)
        ),
        "bank",
    )
    ctx["bank_licence"] = ledger.events(receipt, "Rights", "LicenceGranted")[0]["licenceId"]
    receipt = ledger.send(
        r.grantLicence(ctx["issued"], OPERATION, _terms(ledger, "merchant_b", 0, now + YEAR)),
        "merchant_a",
    )
    ctx["merchant_licence"] = ledger.events(receipt, "Rights", "LicenceGranted")[0]["licenceId"]
    return ctx


def test_the_cases_cover_every_state_changing_function(ledger: Ledger) -> None:
    covered = {(case.contract, case.function) for case in CASES}
    for name, contract in ledger.contracts.items():
        for item in contract.abi:
            if item.get("type") == "function" and item["stateMutability"] in (
                "nonpayable",
                "payable",
            ):
                assert (name, item["name"]) in covered, (
                    f"{name}.{item['name']} is missing from the role matrix"
                )


def test_only_the_allowed_callers_succeed(ledger: Ledger, prepared: dict[str, Any]) -> None:
    mismatches: list[str] = []
    successes = 0
    for case in CASES:
        for caller, signer in CALLERS.items():
            call = case.build(ledger, prepared, signer)
            expected = expected_error(ledger, prepared, case, caller)
            try:
                outcome: tuple[str, tuple[Any, ...]] | None = ledger.decode(
                    ledger.revert_data(call, signer)
                )
            except AssertionError:
                outcome = None
            if outcome == expected:
                successes += outcome is None
                continue
            what = "succeeded" if outcome is None else f"was refused with {outcome[0]}{outcome[1]}"
            wanted = "success" if expected is None else f"{expected[0]}{expected[1]}"
            mismatches.append(
                f"{case.contract}.{case.function} by {caller} {what}; expected {wanted}"
            )
    assert mismatches == [], "\n".join(mismatches)
    assert successes == sum(len(case.allowed) for case in CASES)
