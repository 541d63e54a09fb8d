"""The disclosure of data resources: the tables of section 四 of 财会〔2023〕11号, from the journal.

:func:`disclosure` reads one member's journal for a period and returns:

- **intangible data resources** (无形资产—数据资源): columns purchased (外购),
  developed in-house (自行开发), other (其他方式取得) and the total; roll-forwards
  of cost (additions by purchase, internal R&D, other; decreases by disposal,
  lapsed and derecognised, other), accumulated amortisation and impairment, and
  the opening and closing carrying amounts;
- **inventory data resources** (存货—数据资源): columns purchased, processed
  (自行加工), other and the total; roll-forwards of cost (additions by purchase,
  collection and processing, other; decreases by sale, lapsed and derecognised,
  other) and of the write-down (decreases by reversal and write-off), and the
  carrying amounts;
- **the balance-sheet lines** 其中：数据资源 under 存货, 无形资产 and 开发支出;
- **the narrative items**: useful lives and methods, individually material
  items, research expensed and development capitalised, the inventory cost
  formula and the basis of net realisable value;
- **restricted or pledged data resources**, when the caller passes the active
  pledges read from the chain (see :func:`ledger.books.chain_check.pledges_at`):
  each pledged asset's carrying amount and amortisation for the period, beside
  the pledge's bank, amount and maturity.

A movement is classified by the kind of entry that made it (a correction
carries the kind of the entry it corrects, so it nets against the same row);
entries of other kinds (manual, imported) count as "other" additions or
decreases by their side. Amounts are integers of minor units in the books'
currency; the tables are computed with one aggregate query.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import and_, case, func, select
from sqlmodel import Session, col
from sqlmodel import select as sqlmodel_select

from ledger.books.accounts import (
    ACCUMULATED_AMORTISATION,
    ADMIN_EXPENSE,
    DEVELOPMENT_CAPITALISED,
    IMPAIRMENT_PROVISION,
    INTANGIBLE_COST,
    INVENTORY_COST,
    INVENTORY_WRITE_DOWN,
    WORK_IN_PROCESS,
    Side,
)
from ledger.books.cards import AssetClass
from ledger.books.journal import format_money
from ledger.books.periods import ReportPeriod
from ledger.books.schedule import amortisation_months
from ledger.errors import ValidationError
from ledger.store.books import AssetCard, CardRevision, JournalEntry, JournalLine

__all__ = [
    "DEFAULT_COST_FORMULA",
    "DEFAULT_NRV_BASIS",
    "Disclosure",
    "DisclosureTable",
    "PledgeFact",
    "TableRow",
    "disclosure",
]

DEFAULT_COST_FORMULA: Final = "specific identification (个别计价法): each data resource is a distinct item"
DEFAULT_NRV_BASIS: Final = (
    "estimated selling price less the estimated costs to complete, selling costs and related taxes "
    "(估计售价减去至完工时估计将要发生的成本、估计的销售费用以及相关税费)"
)

_ACCOUNTS: Final = (
    INTANGIBLE_COST, ACCUMULATED_AMORTISATION, IMPAIRMENT_PROVISION, INVENTORY_COST, WORK_IN_PROCESS,
    INVENTORY_WRITE_DOWN, DEVELOPMENT_CAPITALISED, ADMIN_EXPENSE,
)
_CREDIT_NORMAL: Final = frozenset({ACCUMULATED_AMORTISATION, IMPAIRMENT_PROVISION, INVENTORY_WRITE_DOWN})

#: Columns of the two tables: (key, Chinese, English).
INTANGIBLE_COLUMNS: Final = (("purchased", "外购", "purchased"), ("developed", "自行开发", "developed in-house"),
                             ("other", "其他方式取得", "other"), ("total", "合计", "total"))
INVENTORY_COLUMNS: Final = (("purchased", "外购", "purchased"), ("processed", "自行加工", "processed"),
                            ("other", "其他方式取得", "other"), ("total", "合计", "total"))


@dataclass(frozen=True)
class TableRow:
    """One row of a disclosure table: its key, labels and an amount per column (minor units)."""

    key: str
    label_zh: str
    label_en: str
    values: dict[str, int]


@dataclass(frozen=True)
class DisclosureTable:
    key: str
    title_zh: str
    title_en: str
    columns: tuple[tuple[str, str, str], ...]
    rows: list[TableRow]

    def value(self, row: str, column: str = "total") -> int:
        """The amount in cell (``row``, ``column``)."""
        return next(item.values[column] for item in self.rows if item.key == row)


@dataclass(frozen=True)
class PledgeFact:
    """An active pledge over a right of a certificate, as read from the chain."""

    pledge_id: int
    certificate_id: int
    right: str
    pledgee: str
    shares: int
    amount: int
    currency: str
    maturity: dt.date


@dataclass
class Disclosure:
    """The disclosure of one member's data resources for one period."""

    entity: str
    period: ReportPeriod
    currency: str
    intangible: DisclosureTable
    inventory: DisclosureTable
    balance_sheet: DisclosureTable
    lives_and_methods: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    material_items: list[dict[str, Any]]
    materiality_threshold: int
    research_expensed: int
    development_capitalised: int
    cost_formula: str
    nrv_basis: str
    pledged: list[dict[str, Any]] = field(default_factory=list)
    pledges_read: bool = False

    def tables(self) -> list[DisclosureTable]:
        return [self.intangible, self.inventory, self.balance_sheet]

    def money(self, minor: int) -> str:
        return format_money(minor, self.currency)

    def document(self) -> dict[str, Any]:
        """The whole disclosure as one JSON-ready document (amounts as decimal strings)."""
        return {
            "entity": self.entity,
            "period": {"label": self.period.label, "start": self.period.start.isoformat(),
                       "end": self.period.end.isoformat()},
            "currency": self.currency,
            "tables": [
                {
                    "table": table.key, "title_zh": table.title_zh, "title_en": table.title_en,
                    "columns": [{"key": key, "zh": zh, "en": en} for key, zh, en in table.columns],
                    "rows": [
                        {"row": row.key, "zh": row.label_zh, "en": row.label_en,
                         **{key: self.money(row.values[key]) for key, _, _ in table.columns}}
                        for row in table.rows
                    ],
                }
                for table in self.tables()
            ],
            "narrative": {
                "useful_lives_and_methods": self.lives_and_methods,
                "changes_of_useful_life_or_method": self.changes,
                "individually_material_items": {"threshold": self.money(self.materiality_threshold),
                                                "items": self.material_items},
                "research_expensed": self.money(self.research_expensed),
                "development_capitalised": self.money(self.development_capitalised),
                "inventory_cost_formula": self.cost_formula,
                "net_realisable_value_basis": self.nrv_basis,
            },
            "restricted_or_pledged": {"read_from_chain": self.pledges_read, "items": self.pledged},
        }


