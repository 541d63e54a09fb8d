"""The disclosure as files: CSV (one line per table row) and an Excel workbook (one sheet per table).

Amounts are written exactly: as decimal text in CSV, and in the workbook as
decimal numbers with the currency's number of places (openpyxl writes a
``Decimal`` as its own digits, so no binary floating point is involved).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from ledger.books.disclosure import Disclosure
from ledger.errors import ValidationError
from ledger.inputs import CURRENCY_EXPONENTS

__all__ = ["FORMATS", "csv_text", "write_report"]

#: The file formats of `dal books report --output`.
FORMATS = ("csv", "xlsx")


def csv_text(report: Disclosure) -> str:
    """Every table as CSV: ``table, row, label_zh, label_en`` and one column per table column; then the
    narrative items and the pledged assets, one line each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["entity", report.entity, "period", report.period.label, "currency", report.currency])
    for table in report.tables():
        writer.writerow([])
        writer.writerow(["table", "row", "label_zh", "label_en", *(f"{key} {zh}" for key, zh, _ in table.columns)])
        for row in table.rows:
            writer.writerow([table.key, row.key, row.label_zh.strip(), row.label_en.strip(),
                             *(report.money(row.values[key]) for key, _, _ in table.columns)])
    document = report.document()
    writer.writerow([])
    writer.writerow(["narrative", "item", "value"])
    for key, value in document["narrative"].items():
        writer.writerow(["narrative", key, _flat(value)])
    writer.writerow([])
    writer.writerow(["restricted_or_pledged", "read_from_chain", document["restricted_or_pledged"]["read_from_chain"]])
    for item in document["restricted_or_pledged"]["items"]:
        writer.writerow(["restricted_or_pledged", *(f"{key}={value}" for key, value in item.items())])
    return buffer.getvalue()


def _flat(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_flat(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}={_flat(item)}" for key, item in value.items())
    return str(value)


def _xlsx(report: Disclosure, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    places = CURRENCY_EXPONENTS.get(report.currency, 2)
    number_format = "#,##0" + ("." + "0" * places if places else "")
    book = Workbook()
    book.remove(book.active)
    for table in report.tables():
        sheet = book.create_sheet(table.key)
        sheet.append([f"{table.title_zh} / {table.title_en}", f"{report.period.label}", report.currency])
        sheet.append(["", "", *(f"{zh} / {en}" for _, zh, en in table.columns)])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([row.label_zh, row.label_en,
                          *(Decimal(row.values[key]).scaleb(-places) for key, _, _ in table.columns)])
            for cell in sheet[sheet.max_row][2:]:
                cell.number_format = number_format
        sheet.column_dimensions["A"].width = 36
        sheet.column_dimensions["B"].width = 44
    document = report.document()
    narrative = book.create_sheet("narrative")
    for key, value in document["narrative"].items():
        narrative.append([key, _flat(value)])
    pledged = book.create_sheet("pledged")
    items = document["restricted_or_pledged"]["items"]
    pledged.append(["read from the chain", document["restricted_or_pledged"]["read_from_chain"]])
    if items:
        pledged.append(list(items[0]))
        for item in items:
            pledged.append([str(value) if value is not None else "" for value in item.values()])
    book.save(path)


def write_report(report: Disclosure, path: Path) -> str:
    """Write the disclosure to ``path`` as CSV or XLSX, by its extension; returns the format."""
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise ValidationError(f"{path}: write the report to a .csv or .xlsx file")
    if not path.parent.is_dir():
        raise ValidationError(f"{path.parent} is not a directory; create it or choose another path")
    temporary = path.with_name(path.name + ".partial")
    try:
        if kind == "csv":
            temporary.write_text(csv_text(report), encoding="utf-8")
        else:
            _xlsx(report, temporary)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ValidationError(f"cannot write {path}: {exc.strerror or exc}") from None
    return kind
