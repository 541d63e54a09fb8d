"""Pledges: signed consent (EIP-712), rank by recording order, locked shares, and every end of a
pledge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contract_harness import (
    AGREED_PRICE,
    AUCTION,
    CONSENT_TYPES,
    COURT_RULING,
    DAY,
    DEVELOPMENT,
    EXTENSION_TYPES,
    HOLDERS,
    HOLDING,
    OPERATION,
    REALISATION_TYPES,
    SALE,
    YEAR,
    Ledger,
)
from eth_account.messages import encode_typed_data
from eth_utils.crypto import keccak
from web3.contract import Contract

ACTIVE, RELEASED, REALISED = 1, 2, 3
REGISTRATION = keccak(text="CCRC pledge registration 2025-000042")


def pledge(ledger: Ledger, pledge_id: int) -> dict[str, Any]:
    return ledger.struct(ledger.pledges.functions.pledge(pledge_id))


def signed(
    ledger: Ledger, pledgor: str, pledgee: str, pledge_terms: tuple[Any, ...], **overrides: Any
) -> list[Any]:
    """``[terms, senior, deadline, signature]`` for ``recordPledge``, signed by ``pledgor`` unless
    overridden; the consent ranks behind the pledgor's most recent pledge on that right."""
    senior = overrides.get("senior", ledger.last_pledge(pledge_terms))
    deadline = overrides.get("deadline", ledger.now() + DAY)
    signer = overrides.get("signer", pledgor)
    signature = ledger.consent_signature(signer, pledgee, pledge_terms, senior, deadline)
    return [pledge_terms, senior, deadline, signature]


# -- typed data ------------------------------------------------------------------------------------


def test_the_contract_hashes_consents_and_extensions_as_eip712_says(ledger: Ledger) -> None:
    p = ledger.pledges.functions
    pledge_terms = ledger.pledge_terms(
        "merchant_a", 7, right=OPERATION, shares=2_500, external_ref=REGISTRATION
    )
    domain = {
        "name": "DataAssetLedger Pledges",
        "version": "1",
        "chainId": ledger.w3.eth.chain_id,
        "verifyingContract": ledger.pledges.address,
    }
    _, certificate_id, right, shares, amount, currency, maturity, external_ref, _, _ = pledge_terms
    message = {
        "pledgor": ledger.address("merchant_a"),
        "pledgee": ledger.address("bank"),
        "certificateId": certificate_id,
        "right": right,
        "shares": shares,
        "amount": amount,
        "currency": currency,
        "maturity": maturity,
        "externalRef": external_ref,
        "registeredAt": 0,
        "registrationExpiry": 0,
        "seniorPledgeId": 3,
        "deadline": 12345,
    }
    encoded = encode_typed_data(domain, {"PledgeConsent": CONSENT_TYPES}, message)
    digest = keccak(b"\x19\x01" + encoded.header + encoded.body)
    assert p.hashConsent(ledger.address("bank"), pledge_terms, 3, 12345).call() == digest
    assert p.DOMAIN_SEPARATOR().call() == encoded.header

    extension = {"pledgeId": 9, "newMaturity": maturity + YEAR, "nonce": 4, "deadline": 777}
    encoded = encode_typed_data(domain, {"PledgeExtension": EXTENSION_TYPES}, extension)
    assert p.hashExtension(9, maturity + YEAR, 4, 777).call() == keccak(
        b"\x19\x01" + encoded.header + encoded.body
    )
    assert p.CONSENT_TYPEHASH().call() == keccak(
        text="PledgeConsent(address pledgor,address pledgee,uint256 certificateId,uint8 right,uint256 shares,"
        "uint256 amount,"
        "bytes3 currency,uint64 maturity,bytes32 externalRef,uint64 registeredAt,uint64 registrationExpiry,"
        "uint256 seniorPledgeId,uint256 deadline)"
    )
    realisation = {
        "pledgeId": 9, "buyer": ledger.address("bank"), "price": 10**6, "documentHash": b"\x22" * 32,
        "nonce": 5, "deadline": 888,
    }
    encoded = encode_typed_data(domain, {"PledgeRealisation": REALISATION_TYPES}, realisation)
    assert p.hashRealisation(9, ledger.address("bank"), 10**6, b"\x22" * 32, 5, 888).call() == keccak(
        b"\x19\x01" + encoded.header + encoded.body
    )


# -- recording -------------------------------------------------------------------------------------