def _row(key: str, zh: str, en: str, columns: Sequence[tuple[str, str, str]], cells: Mapping[str, int]) -> TableRow:
    values = {name: cells.get(name, 0) for name, _, _ in columns if name != "total"}
    values["total"] = sum(values.values())
    return TableRow(key, zh, en, values)


# (row key suffix, Chinese, English) of the three decreases of a cost roll-forward.
_INTANGIBLE_DECREASES = (("disposal", "处置", "disposal"), ("lapsed", "失效且终止确认的部分", "lapsed and derecognised"),
                         ("other", "其他减少", "other"))


def _classify(group: str, kind: str, reason: str | None, normal: bool) -> str | None:
    """The row a movement counts in (``None``: a transfer inside the group that nets to zero)."""
    derecognised = "disposal" if kind == "dispose" else ("lapsed" if reason == "lapsed" else "other")
    if group == "intangible-cost":
        rows = {"purchase": "additions.purchase", "ready": "additions.internal_rd"}
        if kind in rows:
            return rows[kind]
        if kind in ("dispose", "lapse"):
            return f"decreases.{derecognised}"
    elif group in ("amortisation", "impairment"):
        if kind == ("amortise" if group == "amortisation" else "impair"):
            return "additions.charged"
        if kind in ("dispose", "lapse"):
            return f"decreases.{derecognised}"
    elif group == "inventory-cost":
        rows = {"purchase": "additions.purchase", "processing": "additions.processing", "sale": "decreases.sale"}
        if kind == "finish":
            return None
        if kind in rows:
            return rows[kind]
        if kind == "lapse":
            return "decreases.lapsed" if reason == "lapsed" else "decreases.other"
    elif group == "write-down":
        rows = {"write-down": "additions.charged", "reverse-write-down": "decreases.reversal",
                "sale": "decreases.write_off", "lapse": "decreases.write_off"}
        if kind in rows:
            return rows[kind]
        return "additions.charged" if normal else "decreases.write_off"
    return "additions.other" if normal else "decreases.other"


_GROUPS: Final = {
    INTANGIBLE_COST: "intangible-cost", ACCUMULATED_AMORTISATION: "amortisation", IMPAIRMENT_PROVISION: "impairment",
    INVENTORY_COST: "inventory-cost", WORK_IN_PROCESS: "inventory-cost", INVENTORY_WRITE_DOWN: "write-down",
    DEVELOPMENT_CAPITALISED: "development",
}


