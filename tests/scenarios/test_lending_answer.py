"""A bank's lending answer over a certificate's life: three merchants, two banks, transfers, an exclusive and a
non-exclusive licence, a senior and a junior pledge; checked at the head and at moments between the events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from ledger.catalog import parse_catalog_entry
from ledger.context import LedgerContext
from ledger.errors import ValidationError
from ledger.hashing import record_hash
from ledger.licences import grant_licence
from ledger.pledges import record_pledge, sign_consent
from ledger.rights import transfer_shares
from ledger.verify import Verification, verify_certificate
from tests.finance.support import (  # noqa: F401 - fixtures
    CATALOG,
    YEAR,
    FinanceChain,
    block_number,
    chain_fixture,
    finance_chain_fixture,
    issue_certificate,
    issued_certificate,
    ledger_fixture,
    now,
)


@dataclass(frozen=True)
class Story:
    certificate_id: int
    issued: int  # block after issue
    transferred: int  # block after the transfers
    licensed: int  # block after the licences
    senior: int  # pledge id of the senior pledge (bank)
    senior_block: int
    junior: int  # pledge id of the junior pledge (bank-b)
    exclusive_licence: int
    open_licence: int


def _pledge(ledger: LedgerContext, certificate_id: int, pledgor: str, shares: int, bank: str, amount: str,
            registered_ago: int = 60) -> int:
    """A pledge publicly registered ``registered_ago`` seconds ago (for a term of two years)."""
    registered = now(ledger) - registered_ago
    consent = sign_consent(ledger, certificate_id, "holding", shares, bank, amount, "CNY", now(ledger) + YEAR,
                           reference=f"LOAN-{bank}", registered_at=registered,
                           registration_expiry=registered + 2 * YEAR, as_=pledgor)
    return record_pledge(ledger, consent, as_=bank).pledge.pledge_id


def play(ledger: LedgerContext) -> Story:
    """merchant-a's certificate: 30% of the holding right to merchant-b, 40% of the operation right to
    merchant-c; an exclusive development licence to merchant-b, a non-exclusive operation licence from
    merchant-c to merchant-a; merchant-a pledges 40% of the holding right to bank, then 20% to bank-b."""
    certificate_id = issue_certificate(ledger, catalog_hash=record_hash(parse_catalog_entry(CATALOG)))
    issued = block_number(ledger)
    transfer_shares(ledger, certificate_id, "holding", "merchant-b", 3000, as_="merchant-a")
    transfer_shares(ledger, certificate_id, "operation", "merchant-c", 4000, as_="merchant-a")
    transferred = block_number(ledger)
    exclusive = grant_licence(ledger, certificate_id, "development", "merchant-b", "0x" + "ab" * 32,
                              end=now(ledger) + YEAR, exclusive=True, as_="merchant-a").licence.licence_id
    open_licence = grant_licence(ledger, certificate_id, "operation", "merchant-a", "0x" + "cd" * 32,
                                 end=now(ledger) + YEAR, as_="merchant-c").licence.licence_id
    licensed = block_number(ledger)
    # bank-b registered its pledge publicly before bank did, but recorded it on chain after.
    senior = _pledge(ledger, certificate_id, "merchant-a", 4000, "bank", "5000000.00", registered_ago=3600)
    senior_block = block_number(ledger)
    junior = _pledge(ledger, certificate_id, "merchant-a", 2000, "bank-b", "1200000.50", registered_ago=7200)
    return Story(certificate_id, issued, transferred, licensed, senior, senior_block, junior, exclusive, open_licence)


def _holders(answer: Verification, right: int) -> dict[str, tuple[int, int, int, int]]:
    """name -> (shares, free, pledged, licensed) for one right of the answer."""
    item = answer.summary()["rights"][right]
    return {
        holder["owner"].split(" ")[0]: (holder["shares"], holder["free"], holder["pledged"], holder["licensed"])
        for holder in item["holders"]
    }


def _room(answer: Verification) -> list[str]:
    return [room["sentence"] for room in answer.summary()["security"]["room"]]


def test_the_answer_at_the_head_gives_holders_pledges_licences_and_room_for_the_asking_bank(
    ledger: LedgerContext,
) -> None:
    story = play(ledger)
    a, b = ledger.address_of("merchant-a"), ledger.address_of("merchant-b")
    answer = verify_certificate(ledger, story.certificate_id, bank="bank-b")
    assert answer.lendable, answer.reasons
    assert _holders(answer, 0) == {"merchant-a": (7000, 1000, 6000, 0), "merchant-b": (3000, 3000, 0, 0)}
    assert _holders(answer, 1) == {"merchant-a": (10000, 10000, 0, 10000)}
    assert _holders(answer, 2) == {"merchant-a": (6000, 6000, 0, 0), "merchant-c": (4000, 4000, 0, 4000)}
    summary = answer.summary()
    rights = summary["rights"]
    assert [item["exclusive_licence"] for item in rights] == [False, True, False]
    assert [item["licences_in_force"] for item in rights] == [[], [story.exclusive_licence], [story.open_licence]]
    assert rights[0]["pledges"] == [story.senior, story.junior]
    assert [(row["pledge"], row["rank"], row["pledgee"].split(" ")[0], row["amount"], row["currency"],
             row["registration"]) for row in summary["pledges"]] == [
        (story.senior, 1, "bank", "5000000.00", "CNY", "LOAN-bank"),
        (story.junior, 2, "bank-b", "1200000.50", "CNY", "LOAN-bank-b"),
    ]
    assert all(row["maturity"].endswith("Z") for row in summary["pledges"])
    # Priority in law follows the public registration (art. 414): the answer warns that the chain's order differs.
    (warning,) = summary["warnings"]
    assert warning.startswith(f"on the holding right, pledge #{story.junior} ranks behind pledge #{story.senior} "
                              "on chain but was publicly registered first")
    yours = "ranking behind 2 pledges (1 of them yours)"
    assert _room(answer) == [
        f"up to 1000 basis points of the holding right held by merchant-a ({a}), {yours}",
        f"up to 3000 basis points of the holding right held by merchant-b ({b}), {yours}",
    ]
    for_bank = verify_certificate(ledger, story.certificate_id, bank="bank")
    assert for_bank.summary()["security"]["for_bank"] == f"bank ({ledger.address_of('bank')})"
    assert for_bank.room()[0].behind_yours == 1


def test_answers_between_the_events_show_the_certificate_as_it_was(ledger: LedgerContext) -> None:
    story = play(ledger)
    a = ledger.address_of("merchant-a")
    at_issue = verify_certificate(ledger, story.certificate_id, block=story.issued, bank="bank")
    assert _holders(at_issue, 0) == {"merchant-a": (10000, 10000, 0, 0)}
    assert _room(at_issue) == [
        f"up to 10000 basis points of the holding right held by merchant-a ({a}), ranking behind 0 pledges"
    ]
    transferred = verify_certificate(ledger, story.certificate_id, block=story.transferred)
    assert _holders(transferred, 2) == {"merchant-a": (6000, 6000, 0, 0), "merchant-c": (4000, 4000, 0, 0)}
    assert transferred.binding_licences() == [] and transferred.binding_pledges() == []
    licensed = verify_certificate(ledger, story.certificate_id, block=story.licensed)
    assert [item["exclusive_licence"] for item in licensed.summary()["rights"]] == [False, True, False]
    senior_only = verify_certificate(ledger, story.certificate_id, block=story.senior_block, bank="bank-b")
    assert [p.pledge_id for p in senior_only.binding_pledges()] == [story.senior]
    assert _holders(senior_only, 0)["merchant-a"] == (7000, 3000, 4000, 0)
    assert _room(senior_only)[0] == (
        f"up to 3000 basis points of the holding right held by merchant-a ({a}), ranking behind 1 pledge"
    )


def test_a_member_that_is_not_a_bank_gets_not_lendable_with_the_reason(ledger: LedgerContext) -> None:
    story = play(ledger)
    answer = verify_certificate(ledger, story.certificate_id, bank="merchant-c")
    assert not answer.lendable and answer.genuine
    assert answer.reasons == [
        f"merchant-c ({ledger.address_of('merchant-c')}) is not an active BANK member, so it cannot take a pledge"
    ]
    assert answer.summary()["security"]["room"] == []


def test_a_fully_pledged_holding_right_is_not_lendable(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    _pledge(ledger, certificate_id, "merchant-a", 10000, "bank", "1.00")
    answer = verify_certificate(ledger, certificate_id, bank="bank-b")
    assert (answer.genuine, answer.lendable) == (True, False)
    assert answer.reasons == ["no share of the holding right is left to pledge: every holder's shares are pledged"]


def test_a_catalog_file_is_checked_against_the_current_version(ledger: LedgerContext, tmp_path: Path) -> None:
    story = play(ledger)
    good = tmp_path / "catalog.json"
    good.write_text(json.dumps(CATALOG))
    matching = verify_certificate(ledger, story.certificate_id, catalog_file=good)
    assert matching.lendable and matching.summary()["catalog_file"] == {
        "file": "catalog.json", "hash": matching.catalog_hash, "matches": True,
    }
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps({**CATALOG, "scale": "2 billion records"}))
    differing = verify_certificate(ledger, story.certificate_id, catalog_file=edited)
    assert not differing.lendable
    (reason,) = differing.reasons
    assert reason.startswith("the catalog file edited.json hashes to 0x") and reason.endswith(
        f"not to the catalog hash of the certificate's current version 1 ({differing.catalog_hash})"
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(ValidationError):
        verify_certificate(ledger, story.certificate_id, catalog_file=broken)