def test_a_bank_records_a_pledge_with_the_pledgors_signed_consent(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    maturity = ledger.now() + YEAR
    registered_at = ledger.now() - DAY
    pledge_terms = ledger.pledge_terms(
        "merchant_a",
        certificate_id,
        right=DEVELOPMENT,
        shares=6_000,
        amount=12_000_000_00,
        currency=b"CNY",
        maturity=maturity,
        external_ref=REGISTRATION,
        registered_at=registered_at,
        registration_expiry=maturity + YEAR,
    )
    receipt = ledger.send(
        ledger.pledges.functions.recordPledge(*signed(ledger, "merchant_a", "bank", pledge_terms)),
        "bank",
    )
    assert ledger.events(receipt, "Pledges", "PledgeRecorded") == [
        {
            "pledgeId": 1,
            "certificateId": certificate_id,
            "pledgee": ledger.address("bank"),
            "pledgor": ledger.address("merchant_a"),
            "right": DEVELOPMENT,
            "shares": 6_000,
            "amount": 12_000_000_00,
            "currency": b"CNY",
            "maturity": maturity,
            "externalRef": REGISTRATION,
            "registeredAt": registered_at,
            "registrationExpiry": maturity + YEAR,
            "seniorPledgeId": 0,
        }
    ]
    assert pledge(ledger, 1) == {
        "status": ACTIVE,
        "pledgor": ledger.address("merchant_a"),
        "pledgee": ledger.address("bank"),
        "certificateId": certificate_id,
        "right": DEVELOPMENT,
        "shares": 6_000,
        "maturity": maturity,
        "seniorPledgeId": 0,
        "amount": 12_000_000_00,
        "currency": b"CNY",
        "externalRef": REGISTRATION,
        "registeredAt": registered_at,
        "registrationExpiry": maturity + YEAR,
    }
    r = ledger.rights.functions
    a = ledger.address("merchant_a")
    assert r.pledgedSharesOf(certificate_id, DEVELOPMENT, a).call() == 6_000
    assert r.transferableSharesOf(certificate_id, DEVELOPMENT, a).call() == 4_000
    assert r.lastPledgeOf(certificate_id, DEVELOPMENT, a).call() == 1
    assert ledger.pledges.functions.nonces(a).call() == 0  # a consent is bound to its rank, not to a nonce
    assert ledger.pledges.functions.pledgeCount().call() == 1


def test_pledges_on_a_right_rank_by_recording_order_and_may_cover_pledged_shares(
    ledger: Ledger,
) -> None:
    certificate_id = ledger.issue()
    senior = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=6_000)
    other_right = ledger.record_pledge(
        "merchant_a", "bank", certificate_id, right=OPERATION, shares=1_000
    )
    junior = ledger.record_pledge("merchant_a", "bank_b", certificate_id, shares=6_000)
    third = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=10_000)
    assert pledge(ledger, junior)["seniorPledgeId"] == senior
    assert pledge(ledger, third)["seniorPledgeId"] == junior
    assert pledge(ledger, other_right)["seniorPledgeId"] == 0
    p = ledger.pledges.functions
    assert p.activeSeniorPledges(third).call() == [junior, senior]
    assert p.activeSeniorPledges(senior).call() == []
    ledger.send(p.releasePledge(senior), "bank")
    assert p.activeSeniorPledges(third).call() == [junior]
    assert (
        ledger.rights.functions.pledgedSharesOf(
            certificate_id, DEVELOPMENT, ledger.address("merchant_a")
        ).call()
        == 16_000
    )