@dataclass
class _Sums:
    """Opening balances and period movements by (group, column) and by card."""

    opening: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    moves: dict[tuple[str, str, str], int] = field(default_factory=lambda: defaultdict(int))
    card_closing: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    card_amortised: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    research: int = 0
    capitalised: int = 0


def _read(session: Session, entity: str, period: ReportPeriod, currency: str) -> tuple[_Sums, dict[int, AssetCard]]:
    lines, entries, cards = JournalLine.__table__, JournalEntry.__table__, AssetCard.__table__  # type: ignore[attr-defined]
    before = case((entries.c.entry_date < period.start, 1), else_=0)
    query = (
        select(lines.c.card_id, lines.c.account, lines.c.side, entries.c.kind, entries.c.reason, before.label("before"),
               func.sum(lines.c.book_amount_minor))
        .select_from(lines.join(entries, entries.c.id == lines.c.entry_id))
        .where(and_(entries.c.entity == entity, entries.c.currency == currency, entries.c.entry_date <= period.end,
                    lines.c.account.in_(_ACCOUNTS), lines.c.card_id.is_not(None)))
        .group_by(lines.c.card_id, lines.c.account, lines.c.side, entries.c.kind, entries.c.reason, before)
    )
    rows = session.connection().execute(query).all()
    by_id = {int(card.id or 0): card for card in session.exec(  # type: ignore[call-overload]
        select(AssetCard).where(cards.c.entity == entity)).scalars().all()}
    sums = _Sums()
    for card_id, code, side, kind, reason, is_before, amount in rows:
        card = by_id[int(card_id)]
        normal_side = Side.CREDIT if code in _CREDIT_NORMAL else Side.DEBIT
        normal = side == normal_side.value
        signed = int(amount) if normal else -int(amount)
        if code == ADMIN_EXPENSE:
            if kind == "research" and not is_before:
                sums.research += signed
            continue
        group = _GROUPS[code]
        sums.card_closing[(int(card_id), group)] += signed
        if group == "development":
            if kind == "develop" and not is_before:
                sums.capitalised += signed
            if is_before:
                sums.opening[(group, "all")] += signed
            continue
        column = card.acquisition
        if is_before:
            sums.opening[(group, column)] += signed
            continue
        if group == "amortisation" and kind == "amortise":
            sums.card_amortised[int(card_id)] += signed
        row = _classify(group, kind, reason, normal)
        if row is None:
            continue
        sums.moves[(group, row, column)] += signed if row.startswith("additions") else -signed
    return sums, by_id


def _roll(
    sums: _Sums, group: str, columns: Sequence[tuple[str, str, str]], heading: tuple[str, str],
    additions: Sequence[tuple[str, str, str]], decreases: Sequence[tuple[str, str, str]],
) -> tuple[list[TableRow], dict[str, int], dict[str, int]]:
    """The rows of one roll-forward (opening, increases and their parts, decreases and theirs, closing), with its
    opening and closing balance by column."""
    names = [name for name, _, _ in columns if name != "total"]
    opening = {name: sums.opening.get((group, name), 0) for name in names}
    rows = [_row(f"{group}.opening", f"{heading[0]}：期初余额", f"{heading[1]}: opening balance", columns, opening)]
    totals: dict[str, dict[str, int]] = {}
    for prefix, parts, zh, en in (("additions", additions, "本期增加金额", "increases in the period"),
                                  ("decreases", decreases, "本期减少金额", "decreases in the period")):
        cells = {name: sum(sums.moves.get((group, f"{prefix}.{key}", name), 0) for key, _, _ in parts)
                 for name in names}
        totals[prefix] = cells
        rows.append(_row(f"{group}.{prefix}", zh, en, columns, cells))
        for key, part_zh, part_en in parts:
            rows.append(_row(f"{group}.{prefix}.{key}", f"  其中：{part_zh}", f"  of which: {part_en}", columns,
                             {name: sums.moves.get((group, f"{prefix}.{key}", name), 0) for name in names}))
    closing = {name: opening[name] + totals["additions"][name] - totals["decreases"][name] for name in names}
    rows.append(_row(f"{group}.closing", f"{heading[0]}：期末余额", f"{heading[1]}: closing balance", columns, closing))
    return rows, opening, closing


def _carrying_rows(prefix: str, columns: Sequence[tuple[str, str, str]], opening: Mapping[str, int],
                   closing: Mapping[str, int]) -> list[TableRow]:
    return [
        _row(f"{prefix}.closing", "账面价值：期末账面价值", "carrying amount: closing", columns, closing),
        _row(f"{prefix}.opening", "账面价值：期初账面价值", "carrying amount: opening", columns, opening),
    ]


