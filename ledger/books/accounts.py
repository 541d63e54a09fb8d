"""The chart of accounts: Accounting Standards for Business Enterprises codes, in Chinese and English.

The codes are those of the ASBE application guidance (企业会计准则应用指南); the
data-resource sub-accounts that the interim provisions on enterprise data
resources (财会〔2023〕11号) ask to be shown apart carry the suffix ``.01``
(or ``.02`` beside them, as 研发支出 splits into capitalised and expensed
spending). Entries post to leaf accounts only: a parent such as ``1701``
groups its sub-accounts in reports and takes no lines of its own.

The chart is stored in the table ``book_accounts`` (see
:class:`ledger.store.books.BookAccount`), seeded by the migration that created
it, so journal lines refer to it by foreign key.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ledger.errors import ValidationError

__all__ = [
    "ACCOUNTS_PAYABLE",
    "ACCOUNTS_RECEIVABLE",
    "ACCUMULATED_AMORTISATION",
    "ADMIN_EXPENSE",
    "ASSET_DISPOSAL_GAIN",
    "BANK",
    "CHART",
    "COST_OF_SALES",
    "DEVELOPMENT_CAPITALISED",
    "DEVELOPMENT_EXPENSED",
    "IMPAIRMENT_LOSS",
    "IMPAIRMENT_PROVISION",
    "INPUT_VAT",
    "INTANGIBLE_COST",
    "INVENTORY_COST",
    "INVENTORY_WRITE_DOWN",
    "NON_OPERATING_EXPENSE",
    "OTHER_COST",
    "OTHER_REVENUE",
    "OUTPUT_VAT",
    "REVENUE",
    "WORK_IN_PROCESS",
    "Account",
    "Category",
    "Side",
    "account",
    "leaf_codes",
]


class Side(StrEnum):
    """The side of a journal line."""

    DEBIT = "debit"
    CREDIT = "credit"


class Category(StrEnum):
    """Where an account belongs (the ASBE chart's classes)."""

    ASSET = "asset"
    LIABILITY = "liability"
    COST = "cost"
    PROFIT_AND_LOSS = "profit-and-loss"


@dataclass(frozen=True)
class Account:
    """One account of the chart."""

    code: str
    name_zh: str
    name_en: str
    category: Category
    normal_side: Side
    parent: str | None = None

    @property
    def is_leaf(self) -> bool:
        return not any(other.parent == self.code for other in CHART)


def _a(code: str, zh: str, en: str, category: Category, side: Side, parent: str | None = None) -> Account:
    return Account(code, zh, en, category, side, parent)


_D, _C = Side.DEBIT, Side.CREDIT
_AS, _LI, _CO, _PL = Category.ASSET, Category.LIABILITY, Category.COST, Category.PROFIT_AND_LOSS

#: The chart, in code order. Sub-accounts follow their parent.
CHART: Final[tuple[Account, ...]] = (
    _a("1002", "银行存款", "Bank deposits", _AS, _D),
    _a("1122", "应收账款", "Accounts receivable", _AS, _D),
    _a("1405", "库存商品", "Finished goods", _AS, _D),
    _a("1405.01", "库存商品—数据资源", "Finished goods - data resources", _AS, _D, "1405"),
    _a("1471", "存货跌价准备", "Provision for inventory write-down", _AS, _C),
    _a("1471.01", "存货跌价准备—数据资源", "Provision for inventory write-down - data resources", _AS, _C, "1471"),
    _a("1701", "无形资产", "Intangible assets", _AS, _D),
    _a("1701.01", "无形资产—数据资源", "Intangible assets - data resources", _AS, _D, "1701"),
    _a("1702", "累计摊销", "Accumulated amortisation", _AS, _C),
    _a("1702.01", "累计摊销—数据资源", "Accumulated amortisation - data resources", _AS, _C, "1702"),
    _a("1703", "无形资产减值准备", "Provision for impairment of intangible assets", _AS, _C),
    _a("1703.01", "无形资产减值准备—数据资源", "Provision for impairment of intangible assets - data resources",
       _AS, _C, "1703"),
    _a("2202", "应付账款", "Accounts payable", _LI, _C),
    _a("2221", "应交税费", "Taxes payable", _LI, _C),
    _a("2221.01", "应交税费—应交增值税（进项税额）", "VAT payable - input VAT", _LI, _C, "2221"),
    _a("2221.02", "应交税费—应交增值税（销项税额）", "VAT payable - output VAT", _LI, _C, "2221"),
    _a("5001", "生产成本", "Production cost", _CO, _D),
    _a("5001.01", "生产成本—数据资源", "Production cost - data resources (data being processed)", _CO, _D, "5001"),
    _a("5301", "研发支出", "Research and development expenditure", _CO, _D),
    _a("5301.01", "研发支出—资本化支出", "R&D expenditure - capitalised (data resources)", _CO, _D, "5301"),
    _a("5301.02", "研发支出—费用化支出", "R&D expenditure - expensed (data resources)", _CO, _D, "5301"),
    _a("6001", "主营业务收入", "Revenue from main operations", _PL, _C),
    _a("6051", "其他业务收入", "Other operating revenue", _PL, _C),
    _a("6115", "资产处置收益", "Gains on disposal of assets", _PL, _C),
    _a("6401", "主营业务成本", "Cost of main operations (cost of sales)", _PL, _D),
    _a("6402", "其他业务成本", "Other operating costs", _PL, _D),
    _a("6602", "管理费用", "Administrative expenses", _PL, _D),
    _a("6701", "资产减值损失", "Asset impairment losses", _PL, _D),
    _a("6711", "营业外支出", "Non-operating expenses", _PL, _D),
)

_BY_CODE: Final = {item.code: item for item in CHART}

BANK: Final = "1002"
ACCOUNTS_RECEIVABLE: Final = "1122"
INVENTORY_COST: Final = "1405.01"
INVENTORY_WRITE_DOWN: Final = "1471.01"
INTANGIBLE_COST: Final = "1701.01"
ACCUMULATED_AMORTISATION: Final = "1702.01"
IMPAIRMENT_PROVISION: Final = "1703.01"
ACCOUNTS_PAYABLE: Final = "2202"
INPUT_VAT: Final = "2221.01"
OUTPUT_VAT: Final = "2221.02"
WORK_IN_PROCESS: Final = "5001.01"
DEVELOPMENT_CAPITALISED: Final = "5301.01"
DEVELOPMENT_EXPENSED: Final = "5301.02"
REVENUE: Final = "6001"
OTHER_REVENUE: Final = "6051"
ASSET_DISPOSAL_GAIN: Final = "6115"
COST_OF_SALES: Final = "6401"
OTHER_COST: Final = "6402"
ADMIN_EXPENSE: Final = "6602"
IMPAIRMENT_LOSS: Final = "6701"
NON_OPERATING_EXPENSE: Final = "6711"


def account(code: str) -> Account:
    """The account ``code``; a :class:`ValidationError` naming the chart for an unknown or a parent code."""
    found = _BY_CODE.get(code.strip())
    if found is None:
        raise ValidationError(f"account {code!r} is not in the chart of accounts; see `dal books accounts`")
    if not found.is_leaf:
        leaves = ", ".join(item.code for item in CHART if item.parent == found.code)
        raise ValidationError(f"account {found.code} {found.name_en} groups sub-accounts; post to one of {leaves}")
    return found


def leaf_codes() -> frozenset[str]:
    """The codes that journal lines may use."""
    return frozenset(item.code for item in CHART if item.is_leaf)
