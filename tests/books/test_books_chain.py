"""The books tied to the chain: entries anchored and proven, and `audit books` catching every drift.

Runs on the session's anvil with the development consortium (see ``workflow_chain``); each test has its own
database and its chain changes are undone.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import delete, update
from sqlmodel import Session
from typer.testing import CliRunner
from workflow_chain import (  # noqa: F401 - fixtures
    _pledge,
    chain_snapshot_fixture,
    ledger_fixture,
    workflow_chain_fixture,
    write_catalog,
)

from cli.main import app
from ledger import certificates
from ledger.books.booking import book_certificate, rights_end_of
from ledger.books.cards import open_card
from ledger.books.chain_check import pledges_at
from ledger.certificates import catalog_store
from ledger.chain.clock import DAY, YEAR, advance_time, chain_time
from ledger.context import LedgerContext
from ledger.licences import grant_licence
from ledger.numbers import registration_number
from ledger.pledges import realise_pledge
from ledger.reader import ChainReader, certificate_exists
from ledger.store.books import JournalEntry, JournalLine
from oracle.books_audit import audit_books
from oracle.service import Oracle

D = dt.date
runner = CliRunner()


def _issued(ledger: LedgerContext, tmp_path: Path, number: str = "SZDEX-BOOKS-1") -> int:
    """A certificate issued to merchant-a, in force for five years."""
    cid = certificates.apply(ledger, write_catalog(tmp_path), registrar="registrar", as_="merchant-a") \
        .certificate.certificate_id
    certificates.accept(ledger, str(cid), as_="registrar")
    certificates.publicize(ledger, str(cid), notice_seconds=DAY, as_="registrar")
    advance_time(ledger.w3, ledger.profile, DAY + 1)
    certificates.issue(ledger, str(cid), registration_number=registration_number("SZDEX", f"2025{cid:08d}"),
                       number=number, expiry=chain_time(ledger.w3) + 5 * YEAR, as_="registrar")
    return cid


def _booked(ledger: LedgerContext, tmp_path: Path) -> tuple[int, str]:
    cid = _issued(ledger, tmp_path)
    booked = book_certificate(ledger, cid, cost=120_000_000, on=D(2026, 1, 10), life="5y",
                              amortise_through="2026-06", as_="merchant-a")
    assert booked.card.certificate_id == cid and booked.card.asset_class == "intangible"
    return cid, ledger.address_of("merchant-a")


def test_booking_a_certificate_capitalises_it_and_amortises_it_within_its_validity(
    ledger: LedgerContext, tmp_path: Path,
) -> None:
    cid = _issued(ledger, tmp_path)
    booked = book_certificate(ledger, cid, cost=120_000_000, on=D(2026, 1, 10), life="5y",
                              amortise_through="2026-06", as_="merchant-a")
    assert [entry.kind for entry in booked.entries] == ["develop", "ready"] + ["amortise"] * 6
    assert booked.card.rights_end is not None
    assert {entry.lines[0].amount_minor for entry in booked.entries[2:]} == {2_000_000}


def test_anchored_entries_prove_on_chain_and_the_books_agree_with_the_chain(
    ledger: LedgerContext, tmp_path: Path,
) -> None:
    _, merchant = _booked(ledger, tmp_path)
    oracle = Oracle(ledger)
    outcomes = oracle.anchor(kinds=["accounting-entry"])
    assert [(outcome.kind, outcome.count) for outcome in outcomes] == [("accounting-entry", 8)]
    check = oracle.verify_stored("accounting-entry", 3)
    assert check.ok and check.on_chain and check.unchanged
    result = audit_books(oracle, merchant)
    assert result.ok, result.drift
    assert (result.entries_checked, result.entries_unanchored) == (8, 0)
    assert [(card.state, card.holding_shares) for card in result.cards] == [("ok", 10_000)]


def test_an_entry_edited_after_anchoring_and_a_deleted_entry_are_drift(ledger: LedgerContext, tmp_path: Path) -> None:
    _, merchant = _booked(ledger, tmp_path)
    oracle = Oracle(ledger)
    oracle.anchor(kinds=["accounting-entry"])
    with catalog_store(ledger).begin() as connection:
        connection.execute(update(JournalLine.__table__).where(  # type: ignore[attr-defined]
            JournalLine.__table__.c.entry_id == 4).values(amount_minor=1, book_amount_minor=1))  # type: ignore[attr-defined]
        connection.execute(delete(JournalLine.__table__).where(  # type: ignore[attr-defined]
            JournalLine.__table__.c.entry_id == 8))  # type: ignore[attr-defined]
        connection.execute(delete(JournalEntry.__table__).where(JournalEntry.__table__.c.id == 8))  # type: ignore[attr-defined]
    result = audit_books(oracle, merchant)
    assert len(result.drift) == 2
    assert result.drift[0].startswith("accounting entry 4 changed after it was anchored: it hashes to 0x")
    assert result.drift[1].startswith("anchored accounting entry 8 is gone from the store")
    assert oracle.verify_stored("accounting-entry", 4).unchanged is False


def test_a_certificate_cancelled_under_a_carried_asset_is_drift(ledger: LedgerContext, tmp_path: Path) -> None:
    cid, merchant = _booked(ledger, tmp_path)
    before = chain_time(ledger.w3)
    advance_time(ledger.w3, ledger.profile, 60)
    certificates.cancel(ledger, str(cid), reason="data source withdrawn", as_="registrar")
    assert audit_books(Oracle(ledger), merchant, at=before).ok
    result = audit_books(Oracle(ledger), merchant)
    assert result.drift == [
        (f"card 1 (Data asset of certificate {cid}), certificate {cid}: the certificate is not in force "
        "(cancelled) but the asset is carried")
    ]


def test_pledged_assets_are_flagged_and_holding_shares_realised_by_the_bank_are_drift(
    ledger: LedgerContext, tmp_path: Path,
) -> None:
    cid, merchant = _booked(ledger, tmp_path)
    _pledge(ledger, cid, 10_000, maturity=chain_time(ledger.w3) + DAY)
    pledged = audit_books(Oracle(ledger), merchant)
    assert pledged.ok and [card.flagged for card in pledged.cards] == [True]
    facts = pledges_at(ledger, merchant, [cid])[cid]
    bank = f"bank ({ledger.address_of('bank')})"
    assert [(fact.pledge_id, fact.shares, fact.amount, fact.pledgee) for fact in facts] == [
        (1, 10_000, 500_000_000, bank)]
    advance_time(ledger.w3, ledger.profile, 2 * DAY)
    realise_pledge(ledger, 1, method="auction", price="4000000.00", document="0x" + "ab" * 32, as_="bank")
    realised = audit_books(Oracle(ledger), merchant)
    assert realised.drift == [
        (f"card 1 (Data asset of certificate {cid}), certificate {cid}: the member holds no share of the holding "
        f"right and no licence in force: its holding shares were realised by {bank} under pledge 1 and sold to "
        f"{bank}")
    ]


def test_unlinked_cards_are_listed_and_the_cli_exits_3_on_drift(
    ledger: LedgerContext, tmp_path: Path, workflow_chain: object,
) -> None:
    cid, merchant = _booked(ledger, tmp_path)
    with Session(catalog_store(ledger)) as session:
        open_card(session, merchant, "purchased panel, never registered", asset_class="inventory")
        session.commit()
    env = {"DAL_HOME": str(workflow_chain.home), "DAL_RPC_URL": workflow_chain.rpc_url,  # type: ignore[attr-defined]
           "DAL_DATABASE_URL": ledger.profile.database_url}
    agreed = runner.invoke(app, ["--json", "audit", "books", "merchant-a"], env=env)
    assert agreed.exit_code == 0, agreed.stderr
    document = json.loads(agreed.stdout)
    assert (document["ok"], document["unlinked_cards"], document["entries_not_anchored"]) == (True, [2], 8)
    certificates.cancel(ledger, str(cid), reason="withdrawn", as_="registrar")
    drifted = runner.invoke(app, ["audit", "books", "merchant-a"], env=env)
    assert drifted.exit_code == 3
    assert "drift: card 1" in drifted.stderr and "cancelled" in drifted.stderr
    anchored = runner.invoke(app, ["oracle", "anchor"], env=env)
    assert anchored.exit_code == 0, anchored.stderr
    proven = runner.invoke(app, ["--json", "anchor", "verify", "--record", "accounting-entry:2"], env=env)
    assert proven.exit_code == 0, proven.stderr
    assert json.loads(proven.stdout)["verdict"] == "anchored and unchanged"


def test_a_check_at_a_past_time_leaves_out_cards_booked_later(ledger: LedgerContext, tmp_path: Path) -> None:
    cid = _issued(ledger, tmp_path)
    book_certificate(ledger, cid, cost=1_000_000, on=D(2099, 1, 10), as_="merchant-a")
    merchant = ledger.address_of("merchant-a")
    assert audit_books(Oracle(ledger), merchant, at=chain_time(ledger.w3)).cards == []
    assert [card.certificate_id for card in audit_books(Oracle(ledger), merchant).cards] == [cid]


def test_a_card_resting_on_a_licence_has_its_life_capped_at_the_licence_and_is_checked_against_it(
    ledger: LedgerContext, tmp_path: Path, workflow_chain: object,
) -> None:
    cid = _issued(ledger, tmp_path)
    end = chain_time(ledger.w3) + YEAR
    granted = grant_licence(ledger, cid, "development", "merchant-b", "0x" + "7e" * 32, end=end, as_="merchant-a")
    licensee = ledger.address_of("merchant-b")
    expiry = certificate_exists(ChainReader(ledger), cid).expiry
    assert rights_end_of(ledger, cid) == dt.datetime.fromtimestamp(expiry, dt.UTC).date()
    assert rights_end_of(ledger, cid, granted.licence.licence_id) == dt.datetime.fromtimestamp(end, dt.UTC).date()
    env = {"DAL_HOME": str(workflow_chain.home), "DAL_RPC_URL": workflow_chain.rpc_url,  # type: ignore[attr-defined]
           "DAL_DATABASE_URL": ledger.profile.database_url}
    opened = runner.invoke(app, ["--as", "merchant-b", "--json", "books", "cards", "open", "licensed analytics data",
                                 "--class", "intangible", "--life", "5y", "--certificate", str(cid),
                                 "--licence", str(granted.licence.licence_id)], env=env)
    assert opened.exit_code == 0, opened.stderr
    assert json.loads(opened.stdout)["rights_end"] == dt.datetime.fromtimestamp(end, dt.UTC).date().isoformat()
    result = audit_books(Oracle(ledger), licensee)
    assert result.ok and [(card.holding_shares, card.licences) for card in result.cards] == [
        (0, [granted.licence.licence_id])]


def test_a_partly_realised_holding_is_drift_until_the_books_take_the_loss(
    ledger: LedgerContext, tmp_path: Path,
) -> None:
    from ledger.books import posting

    cid, merchant = _booked(ledger, tmp_path)
    _pledge(ledger, cid, 6_000, maturity=chain_time(ledger.w3) + DAY)
    advance_time(ledger.w3, ledger.profile, 2 * DAY)
    realise_pledge(ledger, 1, method="auction", price="4000000.00", document="0x" + "ab" * 32, as_="bank")
    bank = f"bank ({ledger.address_of('bank')})"
    partly = audit_books(Oracle(ledger), merchant)
    assert partly.drift == [
        (f"card 1 (Data asset of certificate {cid}), certificate {cid}: 60% of the holding right was realised by "
         f"{bank} under pledge 1, but the books carry the asset unchanged (post its impairment or disposal)")
    ]
    with Session(catalog_store(ledger)) as session:
        posting.impair(session, merchant, 1, on=D(2026, 6, 30), amount=60_000_000)
        session.commit()
    assert audit_books(Oracle(ledger), merchant).ok