def test_recording_refusals(ledger: Ledger) -> None:
    p = ledger.pledges.functions
    certificate_id = ledger.issue()
    now = ledger.now()

    def refused(
        pledgee: str, error: str, *args: Any, pledgor: str = "merchant_a", **changes: Any
    ) -> None:
        overrides = {
            key: changes.pop(key) for key in ("senior", "deadline", "signer") if key in changes
        }
        pledge_terms = ledger.pledge_terms(pledgor, certificate_id, **changes)
        ledger.reverts(
            p.recordPledge(*signed(ledger, pledgor, pledgee, pledge_terms, **overrides)),
            pledgee,
            error,
            *args,
        )

    refused("merchant_b", "ConsortiumMissingRole", "merchant_b", 4)
    refused("stranger", "ConsortiumNotMember", "stranger")
    refused("bank", "ConsortiumNotMember", "stranger", pledgor="stranger")
    refused("bank", "ConsortiumMissingRole", "auditor", HOLDERS, pledgor="auditor")
    refused("bank", "ConsortiumMemberSuspended", "suspended", pledgor="suspended")
    refused("bank", "PledgesSelfPledge", "bank", pledgor="bank")
    refused("bank", "PledgesInvalidShares", 0, shares=0)
    refused("bank", "PledgesInvalidShares", 10_001, shares=10_001)
    refused("bank", "PledgesInvalidAmount", 0, amount=0)
    refused("bank", "PledgesInvalidAmount", 2**128, amount=2**128)
    refused("bank", "PledgesInvalidCurrency", b"cny", currency=b"cny")
    refused("bank", "PledgesInvalidCurrency", b"\x00\x00\x00", currency=b"\x00\x00\x00")
    refused("bank", "PledgesInvalidMaturity", now - 1, maturity=now - 1)
    refused("bank", "PledgesSignatureExpired", now - 1, deadline=now - 1)
    # The public registration: a number with a past time and a later term, or nothing at all.
    for registered_at, expiry in ((0, now + YEAR), (now + DAY, now + YEAR), (now - DAY, now - DAY)):
        refused("bank", "PledgesInvalidRegistration", REGISTRATION, registered_at, expiry,
                external_ref=REGISTRATION, registered_at=registered_at, registration_expiry=expiry)
    refused("bank", "PledgesInvalidRegistration", bytes(32), now - DAY, 0, registered_at=now - DAY)
    refused("bank", "PledgesInvalidRegistration", bytes(32), 0, now + YEAR, registration_expiry=now + YEAR)
    refused("bank", "PledgesRankChanged", "merchant_a", 5, 0, senior=5)
    refused("bank", "PledgesInvalidSignature", "merchant_a", signer="merchant_b")
    refused(
        "bank",
        "RightsInsufficientShares",
        certificate_id,
        DEVELOPMENT,
        "merchant_b",
        0,
        6_000,
        pledgor="merchant_b",
    )

    # Consent given to one bank cannot be used by another, nor for other terms.
    pledge_terms = ledger.pledge_terms("merchant_a", certificate_id)
    args = signed(ledger, "merchant_a", "bank", pledge_terms)
    ledger.reverts(p.recordPledge(*args), "bank_b", "PledgesInvalidSignature", "merchant_a")
    changed = list(pledge_terms)
    changed[4] += 1
    ledger.reverts(
        p.recordPledge(changed, *args[1:]), "bank", "PledgesInvalidSignature", "merchant_a"
    )
    # A signature is used once: the pledge it records becomes the most recent, and the consent's rank is gone.
    receipt = ledger.send(p.recordPledge(*args), "bank")
    recorded = ledger.events(receipt, "Pledges", "PledgeRecorded")[0]["pledgeId"]
    ledger.reverts(p.recordPledge(*args), "bank", "PledgesRankChanged", "merchant_a", 0, recorded)


