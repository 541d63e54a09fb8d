"""Rights: who owns which share of each right, transfer registrations, and licences, on a real chain."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.context import LedgerContext
from ledger.errors import ContractRevertError, NotFoundError, ValidationError
from ledger.inputs import add_duration, parse_moment, parse_right, parse_shares, resolve_party
from ledger.licences import (
    grant_licence,
    licence_period,
    licences_of,
    revoke_licence,
    show_licence,
    terms_hash_of,
)
from ledger.pledges import record_pledge, sign_consent
from ledger.rights import Right, show_rights, transfer_shares
from tests.finance.support import (  # noqa: F401 - fixtures
    DAY,
    YEAR,
    FinanceChain,
    advance,
    block_number,
    chain_fixture,
    finance_chain_fixture,
    issue_certificate,
    issued_certificate,
    ledger_fixture,
    now,
)

TERMS = "0x" + "ab" * 32


def _holdings(ledger: LedgerContext, certificate_id: int, right: Right) -> dict[str, int]:
    rights = show_rights(ledger, certificate_id)
    return {holding.name or holding.owner: holding.shares for holding in rights.holdings(right)}


# --- input ---------------------------------------------------------------------------------------


def test_a_percentage_becomes_basis_points_exactly() -> None:
    assert parse_shares(percent="40") == 4000
    assert parse_shares(percent="12.5%") == 1250
    assert parse_shares(shares=1) == 1


@given(st.integers(min_value=1, max_value=10_000))
def test_every_basis_point_count_has_an_exact_percentage(shares: int) -> None:
    assert parse_shares(percent=str(Decimal(shares) / 100)) == shares


@pytest.mark.parametrize(
    ("shares", "percent", "message"),
    [
        (None, None, "give the shares either as --shares N"),
        (10, "5", "give the shares either as --shares N"),
        (0, None, "between 1 and 10000"),
        (10_001, None, "between 1 and 10000"),
        (None, "0.001", "not a whole number of basis points"),
        (None, "forty", "--percent must be a number"),
    ],
)
def test_bad_shares_are_refused_with_what_to_do(shares: int | None, percent: str | None, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_shares(shares=shares, percent=percent)


def test_rights_are_named_by_word_or_prefix() -> None:
    assert parse_right("Operation") is Right.OPERATION
    assert parse_right("dev") is Right.DEVELOPMENT
    with pytest.raises(ValidationError, match="use holding, development or operation"):
        parse_right("usage")


def test_durations_follow_the_calendar() -> None:
    start = parse_moment("2024-01-31", 0)
    assert add_duration(start, "1m") == parse_moment("2024-02-29", 0)
    assert add_duration(start, "1y") == parse_moment("2025-01-31", 0)
    assert add_duration(start, "30d") == start + 30 * DAY
    with pytest.raises(ValidationError, match="is not a duration"):
        add_duration(start, "soon")


def test_a_mistyped_checksum_address_is_refused(ledger: LedgerContext) -> None:
    good = ledger.address_of("merchant-b")
    assert resolve_party(ledger, "merchant-b") == good
    assert resolve_party(ledger, good.lower()) == good
    first_letter = next(i for i, char in enumerate(good) if i >= 2 and char.isalpha())
    typo = good[:first_letter] + good[first_letter].swapcase() + good[first_letter + 1:]
    with pytest.raises(ValidationError, match="wrong checksum"):
        resolve_party(ledger, typo)
    with pytest.raises(NotFoundError, match="no account or member named 'nobody'"):
        resolve_party(ledger, "nobody")


# --- holdings and transfers ---------------------------------------------------------------------------


def test_an_issued_certificate_gives_its_holder_all_three_rights(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    rights = show_rights(ledger, certificate_id)
    assert rights.in_force and rights.status == "issued"
    assert rights.block_hash == "0x" + bytes(ledger.w3.eth.get_block(rights.block_number)["hash"]).hex()
    for item in rights.rights:
        (holding,) = item.holdings
        assert (holding.name, holding.shares, holding.pledged, holding.transferable) == ("merchant-a", 10_000, 0, 10_000)


def test_a_transfer_splits_the_right_and_shares_still_sum_to_10000(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    done = transfer_shares(ledger, certificate_id, "operation", "merchant-c", parse_shares(percent="40"), as_="merchant-a")
    assert (done.sender_shares_after, done.recipient_shares_after) == (6000, 4000)
    assert _holdings(ledger, certificate_id, Right.OPERATION) == {"merchant-a": 6000, "merchant-c": 4000}
    assert _holdings(ledger, certificate_id, Right.HOLDING) == {"merchant-a": 10_000}


def test_reading_at_an_earlier_block_shows_the_holdings_then(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    before = block_number(ledger)
    transfer_shares(ledger, certificate_id, "holding", "merchant-b", 2500, as_="merchant-a")
    then = show_rights(ledger, certificate_id, block=before)
    assert [(h.name, h.shares) for h in then.holdings(Right.HOLDING)] == [("merchant-a", 10_000)]


def test_transferring_pledged_shares_is_refused_naming_the_pledge_and_nothing_is_sent(
    ledger: LedgerContext,
) -> None:
    certificate_id = issued_certificate(ledger)
    maturity = now(ledger) + YEAR
    consent = sign_consent(
        ledger, certificate_id, "holding", 7000, "bank", "1000000.00", "CNY", maturity, as_="merchant-a"
    )
    pledge = record_pledge(ledger, consent, as_="bank").pledge
    height = block_number(ledger)
    with pytest.raises(ContractRevertError) as refused:
        transfer_shares(ledger, certificate_id, "holding", "merchant-b", 3001, as_="merchant-a")
    error = refused.value
    bank = ledger.address_of("bank")
    assert error.name == "RightsSharesPledged"
    assert error.args_by_name == {
        "certificateId": certificate_id,
        "right": 0,
        "owner": ledger.address_of("merchant-a"),
        "transferable": 3000,
        "requested": 3001,
        "pledgeId": pledge.pledge_id,
        "pledgee": bank,
        "maturity": maturity,
    }
    assert str(error).startswith(
        f"the shares are pledged to bank ({bank}) under pledge #{pledge.pledge_id} until "
    )
    assert str(error).endswith("release the pledge first")
    assert block_number(ledger) == height
    # The free part still moves.
    transfer_shares(ledger, certificate_id, "holding", "merchant-b", 3000, as_="merchant-a")
    assert _holdings(ledger, certificate_id, Right.HOLDING) == {"merchant-a": 7000, "merchant-b": 3000}


@pytest.mark.parametrize(
    ("to", "shares", "acting", "message"),
    [
        ("auditor", 100, "merchant-a", "is neither a MERCHANT nor a BANK member"),
        ("admin", 100, "merchant-a", "is not a member of the consortium"),
        ("merchant-a", 100, "merchant-a", "cannot transfer shares to itself"),
        ("merchant-b", 100, "merchant-c", "holds 0 shares of the development right"),
    ],
)
def test_bad_transfers_are_refused_before_anything_is_sent(
    ledger: LedgerContext, to: str, shares: int, acting: str, message: str
) -> None:
    certificate_id = issued_certificate(ledger)
    height = block_number(ledger)
    with pytest.raises(ValidationError, match=message):
        transfer_shares(ledger, certificate_id, "development", to, shares, as_=acting)
    assert block_number(ledger) == height


def test_nothing_moves_under_a_suspended_certificate(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    ledger.send("Certificates", "suspend", certificate_id, b"\x01" * 32, as_="registrar")
    with pytest.raises(ValidationError, match=f"certificate {certificate_id} is not in force: it is suspended"):
        transfer_shares(ledger, certificate_id, "holding", "merchant-b", 1, as_="merchant-a")
    assert show_rights(ledger, certificate_id).holdings(Right.HOLDING)[0].transferable == 0


def test_an_unknown_certificate_is_not_found(ledger: LedgerContext) -> None:
    with pytest.raises(NotFoundError, match="certificate 999 does not exist"):
        show_rights(ledger, 999)


# --- licences -------------------------------------------------------------------------------------------


def test_a_licence_for_a_year_is_live_and_shows_its_terms(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    start, end = licence_period(now(ledger), None, None, "1y")
    granted = grant_licence(
        ledger, certificate_id, "development", "merchant-b", TERMS, start=start, end=end, as_="merchant-a"
    )
    licence = granted.licence
    assert (licence.right, licence.licensee, licence.state) == (Right.DEVELOPMENT, ledger.address_of("merchant-b"), "live")
    assert licence.terms_hash == TERMS
    assert [item.licence_id for item in licences_of(ledger, certificate_id)] == [licence.licence_id]
    assert show_licence(ledger, licence.licence_id) == licence


def test_terms_given_as_a_file_are_hashed(tmp_path: pytest.TempPathFactory) -> None:
    terms = tmp_path / "terms.pdf"  # type: ignore[operator]
    terms.write_bytes(b"licence terms v1")
    from eth_utils.crypto import keccak

    assert terms_hash_of(str(terms)) == keccak(b"licence terms v1")
    with pytest.raises(ValidationError, match="is not a 0x hash of 64 hex digits or a readable file"):
        terms_hash_of(str(tmp_path / "missing.pdf"))  # type: ignore[operator]


def test_an_exclusive_licence_in_the_way_is_the_contracts_refusal_decoded(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    start, end = licence_period(now(ledger), None, None, "1y")
    first = grant_licence(
        ledger, certificate_id, "operation", "merchant-b", TERMS, start=start, end=end, exclusive=True,
        as_="merchant-a",
    ).licence
    height = block_number(ledger)
    with pytest.raises(ContractRevertError) as refused:
        grant_licence(ledger, certificate_id, "operation", "merchant-c", TERMS, start=start, end=end, as_="merchant-a")
    assert (refused.value.name, refused.value.args_by_name) == ("RightsExclusiveConflict", {"licenceId": first.licence_id})
    assert "one of the two is exclusive" in str(refused.value)
    assert block_number(ledger) == height


def test_revoking_a_licence_revokes_its_sublicences(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    start, end = licence_period(now(ledger), None, None, "1y")
    parent = grant_licence(
        ledger, certificate_id, "development", "merchant-b", TERMS, start=start, end=end, sublicensable=True,
        as_="merchant-a",
    ).licence
    child = grant_licence(
        ledger, certificate_id, "development", "merchant-c", TERMS, start=start, end=end - DAY,
        parent=parent.licence_id, as_="merchant-b",
    ).licence
    assert child.parent_id == parent.licence_id
    with pytest.raises(ContractRevertError, match="may not revoke licence 1: only its grantor may"):
        revoke_licence(ledger, parent.licence_id, as_="merchant-b")
    revoked = revoke_licence(ledger, parent.licence_id, reason="breach of terms", as_="merchant-a")
    assert revoked.revoked == [parent.licence_id, child.licence_id]
    assert [item.state for item in licences_of(ledger, certificate_id)] == ["revoked", "revoked"]


def test_a_sublicence_under_a_closed_licence_is_the_contracts_refusal(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    start, end = licence_period(now(ledger), None, None, "6m")
    parent = grant_licence(
        ledger, certificate_id, "development", "merchant-b", TERMS, start=start, end=end, as_="merchant-a"
    ).licence
    with pytest.raises(ContractRevertError) as refused:
        grant_licence(
            ledger, certificate_id, "development", "merchant-c", TERMS, start=start, end=end,
            parent=parent.licence_id, as_="merchant-b",
        )
    assert (refused.value.name, refused.value.args_by_name) == (
        "RightsNotSublicensable", {"licenceId": parent.licence_id}
    )


def test_the_holding_right_cannot_be_licensed(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    with pytest.raises(ValidationError, match="holding right cannot be licensed"):
        grant_licence(ledger, certificate_id, "holding", "merchant-b", TERMS, end=now(ledger) + YEAR, as_="merchant-a")


def test_a_licence_period_must_end_in_the_future() -> None:
    with pytest.raises(ValidationError, match="give the end of the licence either"):
        licence_period(1_000, None, None, None)
    with pytest.raises(ValidationError, match="which has passed"):
        licence_period(parse_moment("2030-01-01", 0), "2020-01-01", "2021-01-01", None)
    # Without --from the licence starts at its grant: no start is sent, the contract takes the block's time.
    assert licence_period(parse_moment("2030-01-01", 0), None, None, "1y") == (
        None, parse_moment("2031-01-01", 0)
    )


def test_members_without_a_local_account_are_named_by_their_display_name(ledger: LedgerContext) -> None:
    from eth_account import Account
    from eth_utils.crypto import keccak

    from ledger.accounts import DEVELOPMENT_MNEMONIC
    from ledger.parties import party_label, party_names

    Account.enable_unaudited_hdwallet_features()
    outsider = Account.from_mnemonic(DEVELOPMENT_MNEMONIC, account_path="m/44'/60'/0'/0/14").address
    ledger.send("Consortium", "addMember", outsider, keccak(text="USCC:ningbo"), "Bank of Ningbo", 4, as_="admin")
    names = party_names(ledger)
    assert party_label(outsider, names) == f"Bank of Ningbo ({outsider})"
    assert names[ledger.address_of("bank")] == "bank"  # the local account name wins where there is one


OWNERS = ("merchant-a", "merchant-b", "merchant-c", "bank")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(OWNERS), st.sampled_from(OWNERS), st.integers(1, 12_000)), max_size=6))
def test_any_sequence_of_transfers_keeps_each_right_whole(
    chain: FinanceChain, moves: list[tuple[str, str, int]]
) -> None:
    ledger = chain.context()
    snapshot = ledger.w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    try:
        certificate_id = issued_certificate(ledger)
        model = dict.fromkeys(OWNERS, 0) | {"merchant-a": 10_000}
        for sender, recipient, shares in moves:
            valid = sender != recipient and 0 < shares <= min(model[sender], 10_000)
            if valid:
                transfer_shares(ledger, certificate_id, "development", recipient, shares, as_=sender)
                model[sender] -= shares
                model[recipient] += shares
            else:
                with pytest.raises(ValidationError):
                    transfer_shares(ledger, certificate_id, "development", recipient, shares, as_=sender)
        answer = show_rights(ledger, certificate_id)
        held = {holding.name: holding.shares for holding in answer.holdings(Right.DEVELOPMENT)}
        assert held == {owner: shares for owner, shares in model.items() if shares}
        assert [item.total for item in answer.rights] == [10_000, 10_000, 10_000]
    finally:
        ledger.w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