def _minus(first: Mapping[str, int], *others: Mapping[str, int]) -> dict[str, int]:
    return {name: value - sum(other[name] for other in others) for name, value in first.items()}


def _intangible(sums: _Sums) -> DisclosureTable:
    columns = INTANGIBLE_COLUMNS
    cost, cost_open, cost_close = _roll(
        sums, "intangible-cost", columns, ("一、账面原值", "cost"),
        (("purchase", "购入", "purchase"), ("internal_rd", "内部研发", "internal research and development"),
         ("other", "其他增加", "other")), _INTANGIBLE_DECREASES)
    amort, amort_open, amort_close = _roll(
        sums, "amortisation", columns, ("二、累计摊销", "accumulated amortisation"),
        (("charged", "计提", "charged"),), _INTANGIBLE_DECREASES)
    impair, impair_open, impair_close = _roll(
        sums, "impairment", columns, ("三、减值准备", "impairment"), (("charged", "计提", "charged"),),
        _INTANGIBLE_DECREASES)
    carrying = _carrying_rows("carrying", columns, _minus(cost_open, amort_open, impair_open),
                              _minus(cost_close, amort_close, impair_close))
    return DisclosureTable("intangible", "无形资产—数据资源", "Intangible assets - data resources", columns,
                           cost + amort + impair + carrying)


def _inventory(sums: _Sums) -> DisclosureTable:
    columns = INVENTORY_COLUMNS
    cost, cost_open, cost_close = _roll(
        sums, "inventory-cost", columns, ("一、账面原值", "cost"),
        (("purchase", "购入", "purchase"), ("processing", "采集加工", "collection and processing"),
         ("other", "其他增加", "other")),
        (("sale", "出售", "sale"), ("lapsed", "失效且终止确认的部分", "lapsed and derecognised"),
         ("other", "其他减少", "other")))
    down, down_open, down_close = _roll(
        sums, "write-down", columns, ("二、存货跌价准备", "write-down"), (("charged", "计提", "charged"),),
        (("reversal", "转回", "reversal"), ("write_off", "转销", "write-off")))
    carrying = _carrying_rows("carrying", columns, _minus(cost_open, down_open), _minus(cost_close, down_close))
    return DisclosureTable("inventory", "存货—数据资源", "Inventories - data resources", columns,
                           cost + down + carrying)


def _balance_sheet(intangible: DisclosureTable, inventory: DisclosureTable, sums: _Sums) -> DisclosureTable:
    columns = (("opening", "期初余额", "opening"), ("closing", "期末余额", "closing"))
    development_close = sum(amount for (_, group), amount in sums.card_closing.items() if group == "development")
    development_open = sums.opening.get(("development", "all"), 0)

    def line(key: str, zh: str, en: str, opening: int, closing: int) -> TableRow:
        return TableRow(key, zh, en, {"opening": opening, "closing": closing})

    return DisclosureTable("balance-sheet", "资产负债表 其中：数据资源", "Balance sheet: of which data resources", columns, [
        line("inventories", "存货 其中：数据资源", "Inventories, of which: data resources",
             inventory.value("carrying.opening"), inventory.value("carrying.closing")),
        line("intangible-assets", "无形资产 其中：数据资源", "Intangible assets, of which: data resources",
             intangible.value("carrying.opening"), intangible.value("carrying.closing")),
        line("development-expenditure", "开发支出 其中：数据资源", "Development expenditure, of which: data resources",
             development_open, development_close),
    ])


def _card_carrying(sums: _Sums, card: AssetCard) -> int:
    key = int(card.id or 0)
    if card.asset_class == AssetClass.INTANGIBLE:
        return (sums.card_closing.get((key, "intangible-cost"), 0) - sums.card_closing.get((key, "amortisation"), 0)
                - sums.card_closing.get((key, "impairment"), 0))
    if card.asset_class == AssetClass.INVENTORY:
        return sums.card_closing.get((key, "inventory-cost"), 0) - sums.card_closing.get((key, "write-down"), 0)
    return sums.card_closing.get((key, "development"), 0)


def _method_text(card: AssetCard) -> str:
    if card.useful_life_months is None:
        return "not amortised"
    if card.method == "pattern":
        return f"pattern of benefits: {card.pattern} per cent of the cost in the years of its life"
    return "straight-line"


def _months_text(months: int | None) -> str:
    return "indefinite" if months is None else f"{months} months"