def test_a_consent_signed_for_another_chain_or_contract_is_refused(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    pledge_terms = ledger.pledge_terms("merchant_a", certificate_id)
    deadline = ledger.now() + DAY
    message = {
        "pledgor": ledger.address("merchant_a"),
        "pledgee": ledger.address("bank"),
        "certificateId": certificate_id,
        "right": DEVELOPMENT,
        "shares": pledge_terms[3],
        "amount": pledge_terms[4],
        "currency": pledge_terms[5],
        "maturity": pledge_terms[6],
        "externalRef": pledge_terms[7],
        "registeredAt": 0,
        "registrationExpiry": 0,
        "seniorPledgeId": 0,
        "deadline": deadline,
    }
    for domain in (
        {"chainId": ledger.w3.eth.chain_id + 1, "verifyingContract": ledger.pledges.address},
        {"chainId": ledger.w3.eth.chain_id, "verifyingContract": ledger.rights.address},
    ):
        full = {"name": "DataAssetLedger Pledges", "version": "1", **domain}
        signature = (
            ledger.keys["merchant_a"]
            .sign_typed_data(full, {"PledgeConsent": CONSENT_TYPES}, message)
            .signature
        )
        ledger.reverts(
            ledger.pledges.functions.recordPledge(pledge_terms, 0, deadline, bytes(signature)),
            "bank",
            "PledgesInvalidSignature",
            "merchant_a",
        )


def test_nothing_is_pledged_while_the_certificate_is_not_in_force(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    ledger.send(
        ledger.certificates.functions.suspend(certificate_id, keccak(text="dispute")), "registrar"
    )
    pledge_terms = ledger.pledge_terms("merchant_a", certificate_id)
    ledger.reverts(
        ledger.pledges.functions.recordPledge(*signed(ledger, "merchant_a", "bank", pledge_terms)),
        "bank",
        "RightsCertificateNotInForce",
        certificate_id,
    )


def test_a_contract_wallet_consents_through_erc1271(
    ledger: Ledger, deploy_wallet: Callable[[str], Contract]
) -> None:
    wallet = deploy_wallet("merchant_c")
    ledger.send(
        ledger.consortium.functions.addMember(wallet.address, keccak(text="wallet"), "Wallet", 2),
        "admin",
    )
    certificate_id = ledger.issue()
    r = ledger.rights.functions
    ledger.send(r.transferShares(certificate_id, HOLDING, wallet.address, 3_000), "merchant_a")
    pledge_terms = ledger.pledge_terms(wallet.address, certificate_id, right=HOLDING, shares=3_000)
    deadline = ledger.now() + DAY
    # The wallet's owner signs; the wallet validates through ERC-1271.
    signature = ledger.consent_signature("merchant_c", "bank", pledge_terms, 0, deadline)
    ledger.send(ledger.pledges.functions.recordPledge(pledge_terms, 0, deadline, signature), "bank")
    assert r.pledgedSharesOf(certificate_id, HOLDING, wallet.address).call() == 3_000
    other = ledger.consent_signature("merchant_b", "bank", pledge_terms, 1, deadline)
    ledger.reverts(
        ledger.pledges.functions.recordPledge(pledge_terms, 1, deadline, other),
        "bank",
        "PledgesInvalidSignature",
        wallet.address,
    )


# -- locked shares ---------------------------------------------------------------------------------


def test_pledged_shares_cannot_be_transferred_but_free_shares_can(ledger: Ledger) -> None:
    r = ledger.rights.functions
    certificate_id = ledger.issue()
    first = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=5_000)
    second = ledger.record_pledge("merchant_a", "bank_b", certificate_id, shares=2_000)
    maturity = pledge(ledger, second)["maturity"]
    to_b = ledger.address("merchant_b")
    ledger.send(r.transferShares(certificate_id, DEVELOPMENT, to_b, 3_000), "merchant_a")
    ledger.reverts(
        r.transferShares(certificate_id, DEVELOPMENT, to_b, 1),
        "merchant_a",
        "RightsSharesPledged",
        certificate_id,
        DEVELOPMENT,
        "merchant_a",
        0,
        1,
        second,
        "bank_b",
        maturity,
    )
    # The refusal names the most recent pledge that is still active.
    ledger.send(ledger.pledges.functions.releasePledge(second), "bank_b")
    first_maturity = pledge(ledger, first)["maturity"]
    ledger.reverts(
        r.transferShares(certificate_id, DEVELOPMENT, to_b, 2_001),
        "merchant_a",
        "RightsSharesPledged",
        certificate_id,
        DEVELOPMENT,
        "merchant_a",
        2_000,
        2_001,
        first,
        "bank",
        first_maturity,
    )
    ledger.send(r.transferShares(certificate_id, DEVELOPMENT, to_b, 2_000), "merchant_a")
    assert ledger.shares(certificate_id, DEVELOPMENT, "merchant_a") == 5_000
    # Other rights are not locked by a pledge of the development right.
    ledger.send(r.transferShares(certificate_id, OPERATION, to_b, 10_000), "merchant_a")


# -- release ---------------------------------------------------------------------------------------


def test_the_pledgee_releases_at_any_time(ledger: Ledger) -> None:
    p = ledger.pledges.functions
    certificate_id = ledger.issue()
    pledge_id = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=4_000)
    ledger.reverts(p.releasePledge(pledge_id), "bank_b", "PledgesNotPledgee", pledge_id, "bank_b")
    ledger.reverts(
        p.releasePledge(pledge_id), "merchant_a", "ConsortiumMissingRole", "merchant_a", 4
    )
    ledger.reverts(p.releasePledge(77), "bank", "PledgesUnknownPledge", 77)
    ledger.send(
        ledger.certificates.functions.suspend(certificate_id, keccak(text="dispute")), "registrar"
    )
    receipt = ledger.send(p.releasePledge(pledge_id), "bank")
    assert ledger.events(receipt, "Pledges", "PledgeReleased") == [{"pledgeId": pledge_id}]
    assert pledge(ledger, pledge_id)["status"] == RELEASED
    assert (
        ledger.rights.functions.pledgedSharesOf(
            certificate_id, DEVELOPMENT, ledger.address("merchant_a")
        ).call()
        == 0
    )
    ledger.reverts(p.releasePledge(pledge_id), "bank", "PledgesNotActive", pledge_id, RELEASED)
    ledger.reverts(p.pledge(77), "stranger", "PledgesUnknownPledge", 77)


# -- extension -------------------------------------------------------------------------------------


