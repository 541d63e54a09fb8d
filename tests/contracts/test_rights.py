"""Rights: shares through ERC-1155 with every movement gated, and licences with sub-licences and
exclusivity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from contract_harness import (
    DAY,
    DEVELOPMENT,
    HOLDERS,
    HOLDING,
    OPERATION,
    RIGHTS,
    TOTAL_SHARES,
    YEAR,
    Ledger,
)
from eth_utils.crypto import keccak
from web3.contract import Contract
from web3.logs import DISCARD

MINUTE = 60
REASON = keccak(text="reason")
TERMS = keccak(text="terms: analytics only, mainland China")
ERC1155_INTERFACE = bytes.fromhex("d9b67a26")
ERC165_INTERFACE = bytes.fromhex("01ffc9a7")


def token(certificate_id: int, right: int) -> int:
    return certificate_id * 4 + right


def balances(ledger: Ledger, certificate_id: int, right: int, owners: tuple[str, ...]) -> list[int]:
    return [ledger.shares(certificate_id, right, owner) for owner in owners]


# -- shares ----------------------------------------------------------------------------------------


def test_shares_are_visible_through_erc1155(ledger: Ledger) -> None:
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    holder = ledger.address("merchant_a")
    assert r.supportsInterface(ERC1155_INTERFACE).call()
    assert r.supportsInterface(ERC165_INTERFACE).call()
    assert not r.supportsInterface(bytes.fromhex("ffffffff")).call()
    for right in RIGHTS:
        assert r.tokenId(certificate_id, right).call() == token(certificate_id, right)
        assert r.balanceOf(holder, token(certificate_id, right)).call() == TOTAL_SHARES
    assert r.balanceOf(holder, token(certificate_id, 3)).call() == 0
    assert r.balanceOf(holder, 2).call() == 0  # certificate 0 does not exist
    assert r.balanceOfBatch(
        [holder, ledger.address("merchant_b")], [token(certificate_id, 1)] * 2
    ).call() == [TOTAL_SHARES, 0]
    ledger.reverts(r.balanceOfBatch([holder], [1, 2]), "stranger", "RightsInvalidBatch", 2, 1)
    assert not r.isApprovedForAll(holder, ledger.address("merchant_b")).call()
    ledger.reverts(
        r.setApprovalForAll(ledger.address("merchant_b"), True),
        "merchant_a",
        "RightsApprovalsDisabled",
    )


def test_a_transfer_registration_splits_a_right(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    receipt = ledger.send(
        ledger.rights.functions.transferShares(
            certificate_id, DEVELOPMENT, ledger.address("merchant_b"), 3_500
        ),
        "merchant_a",
    )
    assert ledger.events(receipt, "Rights", "TransferSingle") == [
        {
            "operator": ledger.address("merchant_a"),
            "from": ledger.address("merchant_a"),
            "to": ledger.address("merchant_b"),
            "id": token(certificate_id, DEVELOPMENT),
            "value": 3_500,
        }
    ]
    assert balances(ledger, certificate_id, DEVELOPMENT, ("merchant_a", "merchant_b")) == [
        6_500,
        3_500,
    ]
    # The other rights did not move; the new owner may pass shares on, also to a bank.
    assert balances(ledger, certificate_id, HOLDING, ("merchant_a", "merchant_b")) == [
        TOTAL_SHARES,
        0,
    ]
    ledger.send(
        ledger.rights.functions.transferShares(
            certificate_id, DEVELOPMENT, ledger.address("bank"), 500
        ),
        "merchant_b",
    )
    assert balances(ledger, certificate_id, DEVELOPMENT, ("merchant_a", "merchant_b", "bank")) == [
        6_500,
        3_000,
        500,
    ]


def test_safe_transfers_follow_the_same_rules(ledger: Ledger) -> None:
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    a, b = ledger.address("merchant_a"), ledger.address("merchant_b")
    ledger.send(
        r.safeTransferFrom(a, b, token(certificate_id, OPERATION), 1_000, b""), "merchant_a"
    )
    ids = [token(certificate_id, HOLDING), token(certificate_id, DEVELOPMENT)]
    receipt = ledger.send(r.safeBatchTransferFrom(a, b, ids, [2_000, 3_000], b""), "merchant_a")
    assert ledger.events(receipt, "Rights", "TransferBatch") == [
        {"operator": a, "from": a, "to": b, "ids": tuple(ids), "values": (2_000, 3_000)}
    ]
    assert [ledger.shares(certificate_id, right, "merchant_b") for right in RIGHTS] == [
        2_000,
        3_000,
        1_000,
    ]

    ledger.reverts(
        r.safeTransferFrom(b, a, token(certificate_id, HOLDING), 1, b""),
        "merchant_a",
        "RightsUnauthorizedOperator",
        "merchant_a",
        "merchant_b",
    )
    ledger.reverts(
        r.safeBatchTransferFrom(b, a, ids, [1, 1], b""),
        "merchant_a",
        "RightsUnauthorizedOperator",
        "merchant_a",
        "merchant_b",
    )
    ledger.reverts(
        r.safeBatchTransferFrom(a, b, ids, [1], b""), "merchant_a", "RightsInvalidBatch", 2, 1
    )
    bad = token(certificate_id, 3)
    ledger.reverts(r.safeTransferFrom(a, b, bad, 1, b""), "merchant_a", "RightsInvalidTokenId", bad)
    ledger.reverts(
        r.safeBatchTransferFrom(a, b, [ids[0], bad], [1, 1], b""),
        "merchant_a",
        "RightsInvalidTokenId",
        bad,
    )
    ledger.reverts(
        r.safeBatchTransferFrom(a, b, ids, [1, 9_000], b""),
        "merchant_a",
        "RightsInsufficientShares",
        certificate_id,
        DEVELOPMENT,
        "merchant_a",
        7_000,
        9_000,
    )


def share_logs(ledger: Ledger, receipt: Any) -> list[tuple[Any, ...]]:
    """The Rights contract's share events in ``receipt``, in log order: ``("SharesMoved", certificate, right)``
    and ``("TransferSingle" | "TransferBatch", token ids)``."""
    events = ledger.rights.events
    found: list[tuple[int, tuple[Any, ...]]] = []
    for log in events.SharesMoved().process_receipt(receipt, errors=DISCARD):
        found.append((log["logIndex"], ("SharesMoved", log["args"]["certificateId"], log["args"]["right"])))
    for log in events.TransferSingle().process_receipt(receipt, errors=DISCARD):
        found.append((log["logIndex"], ("TransferSingle", (log["args"]["id"],))))
    for log in events.TransferBatch().process_receipt(receipt, errors=DISCARD):
        found.append((log["logIndex"], ("TransferBatch", tuple(log["args"]["ids"]))))
    return [item for _, item in sorted(found)]


def test_every_share_movement_is_announced_by_its_certificate_and_right(ledger: Ledger) -> None:
    r = ledger.rights.functions
    a, b = ledger.address("merchant_a"), ledger.address("merchant_b")
    # The mint at issue: one SharesMoved per right granted, then the TransferBatch.
    certificate_id = ledger.under_notice("merchant_a", "registrar", notice=60)
    ledger.advance(61)
    terms = ledger.issue_terms(ledger.now() + YEAR, (1 << HOLDING) | (1 << OPERATION))
    receipt = ledger.send(ledger.certificates.functions.issue(certificate_id, terms), "registrar")
    assert share_logs(ledger, receipt) == [
        ("SharesMoved", certificate_id, HOLDING), ("SharesMoved", certificate_id, OPERATION),
        ("TransferBatch", (token(certificate_id, HOLDING), token(certificate_id, OPERATION))),
    ]
    receipt = ledger.send(r.transferShares(certificate_id, OPERATION, b, 10), "merchant_a")
    assert share_logs(ledger, receipt) == [
        ("SharesMoved", certificate_id, OPERATION), ("TransferSingle", (token(certificate_id, OPERATION),)),
    ]
    receipt = ledger.send(r.safeTransferFrom(a, b, token(certificate_id, HOLDING), 5, b""), "merchant_a")
    assert share_logs(ledger, receipt) == [
        ("SharesMoved", certificate_id, HOLDING), ("TransferSingle", (token(certificate_id, HOLDING),)),
    ]
    # A batch over two certificates announces each item's certificate, so either one's reader finds it.
    other = ledger.issue()
    ids = [token(certificate_id, HOLDING), token(other, DEVELOPMENT)]
    receipt = ledger.send(r.safeBatchTransferFrom(a, b, ids, [1, 2], b""), "merchant_a")
    assert share_logs(ledger, receipt) == [
        ("SharesMoved", certificate_id, HOLDING), ("SharesMoved", other, DEVELOPMENT), ("TransferBatch", tuple(ids)),
    ]
    # A reader filtering by the certificate's topic gets its movements only.
    topic = "0x" + certificate_id.to_bytes(32, "big").hex()
    announced = ledger.w3.eth.get_logs({  # type: ignore[typeddict-item]
        "address": ledger.rights.address, "fromBlock": 0, "toBlock": "latest",
        "topics": [ledger.rights.events.SharesMoved().topic, topic],
    })
    assert [int.from_bytes(log["topics"][2], "big") for log in announced] == [HOLDING, OPERATION, OPERATION, HOLDING,
                                                                          HOLDING]


def test_transfer_refusals(ledger: Ledger) -> None:
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    to_b = ledger.address("merchant_b")
    ledger.reverts(
        r.transferShares(certificate_id, HOLDING, to_b, 0), "merchant_a", "RightsInvalidShares", 0
    )
    ledger.reverts(
        r.transferShares(certificate_id, HOLDING, ledger.address("merchant_a"), 1),
        "merchant_a",
        "RightsInvalidRecipient",
        "merchant_a",
    )
    ledger.reverts(
        r.transferShares(certificate_id, HOLDING, to_b, TOTAL_SHARES + 1),
        "merchant_a",
        "RightsInsufficientShares",
        certificate_id,
        HOLDING,
        "merchant_a",
        TOTAL_SHARES,
        TOTAL_SHARES + 1,
    )
    ledger.reverts(
        r.transferShares(certificate_id, HOLDING, ledger.address("merchant_a"), 1),
        "merchant_b",
        "RightsInsufficientShares",
        certificate_id,
        HOLDING,
        "merchant_b",
        0,
        1,
    )
    # Recipients must be active members that may hold shares; so must senders.
    ledger.reverts(
        r.transferShares(certificate_id, HOLDING, ledger.address("stranger"), 1),
        "merchant_a",
        "ConsortiumNotMember",
        "stranger",
    )
    ledger.reverts(
        r.transferShares(certificate_id, HOLDING, ledger.address("auditor"), 1),
        "merchant_a",
        "ConsortiumMissingRole",
        "auditor",
        HOLDERS,
    )
    ledger.reverts(
        r.transferShares(certificate_id, HOLDING, ledger.address("suspended"), 1),
        "merchant_a",
        "ConsortiumMemberSuspended",
        "suspended",
    )
    ledger.reverts(
        r.transferShares(certificate_id, HOLDING, to_b, 1),
        "registrar",
        "ConsortiumMissingRole",
        "registrar",
        HOLDERS,
    )
    ledger.send(
        ledger.consortium.functions.suspendMember(ledger.address("merchant_a"), REASON), "admin"
    )
    ledger.reverts(
        r.transferShares(certificate_id, HOLDING, to_b, 1),
        "merchant_a",
        "ConsortiumMemberSuspended",
        "merchant_a",
    )


@pytest.mark.parametrize("state", ["not issued", "suspended", "cancelled", "expired"])
def test_nothing_moves_while_the_certificate_is_not_in_force(ledger: Ledger, state: str) -> None:
    r = ledger.rights.functions
    c = ledger.certificates.functions
    if state == "not issued":
        certificate_id = ledger.under_notice()
    else:
        certificate_id = ledger.issue(expiry_in=DAY)
        if state == "suspended":
            ledger.send(c.suspend(certificate_id, REASON), "registrar")
        elif state == "cancelled":
            ledger.send(c.cancel(certificate_id, REASON, []), "registrar")
        else:
            ledger.advance(DAY + 1)
    to_b = ledger.address("merchant_b")
    ledger.reverts(
        r.transferShares(certificate_id, DEVELOPMENT, to_b, 1),
        "merchant_a",
        "RightsCertificateNotInForce",
        certificate_id,
    )
    ledger.reverts(
        r.safeTransferFrom(
            ledger.address("merchant_a"), to_b, token(certificate_id, DEVELOPMENT), 1, b""
        ),
        "merchant_a",
        "RightsCertificateNotInForce",
        certificate_id,
    )
    assert (
        r.transferableSharesOf(certificate_id, DEVELOPMENT, ledger.address("merchant_a")).call()
        == 0
    )
    if state != "not issued":
        ledger.reverts(
            r.grantLicence(
                certificate_id,
                DEVELOPMENT,
                (to_b, TERMS, ledger.now(), ledger.now() + YEAR, False, False),
            ),
            "merchant_a",
            "RightsCertificateNotInForce",
            certificate_id,
        )


def test_ledger_hooks_answer_only_their_contract(ledger: Ledger) -> None:
    r = ledger.rights.functions
    a = ledger.address("merchant_a")
    for caller in ("merchant_a", "admin", "registrar", "bank"):
        ledger.reverts(r.mintIssued(1, a, 7), caller, "RightsUnauthorizedCaller", caller)
        ledger.reverts(
            r.lockShares(1, HOLDING, a, 1, 1), caller, "RightsUnauthorizedCaller", caller
        )
        ledger.reverts(r.unlockShares(1, HOLDING, a, 1), caller, "RightsUnauthorizedCaller", caller)
        ledger.reverts(
            r.seizeShares(1, HOLDING, a, a, 1, 1), caller, "RightsUnauthorizedCaller", caller
        )


# -- contract members ------------------------------------------------------------------------------


def admit_wallet(ledger: Ledger, wallet: Contract, name: str, roles: int) -> None:
    ledger.send(
        ledger.consortium.functions.addMember(wallet.address, keccak(text=name), name, roles),
        "admin",
    )


def test_a_contract_member_receives_shares_unless_it_refuses_them(
    ledger: Ledger, deploy_wallet: Callable[[str], Contract]
) -> None:
    wallet = deploy_wallet("merchant_c")
    admit_wallet(ledger, wallet, "Wallet C", 2)
    certificate_id = ledger.issue()
    r = ledger.rights.functions
    ledger.send(r.transferShares(certificate_id, HOLDING, wallet.address, 100), "merchant_a")
    assert ledger.shares(certificate_id, HOLDING, wallet.address) == 100
    # The wallet moves its shares itself.
    data = r.transferShares(
        certificate_id, HOLDING, ledger.address("merchant_a"), 40
    )._encode_transaction_data()
    ledger.send(wallet.functions.execute(ledger.rights.address, data), "merchant_c")
    assert ledger.shares(certificate_id, HOLDING, wallet.address) == 60
    ledger.send(wallet.functions.setRefuseTokens(True), "merchant_c")
    ledger.reverts(
        r.transferShares(certificate_id, HOLDING, wallet.address, 1),
        "merchant_a",
        "ERC1155InvalidReceiver",
        wallet.address,
    )


def test_a_contract_applicant_must_accept_its_rights_at_issue(
    ledger: Ledger, deploy_wallet: Callable[[str], Contract]
) -> None:
    wallet = deploy_wallet("merchant_c")
    admit_wallet(ledger, wallet, "Wallet C", 2)
    c = ledger.certificates.functions
    data = c.submit(
        ledger.address("registrar"), (keccak(text="wallet catalog"), 7, 0))._encode_transaction_data()
    ledger.send(wallet.functions.execute(ledger.certificates.address, data), "merchant_c")
    certificate_id = int(c.certificateCount().call())
    ledger.send(c.accept(certificate_id), "registrar")
    ledger.send(c.publicize(certificate_id, ledger.now() + 60), "registrar")
    ledger.advance(61)
    ledger.send(wallet.functions.setRefuseTokens(True), "merchant_c")
    ledger.reverts(
        c.issue(certificate_id, ledger.issue_terms(ledger.now() + YEAR, number="W-1")),
        "registrar",
        "ERC1155InvalidReceiver",
        wallet.address,
    )
    ledger.send(wallet.functions.setRefuseTokens(False), "merchant_c")
    ledger.send(c.issue(certificate_id, ledger.issue_terms(ledger.now() + YEAR, number="W-1")), "registrar")
    assert ledger.shares(certificate_id, OPERATION, wallet.address) == TOTAL_SHARES


# -- licences --------------------------------------------------------------------------------------



def licence(ledger: Ledger, licence_id: int) -> dict[str, Any]:
    return ledger.struct(ledger.rights.functions.licence(licence_id))


def terms(
    ledger: Ledger,
    licensee: str,
    start: int,
    end: int,
    exclusive: bool = False,
    sublicensable: bool = False,
) -> tuple[Any, ...]:
    return (ledger.address(licensee), TERMS, start, end, exclusive, sublicensable)


def grant(
    ledger: Ledger, grantor: str, certificate_id: int, right: int, licence_terms: tuple[Any, ...]
) -> int:
    receipt = ledger.send(
        ledger.rights.functions.grantLicence(certificate_id, right, licence_terms), grantor
    )
    return int(ledger.events(receipt, "Rights", "LicenceGranted")[0]["licenceId"])


def sublicense(ledger: Ledger, grantor: str, parent_id: int, licence_terms: tuple[Any, ...]) -> int:
    receipt = ledger.send(
        ledger.rights.functions.grantSublicence(parent_id, licence_terms), grantor
    )
    return int(ledger.events(receipt, "Rights", "LicenceGranted")[0]["licenceId"])


def test_an_owner_grants_a_licence_over_development_or_operation(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    start, end = ledger.now() + MINUTE, ledger.now() + YEAR
    receipt = ledger.send(
        ledger.rights.functions.grantLicence(
            certificate_id, OPERATION, terms(ledger, "merchant_b", start, end, True)
        ),
        "merchant_a",
    )
    (granted,) = ledger.events(receipt, "Rights", "LicenceGranted")
    assert granted == {
        "licenceId": 1,
        "certificateId": certificate_id,
        "licensee": ledger.address("merchant_b"),
        "right": OPERATION,
        "grantor": ledger.address("merchant_a"),
        "parentId": 0,
        "termsHash": TERMS,
        "start": start,
        "end": end,
        "exclusive": True,
        "sublicensable": False,
    }
    assert licence(ledger, 1) == {
        "certificateId": certificate_id,
        "right": OPERATION,
        "grantor": ledger.address("merchant_a"),
        "licensee": ledger.address("merchant_b"),
        "parentId": 0,
        "start": start,
        "end": end,
        "exclusive": True,
        "sublicensable": False,
        "revoked": False,
        "termsHash": TERMS,
    }
    assert ledger.rights.functions.licencesOf(certificate_id, OPERATION).call() == [1]
    assert ledger.rights.functions.licenceCount().call() == 1
    ledger.reverts(ledger.rights.functions.licence(2), "stranger", "RightsUnknownLicence", 2)


def test_licence_refusals(ledger: Ledger) -> None:
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    now = ledger.now()
    good = terms(ledger, "merchant_b", now + MINUTE, now + YEAR)
    ledger.reverts(
        r.grantLicence(certificate_id, HOLDING, good), "merchant_a", "RightsNotLicensable", HOLDING
    )
    ledger.reverts(
        r.grantLicence(certificate_id, DEVELOPMENT, good),
        "merchant_c",
        "RightsNotRightOwner",
        certificate_id,
        DEVELOPMENT,
        "merchant_c",
    )
    ledger.reverts(
        r.grantLicence(certificate_id, DEVELOPMENT, terms(ledger, "stranger", now, now + YEAR)),
        "merchant_a",
        "ConsortiumNotMember",
        "stranger",
    )
    ledger.reverts(
        r.grantLicence(certificate_id, DEVELOPMENT, terms(ledger, "oracle", now, now + YEAR)),
        "merchant_a",
        "ConsortiumMissingRole",
        "oracle",
        HOLDERS,
    )
    ledger.reverts(
        r.grantLicence(certificate_id, DEVELOPMENT, terms(ledger, "merchant_a", now, now + YEAR)),
        "merchant_a",
        "RightsInvalidRecipient",
        "merchant_a",
    )
    ledger.reverts(
        r.grantLicence(
            certificate_id, DEVELOPMENT, terms(ledger, "merchant_b", now + 10, now + 10)
        ),
        "merchant_a",
        "RightsInvalidPeriod",
        now + 10,
        now + 10,
    )
    # No back-dating: a licence starts at its grant (start 0) or later.
    ledger.reverts(
        r.grantLicence(
            certificate_id, DEVELOPMENT, terms(ledger, "merchant_b", now - 2 * DAY, now + DAY)
        ),
        "merchant_a",
        "RightsLicenceBackdated",
        now - 2 * DAY,
        now,
    )
    # Only an owner of the whole right grants an exclusive licence.
    ledger.send(r.transferShares(certificate_id, DEVELOPMENT, ledger.address("merchant_c"), 1), "merchant_a")
    ledger.reverts(
        r.grantLicence(certificate_id, DEVELOPMENT, terms(ledger, "merchant_b", now + MINUTE, now + YEAR, True)),
        "merchant_a",
        "RightsExclusiveNeedsWholeRight",
        certificate_id,
        DEVELOPMENT,
        "merchant_a",
        TOTAL_SHARES - 1,
    )
    ledger.reverts(
        r.grantLicence(certificate_id, DEVELOPMENT, good),
        "auditor",
        "ConsortiumMissingRole",
        "auditor",
        HOLDERS,
    )


def test_an_exclusive_licence_excludes_every_overlapping_licence_of_that_right(
    ledger: Ledger,
) -> None:
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    t0 = ledger.now() + 2 * DAY
    exclusive = grant(
        ledger,
        "merchant_a",
        certificate_id,
        DEVELOPMENT,
        terms(ledger, "merchant_c", t0, t0 + 100 * DAY, True),
    )
    # Split the development right afterwards: exclusivity binds every owner of the right.
    ledger.send(
        r.transferShares(certificate_id, DEVELOPMENT, ledger.address("merchant_b"), 4_000),
        "merchant_a",
    )
    for start, end, is_exclusive in (
        (t0 + DAY, t0 + 2 * DAY, False),
        (t0 - DAY, t0 + 1, False),
        (t0 + 99 * DAY, t0 + 200 * DAY, False),
    ):
        ledger.reverts(
            r.grantLicence(
                certificate_id, DEVELOPMENT, terms(ledger, "bank", start, end, is_exclusive)
            ),
            "merchant_b",
            "RightsExclusiveConflict",
            exclusive,
        )
    # Touching periods do not overlap; another right is independent.
    grant(
        ledger,
        "merchant_b",
        certificate_id,
        DEVELOPMENT,
        terms(ledger, "bank", t0 + 100 * DAY, t0 + 200 * DAY),
    )
    grant(
        ledger,
        "merchant_a",
        certificate_id,
        OPERATION,
        terms(ledger, "bank", t0, t0 + 100 * DAY, True),
    )
    # A non-exclusive licence blocks a later exclusive one over its period.
    plain = grant(
        ledger,
        "merchant_a",
        certificate_id,
        OPERATION,
        terms(ledger, "merchant_b", t0 + 300 * DAY, t0 + 400 * DAY),
    )
    ledger.reverts(
        r.grantLicence(
            certificate_id,
            OPERATION,
            terms(ledger, "merchant_c", t0 + 350 * DAY, t0 + 360 * DAY, True),
        ),
        "merchant_a",
        "RightsExclusiveConflict",
        plain,
    )
    # Once revoked, the exclusive licence excludes nothing.
    ledger.send(r.revokeLicence(exclusive, REASON), "merchant_a")
    grant(
        ledger,
        "merchant_b",
        certificate_id,
        DEVELOPMENT,
        terms(ledger, "bank", t0 + DAY, t0 + 2 * DAY),
    )


def test_sublicences_hang_under_a_sublicensable_parent_within_its_period(ledger: Ledger) -> None:
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    t0 = ledger.now() + MINUTE  # a licence starts at its grant or later
    parent = grant(
        ledger,
        "merchant_a",
        certificate_id,
        DEVELOPMENT,
        terms(ledger, "merchant_b", t0, t0 + 100 * DAY, exclusive=True, sublicensable=True),
    )
    child = sublicense(
        ledger,
        "merchant_b",
        parent,
        terms(ledger, "merchant_c", t0 + DAY, t0 + 50 * DAY, True, True),
    )
    assert licence(ledger, child) | {"start": 0, "end": 0, "termsHash": b""} == {
        "certificateId": certificate_id,
        "right": DEVELOPMENT,
        "grantor": ledger.address("merchant_b"),
        "licensee": ledger.address("merchant_c"),
        "parentId": parent,
        "start": 0,
        "end": 0,
        "exclusive": True,
        "sublicensable": True,
        "revoked": False,
        "termsHash": b"",
    }
    assert r.sublicencesOf(parent).call() == [child]
    ledger.reverts(
        r.grantSublicence(parent, terms(ledger, "bank", t0 + DAY, t0 + 2 * DAY)),
        "merchant_c",
        "RightsNotLicensee",
        parent,
        "merchant_c",
    )
    ledger.reverts(
        r.grantSublicence(parent, terms(ledger, "bank", t0 + DAY, t0 + 101 * DAY)),
        "merchant_b",
        "RightsPeriodOutsideParent",
        parent,
        t0 + DAY,
        t0 + 101 * DAY,
    )
    ledger.reverts(
        r.grantSublicence(parent, terms(ledger, "bank", t0 - 1, t0 + DAY)),
        "merchant_b",
        "RightsPeriodOutsideParent",
        parent,
        t0 - 1,
        t0 + DAY,
    )
    # The exclusive child excludes overlapping siblings, not the parent's other periods.
    ledger.reverts(
        r.grantSublicence(parent, terms(ledger, "bank", t0 + 10 * DAY, t0 + 20 * DAY)),
        "merchant_b",
        "RightsExclusiveConflict",
        child,
    )
    sublicense(ledger, "merchant_b", parent, terms(ledger, "bank", t0 + 50 * DAY, t0 + 60 * DAY))
    plain = grant(
        ledger, "merchant_a", certificate_id, OPERATION, terms(ledger, "merchant_b", t0, t0 + DAY)
    )
    ledger.reverts(
        r.grantSublicence(plain, terms(ledger, "bank", t0, t0 + DAY)),
        "merchant_b",
        "RightsNotSublicensable",
        plain,
    )
    ledger.reverts(
        r.grantSublicence(999, terms(ledger, "bank", t0, t0 + DAY)),
        "merchant_b",
        "RightsUnknownLicence",
        999,
    )


def test_revoking_a_licence_revokes_its_whole_subtree(ledger: Ledger) -> None:
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    t0 = ledger.now() + MINUTE  # a licence starts at its grant or later
    span = (t0, t0 + 100 * DAY)
    root = grant(
        ledger,
        "merchant_a",
        certificate_id,
        DEVELOPMENT,
        terms(ledger, "merchant_b", *span, sublicensable=True),
    )
    left = sublicense(
        ledger, "merchant_b", root, terms(ledger, "merchant_c", *span, sublicensable=True)
    )
    right = sublicense(ledger, "merchant_b", root, terms(ledger, "bank", *span, sublicensable=True))
    left_leaf = sublicense(ledger, "merchant_c", left, terms(ledger, "bank_b", *span))
    right_child = sublicense(
        ledger, "bank", right, terms(ledger, "merchant_a", *span, sublicensable=True)
    )
    right_leaf = sublicense(ledger, "merchant_a", right_child, terms(ledger, "merchant_c", *span))
    sibling = grant(
        ledger, "merchant_a", certificate_id, DEVELOPMENT, terms(ledger, "merchant_c", *span)
    )

    # A branch revoked earlier is skipped by the cascade.
    ledger.send(r.revokeLicence(left_leaf, REASON), "merchant_c")
    ledger.reverts(
        r.revokeLicence(root, REASON), "merchant_b", "RightsNotGrantor", root, "merchant_b"
    )
    receipt = ledger.send(r.revokeLicence(root, REASON), "merchant_a")
    # Revocation is lazy: one write and one event, and the subtree falls with its root.
    assert ledger.events(receipt, "Rights", "LicenceRevoked") == [
        {"licenceId": root, "revokedBy": ledger.address("merchant_a"), "reasonHash": REASON}
    ]
    for licence_id in (root, left, right, left_leaf, right_child, right_leaf):
        assert licence(ledger, licence_id)["revoked"]
    assert not licence(ledger, sibling)["revoked"]
    ledger.reverts(r.revokeLicence(root, REASON), "merchant_a", "RightsLicenceRevoked", root)
    # Nothing is granted under a licence whose ancestor is revoked; the refusal names the revoked ancestor.
    ledger.reverts(
        r.grantSublicence(left, terms(ledger, "bank", *span)),
        "merchant_c",
        "RightsLicenceRevoked",
        root,
    )
    ledger.reverts(r.revokeLicence(999, REASON), "merchant_a", "RightsUnknownLicence", 999)


def test_a_grantor_revokes_even_when_the_certificate_is_not_in_force(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    t0 = ledger.now() + MINUTE  # a licence starts at its grant or later
    licence_id = grant(
        ledger, "merchant_a", certificate_id, OPERATION, terms(ledger, "merchant_b", t0, t0 + DAY)
    )
    ledger.send(ledger.certificates.functions.suspend(certificate_id, REASON), "registrar")
    ledger.send(ledger.rights.functions.revokeLicence(licence_id, REASON), "merchant_a")
    assert licence(ledger, licence_id)["revoked"]


def test_a_former_owner_keeps_its_licences_and_a_new_owner_may_grant(ledger: Ledger) -> None:
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    t0 = ledger.now() + MINUTE  # a licence starts at its grant or later
    licence_id = grant(
        ledger, "merchant_a", certificate_id, OPERATION, terms(ledger, "merchant_c", t0, t0 + DAY)
    )
    ledger.send(
        r.transferShares(certificate_id, OPERATION, ledger.address("merchant_b"), TOTAL_SHARES),
        "merchant_a",
    )
    ledger.reverts(
        r.grantLicence(
            certificate_id, OPERATION, terms(ledger, "merchant_c", t0 + DAY, t0 + 2 * DAY)
        ),
        "merchant_a",
        "RightsNotRightOwner",
        certificate_id,
        OPERATION,
        "merchant_a",
    )
    grant(
        ledger,
        "merchant_b",
        certificate_id,
        OPERATION,
        terms(ledger, "merchant_c", t0 + DAY, t0 + 2 * DAY),
    )
    assert not licence(ledger, licence_id)["revoked"]


def test_an_exclusive_sublicence_cannot_sit_under_a_non_exclusive_parent(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    t0 = ledger.now() + MINUTE  # a licence starts at its grant or later
    parent = grant(ledger, "merchant_a", certificate_id, DEVELOPMENT,
                   terms(ledger, "merchant_b", t0, t0 + 100 * DAY, exclusive=False, sublicensable=True))
    ledger.reverts(
        ledger.rights.functions.grantSublicence(parent, terms(ledger, "merchant_c", t0, t0 + DAY, True, False)),
        "merchant_b", "RightsExclusiveBeyondParent", parent,
    )
    # A non-exclusive one is within the parent's scope.
    sublicense(ledger, "merchant_b", parent, terms(ledger, "merchant_c", t0, t0 + DAY, False, False))


# -- revocation always fits in a block; granting does not grow with siblings (hole 5) ----------------------


def test_sub_licences_nest_at_most_eight_deep_and_one_revocation_ends_any_subtree(ledger: Ledger) -> None:
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    t0 = ledger.now() + MINUTE
    span = (t0, t0 + 100 * DAY)
    holders = ["merchant_b", "merchant_c"]
    chain = [grant(ledger, "merchant_a", certificate_id, DEVELOPMENT,
                   terms(ledger, holders[0], *span, sublicensable=True))]
    for depth in range(2, r.MAX_LICENCE_DEPTH().call() + 1):
        chain.append(sublicense(ledger, holders[(depth - 2) % 2], chain[-1],
                                terms(ledger, holders[(depth - 1) % 2], *span, sublicensable=True)))
    assert len(chain) == 8
    deepest_licensee = holders[7 % 2]
    ledger.reverts(r.grantSublicence(chain[-1], terms(ledger, "bank", *span)), deepest_licensee,
                   "RightsLicenceTooDeep", chain[-1], 8)
    # Breadth: many sub-licences under one parent; revoking the root is one write however many there are.
    wide = grant(ledger, "merchant_a", certificate_id, OPERATION, terms(ledger, "merchant_b", *span, sublicensable=True))
    for index in range(30):
        sublicense(ledger, "merchant_b", wide, terms(ledger, ("merchant_c", "bank", "bank_b")[index % 3], *span))
    receipt = ledger.send(r.revokeLicence(wide, REASON), "merchant_a")
    assert len(ledger.events(receipt, "Rights", "LicenceRevoked")) == 1
    assert receipt["gasUsed"] < 60_000
    assert all(licence(ledger, child)["revoked"] for child in r.sublicencesOf(wide).call())


def test_granting_costs_the_same_however_many_non_exclusive_siblings_exist(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    t0 = ledger.now() + MINUTE
    licensees = ("merchant_b", "merchant_c", "bank", "bank_b")
    gas = []
    for index in range(40):
        receipt = ledger.send(
            ledger.rights.functions.grantLicence(
                certificate_id, DEVELOPMENT, terms(ledger, licensees[index % 4], t0, t0 + YEAR)
            ),
            "merchant_a",
        )
        gas.append(receipt["gasUsed"])
    # The first grant writes the list's length slot fresh; from the second on, every grant costs the same.
    assert max(gas[1:]) - min(gas[1:]) < 100, gas


# -- the licensor's position follows the right (dead end closed) -----------------------------------------


def test_once_the_grantor_holds_none_of_the_right_its_majority_owner_may_revoke(ledger: Ledger) -> None:
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    t0 = ledger.now() + MINUTE
    long_exclusive = grant(ledger, "merchant_a", certificate_id, DEVELOPMENT,
                           terms(ledger, "merchant_c", t0, t0 + 50 * YEAR, True))
    # While merchant_a holds shares, only it revokes.
    ledger.send(r.transferShares(certificate_id, DEVELOPMENT, ledger.address("bank"), 6_000), "merchant_a")
    ledger.reverts(r.revokeLicence(long_exclusive, REASON), "bank", "RightsNotGrantor", long_exclusive, "bank")
    ledger.send(r.transferShares(certificate_id, DEVELOPMENT, ledger.address("merchant_b"), 4_000), "merchant_a")
    # The former grantor holds none: it may no longer revoke, and a minority owner may not either.
    ledger.reverts(r.revokeLicence(long_exclusive, REASON), "merchant_a", "RightsNotGrantor", long_exclusive,
                   "merchant_a")
    ledger.reverts(r.revokeLicence(long_exclusive, REASON), "merchant_b", "RightsNotGrantor", long_exclusive,
                   "merchant_b")
    receipt = ledger.send(r.revokeLicence(long_exclusive, REASON), "bank")
    assert ledger.events(receipt, "Rights", "LicenceRevoked")[0]["revokedBy"] == ledger.address("bank")
    # With the exclusive licence gone, the new owner licenses again (non-exclusive: it holds 60%).
    grant(ledger, "bank", certificate_id, DEVELOPMENT, terms(ledger, "merchant_c", t0 + DAY, t0 + YEAR))