def _life_text(card: AssetCard) -> str:
    if card.useful_life_months is None:
        return "indefinite: not amortised, tested for impairment every year"
    capped = len(amortisation_months(card))
    text = f"{card.useful_life_months} months"
    if card.ready_on is not None and capped < card.useful_life_months:
        text += f", capped at {capped} months by the rights held until {card.rights_end}"
    return text


def disclosure(
    session: Session,
    entity: str,
    period: ReportPeriod,
    *,
    currency: str | None = None,
    pledges: Mapping[int, Sequence[PledgeFact]] | None = None,
    materiality: int | None = None,
    cost_formula: str = DEFAULT_COST_FORMULA,
    nrv_basis: str = DEFAULT_NRV_BASIS,
) -> Disclosure:
    """The disclosure of ``entity``'s data resources for ``period``.

    ``currency`` defaults to the books' one currency. ``pledges`` are the
    active pledges at the period's end by certificate, read from the chain
    (``None``: not read, and the report says so). An item is individually
    material when its closing carrying amount reaches ``materiality`` (minor
    units; default 10% of all data resources' closing carrying amount).
    """
    if currency is None:
        found = session.connection().execute(
            select(col(JournalEntry.currency)).where(col(JournalEntry.entity) == entity).distinct()).scalars().all()
        if len(found) > 1:
            raise ValidationError(f"these books hold entries in {', '.join(sorted(found))}; choose one with --currency")
        currency = found[0] if found else "CNY"
    sums, cards = _read(session, entity, period, currency)
    intangible, inventory = _intangible(sums), _inventory(sums)
    balance_sheet = _balance_sheet(intangible, inventory, sums)
    live = [card for card in cards.values() if card.derecognised_on is None or card.derecognised_on >= period.start]
    carrying = {int(card.id or 0): _card_carrying(sums, card) for card in live}
    total = sum(carrying.values())
    threshold = materiality if materiality is not None else total // 10
    lives = [
        {"card": card.id, "name": card.name, "useful_life": _life_text(card),
         "method": _method_text(card),
         "charged_to": "cost of sales" if card.serves_customers else "management expense",
         "ready_for_use": card.ready_on}
        for card in live if card.asset_class == AssetClass.INTANGIBLE
    ]
    first, last = f"{period.start:%Y-%m}", f"{period.end:%Y-%m}"
    revisions = session.exec(
        sqlmodel_select(CardRevision).where(
            col(CardRevision.entity) == entity, col(CardRevision.effective_month) >= first,
            col(CardRevision.effective_month) <= last,
        ).order_by(col(CardRevision.effective_month), col(CardRevision.id))
    ).all()
    changes = [
        {"card": revision.card_id, "name": cards[revision.card_id].name if revision.card_id in cards else None,
         "from": revision.effective_month,
         "useful_life": f"{_months_text(revision.previous_life_months)} -> {_months_text(revision.useful_life_months)}",
         "method": f"{revision.previous_method} -> {revision.method}", "reason": revision.reason}
        for revision in revisions
    ]
    material = [
        {"card": card.id, "name": card.name, "class": card.asset_class, "certificate": card.certificate_id,
         "carrying_amount": format_money(carrying[int(card.id or 0)], currency),
         "remaining_amortisation_months": _remaining(card, period)}
        for card in live if carrying[int(card.id or 0)] > 0 and carrying[int(card.id or 0)] >= threshold
    ]
    pledged = []
    for card in live:
        for pledge in (pledges or {}).get(card.certificate_id or -1, ()):
            key = int(card.id or 0)
            pledged.append({
                "card": card.id, "name": card.name, "certificate": card.certificate_id,
                "carrying_amount": format_money(carrying[key], currency),
                "amortisation_in_period": format_money(sums.card_amortised.get(key, 0), currency),
                "pledge": pledge.pledge_id, "right": pledge.right, "bank": pledge.pledgee, "shares": pledge.shares,
                "secured_amount": format_money(pledge.amount, pledge.currency), "secured_currency": pledge.currency,
                "maturity": pledge.maturity,
            })
    return Disclosure(
        entity=entity, period=period, currency=currency, intangible=intangible, inventory=inventory,
        balance_sheet=balance_sheet, lives_and_methods=lives, changes=changes, material_items=material,
        materiality_threshold=threshold, research_expensed=sums.research,
        development_capitalised=sums.capitalised, cost_formula=cost_formula, nrv_basis=nrv_basis,
        pledged=pledged, pledges_read=pledges is not None,
    )


def _remaining(card: AssetCard, period: ReportPeriod) -> int | None:
    months = amortisation_months(card)
    if card.asset_class != AssetClass.INTANGIBLE or card.useful_life_months is None:
        return None
    last = f"{period.end:%Y-%m}"
    return sum(1 for month in months if month > last)