def test_an_extension_needs_the_pledgee_and_the_pledgors_signature(ledger: Ledger) -> None:
    p = ledger.pledges.functions
    certificate_id = ledger.issue()
    pledge_id = ledger.record_pledge("merchant_a", "bank", certificate_id)
    maturity = pledge(ledger, pledge_id)["maturity"]
    new_maturity = maturity + YEAR
    nonce = p.nonces(ledger.address("merchant_a")).call()
    deadline = ledger.now() + DAY
    signature = ledger.extension_signature("merchant_a", pledge_id, new_maturity, nonce, deadline)

    ledger.reverts(
        p.extendPledge(pledge_id, new_maturity, nonce, deadline, signature),
        "bank_b",
        "PledgesNotPledgee",
        pledge_id,
        "bank_b",
    )
    ledger.reverts(
        p.extendPledge(pledge_id, maturity, nonce, deadline, signature),
        "bank",
        "PledgesInvalidMaturity",
        maturity,
    )
    ledger.reverts(
        p.extendPledge(pledge_id, new_maturity + 1, nonce, deadline, signature),
        "bank",
        "PledgesInvalidSignature",
        "merchant_a",
    )
    forged = ledger.extension_signature("bank", pledge_id, new_maturity, nonce, deadline)
    ledger.reverts(
        p.extendPledge(pledge_id, new_maturity, nonce, deadline, forged),
        "bank",
        "PledgesInvalidSignature",
        "merchant_a",
    )
    ledger.reverts(
        p.extendPledge(pledge_id, new_maturity, nonce + 1, deadline, signature),
        "bank",
        "PledgesInvalidNonce",
        "merchant_a",
        nonce + 1,
        nonce,
    )

    receipt = ledger.send(
        p.extendPledge(pledge_id, new_maturity, nonce, deadline, signature), "bank"
    )
    assert ledger.events(receipt, "Pledges", "PledgeExtended") == [
        {"pledgeId": pledge_id, "maturity": new_maturity}
    ]
    assert pledge(ledger, pledge_id)["maturity"] == new_maturity
    assert pledge(ledger, pledge_id)["status"] == ACTIVE
    ledger.reverts(
        p.extendPledge(pledge_id, new_maturity, nonce, deadline, signature),
        "bank",
        "PledgesInvalidMaturity",
        new_maturity,
    )
    later = new_maturity + YEAR
    replay = ledger.extension_signature("merchant_a", pledge_id, later, nonce, deadline)
    ledger.reverts(
        p.extendPledge(pledge_id, later, nonce, deadline, replay),
        "bank",
        "PledgesInvalidNonce",
        "merchant_a",
        nonce,
        nonce + 1,
    )
    ledger.advance(2 * DAY)
    expired = ledger.extension_signature("merchant_a", pledge_id, later, nonce + 1, deadline)
    ledger.reverts(
        p.extendPledge(pledge_id, later, nonce + 1, deadline, expired),
        "bank",
        "PledgesSignatureExpired",
        deadline,
    )


# -- realisation (no forfeiture: Civil Code arts. 428, 436, 438) --------------------------------------


DOCUMENT = keccak(text="auction record 2027-001")


def realise_call(ledger: Ledger, pledge_id: int, buyer: str, price: int = 6_000_000_00, *,
                 method: int = AUCTION, document: bytes = DOCUMENT, signature: bytes = b"") -> Any:
    return ledger.pledges.functions.realisePledge(
        pledge_id, (method, ledger.address(buyer), price, document), 0, 0, signature
    )


