"""A pledged certificate is changed or cancelled only with the consent of the pledgee of every active pledge
on it (arts. 443-444 by analogy), and a cancellation releases those pledges: no pledge outlives its
certificate."""

from __future__ import annotations

from typing import Any

from contract_harness import DAY, DEVELOPMENT, HOLDING, OPERATION, Ledger
from eth_utils.crypto import keccak

ISSUED, CANCELLED = 7, 9
ACTIVE, RELEASED = 1, 2
CHANGE, RENEWAL, CANCELLATION = 1, 2, 3
REASON = keccak(text="the data source was withdrawn")
NEW_CATALOG = keccak(text="catalog entry, version 2")


def status(ledger: Ledger, certificate_id: int) -> int:
    return int(ledger.struct(ledger.certificates.functions.certificate(certificate_id))["status"])


def pledge(ledger: Ledger, pledge_id: int) -> dict[str, Any]:
    return ledger.struct(ledger.pledges.functions.pledge(pledge_id))


def act_hash(ledger: Ledger, certificate_id: int, act: int, requested: bytes) -> bytes:
    return bytes(ledger.certificates.functions.certificateActHash(certificate_id, act, requested).call())


def consent(ledger: Ledger, pledge_id: int, act: bytes, pledgee: str) -> None:
    ledger.send(ledger.pledges.functions.consentToAct(pledge_id, act), pledgee)


