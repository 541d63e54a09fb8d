"""Consortium: members, roles and status, their copies in every ledger contract, and governance by
the admin."""

from __future__ import annotations

from contract_harness import (
    ALL_ROLES,
    AUDITOR,
    BANK,
    MERCHANT,
    ORACLE,
    REGISTRAR,
    Ledger,
    identity_of,
)
from eth_utils.crypto import keccak

NONE, ACTIVE, SUSPENDED = 0, 1, 2
REASON = keccak(text="late filings")
NEWCOMER = "0x" + "ab" * 20


def member(ledger: Ledger, account: str) -> tuple[int, int, bytes]:
    status, roles, identity = ledger.consortium.functions.member(ledger.address(account)).call()
    return status, roles, identity


def assert_replicas_agree(ledger: Ledger, account: str) -> None:
    """Every ledger contract holds the Consortium's status and roles of ``account``."""
    status, roles, _ = member(ledger, account)
    for name in ("Certificates", "Rights", "Pledges", "Anchors", "Compliance", "Registrations"):
        assert ledger.contracts[name].functions.replicatedMember(
            ledger.address(account)
        ).call() == [status, roles]


def test_members_are_admitted_with_a_unique_identity_and_roles(ledger: Ledger) -> None:
    c = ledger.consortium.functions
    newcomer = ledger.w3.to_checksum_address(NEWCOMER)
    identity = keccak(text="USCC:91440300MA5XXXXXXX")
    receipt = ledger.send(
        c.addMember(newcomer, identity, "Shenzhen Data Co.", MERCHANT | BANK), "admin"
    )
    assert ledger.events(receipt, "Consortium", "MemberAdded") == [
        {
            "account": newcomer,
            "identityHash": identity,
            "name": "Shenzhen Data Co.",
            "roles": MERCHANT | BANK,
        }
    ]
    assert member(ledger, newcomer) == (ACTIVE, MERCHANT | BANK, identity)
    assert c.accountOf(identity).call() == newcomer
    assert c.isActive(newcomer, BANK).call()
    assert not c.isActive(newcomer, ORACLE).call()
    assert_replicas_agree(ledger, newcomer)
    assert member(ledger, "stranger") == (NONE, 0, b"\x00" * 32)


def test_admission_refusals(ledger: Ledger) -> None:
    c = ledger.consortium.functions
    newcomer = ledger.w3.to_checksum_address(NEWCOMER)
    identity = keccak(text="new")
    zero = "0x" + "00" * 20
    ledger.reverts(
        c.addMember(zero, identity, "x", MERCHANT), "admin", "ConsortiumInvalidAccount", zero
    )
    ledger.reverts(
        c.addMember(newcomer, b"\x00" * 32, "x", MERCHANT),
        "admin",
        "ConsortiumInvalidIdentity",
        b"\x00" * 32,
    )
    ledger.reverts(c.addMember(newcomer, identity, "x", 0), "admin", "ConsortiumInvalidRoles", 0)
    ledger.reverts(c.addMember(newcomer, identity, "x", 32), "admin", "ConsortiumInvalidRoles", 32)
    ledger.reverts(
        c.addMember(ledger.address("bank"), identity, "x", BANK),
        "admin",
        "ConsortiumMemberExists",
        "bank",
    )
    ledger.reverts(
        c.addMember(newcomer, identity_of("bank"), "x", BANK),
        "admin",
        "ConsortiumIdentityTaken",
        identity_of("bank"),
        "bank",
    )
    ledger.reverts(
        c.addMember(newcomer, identity, "x", BANK), "bank", "OwnableUnauthorizedAccount", "bank"
    )


def test_roles_are_replaced_and_checked_as_a_mask(ledger: Ledger) -> None:
    c = ledger.consortium.functions
    receipt = ledger.send(c.setRoles(ledger.address("auditor"), AUDITOR | ORACLE), "admin")
    assert ledger.events(receipt, "Consortium", "MemberRolesChanged") == [
        {"account": ledger.address("auditor"), "previousRoles": AUDITOR, "roles": AUDITOR | ORACLE}
    ]
    assert_replicas_agree(ledger, "auditor")
    c.requireActive(ledger.address("auditor"), ORACLE).call()
    c.requireActive(ledger.address("auditor"), REGISTRAR | AUDITOR).call()
    ledger.reverts(
        c.requireActive(ledger.address("auditor"), BANK),
        "stranger",
        "ConsortiumMissingRole",
        "auditor",
        BANK,
    )
    ledger.reverts(
        c.requireActive(ledger.address("stranger"), ALL_ROLES),
        "stranger",
        "ConsortiumNotMember",
        "stranger",
    )
    ledger.reverts(
        c.requireActive(ledger.address("suspended"), ALL_ROLES),
        "stranger",
        "ConsortiumMemberSuspended",
        "suspended",
    )
    ledger.reverts(
        c.setRoles(ledger.address("stranger"), BANK), "admin", "ConsortiumNotMember", "stranger"
    )
    ledger.reverts(c.setRoles(ledger.address("auditor"), 0), "admin", "ConsortiumInvalidRoles", 0)
    ledger.reverts(
        c.setRoles(ledger.address("auditor"), 1 << 5), "admin", "ConsortiumInvalidRoles", 1 << 5
    )
    ledger.reverts(
        c.setRoles(ledger.address("auditor"), BANK),
        "registrar",
        "OwnableUnauthorizedAccount",
        "registrar",
    )