def test_realisation_after_maturity_sells_the_shares_at_a_price_and_records_the_surplus(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    pledge_id = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=4_000, amount=5_000_000_00)
    maturity = pledge(ledger, pledge_id)["maturity"]
    ledger.reverts(realise_call(ledger, pledge_id, "bank"), "bank", "PledgesNotMatured", pledge_id, maturity)
    ledger.advance(YEAR + 1)
    ledger.reverts(realise_call(ledger, pledge_id, "merchant_a"), "bank", "PledgesInvalidBuyer", "merchant_a")
    ledger.reverts(realise_call(ledger, pledge_id, "stranger"), "bank", "ConsortiumNotMember", "stranger")
    ledger.reverts(realise_call(ledger, pledge_id, "auditor"), "bank", "ConsortiumMissingRole", "auditor", HOLDERS)
    ledger.reverts(realise_call(ledger, pledge_id, "bank"), "bank_b", "PledgesNotPledgee", pledge_id, "bank_b")
    ledger.reverts(realise_call(ledger, pledge_id, "bank", 0), "bank", "PledgesInvalidPrice", 0)
    ledger.reverts(realise_call(ledger, pledge_id, "bank", 2**128), "bank", "PledgesInvalidPrice", 2**128)
    ledger.reverts(realise_call(ledger, pledge_id, "bank", document=bytes(32)), "bank", "PledgesMissingDocument")
    ledger.reverts(realise_call(ledger, pledge_id, "bank", signature=b"\x01" * 65), "bank",
                   "PledgesUnexpectedSignature", AUCTION)
    ledger.reverts(ledger.pledges.functions.realisation(pledge_id), "bank", "PledgesNotRealised", pledge_id)

    # Sold at auction to a buyer for more than the debt: the surplus is owed to the pledgor.
    receipt = ledger.send(realise_call(ledger, pledge_id, "merchant_b", 6_000_000_00), "bank")
    assert ledger.events(receipt, "Pledges", "PledgeRealised") == [{
        "pledgeId": pledge_id, "buyer": ledger.address("merchant_b"), "method": AUCTION, "shares": 4_000,
        "price": 6_000_000_00, "surplus": 1_000_000_00, "shortfall": 0, "documentHash": DOCUMENT,
    }]
    assert ledger.events(receipt, "Rights", "TransferSingle") == [{
        "operator": ledger.pledges.address, "from": ledger.address("merchant_a"),
        "to": ledger.address("merchant_b"), "id": certificate_id * 4 + DEVELOPMENT, "value": 4_000,
    }]
    assert ledger.events(receipt, "Rights", "SharesMoved") == [{"certificateId": certificate_id, "right": DEVELOPMENT}]
    assert ledger.struct(ledger.pledges.functions.realisation(pledge_id)) == {
        "method": AUCTION, "buyer": ledger.address("merchant_b"), "realisedAt": ledger.now(), "shares": 4_000,
        "price": 6_000_000_00, "surplus": 1_000_000_00, "shortfall": 0, "documentHash": DOCUMENT,
    }
    assert pledge(ledger, pledge_id)["status"] == REALISED
    assert ledger.shares(certificate_id, DEVELOPMENT, "merchant_a") == 6_000
    assert ledger.rights.functions.pledgedSharesOf(
        certificate_id, DEVELOPMENT, ledger.address("merchant_a")).call() == 0
    ledger.reverts(realise_call(ledger, pledge_id, "bank"), "bank", "PledgesNotActive", pledge_id, REALISED)
    ledger.reverts(ledger.pledges.functions.releasePledge(pledge_id), "bank", "PledgesNotActive", pledge_id,
                   REALISED)


def test_an_agreed_price_is_the_pledgors_signed_agreement_and_a_shortfall_stays_owed(ledger: Ledger) -> None:
    p = ledger.pledges.functions
    certificate_id = ledger.issue()
    pledge_id = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=5_000, amount=5_000_000_00)
    ledger.advance(YEAR + 1)
    nonce = p.nonces(ledger.address("merchant_a")).call()
    deadline = ledger.now() + DAY
    terms = (AGREED_PRICE, ledger.address("bank"), 4_000_000_00, DOCUMENT)
    # Without the pledgor's signature (here the bank's own), a price is not agreed.
    forged = ledger.realisation_signature("bank", pledge_id, "bank", 4_000_000_00, DOCUMENT, nonce, deadline)
    ledger.reverts(p.realisePledge(pledge_id, terms, nonce, deadline, forged), "bank",
                   "PledgesInvalidSignature", "merchant_a")
    agreed = ledger.realisation_signature("merchant_a", pledge_id, "bank", 4_000_000_00, DOCUMENT, nonce, deadline)
    # The signature fixes buyer, price and document.
    ledger.reverts(p.realisePledge(pledge_id, (AGREED_PRICE, ledger.address("bank"), 3_000_000_00, DOCUMENT),
                                   nonce, deadline, agreed), "bank", "PledgesInvalidSignature", "merchant_a")
    receipt = ledger.send(p.realisePledge(pledge_id, terms, nonce, deadline, agreed), "bank")
    event = ledger.events(receipt, "Pledges", "PledgeRealised")[0]
    assert (event["method"], event["surplus"], event["shortfall"]) == (AGREED_PRICE, 0, 1_000_000_00)
    assert ledger.shares(certificate_id, DEVELOPMENT, "bank") == 5_000
    assert p.nonces(ledger.address("merchant_a")).call() == nonce + 1


def test_a_court_ruling_or_sale_realises_without_the_pledgors_signature(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    first = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=2_000)
    second = ledger.record_pledge("merchant_a", "bank_b", certificate_id, right=OPERATION, shares=2_000)
    ledger.advance(YEAR + 1)
    ledger.realise(first, "bank", method=COURT_RULING, price=5_000_000_00)
    ledger.realise(second, "bank_b", buyer="merchant_c", method=SALE)
    assert ledger.shares(certificate_id, DEVELOPMENT, "bank") == 2_000
    assert ledger.shares(certificate_id, OPERATION, "merchant_c") == 2_000


