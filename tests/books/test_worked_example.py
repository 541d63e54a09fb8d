"""The worked example of the books, kept as a test: two years of data resources and their disclosure.

Amounts in yuan (the books hold fen). The member keeps its books in CNY.

**Card A**, a traffic dataset purchased for customers' use (intangible, 外购), useful life 5 years:

- 2025-03-10 purchased for 600,000.00 (+ 36,000.00 input VAT). Amortised from March 2025 over 60 months:
  600,000 / 60 = 10,000.00 a month; March to December 2025 = 10 months = 100,000.00.
- 2025-12-31 impaired by 50,000.00 (December's charge is still 510,000 / 51 = 10,000.00). From January 2026
  the carrying amount 600,000 - 100,000 - 50,000 = 450,000 goes over the 50 months left: 9,000.00 a month.
- 2026-04-01 licensed to a customer for 80,000.00 (+ 4,800.00 output VAT): revenue, no change to the asset.
- 2026-10-15 disposed of for 380,000.00. January to September 2026 are amortised (9 x 9,000 = 81,000.00),
  not October. Accumulated amortisation 181,000.00, impairment 50,000.00, carrying amount 369,000.00:
  a gain of 11,000.00 to 资产处置收益.

**Card B**, a logistics dataset developed in-house (自行开发), kept for internal use:

- 2025-02-01 research 30,000.00, expensed.
- 2025-04-01 and 2025-05-20 development 200,000.00 and 40,000.00, capitalised: 240,000.00.
- 2025-06-16 ready for use, life 5 years but the certificate's rights end on 2029-05-31: June 2025 to May
  2029 is 48 months, so 240,000 / 48 = 5,000.00 a month. June to December 2025: 35,000.00.
- 2026-08-20 lapsed and derecognised (失效且终止确认): January to July 2026 amortised, 35,000.00;
  accumulated 70,000.00; carrying 170,000.00 to 营业外支出.

**Card C**, a new dataset in development: 2026-09-01 research 12,000.00 expensed; 2026-11-05 development
25,000.00 capitalised, still in 开发支出 at the end of 2026.

**Card D**, a consumer panel bought for sale (inventory, 外购): 2026-02-10 purchased for 100,000.00;
2026-06-30 written down by 15,000.00; 2026-09-30 5,000.00 of it reversed; 2026-11-20 sold for 120,000.00,
its whole cost 100,000.00 to cost of sales and the remaining provision 10,000.00 written off (转销).

**Card E**, a dataset collected and processed for sale (自行加工): 2026-03-01 processing costs 40,000.00,
finished on 2026-04-01, still held at the end of 2026.

Disclosure for 2025: intangible cost additions purchase 600,000 (A) and internal R&D 240,000 (B), closing
840,000; amortisation charged 100,000 + 35,000 = 135,000; impairment 50,000 (A); carrying amount 450,000 (A) +
205,000 (B) = 655,000. Research expensed 30,000, development capitalised 240,000.

Disclosure for 2026: intangible cost opening 840,000, decreases by disposal 600,000 (A) and lapse 240,000 (B),
closing 0; amortisation opening 135,000, charged 81,000 + 35,000 = 116,000, decreases by disposal 181,000 and
lapse 70,000; impairment opening 50,000, decreased by disposal 50,000; carrying amount opening 655,000, closing
0. Inventory cost additions purchase 100,000 (D) and processing 40,000 (E), decreases by sale 100,000, closing
40,000; write-down charged 15,000, reversed 5,000, written off 10,000, closing 0; carrying closing 40,000.
Balance sheet: inventories 0 -> 40,000; intangible assets 655,000 -> 0; development expenditure 0 -> 25,000.
Research expensed 12,000, development capitalised 25,000.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from ledger.books import posting
from ledger.books.cards import open_card
from ledger.books.disclosure import Disclosure, PledgeFact, disclosure
from ledger.books.periods import parse_report_period
from ledger.books.schedule import amortise
from ledger.books.workbook import csv_text, write_report

D = dt.date
Y = 100  # fen per yuan


def _book_two_years(session: Session, entity: str) -> dict[str, int]:
    def card(name: str, kind: str, **options: object) -> int:
        made = open_card(session, entity, name, asset_class=kind, **options)  # type: ignore[arg-type]
        assert made.id is not None
        return made.id

    a = card("traffic dataset", "intangible", life="5y", serves_customers=True, certificate_id=7)
    b = card("logistics dataset", "development", rights_end=D(2029, 5, 31))
    posting.purchase(session, entity, a, on=D(2025, 3, 10), cost=600_000 * Y, vat=36_000 * Y)
    posting.research(session, entity, b, on=D(2025, 2, 1), cost=30_000 * Y)
    posting.develop(session, entity, b, on=D(2025, 4, 1), cost=200_000 * Y)
    posting.develop(session, entity, b, on=D(2025, 5, 20), cost=40_000 * Y)
    posting.ready(session, entity, b, on=D(2025, 6, 16), life="5y")
    amortise(session, entity, "2025-12")
    posting.impair(session, entity, a, on=D(2025, 12, 31), amount=50_000 * Y)

    c = card("mobility dataset", "development")
    d = card("consumer panel", "inventory")
    e = card("retail footfall", "inventory", acquisition="processed")
    posting.purchase(session, entity, d, on=D(2026, 2, 10), cost=100_000 * Y)
    posting.processing(session, entity, e, on=D(2026, 3, 1), cost=40_000 * Y)
    posting.finish(session, entity, e, on=D(2026, 4, 1))
    posting.licence_revenue(session, entity, a, on=D(2026, 4, 1), amount=80_000 * Y, vat=4_800 * Y)
    posting.write_down(session, entity, d, on=D(2026, 6, 30), amount=15_000 * Y)
    posting.lapse(session, entity, b, on=D(2026, 8, 20))
    posting.research(session, entity, c, on=D(2026, 9, 1), cost=12_000 * Y)
    posting.reverse_write_down(session, entity, d, on=D(2026, 9, 30), amount=5_000 * Y)
    disposal = posting.dispose(session, entity, a, on=D(2026, 10, 15), proceeds=380_000 * Y)
    posting.develop(session, entity, c, on=D(2026, 11, 5), cost=25_000 * Y)
    posting.sale(session, entity, d, on=D(2026, 11, 20), proceeds=120_000 * Y)
    amortise(session, entity, "2026-12")
    assert [(line.account, line.amount_minor) for line in disposal.lines if line.account == "6115"] == [
        ("6115", 11_000 * Y)]
    session.commit()
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def _cells(report: Disclosure, table: str) -> dict[str, tuple[int, ...]]:
    chosen = next(item for item in report.tables() if item.key == table)
    return {row.key: tuple(row.values[key] // Y for key, _, _ in chosen.columns) for row in chosen.rows}


def test_the_first_years_disclosure_cell_by_cell(any_engine: Engine, entity: str) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        _book_two_years(session, entity)
        report = disclosure(session, entity, parse_report_period("2025"))
    assert _cells(report, "intangible") == {  # purchased, developed, other, total
        "intangible-cost.opening": (0, 0, 0, 0),
        "intangible-cost.additions": (600_000, 240_000, 0, 840_000),
        "intangible-cost.additions.purchase": (600_000, 0, 0, 600_000),
        "intangible-cost.additions.internal_rd": (0, 240_000, 0, 240_000),
        "intangible-cost.additions.other": (0, 0, 0, 0),
        "intangible-cost.decreases": (0, 0, 0, 0),
        "intangible-cost.decreases.disposal": (0, 0, 0, 0),
        "intangible-cost.decreases.lapsed": (0, 0, 0, 0),
        "intangible-cost.decreases.other": (0, 0, 0, 0),
        "intangible-cost.closing": (600_000, 240_000, 0, 840_000),
        "amortisation.opening": (0, 0, 0, 0),
        "amortisation.additions": (100_000, 35_000, 0, 135_000),
        "amortisation.additions.charged": (100_000, 35_000, 0, 135_000),
        "amortisation.decreases": (0, 0, 0, 0),
        "amortisation.decreases.disposal": (0, 0, 0, 0),
        "amortisation.decreases.lapsed": (0, 0, 0, 0),
        "amortisation.decreases.other": (0, 0, 0, 0),
        "amortisation.closing": (100_000, 35_000, 0, 135_000),
        "impairment.opening": (0, 0, 0, 0),
        "impairment.additions": (50_000, 0, 0, 50_000),
        "impairment.additions.charged": (50_000, 0, 0, 50_000),
        "impairment.decreases": (0, 0, 0, 0),
        "impairment.decreases.disposal": (0, 0, 0, 0),
        "impairment.decreases.lapsed": (0, 0, 0, 0),
        "impairment.decreases.other": (0, 0, 0, 0),
        "impairment.closing": (50_000, 0, 0, 50_000),
        "carrying.closing": (450_000, 205_000, 0, 655_000),
        "carrying.opening": (0, 0, 0, 0),
    }
    assert set(_cells(report, "inventory").values()) == {(0, 0, 0, 0)}
    assert _cells(report, "balance-sheet") == {"inventories": (0, 0), "intangible-assets": (0, 655_000),
                                               "development-expenditure": (0, 0)}
    assert (report.research_expensed, report.development_capitalised) == (30_000 * Y, 240_000 * Y)


def test_the_second_years_disclosure_cell_by_cell(any_engine: Engine, entity: str) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        _book_two_years(session, entity)
        report = disclosure(session, entity, parse_report_period("2026"))
    assert _cells(report, "intangible") == {
        "intangible-cost.opening": (600_000, 240_000, 0, 840_000),
        "intangible-cost.additions": (0, 0, 0, 0),
        "intangible-cost.additions.purchase": (0, 0, 0, 0),
        "intangible-cost.additions.internal_rd": (0, 0, 0, 0),
        "intangible-cost.additions.other": (0, 0, 0, 0),
        "intangible-cost.decreases": (600_000, 240_000, 0, 840_000),
        "intangible-cost.decreases.disposal": (600_000, 0, 0, 600_000),
        "intangible-cost.decreases.lapsed": (0, 240_000, 0, 240_000),
        "intangible-cost.decreases.other": (0, 0, 0, 0),
        "intangible-cost.closing": (0, 0, 0, 0),
        "amortisation.opening": (100_000, 35_000, 0, 135_000),
        "amortisation.additions": (81_000, 35_000, 0, 116_000),
        "amortisation.additions.charged": (81_000, 35_000, 0, 116_000),
        "amortisation.decreases": (181_000, 70_000, 0, 251_000),
        "amortisation.decreases.disposal": (181_000, 0, 0, 181_000),
        "amortisation.decreases.lapsed": (0, 70_000, 0, 70_000),
        "amortisation.decreases.other": (0, 0, 0, 0),
        "amortisation.closing": (0, 0, 0, 0),
        "impairment.opening": (50_000, 0, 0, 50_000),
        "impairment.additions": (0, 0, 0, 0),
        "impairment.additions.charged": (0, 0, 0, 0),
        "impairment.decreases": (50_000, 0, 0, 50_000),
        "impairment.decreases.disposal": (50_000, 0, 0, 50_000),
        "impairment.decreases.lapsed": (0, 0, 0, 0),
        "impairment.decreases.other": (0, 0, 0, 0),
        "impairment.closing": (0, 0, 0, 0),
        "carrying.closing": (0, 0, 0, 0),
        "carrying.opening": (450_000, 205_000, 0, 655_000),
    }
    assert _cells(report, "inventory") == {  # purchased, processed, other, total
        "inventory-cost.opening": (0, 0, 0, 0),
        "inventory-cost.additions": (100_000, 40_000, 0, 140_000),
        "inventory-cost.additions.purchase": (100_000, 0, 0, 100_000),
        "inventory-cost.additions.processing": (0, 40_000, 0, 40_000),
        "inventory-cost.additions.other": (0, 0, 0, 0),
        "inventory-cost.decreases": (100_000, 0, 0, 100_000),
        "inventory-cost.decreases.sale": (100_000, 0, 0, 100_000),
        "inventory-cost.decreases.lapsed": (0, 0, 0, 0),
        "inventory-cost.decreases.other": (0, 0, 0, 0),
        "inventory-cost.closing": (0, 40_000, 0, 40_000),
        "write-down.opening": (0, 0, 0, 0),
        "write-down.additions": (15_000, 0, 0, 15_000),
        "write-down.additions.charged": (15_000, 0, 0, 15_000),
        "write-down.decreases": (15_000, 0, 0, 15_000),
        "write-down.decreases.reversal": (5_000, 0, 0, 5_000),
        "write-down.decreases.write_off": (10_000, 0, 0, 10_000),
        "write-down.closing": (0, 0, 0, 0),
        "carrying.closing": (0, 40_000, 0, 40_000),
        "carrying.opening": (0, 0, 0, 0),
    }
    assert _cells(report, "balance-sheet") == {"inventories": (0, 40_000), "intangible-assets": (655_000, 0),
                                               "development-expenditure": (0, 25_000)}
    assert (report.research_expensed, report.development_capitalised) == (12_000 * Y, 25_000 * Y)


def test_the_narrative_items_and_the_pledged_assets_are_filled_in(session: Session, entity: str) -> None:
    cards = _book_two_years(session, entity)
    pledge = PledgeFact(pledge_id=3, certificate_id=7, right="holding", pledgee="bank", shares=6000,
                        amount=5_000_000 * Y, currency="CNY", maturity=D(2027, 12, 31))
    report = disclosure(session, entity, parse_report_period("2025"), pledges={7: [pledge]})
    document = report.document()
    lives = {item["name"]: item["useful_life"] for item in document["narrative"]["useful_lives_and_methods"]}
    assert lives == {"traffic dataset": "60 months",
                     "logistics dataset": "60 months, capped at 48 months by the rights held until 2029-05-31"}
    assert [item["card"] for item in report.material_items] == [cards["a"], cards["b"]]
    assert report.materiality_threshold == 65_500 * Y
    assert document["restricted_or_pledged"] == {"read_from_chain": True, "items": [{
        "card": cards["a"], "name": "traffic dataset", "certificate": 7, "carrying_amount": "450000.00",
        "amortisation_in_period": "100000.00", "pledge": 3, "right": "holding", "bank": "bank", "shares": 6000,
        "secured_amount": "5000000.00", "secured_currency": "CNY", "maturity": D(2027, 12, 31),
    }]}
    assert document["narrative"]["research_expensed"] == "30000.00"


def test_the_report_is_written_as_csv_and_as_a_workbook_with_exact_amounts(
    session: Session, entity: str, tmp_path: Path,
) -> None:
    pytest.importorskip("openpyxl")
    from openpyxl import load_workbook

    _book_two_years(session, entity)
    report = disclosure(session, entity, parse_report_period("2026"))
    text = csv_text(report)
    assert "intangible,carrying.opening,账面价值：期初账面价值,carrying amount: opening,450000.00,205000.00,0.00," \
           "655000.00" in text
    assert write_report(report, tmp_path / "report.xlsx") == "xlsx"
    sheet = load_workbook(tmp_path / "report.xlsx")["inventory"]
    cells = {row[1].value: [cell.value for cell in row[2:]] for row in sheet.iter_rows(min_row=3)}
    assert [str(value) for value in cells["carrying amount: closing"]] == ["0", "40000", "0", "40000"]
    json.dumps(report.document(), default=str)
    assert not (tmp_path / "report.xlsx.partial").exists()
