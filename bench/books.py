"""Posting 100,000 journal entries and producing a year's disclosure of data resources from them.

A fresh, migrated SQLite database (or ``--database URL``) gets one member's
books for a year: intangible data resources bought or developed, inventory
bought, processed, written down and sold, and licence revenue through the
year, then the year's amortisation schedule. The entries go through the
journal's own checks (:func:`ledger.books.journal.post_many`, in batches of
1,000 per transaction); the schedule through
:func:`ledger.books.schedule.amortise`. Then the disclosure for the year
(:func:`ledger.books.disclosure.disclosure`) is produced five times and its
median time printed, with the CSV and XLSX files written once.

The goal: the year's report in at most 2 s on SQLite.

On PostgreSQL the journal's check that voucher numbers are new uses the
unique index on (entity, voucher) only when the planner's statistics know the
table's size: with autovacuum off (as on the test machines' server) posting
slows as the table grows, since each batch's check then scans it.

Run: ``.venv/bin/python bench/books.py [--entries 100000] [--database URL]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select
from sqlmodel import Session

from ledger.books import posting
from ledger.books.accounts import BANK, OTHER_REVENUE, OUTPUT_VAT, Side
from ledger.books.cards import open_card
from ledger.books.disclosure import disclosure
from ledger.books.journal import EntryDraft, LineDraft, post_many
from ledger.books.periods import parse_report_period
from ledger.books.schedule import amortise
from ledger.books.workbook import write_report
from ledger.store.books import JournalEntry
from ledger.store.session import open_store

ENTITY = "0x" + "c3" * 20
YEAR = 2026
GOAL_SECONDS = 2.0


def _cards(session: Session, count: int) -> tuple[list[int], list[int]]:
    """Intangible cards (half bought, half developed) and inventory cards, with their first entries."""
    intangible, inventory = [], []
    for index in range(count):
        month = index % 12 + 1
        day = dt.date(YEAR, month, index % 27 + 1)
        if index % 4 == 3:
            card = open_card(session, ENTITY, f"panel {index}", asset_class="inventory",
                             acquisition="processed" if index % 8 == 7 else "purchased")
            assert card.id is not None
            if card.acquisition == "processed":
                posting.processing(session, ENTITY, card.id, on=day, cost=1_000_000 + index)
            else:
                posting.purchase(session, ENTITY, card.id, on=day, cost=2_000_000 + index)
            inventory.append(card.id)
        elif index % 4 == 1:
            card = open_card(session, ENTITY, f"model data {index}", asset_class="development")
            assert card.id is not None
            posting.research(session, ENTITY, card.id, on=day, cost=300_000)
            posting.develop(session, ENTITY, card.id, on=day, cost=12_000_000 + index)
            posting.ready(session, ENTITY, card.id, on=day, life="5y")
            intangible.append(card.id)
        else:
            card = open_card(session, ENTITY, f"traffic data {index}", asset_class="intangible", life="3y",
                             serves_customers=index % 2 == 0)
            assert card.id is not None
            posting.purchase(session, ENTITY, card.id, on=day, cost=36_000_000 + index, vat=2_160_000)
            intangible.append(card.id)
    return intangible, inventory


def _licence_drafts(cards: list[int], count: int) -> list[EntryDraft]:
    drafts = []
    for index in range(count):
        day = dt.date(YEAR, index % 12 + 1, index % 28 + 1)
        amount = 10_000 + index % 97_000
        vat = amount * 6 // 100
        card = cards[index % len(cards)]
        drafts.append(EntryDraft(
            entity=ENTITY, entry_date=day, description=f"licence fee {index}", kind="licence-revenue",
            voucher=f"LIC-{index:06d}", card_id=card,
            lines=[LineDraft(BANK, Side.DEBIT, amount + vat, card_id=card),
                   LineDraft(OTHER_REVENUE, Side.CREDIT, amount, card_id=card),
                   LineDraft(OUTPUT_VAT, Side.CREDIT, vat, card_id=card)],
        ))
    return drafts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=400)
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file)")
    options = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="books-bench-")
    url = options.database or f"sqlite:///{directory}/books.db"
    engine = open_store(url, create_if_empty=True)
    print(f"database: {engine.dialect.name}")

    started = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session:
        intangible, inventory = _cards(session, options.cards)
        session.commit()
        schedule_started = time.perf_counter()
        scheduled = amortise(session, ENTITY, f"{YEAR}-12")
        session.commit()
        schedule_seconds = time.perf_counter() - schedule_started
        for card in inventory[: len(inventory) // 3]:
            posting.write_down(session, ENTITY, card, on=dt.date(YEAR, 12, 15), amount=100_000)
        session.commit()
        so_far = int(session.execute(select(func.count()).select_from(JournalEntry)).scalar_one())
        remaining = max(options.entries - so_far, 0)
        drafts = _licence_drafts(intangible + inventory, remaining)
        bulk_started = time.perf_counter()
        for start in range(0, len(drafts), 1000):
            post_many(session, drafts[start:start + 1000])
            session.commit()
        bulk_seconds = time.perf_counter() - bulk_started
        total = int(session.execute(select(func.count()).select_from(JournalEntry)).scalar_one())
    posting_seconds = time.perf_counter() - started
    print(f"entries posted: {total:,} ({len(scheduled):,} by the amortisation schedule) in {posting_seconds:.1f} s")
    print(f"  journal batches: {len(drafts):,} entries in {bulk_seconds:.1f} s = {len(drafts) / bulk_seconds:,.0f}"
          " entries/s")
    print(f"  amortisation schedule for the year: {len(scheduled):,} entries in {schedule_seconds:.2f} s")

    period = parse_report_period(str(YEAR))
    times = []
    for _ in range(5):
        with Session(engine) as session:
            begun = time.perf_counter()
            report = disclosure(session, ENTITY, period)
            times.append(time.perf_counter() - begun)
    median = statistics.median(times)
    print(f"year's disclosure: median {median:.3f} s of 5 (best {min(times):.3f} s); goal <= {GOAL_SECONDS:.1f} s: "
          f"{'met' if median <= GOAL_SECONDS else 'NOT met'} ({median / GOAL_SECONDS:.0%} of the budget)")
    print(f"  intangible carrying amount at year end: {report.money(report.intangible.value('carrying.closing'))} "
          f"{report.currency}; inventories: {report.money(report.inventory.value('carrying.closing'))}")
    for kind in ("csv", "xlsx"):
        begun = time.perf_counter()
        write_report(report, Path(directory) / f"disclosure.{kind}")
        print(f"  written as {kind} in {time.perf_counter() - begun:.3f} s")
    engine.dispose()


if __name__ == "__main__":
    main()
