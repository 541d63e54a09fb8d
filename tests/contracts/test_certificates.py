"""Certificates: every lifecycle step, every rule, every illegal transition with its exact error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from contract_harness import DAY, HOLDING, OPERATION, RIGHTS, TOTAL_SHARES, YEAR, Ledger
from eth_utils.crypto import keccak

# CertificateStatus
(
    NONE,
    SUBMITTED,
    RETURNED,
    ACCEPTED,
    UNDER_NOTICE,
    OBJECTED,
    REJECTED,
    ISSUED,
    SUSPENDED,
    CANCELLED,
    REFUSED,
) = range(11)
# CertificateRequest
NO_REQUEST, CHANGE, RENEWAL, CANCELLATION = range(4)

REASON = keccak(text="reason")
# RefusalReason
NO_REASON, NATIONAL_CORE_DATA, UNLAWFUL_SOURCE, OWNERSHIP_DISPUTE, OTHER_REASON = range(5)
ZERO_ADDRESS = "0x" + "00" * 20


def catalog(label: str) -> bytes:
    return keccak(text=f"catalog:{label}")


def status_of(ledger: Ledger, certificate_id: int) -> int:
    return int(ledger.certificates.functions.certificate(certificate_id).call()[0])


def record(ledger: Ledger, certificate_id: int) -> dict[str, Any]:
    return ledger.struct(ledger.certificates.functions.certificate(certificate_id))


def in_status(ledger: Ledger, status: int) -> int:
    """A certificate of ``merchant_a`` reviewed by ``registrar``, brought to ``status``."""
    c = ledger.certificates.functions
    if status == SUBMITTED:
        return ledger.submit()
    if status == RETURNED:
        certificate_id = ledger.submit()
        ledger.send(c.returnForCorrection(certificate_id, REASON), "registrar")
        return certificate_id
    if status == ACCEPTED:
        certificate_id = ledger.submit()
        ledger.send(c.accept(certificate_id), "registrar")
        return certificate_id
    if status == UNDER_NOTICE:
        return ledger.under_notice(notice=30 * DAY)
    if status == REFUSED:
        certificate_id = ledger.submit()
        ledger.send(c.refuse(certificate_id, OTHER_REASON, REASON), "registrar")
        return certificate_id
    if status in (OBJECTED, REJECTED):
        certificate_id = ledger.under_notice(notice=30 * DAY)
        ledger.send(c.object(certificate_id, REASON), "auditor")
        if status == REJECTED:
            ledger.send(c.reject(certificate_id, REASON), "registrar")
        return certificate_id
    certificate_id = ledger.issue()
    if status == SUSPENDED:
        ledger.send(c.suspend(certificate_id, REASON), "registrar")
    elif status == CANCELLED:
        ledger.send(c.cancel(certificate_id, REASON, []), "registrar")
    return certificate_id


def test_full_lifecycle_from_application_to_cancellation(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    registrar, holder = ledger.address("registrar"), ledger.address("merchant_a")

    receipt = ledger.send(c.submit(registrar, (catalog("v1-draft"), 7, 0)), "merchant_a")
    submitted_at = ledger.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    (submitted,) = ledger.events(receipt, "Certificates", "CertificateSubmitted")
    certificate_id = submitted["certificateId"]
    assert submitted == {
        "certificateId": certificate_id,
        "applicant": holder,
        "registrar": registrar,
        "catalogHash": catalog("v1-draft"),
        "rights": 7,
        "authorisedUntil": 0,
    }
    assert record(ledger, certificate_id)["status"] == SUBMITTED
    assert ledger.certificates.functions.certificateCount().call() == certificate_id

    receipt = ledger.send(c.returnForCorrection(certificate_id, REASON), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateReturned") == [
        {"certificateId": certificate_id, "reasonHash": REASON}
    ]
    receipt = ledger.send(c.resubmit(certificate_id, catalog("v1")), "merchant_a")
    assert ledger.events(receipt, "Certificates", "CertificateResubmitted") == [
        {"certificateId": certificate_id, "catalogHash": catalog("v1")}
    ]
    assert record(ledger, certificate_id)["catalogHash"] == catalog("v1")

    ledger.send(c.accept(certificate_id), "registrar")
    deadline = ledger.now() + 10 * DAY
    receipt = ledger.send(c.publicize(certificate_id, deadline), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificatePublicized") == [
        {"certificateId": certificate_id, "noticeDeadline": deadline}
    ]
    receipt = ledger.send(c.object(certificate_id, REASON), "merchant_b")
    assert ledger.events(receipt, "Certificates", "CertificateObjected") == [
        {
            "certificateId": certificate_id,
            "objector": ledger.address("merchant_b"),
            "reasonHash": REASON,
        }
    ]
    new_deadline = ledger.now() + 3 * DAY
    ledger.send(c.resolveObjection(certificate_id, new_deadline, REASON), "registrar")
    assert record(ledger, certificate_id)["status"] == UNDER_NOTICE
    assert record(ledger, certificate_id)["noticeDeadline"] == new_deadline
    ledger.advance(3 * DAY + 1)

    expiry = ledger.now() + 3 * YEAR
    terms = ("SZDEX2025000000013", "SZDEX-2025-0001", expiry, 7)
    receipt = ledger.send(c.issue(certificate_id, terms), "registrar")
    issued_at = ledger.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    assert ledger.events(receipt, "Certificates", "CertificateIssued") == [
        {
            "certificateId": certificate_id,
            "registrar": registrar,
            "holder": holder,
            "registrationNumber": "SZDEX2025000000013",
            "number": "SZDEX-2025-0001",
            "expiry": expiry,
            "rights": 7,
        }
    ]
    assert c.isInForce(certificate_id).call()
    assert c.certificateByNumber("SZDEX-2025-0001").call() == certificate_id
    assert c.certificateByNumber("SZDEX2025000000013").call() == certificate_id
    assert record(ledger, certificate_id) == {
        "status": ISSUED,
        "holder": holder,
        "registrar": registrar,
        "version": 1,
        "catalogHash": catalog("v1"),
        "noticeDeadline": new_deadline,
        "expiry": expiry,
        "pendingRequest": NO_REQUEST,
        "requestedHash": b"\x00" * 32,
        "requestedExpiry": 0,
        "number": "SZDEX-2025-0001",
        "submittedAt": submitted_at,
        "issuedAt": issued_at,
        "imported": False,
        "rightsClaimed": 7,
        "rightsGranted": 7,
        "authorisedUntil": 0,
        "disputed": False,
        "registrationNumber": "SZDEX2025000000013",
    }

    # Change: version 2, version 1 kept.
    ledger.send(c.requestChange(certificate_id, catalog("v2"), []), "merchant_a")
    assert record(ledger, certificate_id)["pendingRequest"] == CHANGE
    receipt = ledger.send(c.approveRequest(certificate_id, "SZDEX-2025-0001-2", []), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateChanged") == [
        {"certificateId": certificate_id, "version": 2, "catalogHash": catalog("v2"), "number": "SZDEX-2025-0001-2"}
    ]
    assert record(ledger, certificate_id)["number"] == "SZDEX-2025-0001-2"
    assert record(ledger, certificate_id)["registrationNumber"] == "SZDEX2025000000013"
    assert c.catalogHashAt(certificate_id, 1).call() == catalog("v1")
    assert c.catalogHashAt(certificate_id, 2).call() == catalog("v2")
    assert record(ledger, certificate_id)["version"] == 2
    assert record(ledger, certificate_id)["catalogHash"] == catalog("v2")

    # Renewal.
    renewed = expiry + YEAR
    ledger.send(c.requestRenewal(certificate_id, renewed, []), "merchant_a")
    receipt = ledger.send(c.approveRequest(certificate_id, "SZDEX-2025-0001-3", []), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateRenewed") == [
        {"certificateId": certificate_id, "expiry": renewed, "number": "SZDEX-2025-0001-3"}
    ]
    assert record(ledger, certificate_id)["expiry"] == renewed

    # Dispute.
    ledger.send(c.suspend(certificate_id, REASON), "registrar")
    assert not c.isInForce(certificate_id).call()
    ledger.send(c.reinstate(certificate_id), "registrar")
    assert c.isInForce(certificate_id).call()

    # Cancellation at the holder's request, with the holder's reason.
    holder_reason = keccak(text="holder wants out")
    ledger.send(c.requestCancellation(certificate_id, holder_reason, []), "merchant_a")
    receipt = ledger.send(c.approveRequest(certificate_id, "", []), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateCancelled") == [
        {"certificateId": certificate_id, "reasonHash": holder_reason}
    ]
    assert record(ledger, certificate_id)["status"] == CANCELLED
    assert record(ledger, certificate_id)["pendingRequest"] == NO_REQUEST
    assert not c.isInForce(certificate_id).call()


def test_issue_mints_every_right_to_the_holder_in_one_batch(ledger: Ledger) -> None:
    certificate_id = ledger.under_notice(notice=60)
    ledger.advance(61)
    receipt = ledger.send(
        ledger.certificates.functions.issue(certificate_id, ledger.issue_terms(ledger.now() + YEAR, number="N-1")), "registrar"
    )
    (batch,) = ledger.events(receipt, "Rights", "TransferBatch")
    assert batch == {
        "operator": ledger.certificates.address,
        "from": ZERO_ADDRESS,
        "to": ledger.address("merchant_a"),
        "ids": tuple(certificate_id * 4 + right for right in RIGHTS),
        "values": (TOTAL_SHARES,) * 3,
    }
    for right in RIGHTS:
        assert ledger.shares(certificate_id, right, "merchant_a") == TOTAL_SHARES


def test_resolving_an_objection_with_zero_closes_the_notice_so_the_registrar_can_issue_at_once(
    ledger: Ledger,
) -> None:
    c = ledger.certificates.functions
    certificate_id = in_status(ledger, OBJECTED)
    receipt = ledger.send(c.resolveObjection(certificate_id, 0, REASON), "registrar")
    (resolved,) = ledger.events(receipt, "Certificates", "CertificateObjectionResolved")
    block_time = ledger.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    assert resolved == {
        "certificateId": certificate_id,
        "noticeDeadline": block_time,
        "reasonHash": REASON,
    }
    ledger.reverts(
        c.object(certificate_id, REASON),
        "auditor",
        "CertificatesNoticeEnded",
        certificate_id,
        block_time,
    )
    ledger.send(c.issue(certificate_id, ledger.issue_terms(ledger.now() + YEAR, number="N-now")), "registrar")
    assert status_of(ledger, certificate_id) == ISSUED


def test_rejection_after_an_objection_is_final(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = in_status(ledger, OBJECTED)
    receipt = ledger.send(c.reject(certificate_id, REASON), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateRejected") == [
        {"certificateId": certificate_id, "reasonHash": REASON}
    ]
    ledger.reverts(
        c.resolveObjection(certificate_id, 0, REASON),
        "registrar",
        "CertificatesInvalidStatus",
        certificate_id,
        REJECTED,
        OBJECTED,
    )


# -- illegal transitions ---------------------------------------------------------------------------

Transition = tuple[str, str, Callable[[Ledger, int], Any], int]

TRANSITIONS: list[Transition] = [
    (
        "returnForCorrection",
        "registrar",
        lambda l, i: l.certificates.functions.returnForCorrection(i, REASON),
        SUBMITTED,
    ),
    (
        "resubmit",
        "merchant_a",
        lambda l, i: l.certificates.functions.resubmit(i, catalog("fix")),
        RETURNED,
    ),
    ("accept", "registrar", lambda l, i: l.certificates.functions.accept(i), SUBMITTED),
    (
        "publicize",
        "registrar",
        lambda l, i: l.certificates.functions.publicize(i, l.now() + DAY),
        ACCEPTED,
    ),
    ("object", "auditor", lambda l, i: l.certificates.functions.object(i, REASON), UNDER_NOTICE),
    (
        "resolveObjection",
        "registrar",
        lambda l, i: l.certificates.functions.resolveObjection(i, 0, REASON),
        OBJECTED,
    ),
    ("reject", "registrar", lambda l, i: l.certificates.functions.reject(i, REASON), OBJECTED),
    (
        "issue",
        "registrar",
        lambda l, i: l.certificates.functions.issue(i, l.issue_terms(l.now() + YEAR, number=f"X-{i}")),
        UNDER_NOTICE,
    ),
    (
        "requestChange",
        "merchant_a",
        lambda l, i: l.certificates.functions.requestChange(i, catalog("c"), []),
        ISSUED,
    ),
    (
        "requestRenewal",
        "merchant_a",
        lambda l, i: l.certificates.functions.requestRenewal(i, l.now() + 9 * YEAR, []),
        ISSUED,
    ),
    (
        "requestCancellation",
        "merchant_a",
        lambda l, i: l.certificates.functions.requestCancellation(i, REASON, []),
        ISSUED,
    ),
    (
        "approveRequest",
        "registrar",
        lambda l, i: l.certificates.functions.approveRequest(i, "", []),
        ISSUED,
    ),
    ("suspend", "registrar", lambda l, i: l.certificates.functions.suspend(i, REASON), ISSUED),
    ("reinstate", "registrar", lambda l, i: l.certificates.functions.reinstate(i), SUSPENDED),
    ("cancel", "registrar", lambda l, i: l.certificates.functions.cancel(i, REASON, []), ISSUED),
]


@pytest.fixture
def one_of_each_status(ledger: Ledger) -> dict[int, int]:
    """Certificate id by status, one certificate in each status but None."""
    return {status: in_status(ledger, status) for status in range(SUBMITTED, REFUSED + 1)}


def test_every_illegal_transition_reverts_with_the_current_and_expected_status(
    ledger: Ledger, one_of_each_status: dict[int, int]
) -> None:
    checked = 0
    for name, caller, call, expected in TRANSITIONS:
        for status, certificate_id in one_of_each_status.items():
            allowed = status == expected or (name == "cancel" and status == SUSPENDED)
            if allowed:
                continue
            if name.startswith("request") and (status < ISSUED or status == REFUSED):
                # Before issue nobody holds a share: the holders' requests fail on who asks.
                ledger.reverts(
                    call(ledger, certificate_id),
                    caller,
                    "CertificatesUnauthorizedHolder",
                    certificate_id,
                    caller,
                )
            else:
                ledger.reverts(
                    call(ledger, certificate_id),
                    caller,
                    "CertificatesInvalidStatus",
                    certificate_id,
                    status,
                    expected,
                )
            checked += 1
    assert checked == len(TRANSITIONS) * 9 - 1


@pytest.mark.parametrize(
    ("name", "caller", "call", "expected"), TRANSITIONS, ids=[t[0] for t in TRANSITIONS]
)
def test_every_step_refuses_an_unknown_certificate(
    ledger: Ledger, name: str, caller: str, call: Callable[[Ledger, int], Any], expected: int
) -> None:
    ledger.reverts(call(ledger, 999), caller, "CertificatesUnknownCertificate", 999)


def test_decline_refuses_an_unknown_certificate_and_the_view_too(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    ledger.reverts(
        c.declineRequest(999, REASON), "registrar", "CertificatesUnknownCertificate", 999
    )
    ledger.reverts(c.certificate(999), "stranger", "CertificatesUnknownCertificate", 999)
    assert not c.isInForce(999).call()


# -- who may act -----------------------------------------------------------------------------------


def test_only_the_named_registrar_reviews(
    ledger: Ledger, one_of_each_status: dict[int, int]
) -> None:
    for name, caller, call, expected in TRANSITIONS:
        if caller != "registrar":
            continue
        certificate_id = one_of_each_status[expected]
        ledger.reverts(
            call(ledger, certificate_id),
            "registrar_b",
            "CertificatesUnauthorizedRegistrar",
            certificate_id,
            "registrar_b",
        )
    issued = one_of_each_status[ISSUED]
    ledger.reverts(
        ledger.certificates.functions.declineRequest(issued, REASON),
        "registrar_b",
        "CertificatesUnauthorizedRegistrar",
        issued,
        "registrar_b",
    )


def test_only_the_holder_resubmits_and_applies(
    ledger: Ledger, one_of_each_status: dict[int, int]
) -> None:
    for name, caller, call, expected in TRANSITIONS:
        if caller != "merchant_a":
            continue
        certificate_id = one_of_each_status[expected]
        ledger.reverts(
            call(ledger, certificate_id),
            "merchant_b",
            "CertificatesUnauthorizedHolder",
            certificate_id,
            "merchant_b",
        )


def test_submission_needs_an_active_merchant_and_an_active_registrar(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    registrar = ledger.address("registrar")
    ledger.reverts(c.submit(registrar, (catalog("a"), 7, 0)), "bank", "ConsortiumMissingRole", "bank", 2)
    ledger.reverts(c.submit(registrar, (catalog("a"), 7, 0)), "stranger", "ConsortiumNotMember", "stranger")
    ledger.reverts(
        c.submit(registrar, (catalog("a"), 7, 0)), "suspended", "ConsortiumMemberSuspended", "suspended"
    )
    ledger.reverts(
        c.submit(ledger.address("merchant_b"), (catalog("a"), 7, 0)),
        "merchant_a",
        "ConsortiumMissingRole",
        "merchant_b",
        1,
    )
    ledger.reverts(
        c.submit(ledger.address("suspended"), (catalog("a"), 7, 0)),
        "merchant_a",
        "ConsortiumMemberSuspended",
        "suspended",
    )
    ledger.reverts(
        c.submit(registrar, (b"\x00" * 32, 7, 0)),
        "merchant_a",
        "CertificatesInvalidCatalogHash",
        b"\x00" * 32,
    )
    returned = in_status(ledger, RETURNED)
    ledger.reverts(
        c.resubmit(returned, b"\x00" * 32),
        "merchant_a",
        "CertificatesInvalidCatalogHash",
        b"\x00" * 32,
    )
    issued = in_status(ledger, ISSUED)
    ledger.reverts(
        c.requestChange(issued, b"\x00" * 32, []),
        "merchant_a",
        "CertificatesInvalidCatalogHash",
        b"\x00" * 32,
    )


def test_any_active_member_may_object_but_no_stranger(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    for objector in ("merchant_b", "bank", "auditor", "oracle", "registrar_b"):
        certificate_id = in_status(ledger, UNDER_NOTICE)
        ledger.send(c.object(certificate_id, REASON), objector)
        assert status_of(ledger, certificate_id) == OBJECTED
    certificate_id = in_status(ledger, UNDER_NOTICE)
    ledger.reverts(c.object(certificate_id, REASON), "stranger", "ConsortiumNotMember", "stranger")
    ledger.reverts(
        c.object(certificate_id, REASON), "suspended", "ConsortiumMemberSuspended", "suspended"
    )


# -- deadlines, numbers, expiries ------------------------------------------------------------------


def test_notice_deadlines_must_lie_ahead_and_bound_objections_and_issue(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    accepted = in_status(ledger, ACCEPTED)
    past = ledger.now() - 1
    ledger.reverts(c.publicize(accepted, past), "registrar", "CertificatesInvalidDeadline", past)

    certificate_id = ledger.under_notice(notice=DAY)
    deadline = record(ledger, certificate_id)["noticeDeadline"]
    ledger.reverts(
        c.issue(certificate_id, ledger.issue_terms(ledger.now() + YEAR, number="EARLY")),
        "registrar",
        "CertificatesNoticeNotEnded",
        certificate_id,
        deadline,
    )
    ledger.advance(DAY + 1)
    ledger.reverts(
        c.object(certificate_id, REASON),
        "auditor",
        "CertificatesNoticeEnded",
        certificate_id,
        deadline,
    )

    objected = in_status(ledger, OBJECTED)
    past = ledger.now() - 1
    ledger.reverts(
        c.resolveObjection(objected, past, REASON), "registrar", "CertificatesInvalidDeadline", past
    )


def test_certificate_numbers_are_unique_across_the_consortium(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    first = ledger.issue(number="SZ-0001")
    second = ledger.under_notice(notice=60)
    ledger.advance(61)
    later = ledger.now() + YEAR
    ledger.reverts(
        c.issue(second, ledger.issue_terms(later, number="SZ-0001")),
        "registrar",
        "CertificatesNumberTaken",
        "SZ-0001",
        first,
    )
    ledger.reverts(
        c.issue(second, ledger.issue_terms(later, number="")),
        "registrar",
        "CertificatesInvalidNumber",
        "",
    )
    too_long = "N" * 65
    ledger.reverts(
        c.issue(second, ledger.issue_terms(later, number=too_long)),
        "registrar",
        "CertificatesInvalidNumber",
        too_long,
    )
    # Another registrar cannot reuse the number either: numbers are the consortium's, not a registrar's.
    other = ledger.under_notice(registrar="registrar_b", notice=60)
    ledger.advance(61)
    ledger.reverts(
        c.issue(other, ledger.issue_terms(ledger.now() + YEAR, number="SZ-0001")),
        "registrar_b",
        "CertificatesNumberTaken",
        "SZ-0001",
        first,
    )
    # A registration number and a certificate number share the namespace.
    registration = record(ledger, first)["registrationNumber"]
    ledger.reverts(
        c.issue(other, ledger.issue_terms(ledger.now() + YEAR, number=registration)),
        "registrar_b",
        "CertificatesNumberTaken",
        registration,
        first,
    )
    assert c.certificateByNumber("SZ-0001").call() == first
    assert c.certificateByNumber(registration).call() == first
    assert c.certificateByNumber("SZ-0002").call() == 0


def test_expiry_must_lie_ahead_at_issue_and_grow_at_renewal(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = ledger.under_notice(notice=60)
    ledger.advance(61)
    past = ledger.now() - 1
    ledger.reverts(
        c.issue(certificate_id, ledger.issue_terms(past, number="E-1")), "registrar", "CertificatesInvalidExpiry", past
    )

    issued = ledger.issue(expiry_in=YEAR)
    expiry = record(ledger, issued)["expiry"]
    ledger.reverts(
        c.requestRenewal(issued, expiry, []), "merchant_a", "CertificatesInvalidExpiry", expiry
    )

    # A renewal whose requested expiry has passed by the time of approval is refused.
    soon = ledger.now() + DAY
    expiring = ledger.issue(expiry_in=DAY // 2)
    ledger.send(c.requestRenewal(expiring, soon, []), "merchant_a")
    ledger.advance(2 * DAY)
    ledger.reverts(c.approveRequest(expiring, "R-1", []), "registrar", "CertificatesInvalidExpiry", soon)


def test_an_expired_certificate_is_out_of_force_until_renewed(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = ledger.issue(expiry_in=DAY)
    expiry = record(ledger, certificate_id)["expiry"]
    ledger.advance(DAY + 1)
    assert not c.isInForce(certificate_id).call()
    assert status_of(ledger, certificate_id) == ISSUED
    ledger.reverts(
        c.requestChange(certificate_id, catalog("late"), []),
        "merchant_a",
        "CertificatesExpired",
        certificate_id,
        expiry,
    )
    ledger.reverts(
        c.requestCancellation(certificate_id, REASON, []),
        "merchant_a",
        "CertificatesExpired",
        certificate_id,
        expiry,
    )
    ledger.send(c.requestRenewal(certificate_id, ledger.now() + YEAR, []), "merchant_a")
    ledger.send(c.approveRequest(certificate_id, "RENEWED-1", []), "registrar")
    assert c.isInForce(certificate_id).call()


# -- requests --------------------------------------------------------------------------------------


def test_one_request_at_a_time_and_the_registrar_declines_or_approves_it(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = in_status(ledger, ISSUED)
    ledger.reverts(
        c.approveRequest(certificate_id, "", []),
        "registrar",
        "CertificatesNoPendingRequest",
        certificate_id,
    )
    ledger.reverts(
        c.declineRequest(certificate_id, REASON),
        "registrar",
        "CertificatesNoPendingRequest",
        certificate_id,
    )
    receipt = ledger.send(c.requestRenewal(certificate_id, ledger.now() + 9 * YEAR, []), "merchant_a")
    assert (
        ledger.events(receipt, "Certificates", "CertificateRenewalRequested")[0]["certificateId"]
        == certificate_id
    )
    for call in (
        c.requestChange(certificate_id, catalog("x"), []),
        c.requestRenewal(certificate_id, ledger.now() + 10 * YEAR, []),
        c.requestCancellation(certificate_id, REASON, []),
    ):
        ledger.reverts(call, "merchant_a", "CertificatesRequestPending", certificate_id, RENEWAL)
    receipt = ledger.send(c.declineRequest(certificate_id, REASON), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateRequestDeclined") == [
        {"certificateId": certificate_id, "request": RENEWAL, "reasonHash": REASON}
    ]
    assert record(ledger, certificate_id)["pendingRequest"] == NO_REQUEST
    receipt = ledger.send(c.requestChange(certificate_id, catalog("y"), []), "merchant_a")
    assert ledger.events(receipt, "Certificates", "CertificateChangeRequested") == [
        {
            "certificateId": certificate_id,
            "catalogHash": catalog("y"),
            "requester": ledger.address("merchant_a"),
            "consenting": (),
        }
    ]
    assert record(ledger, certificate_id)["requestedHash"] == catalog("y")
    # Suspension keeps the request but blocks its approval.
    ledger.send(c.suspend(certificate_id, REASON), "registrar")
    ledger.reverts(
        c.approveRequest(certificate_id, "C-2", []),
        "registrar",
        "CertificatesInvalidStatus",
        certificate_id,
        SUSPENDED,
        ISSUED,
    )


def test_the_registrar_cancels_on_its_own_authority_from_issued_or_suspended(
    ledger: Ledger,
) -> None:
    c = ledger.certificates.functions
    suspended = in_status(ledger, SUSPENDED)
    receipt = ledger.send(c.cancel(suspended, REASON, []), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateCancelled") == [
        {"certificateId": suspended, "reasonHash": REASON}
    ]
    issued = in_status(ledger, ISSUED)
    ledger.send(c.requestChange(issued, catalog("pending"), []), "merchant_a")
    ledger.send(c.cancel(issued, REASON, []), "registrar")
    assert record(ledger, issued)["pendingRequest"] == NO_REQUEST
    assert record(ledger, issued)["requestedHash"] == b"\x00" * 32
    # Shares of a cancelled certificate stay where they were, frozen.
    for right in (HOLDING, OPERATION):
        assert ledger.shares(issued, right, "merchant_a") == TOTAL_SHARES
