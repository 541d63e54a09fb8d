"""The registration law on chain: rights claimed and granted, the registrar's acts (refusal, reasons,
minimum notice, validity bounded by the source authorisation), objections after issue, numbers with
their check character, transfer and licence registrations, the certificate following its holders,
and separation of duties. Every refusal is asserted with its exact custom error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contract_harness import (
    DAY,
    DEVELOPMENT,
    HOLDING,
    MERCHANT,
    OPERATION,
    REGISTRAR,
    TOTAL_SHARES,
    YEAR,
    Ledger,
)
from eth_utils.crypto import keccak
from web3.contract import Contract

from ledger.numbers import check_character, registration_number

(NONE, SUBMITTED, RETURNED, ACCEPTED, UNDER_NOTICE, OBJECTED, REJECTED, ISSUED, SUSPENDED, CANCELLED,
 REFUSED) = range(11)
NO_REQUEST, CHANGE, RENEWAL, CANCELLATION = range(4)
NO_REASON, NATIONAL_CORE_DATA, UNLAWFUL_SOURCE, OWNERSHIP_DISPUTE, OTHER_REASON = range(5)
REASON = keccak(text="reason")
ZERO = b"\x00" * 32


def record(ledger: Ledger, certificate_id: int) -> dict[str, Any]:
    return ledger.struct(ledger.certificates.functions.certificate(certificate_id))


def noticed(ledger: Ledger, **submit: Any) -> int:
    """An application whose one-minute notice has ended, ready to issue."""
    c = ledger.certificates.functions
    certificate_id = ledger.submit(**submit)
    ledger.send(c.accept(certificate_id), "registrar")
    ledger.send(c.publicize(certificate_id, ledger.now() + 60), "registrar")
    ledger.advance(61)
    return certificate_id


def error_of(ledger: Ledger, call: Any, sender: str) -> tuple[str, tuple[Any, ...]]:
    return ledger.decode(ledger.revert_data(call, sender))


# -- 1. only the rights claimed and granted exist ----------------------------------------------------


def test_the_application_claims_rights_and_issue_mints_only_those_granted(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = noticed(ledger, rights=0b011)  # holding and development
    assert record(ledger, certificate_id)["rightsClaimed"] == 0b011
    expiry = ledger.now() + YEAR
    ledger.reverts(
        c.issue(certificate_id, ledger.issue_terms(expiry, rights=0b111)),
        "registrar", "CertificatesRightsNotClaimed", certificate_id, 0b111, 0b011,
    )
    ledger.reverts(
        c.issue(certificate_id, ledger.issue_terms(expiry, rights=0b100)),
        "registrar", "CertificatesRightsNotClaimed", certificate_id, 0b100, 0b011,
    )
    ledger.reverts(
        c.issue(certificate_id, ledger.issue_terms(expiry, rights=0)), "registrar", "CertificatesInvalidRights", 0
    )
    # The registrar grants a subset: the holding right only.
    receipt = ledger.send(c.issue(certificate_id, ledger.issue_terms(expiry, rights=0b001)), "registrar")
    (batch,) = ledger.events(receipt, "Rights", "TransferBatch")
    assert batch["ids"] == (certificate_id * 4 + HOLDING,)
    assert batch["values"] == (TOTAL_SHARES,)
    assert ledger.events(receipt, "Certificates", "CertificateIssued")[0]["rights"] == 0b001
    assert ledger.shares(certificate_id, HOLDING, "merchant_a") == TOTAL_SHARES
    assert ledger.shares(certificate_id, DEVELOPMENT, "merchant_a") == 0
    assert ledger.shares(certificate_id, OPERATION, "merchant_a") == 0
    assert (record(ledger, certificate_id)["rightsClaimed"], record(ledger, certificate_id)["rightsGranted"]) == (
        0b011, 0b001)
    # The right not granted exists for nobody: nothing of it moves.
    ledger.reverts(
        ledger.rights.functions.transferShares(certificate_id, DEVELOPMENT, ledger.address("merchant_b"), 1),
        "merchant_a", "RightsInsufficientShares", certificate_id, DEVELOPMENT, "merchant_a", 0, 1,
    )


def test_an_application_must_claim_a_non_empty_set_of_the_three_rights(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    registrar = ledger.address("registrar")
    for rights in (0, 8, 255):
        ledger.reverts(
            c.submit(registrar, (keccak(text="claims"), rights, 0)), "merchant_a", "CertificatesInvalidRights", rights
        )
        ledger.reverts(
            c.submitBatch(registrar, [(keccak(text="ok"), 7, 0), (keccak(text="bad"), rights, 0)]),
            "merchant_a", "CertificatesInvalidRights", rights,
        )


# -- 2. the registrar's acts -------------------------------------------------------------------------


def test_a_registrar_refuses_an_application_under_review_with_a_reason_code(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    submitted = ledger.submit()
    ledger.reverts(c.refuse(submitted, NO_REASON, REASON), "registrar", "CertificatesReasonRequired", submitted)
    ledger.reverts(c.refuse(submitted, NATIONAL_CORE_DATA, ZERO), "registrar", "CertificatesReasonRequired", submitted)
    ledger.reverts(
        c.refuse(submitted, NATIONAL_CORE_DATA, REASON), "registrar_b", "CertificatesUnauthorizedRegistrar",
        submitted, "registrar_b",
    )
    receipt = ledger.send(c.refuse(submitted, NATIONAL_CORE_DATA, REASON), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateRefused") == [
        {"certificateId": submitted, "reason": NATIONAL_CORE_DATA, "reasonHash": REASON}
    ]
    assert record(ledger, submitted)["status"] == REFUSED
    # Refused is final.
    ledger.reverts(c.accept(submitted), "registrar", "CertificatesInvalidStatus", submitted, REFUSED, SUBMITTED)
    ledger.reverts(c.refuse(submitted, OTHER_REASON, REASON), "registrar", "CertificatesNotUnderReview",
                   submitted, REFUSED)

    # Every review status may be refused, with every reason.
    returned = ledger.submit()
    ledger.send(c.returnForCorrection(returned, REASON), "registrar")
    accepted = ledger.submit()
    ledger.send(c.accept(accepted), "registrar")
    notice = ledger.under_notice(notice=30 * DAY)
    objected = ledger.under_notice(notice=30 * DAY)
    ledger.send(c.object(objected, REASON), "auditor")
    for certificate_id, reason in (
        (returned, UNLAWFUL_SOURCE), (accepted, OWNERSHIP_DISPUTE), (notice, OTHER_REASON),
        (objected, NATIONAL_CORE_DATA),
    ):
        ledger.send(c.refuse(certificate_id, reason, REASON), "registrar")
        assert record(ledger, certificate_id)["status"] == REFUSED

    # Not after review: an issued or rejected certificate is not refused.
    issued = ledger.issue()
    ledger.reverts(c.refuse(issued, OTHER_REASON, REASON), "registrar", "CertificatesNotUnderReview", issued, ISSUED)
    rejected = ledger.under_notice(notice=30 * DAY)
    ledger.send(c.object(rejected, REASON), "auditor")
    ledger.send(c.reject(rejected, REASON), "registrar")
    ledger.reverts(c.refuse(rejected, OTHER_REASON, REASON), "registrar", "CertificatesNotUnderReview",
                   rejected, REJECTED)


def test_resolving_an_objection_needs_a_reason(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    objected = ledger.under_notice(notice=30 * DAY)
    ledger.send(c.object(objected, REASON), "auditor")
    ledger.reverts(c.resolveObjection(objected, 0, ZERO), "registrar", "CertificatesReasonRequired", objected)
    receipt = ledger.send(c.resolveObjection(objected, 0, REASON), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateObjectionResolved")[0]["reasonHash"] == REASON


def test_each_registrar_sets_its_minimum_notice_and_publicize_refuses_a_shorter_one(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    ledger.reverts(c.setMinimumNotice(366 * DAY), "registrar", "CertificatesInvalidNoticePeriod", 366 * DAY)
    ledger.reverts(c.setMinimumNotice(DAY), "merchant_a", "ConsortiumMissingRole", "merchant_a", REGISTRAR)
    receipt = ledger.send(c.setMinimumNotice(10 * DAY), "registrar")
    assert ledger.events(receipt, "Certificates", "MinimumNoticeSet") == [
        {"registrar": ledger.address("registrar"), "noticeSeconds": 10 * DAY}
    ]
    assert c.minimumNotice(ledger.address("registrar")).call() == 10 * DAY
    assert c.minimumNotice(ledger.address("registrar_b")).call() == 0

    accepted = ledger.submit()
    ledger.send(c.accept(accepted), "registrar")
    short = ledger.now() + 9 * DAY
    name, args = error_of(ledger, c.publicize(accepted, short), "registrar")
    assert name == "CertificatesNoticeTooShort"
    assert args[:2] == (accepted, short)
    assert ledger.now() + 10 * DAY <= args[2] <= ledger.now() + 10 * DAY + 2  # the call's block time + 10 days
    ledger.reverts(c.publicizeBatch([accepted], short), "registrar", name, *args)
    ledger.send(c.publicize(accepted, ledger.now() + 10 * DAY + 5), "registrar")
    # Another registrar's minimum is its own.
    other = ledger.submit(registrar="registrar_b")
    ledger.send(c.accept(other), "registrar_b")
    ledger.send(c.publicize(other, ledger.now() + 60), "registrar_b")


def test_validity_never_passes_the_end_of_the_source_authorisation(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    registrar = ledger.address("registrar")
    past = ledger.now() - 1
    ledger.reverts(c.submit(registrar, (keccak(text="a"), 7, past)), "merchant_a", "CertificatesInvalidAuthorisation",
                   past)
    too_far = 2**40
    ledger.reverts(c.submit(registrar, (keccak(text="a"), 7, too_far)), "merchant_a",
                   "CertificatesInvalidAuthorisation", too_far)
    until = ledger.now() + 2 * YEAR
    certificate_id = noticed(ledger, authorised_until=until)
    assert record(ledger, certificate_id)["authorisedUntil"] == until
    ledger.reverts(
        c.issue(certificate_id, ledger.issue_terms(until + 1)), "registrar", "CertificatesExpiryBeyondAuthorisation",
        certificate_id, until + 1, until,
    )
    ledger.send(c.issue(certificate_id, ledger.issue_terms(until)), "registrar")
    ledger.reverts(
        c.requestRenewal(certificate_id, until + YEAR, []), "merchant_a", "CertificatesExpiryBeyondAuthorisation",
        certificate_id, until + YEAR, until,
    )


# -- 3. objections after issue -----------------------------------------------------------------------


def test_an_objection_after_issue_marks_the_certificate_disputed_until_resolved(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = ledger.issue()
    objector = ledger.address("merchant_b")
    ledger.reverts(c.lodgeObjection(certificate_id, objector, ZERO), "registrar", "CertificatesReasonRequired",
                   certificate_id)
    ledger.reverts(c.resolveDispute(certificate_id, REASON), "registrar", "CertificatesNotDisputed", certificate_id)
    ledger.reverts(c.lodgeObjection(certificate_id, objector, REASON), "registrar_b",
                   "CertificatesUnauthorizedRegistrar", certificate_id, "registrar_b")
    receipt = ledger.send(c.lodgeObjection(certificate_id, objector, REASON), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateDisputed") == [
        {"certificateId": certificate_id, "objector": objector, "reasonHash": REASON}
    ]
    assert record(ledger, certificate_id)["disputed"]
    assert record(ledger, certificate_id)["status"] == ISSUED
    ledger.reverts(c.lodgeObjection(certificate_id, objector, REASON), "registrar", "CertificatesAlreadyDisputed",
                   certificate_id)
    # A flag, not a freeze: shares still move (the registrar suspends to freeze).
    ledger.send(ledger.rights.functions.transferShares(certificate_id, HOLDING, objector, 100), "merchant_a")
    ledger.reverts(c.resolveDispute(certificate_id, ZERO), "registrar", "CertificatesReasonRequired", certificate_id)
    receipt = ledger.send(c.resolveDispute(certificate_id, REASON), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateDisputeResolved") == [
        {"certificateId": certificate_id, "reasonHash": REASON}
    ]
    assert not record(ledger, certificate_id)["disputed"]
    # Lodged on a suspended certificate too; never before issue.
    ledger.send(c.suspend(certificate_id, REASON), "registrar")
    ledger.send(c.lodgeObjection(certificate_id, objector, REASON), "registrar")
    submitted = ledger.submit()
    ledger.reverts(c.lodgeObjection(submitted, objector, REASON), "registrar", "CertificatesInvalidStatus",
                   submitted, SUBMITTED, ISSUED)


# -- 4. numbers --------------------------------------------------------------------------------------


def test_the_registration_number_carries_its_check_character_and_stays_across_reissues(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = noticed(ledger)
    expiry = ledger.now() + YEAR
    good = registration_number("SZDEX", "202600000042")
    digits_check = check_character("202600000042")
    wrong = "SZDEX202600000042" + ("0" if digits_check != "0" else "1")
    bad_numbers = [
        wrong,  # wrong check character
        "SZDEX2026000X",  # too few digits
        "szdex202600000042" + digits_check,  # lower-case prefix
        "ABCDEFGHI202600000042" + digits_check,  # nine letters
        "SZDEX2026-00000042" + digits_check,  # not a digit
        "SZDEX" + "1" * 23 + check_character("1" * 23),  # 23 digits
        "",
    ]
    for bad in bad_numbers:
        ledger.reverts(
            c.issue(certificate_id, (bad, "CERT-1", expiry, 7)), "registrar", "CertificatesInvalidRegistrationNumber",
            bad,
        )
    ledger.send(c.issue(certificate_id, (good, "CERT-1", expiry, 7)), "registrar")
    other = noticed(ledger)
    ledger.reverts(c.issue(other, (good, "CERT-2", expiry, 7)), "registrar", "CertificatesNumberTaken", good,
                   certificate_id)

    # A re-issue (approved change or renewal) takes a new certificate number; the registration number stays.
    ledger.send(c.requestChange(certificate_id, keccak(text="v2"), []), "merchant_a")
    ledger.reverts(c.approveRequest(certificate_id, "", []), "registrar", "CertificatesInvalidNumber", "")
    ledger.reverts(c.approveRequest(certificate_id, "CERT-1", []), "registrar", "CertificatesNumberTaken", "CERT-1",
                   certificate_id)
    ledger.send(c.approveRequest(certificate_id, "CERT-1-B", []), "registrar")
    assert (record(ledger, certificate_id)["registrationNumber"], record(ledger, certificate_id)["number"]) == (
        good, "CERT-1-B")
    assert c.certificateByNumber("CERT-1").call() == certificate_id
    # A cancellation issues no document: it takes no number.
    ledger.send(c.requestCancellation(certificate_id, REASON, []), "merchant_a")
    ledger.reverts(c.approveRequest(certificate_id, "CERT-1-C", []), "registrar", "CertificatesInvalidNumber",
                   "CERT-1-C")
    ledger.send(c.approveRequest(certificate_id, "", []), "registrar")
    assert record(ledger, certificate_id)["status"] == CANCELLED


# -- 5. transfer and licence registrations -----------------------------------------------------------


def test_the_registrar_registers_a_transfer_with_its_voucher_once(ledger: Ledger) -> None:
    c = ledger.registrations.functions
    certificate_id = ledger.issue(rights=0b011)
    a, b = ledger.address("merchant_a"), ledger.address("merchant_b")
    receipt = ledger.send(ledger.rights.functions.transferShares(certificate_id, HOLDING, b, 2_500), "merchant_a")
    movement = bytes(receipt["transactionHash"])
    transfer = (a, b, HOLDING, 2_500, movement)
    for bad in ((a, b, HOLDING, 0, movement), (a, b, HOLDING, 10_001, movement), (a, a, HOLDING, 1, movement),
                (a, b, HOLDING, 1, ZERO)):
        ledger.reverts(c.registerTransfer(certificate_id, bad, "ZY-1"), "registrar", "RegistrationsInvalidRegistration",
                       certificate_id)
    ledger.reverts(c.registerTransfer(certificate_id, (a, b, OPERATION, 1, movement), "ZY-1"), "registrar",
                   "RegistrationsRightNotGranted", certificate_id, OPERATION)
    ledger.reverts(c.registerTransfer(certificate_id, transfer, ""), "registrar", "RegistrationsInvalidVoucher", "")
    ledger.reverts(c.registerTransfer(certificate_id, transfer, "ZY-1"), "registrar_b",
                   "RegistrationsUnauthorizedRegistrar", certificate_id, "registrar_b")
    receipt = ledger.send(c.registerTransfer(certificate_id, transfer, "ZY-1"), "registrar")
    (event,) = ledger.events(receipt, "Registrations", "TransferRegistered")
    assert event == {"certificateId": certificate_id, "registrationId": 1, "voucher": "ZY-1", "from": a, "to": b,
                     "right": HOLDING, "shares": 2_500, "movement": movement}
    registered = ledger.struct(c.registration(1))
    assert (registered["kind"], registered["certificateId"], registered["voucher"], registered["from"],
            registered["to"], registered["shares"], registered["movement"]) == (
        1, certificate_id, "ZY-1", a, b, 2_500, movement)
    assert c.registrationCount().call() == 1
    ledger.reverts(c.registerTransfer(certificate_id, transfer, "ZY-2"), "registrar", "RegistrationsAlreadyRegistered",
                   1)
    other = ledger.issue()
    ledger.reverts(c.registerTransfer(other, transfer, "ZY-1"), "registrar", "RegistrationsVoucherTaken", "ZY-1", 1)
    ledger.reverts(c.registration(2), "stranger", "RegistrationsUnknownRegistration", 2)
    submitted = ledger.submit()
    ledger.reverts(c.registerTransfer(submitted, transfer, "ZY-3"), "registrar", "RegistrationsInvalidStatus",
                   submitted, SUBMITTED)
    ledger.reverts(c.registerTransfer(999, transfer, "ZY-3"), "registrar", "CertificatesUnknownCertificate", 999)
    ledger.reverts(c.registerTransfer(certificate_id, transfer, "ZY-3"), "merchant_a", "ConsortiumMissingRole",
                   "merchant_a", REGISTRAR)


def test_the_registrar_registers_a_licence_with_its_licence_voucher_once(ledger: Ledger) -> None:
    c = ledger.registrations.functions
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    now = ledger.now()
    terms = (ledger.address("merchant_b"), keccak(text="terms"), 0, now + YEAR, False, False)
    receipt = ledger.send(r.grantLicence(certificate_id, DEVELOPMENT, terms), "merchant_a")
    licence_id = ledger.events(receipt, "Rights", "LicenceGranted")[0]["licenceId"]
    ledger.reverts(c.registerLicence(licence_id, "XK-1"), "registrar_b", "RegistrationsUnauthorizedRegistrar",
                   certificate_id, "registrar_b")
    receipt = ledger.send(c.registerLicence(licence_id, "XK-1"), "registrar")
    assert ledger.events(receipt, "Registrations", "LicenceRegistered") == [
        {"certificateId": certificate_id, "registrationId": 1, "licenceId": licence_id, "voucher": "XK-1"}
    ]
    assert c.licenceRegistration(licence_id).call() == 1
    assert ledger.struct(c.registration(1))["licenceId"] == licence_id
    ledger.reverts(c.registerLicence(licence_id, "XK-2"), "registrar", "RegistrationsAlreadyRegistered", 1)
    receipt = ledger.send(r.grantLicence(certificate_id, OPERATION, terms), "merchant_a")
    revoked = ledger.events(receipt, "Rights", "LicenceGranted")[0]["licenceId"]
    ledger.reverts(c.registerLicence(revoked, "XK-1"), "registrar", "RegistrationsVoucherTaken", "XK-1", 1)
    ledger.send(r.revokeLicence(revoked, REASON), "merchant_a")
    ledger.reverts(c.registerLicence(revoked, "XK-3"), "registrar", "RegistrationsInvalidRegistration", certificate_id)


# -- 6. the certificate follows its holders ----------------------------------------------------------


def test_a_holder_of_more_than_half_acts_alone_and_a_former_holder_not_at_all(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    b = ledger.address("merchant_b")
    # The applicant sells every share of the holding right: it may no longer ask anything.
    ledger.send(r.transferShares(certificate_id, HOLDING, b, TOTAL_SHARES), "merchant_a")
    for call in (
        c.requestChange(certificate_id, keccak(text="v2"), []),
        c.requestRenewal(certificate_id, ledger.now() + 9 * YEAR, []),
        c.requestCancellation(certificate_id, REASON, []),
    ):
        ledger.reverts(call, "merchant_a", "CertificatesUnauthorizedHolder", certificate_id, "merchant_a")
        # A member holding no share can do nothing either.
        ledger.reverts(call, "merchant_c", "CertificatesUnauthorizedHolder", certificate_id, "merchant_c")
    # The new owner of the whole right renews alone.
    receipt = ledger.send(c.requestRenewal(certificate_id, ledger.now() + 9 * YEAR, []), "merchant_b")
    assert ledger.events(receipt, "Certificates", "CertificateRenewalRequested")[0]["requester"] == b
    ledger.send(c.approveRequest(certificate_id, "RENEWED-B", []), "registrar")
    # 5,000 exactly is not more than half.
    ledger.send(r.transferShares(certificate_id, HOLDING, ledger.address("bank"), 5_000), "merchant_b")
    ledger.reverts(c.requestChange(certificate_id, keccak(text="v3"), []), "merchant_b", "CertificatesNoMajority",
                   certificate_id, 5_000)


def test_holders_who_together_hold_more_than_half_act_jointly_by_signed_consent(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    for holder, shares in (("merchant_b", 3_000), ("bank", 3_000)):
        ledger.send(r.transferShares(certificate_id, HOLDING, ledger.address(holder), shares), "merchant_a")
    # merchant_a 4,000, merchant_b 3,000, bank 3,000.
    catalog = keccak(text="joint change")
    ledger.reverts(c.requestChange(certificate_id, catalog, []), "merchant_a", "CertificatesNoMajority",
                   certificate_id, 4_000)
    consent = ledger.request_consent("merchant_b", "merchant_a", certificate_id, CHANGE, catalog)

    # Each refusal of a consent, exactly.
    ledger.reverts(c.requestChange(certificate_id, catalog, [consent, consent]), "merchant_a",
                   "CertificatesDuplicateConsent", "merchant_b")
    own = ledger.request_consent("merchant_a", "merchant_a", certificate_id, CHANGE, catalog)
    ledger.reverts(c.requestChange(certificate_id, catalog, [own]), "merchant_a", "CertificatesDuplicateConsent",
                   "merchant_a")
    late = ledger.request_consent("merchant_b", "merchant_a", certificate_id, CHANGE, catalog,
                                  deadline=ledger.now() - 1)
    ledger.reverts(c.requestChange(certificate_id, catalog, [late]), "merchant_a", "CertificatesConsentExpired",
                   "merchant_b", ledger.now() - 1)
    other_terms = ledger.request_consent("merchant_b", "merchant_a", certificate_id, CHANGE, keccak(text="other"))
    ledger.reverts(c.requestChange(certificate_id, catalog, [other_terms]), "merchant_a",
                   "CertificatesInvalidConsent", "merchant_b")
    forged = (ledger.address("merchant_b"), consent[1],
              ledger.request_consent("merchant_c", "merchant_a", certificate_id, CHANGE, catalog)[2])
    ledger.reverts(c.requestChange(certificate_id, catalog, [forged]), "merchant_a", "CertificatesInvalidConsent",
                   "merchant_b")
    outsider = ledger.request_consent("merchant_c", "merchant_a", certificate_id, CHANGE, catalog)
    ledger.reverts(c.requestChange(certificate_id, catalog, [outsider]), "merchant_a",
                   "CertificatesUnauthorizedHolder", certificate_id, "merchant_c")
    auditor = ledger.request_consent("auditor", "merchant_a", certificate_id, CHANGE, catalog)
    ledger.reverts(c.requestChange(certificate_id, catalog, [auditor]), "merchant_a", "ConsortiumMissingRole",
                   "auditor", MERCHANT | 4)

    receipt = ledger.send(c.requestChange(certificate_id, catalog, [consent]), "merchant_a")
    assert ledger.events(receipt, "Certificates", "CertificateChangeRequested") == [
        {"certificateId": certificate_id, "catalogHash": catalog, "requester": ledger.address("merchant_a"),
         "consenting": (ledger.address("merchant_b"),)}
    ]
    # A consent serves one request: after a decline, the same consent no longer counts.
    ledger.send(c.declineRequest(certificate_id, REASON), "registrar")
    ledger.reverts(c.requestChange(certificate_id, catalog, [consent]), "merchant_a", "CertificatesInvalidConsent",
                   "merchant_b")
    # A suspended consenting holder counts for nothing.
    fresh = ledger.request_consent("bank", "merchant_a", certificate_id, CHANGE, catalog)
    ledger.send(ledger.consortium.functions.suspendMember(ledger.address("bank"), REASON), "admin")
    ledger.reverts(c.requestChange(certificate_id, catalog, [fresh]), "merchant_a", "ConsortiumMemberSuspended",
                   "bank")


def test_without_the_holding_right_the_first_right_granted_leads(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    r = ledger.rights.functions
    certificate_id = noticed(ledger, rights=0b110)
    ledger.send(c.issue(certificate_id, ledger.issue_terms(ledger.now() + YEAR, rights=0b110)), "registrar")
    ledger.send(r.transferShares(certificate_id, DEVELOPMENT, ledger.address("merchant_b"), 6_000), "merchant_a")
    ledger.reverts(c.requestCancellation(certificate_id, REASON, []), "merchant_a", "CertificatesNoMajority",
                   certificate_id, 4_000)
    ledger.send(c.requestCancellation(certificate_id, REASON, []), "merchant_b")


# -- 7. separation of duties -------------------------------------------------------------------------


def test_a_registrar_is_never_named_for_its_own_application(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    ledger.send(ledger.consortium.functions.setRoles(ledger.address("merchant_c"), MERCHANT | REGISTRAR), "admin")
    own = ledger.address("merchant_c")
    next_id = c.certificateCount().call() + 1
    ledger.reverts(c.submit(own, (keccak(text="mine"), 7, 0)), "merchant_c", "CertificatesOwnApplication",
                   next_id, own)
    ledger.reverts(c.submitBatch(own, [(keccak(text="mine"), 7, 0)]), "merchant_c", "CertificatesOwnApplication",
                   next_id, own)
    # Nor given it by reassignment.
    certificate_id = ledger.submit(holder="merchant_c")
    ledger.send(ledger.consortium.functions.suspendMember(ledger.address("registrar"), REASON), "admin")
    ledger.reverts(c.reassign([certificate_id], own), "admin", "CertificatesOwnApplication", certificate_id, own)


def test_governance_reassigns_the_applications_of_a_suspended_registrar(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    pending = ledger.under_notice(notice=30 * DAY)
    issued = ledger.issue()
    refused = ledger.submit()
    ledger.send(c.refuse(refused, OTHER_REASON, REASON), "registrar")
    to = ledger.address("registrar_b")
    ledger.reverts(c.reassign([pending], to), "registrar_b", "CertificatesUnauthorizedGovernance", "registrar_b")
    ledger.reverts(c.reassign([pending], to), "admin", "CertificatesRegistrarNotSuspended", pending, "registrar")
    ledger.send(ledger.consortium.functions.suspendMember(ledger.address("registrar"), REASON), "admin")
    ledger.reverts(c.reassign([], to), "admin", "CertificatesInvalidBatch", 0, 0)
    ledger.reverts(c.reassign([pending], ledger.address("auditor")), "admin", "ConsortiumMissingRole", "auditor",
                   REGISTRAR)
    ledger.reverts(c.reassign([pending, refused], to), "admin", "CertificatesClosed", refused, REFUSED)
    ledger.reverts(c.reassign([999], to), "admin", "CertificatesUnknownCertificate", 999)
    receipt = ledger.send(c.reassign([pending, issued], to), "admin")
    assert ledger.events(receipt, "Certificates", "CertificateReassigned") == [
        {"certificateId": pending, "from": ledger.address("registrar"), "to": to},
        {"certificateId": issued, "from": ledger.address("registrar"), "to": to},
    ]
    assert record(ledger, pending)["registrar"] == to
    # The new registrar carries on; the suspended one could not anyway.
    ledger.send(c.object(pending, REASON), "auditor")
    ledger.send(c.resolveObjection(pending, 0, REASON), "registrar_b")
    ledger.send(c.suspend(issued, REASON), "registrar_b")


def test_a_consent_signed_in_python_is_the_one_the_contract_checks(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = ledger.issue()
    ledger.send(ledger.rights.functions.transferShares(certificate_id, HOLDING, ledger.address("merchant_b"), 4_000),
                "merchant_a")
    expiry = ledger.now() + 9 * YEAR
    consent = ledger.request_consent("merchant_a", "merchant_b", certificate_id, RENEWAL, ZERO, expiry)
    ledger.send(c.requestRenewal(certificate_id, expiry, [consent]), "merchant_b")
    assert c.requestNonce(certificate_id).call() == 1
    assert record(ledger, certificate_id)["pendingRequest"] == RENEWAL
    ledger.reverts(c.requestRenewal(certificate_id, expiry, [consent]), "merchant_b", "CertificatesRequestPending",
                   certificate_id, RENEWAL)


def test_a_wallets_consent_binds_the_wallet_it_names(
    ledger: Ledger, deploy_wallet: Callable[[str], Contract]
) -> None:
    """A contract wallet consents through ERC-1271; its owner's signature for one wallet does not stand for a
    sibling wallet, because the consent names the holder."""
    c = ledger.certificates.functions
    r = ledger.rights.functions
    first, second = deploy_wallet("merchant_c"), deploy_wallet("merchant_c")
    for wallet, name in ((first, "Wallet one"), (second, "Wallet two")):
        ledger.send(ledger.consortium.functions.addMember(wallet.address, keccak(text=name), name, MERCHANT),
                    "admin")
    certificate_id = ledger.issue()
    ledger.send(r.transferShares(certificate_id, HOLDING, first.address, 3_000), "merchant_a")
    ledger.send(r.transferShares(certificate_id, HOLDING, second.address, 3_000), "merchant_a")
    catalog = keccak(text="wallets")
    for_first = ledger.request_consent(first.address, "merchant_a", certificate_id, CHANGE, catalog,
                                       signer="merchant_c")
    as_second = (second.address, for_first[1], for_first[2])
    ledger.reverts(c.requestChange(certificate_id, catalog, [as_second]), "merchant_a", "CertificatesInvalidConsent",
                   second.address)
    receipt = ledger.send(c.requestChange(certificate_id, catalog, [for_first]), "merchant_a")
    assert ledger.events(receipt, "Certificates", "CertificateChangeRequested")[0]["consenting"] == (first.address,)