def test_a_suspended_member_can_do_nothing_until_reinstated(ledger: Ledger) -> None:
    c = ledger.consortium.functions
    certificate_id = ledger.issue()
    receipt = ledger.send(c.suspendMember(ledger.address("merchant_a"), REASON), "admin")
    assert ledger.events(receipt, "Consortium", "MemberSuspended") == [
        {"account": ledger.address("merchant_a"), "reasonHash": REASON}
    ]
    assert member(ledger, "merchant_a")[0] == SUSPENDED
    assert_replicas_agree(ledger, "merchant_a")
    ledger.reverts(
        ledger.rights.functions.transferShares(certificate_id, 0, ledger.address("merchant_b"), 1),
        "merchant_a",
        "ConsortiumMemberSuspended",
        "merchant_a",
    )
    ledger.reverts(
        c.suspendMember(ledger.address("merchant_a"), REASON),
        "admin",
        "ConsortiumMemberSuspended",
        "merchant_a",
    )
    ledger.reverts(
        c.suspendMember(ledger.address("stranger"), REASON),
        "admin",
        "ConsortiumNotMember",
        "stranger",
    )
    ledger.reverts(
        c.suspendMember(ledger.address("bank"), REASON),
        "bank",
        "OwnableUnauthorizedAccount",
        "bank",
    )

    receipt = ledger.send(c.reinstateMember(ledger.address("merchant_a")), "admin")
    assert ledger.events(receipt, "Consortium", "MemberReinstated") == [
        {"account": ledger.address("merchant_a")}
    ]
    assert_replicas_agree(ledger, "merchant_a")
    ledger.send(
        ledger.rights.functions.transferShares(certificate_id, 0, ledger.address("merchant_b"), 1),
        "merchant_a",
    )
    ledger.reverts(
        c.reinstateMember(ledger.address("merchant_a")),
        "admin",
        "ConsortiumMemberNotSuspended",
        "merchant_a",
    )
    ledger.reverts(
        c.reinstateMember(ledger.address("stranger")), "admin", "ConsortiumNotMember", "stranger"
    )
    ledger.reverts(
        c.reinstateMember(ledger.address("suspended")),
        "registrar",
        "OwnableUnauthorizedAccount",
        "registrar",
    )


def test_roles_of_a_suspended_member_can_change_and_it_stays_suspended(ledger: Ledger) -> None:
    ledger.send(
        ledger.consortium.functions.setRoles(ledger.address("suspended"), MERCHANT), "admin"
    )
    assert member(ledger, "suspended")[:2] == (SUSPENDED, MERCHANT)
    assert_replicas_agree(ledger, "suspended")


def test_only_the_consortium_writes_the_copies(ledger: Ledger) -> None:
    for name in ("Certificates", "Rights", "Pledges", "Anchors", "Compliance", "Registrations"):
        call = ledger.contracts[name].functions.replicateMember(
            ledger.address("stranger"), ACTIVE, ALL_ROLES
        )
        for caller in ("admin", "stranger", "registrar"):
            ledger.reverts(call, caller, "SuiteUnauthorizedCaller", caller)


def test_governance_is_handed_over_in_two_steps_and_never_renounced(ledger: Ledger) -> None:
    c = ledger.consortium.functions
    ledger.reverts(c.renounceOwnership(), "admin", "ConsortiumRenounceDisabled")
    ledger.reverts(c.renounceOwnership(), "stranger", "OwnableUnauthorizedAccount", "stranger")
    ledger.reverts(
        c.transferOwnership(ledger.address("auditor")),
        "auditor",
        "OwnableUnauthorizedAccount",
        "auditor",
    )
    receipt = ledger.send(c.transferOwnership(ledger.address("auditor")), "admin")
    assert ledger.events(receipt, "Consortium", "OwnershipTransferStarted") == [
        {"previousOwner": ledger.address("admin"), "newOwner": ledger.address("auditor")}
    ]
    # Until the new admin accepts, the old one governs and a wrong account cannot take over.
    assert c.admin().call() == ledger.address("admin")
    assert c.pendingOwner().call() == ledger.address("auditor")
    ledger.reverts(c.acceptOwnership(), "stranger", "OwnableUnauthorizedAccount", "stranger")
    ledger.send(c.setRoles(ledger.address("bank_b"), BANK | MERCHANT), "admin")
    ledger.send(c.acceptOwnership(), "auditor")
    assert c.admin().call() == ledger.address("auditor")
    ledger.reverts(
        c.setRoles(ledger.address("bank_b"), BANK), "admin", "OwnableUnauthorizedAccount", "admin"
    )
    ledger.send(c.setRoles(ledger.address("bank_b"), BANK), "auditor")