def test_a_certificate_with_an_active_pledge_cannot_be_cancelled_without_the_pledgees_consent(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = ledger.issue()
    pledge_id = ledger.record_pledge("merchant_a", "bank", certificate_id, right=DEVELOPMENT, shares=4_000)
    act = act_hash(ledger, certificate_id, CANCELLATION, REASON)

    # The registrar may not leave the pledge out, nor cancel before its pledgee consents.
    ledger.reverts(c.cancel(certificate_id, REASON, []), "registrar", "PledgesActivePledgesMismatch",
                   certificate_id, 0, 1)
    ledger.reverts(c.cancel(certificate_id, REASON, [pledge_id]), "registrar", "PledgesActNotConsented",
                   pledge_id, "bank", act)
    # The holders' cancellation request meets the same check when the registrar approves it.
    ledger.send(c.requestCancellation(certificate_id, REASON, []), "merchant_a")
    ledger.reverts(c.approveRequest(certificate_id, "", []), "registrar", "PledgesActivePledgesMismatch",
                   certificate_id, 0, 1)
    ledger.reverts(c.approveRequest(certificate_id, "", [pledge_id]), "registrar", "PledgesActNotConsented",
                   pledge_id, "bank", act)
    # A consent to another act (another reason) is not a consent to this one.
    consent(ledger, pledge_id, act_hash(ledger, certificate_id, CANCELLATION, keccak(text="other")), "bank")
    ledger.reverts(c.cancel(certificate_id, REASON, [pledge_id]), "registrar", "PledgesActNotConsented",
                   pledge_id, "bank", act)
    assert status(ledger, certificate_id) == ISSUED
    assert pledge(ledger, pledge_id)["status"] == ACTIVE
    assert ledger.pledges.functions.activePledgeCount(certificate_id).call() == 1


def test_a_pledged_certificate_is_cancelled_with_consent_and_its_pledges_are_released(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    p = ledger.pledges.functions
    certificate_id = ledger.issue()
    ledger.send(ledger.rights.functions.transferShares(certificate_id, OPERATION, ledger.address("merchant_b"),
                                                       5_000), "merchant_a")
    senior = ledger.record_pledge("merchant_a", "bank", certificate_id, right=DEVELOPMENT, shares=4_000)
    junior = ledger.record_pledge("merchant_a", "bank_b", certificate_id, right=DEVELOPMENT, shares=4_000)
    other = ledger.record_pledge("merchant_b", "bank", certificate_id, right=OPERATION, shares=5_000)
    assert p.activePledgeCount(certificate_id).call() == 3
    act = act_hash(ledger, certificate_id, CANCELLATION, REASON)
    consent(ledger, senior, act, "bank")
    consent(ledger, other, act, "bank")
    # The first pledge lacking consent is named.
    ledger.reverts(c.cancel(certificate_id, REASON, [senior, junior, other]), "registrar",
                   "PledgesActNotConsented", junior, "bank_b", act)
    consent(ledger, junior, act, "bank_b")

    ledger.send(c.suspend(certificate_id, keccak(text="dispute")), "registrar")  # suspended, it may still be cancelled
    receipt = ledger.send(c.cancel(certificate_id, REASON, [senior, junior, other]), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateCancelled") == [
        {"certificateId": certificate_id, "reasonHash": REASON}
    ]
    assert ledger.events(receipt, "Pledges", "PledgeReleased") == [
        {"pledgeId": senior}, {"pledgeId": junior}, {"pledgeId": other}
    ]
    assert status(ledger, certificate_id) == CANCELLED
    assert [pledge(ledger, item)["status"] for item in (senior, junior, other)] == [RELEASED] * 3
    assert p.activePledgeCount(certificate_id).call() == 0
    r = ledger.rights.functions
    assert r.pledgedSharesOf(certificate_id, DEVELOPMENT, ledger.address("merchant_a")).call() == 0
    assert r.pledgedSharesOf(certificate_id, OPERATION, ledger.address("merchant_b")).call() == 0


def test_the_holders_cancellation_of_a_pledged_certificate_takes_effect_with_consent(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = ledger.issue()
    pledge_id = ledger.record_pledge("merchant_a", "bank", certificate_id, right=HOLDING, shares=2_000)
    ledger.send(c.requestCancellation(certificate_id, REASON, []), "merchant_a")
    consent(ledger, pledge_id, act_hash(ledger, certificate_id, CANCELLATION, REASON), "bank")
    receipt = ledger.send(c.approveRequest(certificate_id, "", [pledge_id]), "registrar")
    assert ledger.events(receipt, "Pledges", "PledgeReleased") == [{"pledgeId": pledge_id}]
    assert status(ledger, certificate_id) == CANCELLED
    assert pledge(ledger, pledge_id)["status"] == RELEASED


def test_a_pledged_certificate_is_changed_only_with_consent_and_the_pledge_stays(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = ledger.issue()
    pledge_id = ledger.record_pledge("merchant_a", "bank", certificate_id, right=DEVELOPMENT, shares=4_000)
    ledger.send(c.requestChange(certificate_id, NEW_CATALOG, []), "merchant_a")
    act = act_hash(ledger, certificate_id, CHANGE, NEW_CATALOG)
    ledger.reverts(c.approveRequest(certificate_id, "DEX-CHANGED-1", []), "registrar",
                   "PledgesActivePledgesMismatch", certificate_id, 0, 1)
    ledger.reverts(c.approveRequest(certificate_id, "DEX-CHANGED-1", [pledge_id]), "registrar",
                   "PledgesActNotConsented", pledge_id, "bank", act)
    consent(ledger, pledge_id, act, "bank")
    receipt = ledger.send(c.approveRequest(certificate_id, "DEX-CHANGED-1", [pledge_id]), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateChanged") == [
        {"certificateId": certificate_id, "version": 2, "catalogHash": NEW_CATALOG, "number": "DEX-CHANGED-1"}
    ]
    assert pledge(ledger, pledge_id)["status"] == ACTIVE
    assert ledger.pledges.functions.activePledgeCount(certificate_id).call() == 1
    # The consent was to the change of version 1: the same catalog hash asked again, at version 2, is another act.
    ledger.send(c.requestChange(certificate_id, NEW_CATALOG, []), "merchant_a")
    again = act_hash(ledger, certificate_id, CHANGE, NEW_CATALOG)
    assert again != act
    ledger.reverts(c.approveRequest(certificate_id, "DEX-CHANGED-2", [pledge_id]), "registrar",
                   "PledgesActNotConsented", pledge_id, "bank", again)


def test_a_renewal_of_a_pledged_certificate_needs_no_consent(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = ledger.issue()
    pledge_id = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=4_000)
    expiry = int(ledger.struct(c.certificate(certificate_id))["expiry"]) + 365 * DAY
    ledger.send(c.requestRenewal(certificate_id, expiry, []), "merchant_a")
    receipt = ledger.send(c.approveRequest(certificate_id, "DEX-RENEWED-1", []), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateRenewed")[0]["expiry"] == expiry
    assert pledge(ledger, pledge_id)["status"] == ACTIVE


def test_the_named_pledges_are_every_active_one_of_the_certificate_once_in_order(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = ledger.issue()
    elsewhere = ledger.issue()
    first = ledger.record_pledge("merchant_a", "bank", certificate_id, right=DEVELOPMENT, shares=2_000)
    second = ledger.record_pledge("merchant_a", "bank_b", certificate_id, right=OPERATION, shares=2_000)
    foreign = ledger.record_pledge("merchant_a", "bank", elsewhere, shares=2_000)
    released = ledger.record_pledge("merchant_a", "bank", certificate_id, right=HOLDING, shares=2_000)
    ledger.send(ledger.pledges.functions.releasePledge(released), "bank")
    act = act_hash(ledger, certificate_id, CANCELLATION, REASON)
    consent(ledger, first, act, "bank")
    consent(ledger, second, act, "bank_b")
    cancel = c.cancel
    ledger.reverts(cancel(certificate_id, REASON, [first]), "registrar", "PledgesActivePledgesMismatch",
                   certificate_id, 1, 2)
    ledger.reverts(cancel(certificate_id, REASON, [second, first]), "registrar", "PledgesUnorderedPledges", first)
    ledger.reverts(cancel(certificate_id, REASON, [first, first]), "registrar", "PledgesUnorderedPledges", first)
    ledger.reverts(cancel(certificate_id, REASON, [first, foreign]), "registrar", "PledgesNotOnCertificate",
                   foreign, certificate_id)
    ledger.reverts(cancel(certificate_id, REASON, [first, released]), "registrar", "PledgesNotActive", released,
                   RELEASED)
    ledger.reverts(cancel(certificate_id, REASON, [first, 999]), "registrar", "PledgesUnknownPledge", 999)
    # The same checks, as a view anyone may ask before acting.
    check = ledger.pledges.functions.requireCertificateActConsent
    check(certificate_id, [first, second], act).call()
    other = act_hash(ledger, certificate_id, CANCELLATION, keccak(text="another reason"))
    ledger.reverts(check(certificate_id, [first, second], other), "stranger", "PledgesActNotConsented", first, "bank",
                   other)


def test_the_active_pledge_count_follows_recording_release_and_realisation(ledger: Ledger) -> None:
    p = ledger.pledges.functions
    certificate_id = ledger.issue()
    assert p.activePledgeCount(certificate_id).call() == 0
    released = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=2_000)
    realised = ledger.record_pledge("merchant_a", "bank_b", certificate_id, right=OPERATION, shares=2_000,
                                    maturity=ledger.now() + DAY)
    assert p.activePledgeCount(certificate_id).call() == 2
    ledger.send(p.releasePledge(released), "bank")
    assert p.activePledgeCount(certificate_id).call() == 1
    ledger.advance(2 * DAY)
    ledger.realise(realised, "bank_b")
    assert p.activePledgeCount(certificate_id).call() == 0
    # With none active, the registrar cancels naming none.
    ledger.send(ledger.certificates.functions.cancel(certificate_id, REASON, []), "registrar")
    assert status(ledger, certificate_id) == CANCELLED


def test_only_the_certificates_contract_releases_pledges_with_a_cancellation(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    pledge_id = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=2_000)
    act = act_hash(ledger, certificate_id, CANCELLATION, REASON)
    consent(ledger, pledge_id, act, "bank")
    ledger.reverts(ledger.pledges.functions.releaseOnCancellation(certificate_id, [pledge_id], act), "bank",
                   "PledgesUnauthorizedCaller", "bank")


def test_the_act_hash_binds_the_act_the_request_and_the_version(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    certificate_id = ledger.issue()
    other = ledger.issue()
    hashes = {
        act_hash(ledger, certificate_id, CHANGE, NEW_CATALOG),
        act_hash(ledger, certificate_id, CANCELLATION, NEW_CATALOG),
        act_hash(ledger, certificate_id, CANCELLATION, REASON),
        act_hash(ledger, other, CANCELLATION, REASON),
    }
    assert len(hashes) == 4
    ledger.reverts(c.certificateActHash(999, CANCELLATION, REASON), "stranger", "CertificatesUnknownCertificate", 999)