def test_a_junior_cannot_be_realised_ahead_of_a_senior_over_the_same_shares(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    senior = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=6_000)
    junior = ledger.record_pledge("merchant_a", "bank_b", certificate_id, shares=6_000)
    ledger.advance(YEAR + 1)
    ledger.reverts(realise_call(ledger, junior, "bank_b"), "bank_b", "PledgesSeniorPledgeOutstanding", junior,
                   senior)
    ledger.realise(senior, "bank")
    assert ledger.shares(certificate_id, DEVELOPMENT, "bank") == 6_000
    # With the senior satisfied, the junior takes what is left.
    receipt = ledger.realise(junior, "bank_b")
    assert ledger.events(receipt, "Pledges", "PledgeRealised")[0]["shares"] == 4_000
    assert ledger.shares(certificate_id, DEVELOPMENT, "bank_b") == 4_000
    assert ledger.shares(certificate_id, DEVELOPMENT, "merchant_a") == 0


def test_a_junior_is_realised_when_the_seniors_leave_enough_shares(ledger: Ledger) -> None:
    p = ledger.pledges.functions
    certificate_id = ledger.issue()
    senior = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=3_000)
    junior = ledger.record_pledge("merchant_a", "bank_b", certificate_id, shares=7_000)
    ledger.advance(YEAR + 1)
    ledger.realise(junior, "bank_b")
    assert ledger.shares(certificate_id, DEVELOPMENT, "bank_b") == 7_000
    assert p.activeSeniorPledges(junior).call() == [senior]
    ledger.realise(senior, "bank")
    assert ledger.shares(certificate_id, DEVELOPMENT, "bank") == 3_000


def test_a_released_senior_no_longer_blocks_the_junior(ledger: Ledger) -> None:
    p = ledger.pledges.functions
    certificate_id = ledger.issue()
    senior = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=8_000)
    junior = ledger.record_pledge("merchant_a", "bank_b", certificate_id, shares=8_000)
    ledger.advance(YEAR + 1)
    ledger.send(p.releasePledge(senior), "bank")
    ledger.realise(junior, "bank_b")
    assert ledger.shares(certificate_id, DEVELOPMENT, "bank_b") == 8_000


