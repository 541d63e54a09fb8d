"""Pledges: the pledgor's EIP-712 consent, recording by the bank, ranking, release, extension, realisation."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.consent import (
    ExtensionConsent,
    PledgeConsent,
    RealisationConsent,
    read_consent_file,
    reference_bytes,
    reference_text,
)
from ledger.context import LedgerContext
from ledger.errors import ContractRevertError, NotFoundError, ValidationError
from ledger.inputs import CURRENCY_EXPONENTS, format_amount, parse_amount
from ledger.pledges import (
    consent_to_act,
    extend_pledge,
    list_pledges,
    realise_pledge,
    record_pledge,
    release_pledge,
    show_pledge,
    sign_consent,
    sign_extension,
    sign_realisation,
)
from ledger.rights import Right, show_rights, transfer_shares
from ledger.types import RealisationMethod
from tests.finance.support import (  # noqa: F401 - fixtures
    DAY,
    YEAR,
    advance,
    block_number,
    chain_fixture,
    finance_chain_fixture,
    issue_certificate,
    issued_certificate,
    ledger_fixture,
    now,
)


def _consent(ledger: LedgerContext, certificate_id: int, *, shares: int = 6000, bank: str = "bank",
             right: str = "holding", maturity_in: int = YEAR, **options: Any) -> PledgeConsent:
    return sign_consent(
        ledger, certificate_id, right, shares, bank, options.pop("amount", "1000000.00"),
        options.pop("currency", "CNY"), now(ledger) + maturity_in, as_="merchant-a", **options,
    )


# --- amounts and references -----------------------------------------------------------------------------


def test_amounts_become_exact_minor_units() -> None:
    assert parse_amount("1000000.00", "CNY") == 100_000_000
    assert parse_amount("1,234.5", "usd") == 123_450
    assert parse_amount("1500", "JPY") == 1500
    assert parse_amount("1.234", "KWD") == 1234
    assert format_amount(100_000_000, "CNY") == "1000000.00"


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("1000.5", "JPY", "more decimals than JPY allows"),
        ("0.001", "CNY", "more decimals than CNY allows"),
        ("0", "CNY", "greater than zero"),
        ("ten", "CNY", "is not a number"),
        ("10", "XYZ", "unknown currency"),
    ],
)
def test_bad_amounts_are_refused(amount: str, currency: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_amount(amount, currency)


@given(
    st.sampled_from(sorted(CURRENCY_EXPONENTS)),
    st.integers(min_value=1, max_value=10**12),
)
def test_amounts_round_trip_through_minor_units(currency: str, minor: int) -> None:
    assert parse_amount(format_amount(minor, currency), currency) == minor
    assert Decimal(format_amount(minor, currency)).as_tuple().exponent == -CURRENCY_EXPONENTS[currency]


def test_a_short_reference_is_kept_as_readable_text() -> None:
    assert reference_text(reference_bytes("ZDW-2026-000123")) == "ZDW-2026-000123"
    assert reference_text(reference_bytes(None)) is None
    digest = "0x" + "5a" * 32
    assert reference_text(reference_bytes(digest)) == digest
    with pytest.raises(ValidationError, match="at most 31 fit on chain"):
        reference_bytes("x" * 32)


# --- the consent ------------------------------------------------------------------------------------------


def test_the_consent_digest_is_the_contracts_hash_consent(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    consent = _consent(ledger, certificate_id, reference="ZDW-2026-000123")
    on_chain = ledger.call(
        "Pledges", "hashConsent", consent.pledgee, consent.terms(), consent.senior_pledge_id, consent.deadline
    )
    assert consent.digest() == bytes(on_chain)
    assert consent.recovered_signer() == ledger.address_of("merchant-a")


def test_the_extension_digest_is_the_contracts_hash_extension(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    pledge = record_pledge(ledger, _consent(ledger, certificate_id), as_="bank").pledge
    extension = sign_extension(ledger, pledge.pledge_id, pledge.maturity + YEAR, as_="merchant-a")
    on_chain = ledger.call(
        "Pledges", "hashExtension", pledge.pledge_id, extension.new_maturity, extension.nonce, extension.deadline
    )
    assert extension.digest() == bytes(on_chain)


def test_a_consent_survives_its_file_unchanged(ledger: LedgerContext, tmp_path: Path) -> None:
    certificate_id = issued_certificate(ledger)
    consent = _consent(ledger, certificate_id)
    path = tmp_path / "consent.json"
    path.write_text(json.dumps(consent.to_document()))
    assert PledgeConsent.from_document(read_consent_file(path)) == consent


@pytest.mark.parametrize(
    ("where", "key", "value", "message"),
    [
        ("message", "amount", "1", "summary does not match the signed terms"),
        ("summary", "amount", "1.00", "summary does not match the signed terms"),
        ("message", "shares", "10000", "summary does not match the signed terms"),
        ("signature", None, "0x" + "11" * 65, "signature is not"),
        ("message", "currency", "0x12", "message.currency must be 3 bytes"),
    ],
)
def test_an_edited_consent_file_is_refused(
    ledger: LedgerContext, where: str, key: str | None, value: str, message: str
) -> None:
    certificate_id = issued_certificate(ledger)
    document = _consent(ledger, certificate_id).to_document()
    if key is None:
        document[where] = value
    else:
        document[where][key] = value
    if where == "message" and key in ("amount", "shares"):
        # A careful forger fixes the summary too: then the signature no longer matches.
        tampered = dict(document)
        tampered["summary"] = dict(document["summary"])
        tampered["summary"][key] = format_amount(int(value), "CNY") if key == "amount" else int(value)
        with pytest.raises(ValidationError, match="signature is not"):
            PledgeConsent.from_document(tampered)
    with pytest.raises(ValidationError, match=message):
        PledgeConsent.from_document(document)


def test_a_consent_names_a_bank_and_shares_the_pledgor_holds(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    with pytest.raises(ValidationError, match="is not an active BANK member"):
        _consent(ledger, certificate_id, bank="merchant-b")
    with pytest.raises(ValidationError, match="cannot pledge shares to itself"):
        _consent(ledger, certificate_id, bank="merchant-a")
    transfer_shares(ledger, certificate_id, "holding", "merchant-b", 5000, as_="merchant-a")
    with pytest.raises(ValidationError, match="holds 5000 shares of the holding right .* fewer than the 6000"):
        _consent(ledger, certificate_id)
    with pytest.raises(ValidationError, match="has passed"):
        _consent(ledger, certificate_id, shares=100, maturity_in=-DAY)


# --- recording --------------------------------------------------------------------------------------------


def test_the_bank_records_a_consented_pledge_and_the_shares_are_locked(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    with pytest.raises(ContractRevertError, match="public registration must have a number, a registration time"):
        record_pledge(ledger, _consent(ledger, certificate_id, reference="ZDW-2026-000123"), as_="bank")
    registered = now(ledger) - DAY
    consent = _consent(ledger, certificate_id, reference="ZDW-2026-000123", registered_at=registered,
                       registration_expiry=registered + 2 * YEAR)
    written = record_pledge(ledger, consent, as_="bank")
    pledge = written.pledge
    assert (pledge.status, pledge.rank, pledge.shares, pledge.amount, pledge.currency) == (
        "active", 1, 6000, 100_000_000, "CNY"
    )
    assert pledge.amount_text == "1000000.00"
    assert reference_text(pledge.external_ref) == "ZDW-2026-000123"
    assert (pledge.registered_at, pledge.registration_expiry) == (registered, registered + 2 * YEAR)
    assert pledge.maturity == consent.maturity
    (holding,) = show_rights(ledger, certificate_id).holdings(Right.HOLDING)
    assert (holding.shares, holding.pledged, holding.transferable) == (10_000, 6000, 4000)


def test_pledges_on_one_right_rank_by_recording_order(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    first = record_pledge(ledger, _consent(ledger, certificate_id, shares=6000), as_="bank").pledge
    second = record_pledge(ledger, _consent(ledger, certificate_id, shares=8000, bank="bank-b"), as_="bank-b").pledge
    pledges = list_pledges(ledger, certificate_id)
    assert [(p.pledge_id, p.rank, p.pledgee) for p in pledges] == [
        (first.pledge_id, 1, ledger.address_of("bank")),
        (second.pledge_id, 2, ledger.address_of("bank-b")),
    ]
    assert pledges[1].active_seniors == [first.pledge_id]
    release_pledge(ledger, first.pledge_id, as_="bank")
    assert show_pledge(ledger, second.pledge_id).rank == 1


@pytest.mark.parametrize("fault", ["expired", "reused", "other bank", "other chain"])
def test_a_consent_that_cannot_be_used_is_refused_before_anything_is_sent(
    ledger: LedgerContext, fault: str
) -> None:
    certificate_id = issued_certificate(ledger)
    consent = _consent(ledger, certificate_id, valid_for="1h")
    acting = "bank"
    if fault == "expired":
        advance(ledger, 2 * 3600)
        expected = "the consent expired on"
    elif fault == "reused":
        record_pledge(ledger, consent, as_="bank")
        expected = "the consent was already used"
    elif fault == "other bank":
        acting = "bank-b"
        expected = "this consent is for bank"
    else:
        from dataclasses import replace

        from ledger.consent import Domain

        consent = replace(consent, domain=Domain(chain_id=1, verifying_contract=consent.domain.verifying_contract))
        expected = "this consent was signed for chain 1"
    height = block_number(ledger)
    with pytest.raises(ValidationError, match=expected):
        record_pledge(ledger, consent, as_=acting)
    assert block_number(ledger) == height


def test_an_unknown_pledge_is_not_found(ledger: LedgerContext) -> None:
    with pytest.raises(NotFoundError, match="pledge 42 does not exist"):
        show_pledge(ledger, 42)


# --- ends ------------------------------------------------------------------------------------------------


def test_a_released_pledge_frees_its_shares(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    pledge = record_pledge(ledger, _consent(ledger, certificate_id), as_="bank").pledge
    with pytest.raises(ValidationError, match="only that bank may release it"):
        release_pledge(ledger, pledge.pledge_id, as_="bank-b")
    released = release_pledge(ledger, pledge.pledge_id, as_="bank").pledge
    assert (released.status, released.rank) == ("released", None)
    transfer_shares(ledger, certificate_id, "holding", "merchant-b", 10_000, as_="merchant-a")
    with pytest.raises(ValidationError, match="is already released"):
        release_pledge(ledger, pledge.pledge_id, as_="bank")


def test_both_parties_extend_a_pledge(ledger: LedgerContext, tmp_path: Path) -> None:
    certificate_id = issued_certificate(ledger)
    pledge = record_pledge(ledger, _consent(ledger, certificate_id), as_="bank").pledge
    new_maturity = pledge.maturity + 180 * DAY
    extension = sign_extension(ledger, pledge.pledge_id, new_maturity, as_="merchant-a")
    path = tmp_path / "ext.json"
    path.write_text(json.dumps(extension.to_document()))
    extension = ExtensionConsent.from_document(read_consent_file(path))
    extended = extend_pledge(ledger, pledge.pledge_id, extension, as_="bank").pledge
    assert (extended.status, extended.maturity) == ("active", new_maturity)
    with pytest.raises(ValidationError, match="must move it later"):
        sign_extension(ledger, pledge.pledge_id, new_maturity, as_="merchant-a")
    with pytest.raises(ValidationError, match="only that pledgor signs its extension"):
        sign_extension(ledger, pledge.pledge_id, new_maturity + DAY, as_="merchant-b")


def test_a_matured_pledge_is_realised_at_auction_to_a_buyer_with_its_price(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    pledge = record_pledge(ledger, _consent(ledger, certificate_id, maturity_in=30 * DAY), as_="bank").pledge
    record = "0x" + "ab" * 32
    with pytest.raises(ContractRevertError, match="it cannot be realised before"):
        realise_pledge(ledger, pledge.pledge_id, method="auction", price="1200000.00", document=record, as_="bank")
    advance(ledger, 31 * DAY)
    with pytest.raises(ContractRevertError, match="cannot go back to the pledgor"):
        realise_pledge(ledger, pledge.pledge_id, method="auction", price="1200000.00", document=record,
                       buyer="merchant-a", as_="bank")
    with pytest.raises(ValidationError, match="needs its price"):
        realise_pledge(ledger, pledge.pledge_id, method="court-ruling", as_="bank")
    with pytest.raises(ValidationError, match="unknown realisation method 'forfeit'"):
        realise_pledge(ledger, pledge.pledge_id, method="forfeit", as_="bank")
    realised = realise_pledge(ledger, pledge.pledge_id, method="auction", price="1200000.00", document=record,
                              buyer="merchant-c", as_="bank").pledge
    assert realised.status == "realised" and realised.realisation is not None
    done = realised.realisation
    assert (done.method, done.buyer, done.shares, done.price, done.surplus, done.shortfall, done.document_hash) == (
        RealisationMethod.AUCTION, ledger.address_of("merchant-c"), 6000, 120_000_000, 20_000_000, 0, record
    )
    row = realised.row({})
    assert row["realisation"]["as"] == "auction (拍卖)"
    assert row["realisation"]["surplus_to_pledgor"] == "200000.00"
    holders = {h.name: h.shares for h in show_rights(ledger, certificate_id).holdings(Right.HOLDING)}
    assert holders == {"merchant-a": 4000, "merchant-c": 6000}


def test_an_agreed_price_is_signed_by_the_pledgor_and_carried_to_the_bank_in_a_file(
    ledger: LedgerContext, tmp_path: Path
) -> None:
    certificate_id = issued_certificate(ledger)
    pledge = record_pledge(ledger, _consent(ledger, certificate_id, maturity_in=30 * DAY), as_="bank").pledge
    advance(ledger, 31 * DAY)
    agreement = tmp_path / "agreement.pdf"
    agreement.write_bytes(b"price agreement: 800000.00 CNY")
    with pytest.raises(ValidationError, match="only that pledgor agrees to a price"):
        sign_realisation(ledger, pledge.pledge_id, buyer="bank", price="800000.00", document=str(agreement),
                         as_="merchant-b")
    with pytest.raises(ValidationError, match="needs the pledgor's signed agreement"):
        realise_pledge(ledger, pledge.pledge_id, method="agreed-price", as_="bank")
    signed = sign_realisation(ledger, pledge.pledge_id, buyer="bank", price="800000.00", document=str(agreement),
                              as_="merchant-a")
    path = tmp_path / "realisation.json"
    path.write_text(json.dumps(signed.to_document()))
    document = json.loads(path.read_text())
    document["message"]["price"] = "1"
    with pytest.raises(ValidationError, match="was altered"):
        RealisationConsent.from_document(document)
    consent = RealisationConsent.from_document(read_consent_file(path))
    realised = realise_pledge(ledger, pledge.pledge_id, method="agreed-price", consent=consent, as_="bank").pledge
    assert realised.realisation is not None
    assert (realised.realisation.method, realised.realisation.shortfall) == (RealisationMethod.AGREED_PRICE,
                                                                             20_000_000)


def test_pledged_shares_are_licensed_once_the_pledgee_consents(ledger: LedgerContext) -> None:
    from ledger.licences import grant_licence, licence_act_hash

    certificate_id = issued_certificate(ledger)
    pledge = record_pledge(ledger, _consent(ledger, certificate_id, right="development"), as_="bank").pledge
    end = now(ledger) + YEAR
    planned = {"start": None, "end": end}
    act = licence_act_hash(ledger, certificate_id, "development", "merchant-b", "0x" + "cd" * 32, **planned)
    with pytest.raises(ContractRevertError, match="its pledgee bank .* must first consent to this act"):
        grant_licence(ledger, certificate_id, "development", "merchant-b", "0x" + "cd" * 32, **planned,
                      as_="merchant-a")
    consent_to_act(ledger, pledge.pledge_id, act, as_="bank")
    granted = grant_licence(ledger, certificate_id, "development", "merchant-b", "0x" + "cd" * 32, **planned,
                            as_="merchant-a")
    assert granted.licence.state == "live"


def test_a_junior_pledge_waits_for_the_senior_one(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    senior = record_pledge(ledger, _consent(ledger, certificate_id, shares=6000, maturity_in=60 * DAY), as_="bank").pledge
    junior = record_pledge(
        ledger, _consent(ledger, certificate_id, shares=8000, bank="bank-b", maturity_in=30 * DAY), as_="bank-b"
    ).pledge
    advance(ledger, 31 * DAY)
    height = block_number(ledger)
    with pytest.raises(ContractRevertError) as refused:
        realise_pledge(ledger, junior.pledge_id, method="sale", price="900000.00", document="0x" + "11" * 32,
                       as_="bank-b")
    assert (refused.value.name, refused.value.args_by_name) == (
        "PledgesSeniorPledgeOutstanding", {"pledgeId": junior.pledge_id, "seniorPledgeId": senior.pledge_id}
    )
    assert f"pledge #{senior.pledge_id} ranks ahead of pledge #{junior.pledge_id}" in str(refused.value)
    assert block_number(ledger) == height


def test_every_rights_and_pledges_refusal_reads_as_a_sentence() -> None:
    from ledger.chain.revert import MESSAGES, RevertDecoder, render_message

    samples = {"address": "0x" + "00" * 20, "bytes3": "0x434e59", "bytes32": "0x" + "00" * 32}
    checked = 0
    for spec in RevertDecoder.from_artifacts().errors.values():
        if not spec.name.startswith(("Rights", "Pledges")):
            continue
        assert spec.name in MESSAGES, f"{spec.signature} has no message template"
        args = {name: samples.get(kind, 1) for name, kind in zip(spec.arg_names, spec.types, strict=True)}
        assert not render_message(spec.name, args).startswith("the contract refused"), spec.signature
        checked += 1
    assert checked >= 30
