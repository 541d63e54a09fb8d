"""Times and ids are stored in 40 bits; a value beyond that is refused with OpenZeppelin's SafeCast
error, never truncated."""

from __future__ import annotations

from contract_harness import DAY, DEVELOPMENT, Ledger
from eth_utils.crypto import keccak

TOO_FAR = 2**40  # about the year 36812


def test_times_beyond_40_bits_are_refused_not_truncated(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    accepted = ledger.submit()
    ledger.send(c.accept(accepted), "registrar")
    ledger.reverts(
        c.publicize(accepted, TOO_FAR), "registrar", "SafeCastOverflowedUintDowncast", 40, TOO_FAR
    )

    noticed = ledger.under_notice(notice=60)
    ledger.advance(61)
    ledger.reverts(
        c.issue(noticed, ledger.issue_terms(TOO_FAR, number="FAR-1")),
        "registrar",
        "SafeCastOverflowedUintDowncast",
        40,
        TOO_FAR,
    )

    certificate_id = ledger.issue()
    ledger.reverts(
        c.requestRenewal(certificate_id, TOO_FAR, []),
        "merchant_a",
        "SafeCastOverflowedUintDowncast",
        40,
        TOO_FAR,
    )
    now = ledger.now()
    terms = (ledger.address("merchant_b"), keccak(text="t"), 0, TOO_FAR, False, False)
    ledger.reverts(
        ledger.rights.functions.grantLicence(certificate_id, DEVELOPMENT, terms),
        "merchant_a",
        "SafeCastOverflowedUintDowncast",
        40,
        TOO_FAR,
    )
    pledge_terms = ledger.pledge_terms("merchant_a", certificate_id, maturity=TOO_FAR)
    deadline = now + DAY
    signature = ledger.consent_signature("merchant_a", "bank", pledge_terms, 0, deadline)
    ledger.reverts(
        ledger.pledges.functions.recordPledge(pledge_terms, 0, deadline, signature),
        "bank",
        "SafeCastOverflowedUintDowncast",
        40,
        TOO_FAR,
    )