def test_a_pledge_on_a_suspended_or_expired_certificate_can_still_be_realised(ledger: Ledger) -> None:
    """Dead end closed: the collateral secures the debt precisely when the certificate is in trouble."""
    suspended = ledger.issue(expiry_in=5 * YEAR)
    on_suspended = ledger.record_pledge("merchant_a", "bank", suspended)
    expiring = ledger.issue(expiry_in=YEAR // 2)
    on_expired = ledger.record_pledge("merchant_a", "bank", expiring, maturity=ledger.now() + YEAR // 4)
    ledger.send(ledger.certificates.functions.suspend(suspended, keccak(text="dispute")), "registrar")
    ledger.advance(YEAR + 1)
    assert not ledger.certificates.functions.isInForce(expiring).call()
    ledger.realise(on_suspended, "bank")
    ledger.realise(on_expired, "bank")
    assert ledger.shares(suspended, DEVELOPMENT, "bank") == 6_000
    assert ledger.shares(expiring, DEVELOPMENT, "bank") == 6_000


# -- the collateral is protected (arts. 443-444) -------------------------------------------------------


def test_pledged_shares_are_licensed_only_with_every_active_pledgees_consent(ledger: Ledger) -> None:
    p, r = ledger.pledges.functions, ledger.rights.functions
    certificate_id = ledger.issue()
    senior = ledger.record_pledge("merchant_a", "bank", certificate_id, shares=2_000)
    junior = ledger.record_pledge("merchant_a", "bank_b", certificate_id, shares=2_000)
    terms = (ledger.address("merchant_b"), keccak(text="terms"), 0, ledger.now() + YEAR, False, False)
    act = r.licenceActHash(certificate_id, DEVELOPMENT, 0, terms).call()
    grant = r.grantLicence(certificate_id, DEVELOPMENT, terms)
    # The most recent active pledge is asked first.
    ledger.reverts(grant, "merchant_a", "PledgesActNotConsented", junior, "bank_b", act)
    ledger.reverts(p.consentToAct(junior, act), "bank", "PledgesNotPledgee", junior, "bank")
    ledger.reverts(p.consentToAct(junior, act), "merchant_a", "ConsortiumMissingRole", "merchant_a", 4)
    receipt = ledger.send(p.consentToAct(junior, act), "bank_b")
    assert ledger.events(receipt, "Pledges", "PledgeActConsented") == [{"pledgeId": junior, "actHash": act}]
    ledger.reverts(grant, "merchant_a", "PledgesActNotConsented", senior, "bank", act)
    ledger.send(p.consentToAct(senior, act), "bank")
    assert p.actConsented(senior, act).call() and p.actConsented(junior, act).call()
    ledger.send(grant, "merchant_a")
    # A consent covers that act only: other terms need their own.
    other = (ledger.address("merchant_c"), keccak(text="terms"), 0, ledger.now() + YEAR, False, False)
    ledger.reverts(r.grantLicence(certificate_id, DEVELOPMENT, other), "merchant_a", "PledgesActNotConsented",
                   junior, "bank_b", r.licenceActHash(certificate_id, DEVELOPMENT, 0, other).call())
    # Released pledges no longer need to consent; shares of another right were never pledged.
    ledger.send(p.releasePledge(junior), "bank_b")
    ledger.send(p.releasePledge(senior), "bank")
    ledger.send(r.grantLicence(certificate_id, DEVELOPMENT, other), "merchant_a")
    ledger.send(r.grantLicence(certificate_id, OPERATION, other), "merchant_a")
    ledger.reverts(p.consentToAct(senior, act), "bank", "PledgesNotActive", senior, RELEASED)


# -- holes closed: a consent names its pledgor, and both parties act in an extension ------------------


def test_a_wallet_owners_consent_pledges_only_the_wallet_it_names(
    ledger: Ledger, deploy_wallet: Callable[[str], Contract]
) -> None:
    """One owner, two ERC-1271 wallets: a consent for one cannot pledge the sibling's shares, and an
    owner's consent for its own shares cannot pledge a wallet it owns."""
    first, sibling = deploy_wallet("merchant_c"), deploy_wallet("merchant_c")
    for index, wallet in enumerate((first, sibling)):
        ledger.send(
            ledger.consortium.functions.addMember(wallet.address, keccak(text=f"wallet {index}"), "W", 2),
            "admin",
        )
    certificate_id = ledger.issue()
    r = ledger.rights.functions
    for wallet in (first, sibling):
        ledger.send(r.transferShares(certificate_id, HOLDING, wallet.address, 3_000), "merchant_a")
    ledger.send(r.transferShares(certificate_id, HOLDING, ledger.address("merchant_c"), 1_000), "merchant_a")
    deadline = ledger.now() + DAY
    for_first = ledger.pledge_terms(first.address, certificate_id, right=HOLDING, shares=3_000)
    signature = ledger.consent_signature("merchant_c", "bank", for_first, 0, deadline)
    on_sibling = (sibling.address, *for_first[1:])
    ledger.reverts(ledger.pledges.functions.recordPledge(on_sibling, 0, deadline, signature), "bank",
                   "PledgesInvalidSignature", sibling.address)
    own = ledger.pledge_terms("merchant_c", certificate_id, right=HOLDING, shares=1_000)
    own_signature = ledger.consent_signature("merchant_c", "bank", own, 0, deadline)
    on_wallet = (first.address, *own[1:])
    ledger.reverts(ledger.pledges.functions.recordPledge(on_wallet, 0, deadline, own_signature), "bank",
                   "PledgesInvalidSignature", first.address)
    # Each consent still pledges exactly what it names.
    ledger.send(ledger.pledges.functions.recordPledge(for_first, 0, deadline, signature), "bank")
    ledger.send(ledger.pledges.functions.recordPledge(own, 0, deadline, own_signature), "bank")


def test_a_suspended_pledgor_cannot_extend_a_pledge(ledger: Ledger) -> None:
    p = ledger.pledges.functions
    certificate_id = ledger.issue(holder="merchant_b")
    pledge_id = ledger.record_pledge("merchant_b", "bank", certificate_id)
    new_maturity = pledge(ledger, pledge_id)["maturity"] + YEAR
    nonce = p.nonces(ledger.address("merchant_b")).call()
    deadline = ledger.now() + DAY
    signature = ledger.extension_signature("merchant_b", pledge_id, new_maturity, nonce, deadline)
    ledger.send(ledger.consortium.functions.suspendMember(ledger.address("merchant_b"), keccak(text="audit")), "admin")
    ledger.reverts(p.extendPledge(pledge_id, new_maturity, nonce, deadline, signature), "bank",
                   "ConsortiumMemberSuspended", "merchant_b")
    ledger.send(ledger.consortium.functions.reinstateMember(ledger.address("merchant_b")), "admin")
    ledger.send(p.extendPledge(pledge_id, new_maturity, nonce, deadline, signature), "bank")
