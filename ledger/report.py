"""The auditor's report: a certificate's (or a member's) history as a self-contained HTML page and CSV tables.

:func:`build_report` gathers, from :mod:`ledger.audit`'s traces:

- the **facts** of each certificate (number, status, registrar, holder of
  record, expiry, catalog version and hash), read from contract state;
- the **shares** of each right over time: one row per holder and period, and
  a step chart per right drawn as an inline SVG;
- the **licences** and **pledges** with their periods (granted or recorded,
  ended by revocation, release or realisation);
- the **events**, with block, time, transaction and parties.

:func:`write_report` writes ``report.html`` (rendered with Jinja2 from
``ledger/templates/report.html.j2``; no script, no external resource, a
content security policy that forbids loading any) and one CSV per table, so
the report reads offline and the tables load into any spreadsheet.

``--from``/``--to`` keep the events, periods and chart within that window.
Times are ISO 8601 UTC in the CSV files and ``YYYY-MM-DD HH:MM UTC`` on the
page.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils.address import to_checksum_address

from ledger.audit import Trace, TraceEvent, member_trace, trace
from ledger.certificates import resolve
from ledger.chain.clock import as_datetime, chain_time, format_time
from ledger.consent import reference_text
from ledger.context import LedgerContext
from ledger.errors import ValidationError
from ledger.history import transfer_items
from ledger.inputs import format_amount
from ledger.parties import party_label, party_names
from ledger.reader import ChainReader, certificate_exists
from ledger.types import Right

__all__ = ["COLUMNS", "Chart", "Report", "build_report", "render_report", "write_report"]

_ZERO = "0x0000000000000000000000000000000000000000"
#: Colours of the holders' lines, in order (readable on white, distinct for colour-blind readers).
_PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
#: The Jinja2 templates, shipped as package data.
TEMPLATES = Path(__file__).with_name("templates")
#: The tables of a report, each with its columns: one CSV file per table beside report.html.
COLUMNS: dict[str, tuple[str, ...]] = {
    "facts": ("certificate", "number", "status", "in_force", "registrar", "holder_of_record", "expiry",
              "catalog_version", "catalog_hash", "as_of_block"),
    "shares": ("certificate", "right", "holder", "shares", "from", "to"),
    "licences": ("certificate", "licence", "right", "grantor", "licensee", "exclusive", "sublicensable", "parent",
                 "from", "to", "granted", "revoked"),
    "pledges": ("certificate", "pledge", "right", "pledgor", "pledgee", "shares", "amount", "currency",
                "reference", "from", "to", "maturity", "ended"),
    "events": ("certificate", "block", "time", "transaction", "event", "parties", "what happened"),
}


@dataclass(frozen=True)
class Chart:
    """One right's shares over time, as inline SVG."""

    title: str
    svg: str


@dataclass(frozen=True)
class Report:
    """Everything the report shows; each table a list of rows with the same keys."""

    title: str
    subject: str
    generated: str
    window: str
    facts: list[dict[str, Any]]
    shares: list[dict[str, Any]]
    licences: list[dict[str, Any]]
    pledges: list[dict[str, Any]]
    events: list[dict[str, Any]]
    charts: list[Chart] = field(default_factory=list)

    def table(self, name: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = getattr(self, name)
        return rows


def _page_time(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def _iso(moment: dt.datetime | None) -> str:
    return format_time(int(moment.timestamp())) if moment else ""


def _parties(event: TraceEvent, names: dict[str, str]) -> str:
    found = [value for key, value in event.args.items()
             if key != "operator" and isinstance(value, str) and len(value) == 42 and value.startswith("0x")
             and value != _ZERO]
    return "; ".join(party_label(address, names) for address in dict.fromkeys(found))


def _facts(reader: ChainReader, certificate_id: int, names: dict[str, str]) -> dict[str, Any]:
    record = certificate_exists(reader, certificate_id)
    return {
        "certificate": certificate_id,
        "number": record.number or "",
        "status": record.status.label,
        "in_force": bool(reader.call("Certificates", "isInForce", certificate_id)),
        "registrar": party_label(record.registrar, names),
        "holder_of_record": party_label(record.holder, names),
        "expiry": format_time(record.expiry) if record.expiry else "",
        "catalog_version": record.version,
        "catalog_hash": record.catalog_hash,
        "as_of_block": reader.block_number,
    }


def _share_periods(traced: Trace, names: dict[str, str], end: dt.datetime) -> list[dict[str, Any]]:
    """One row per (right, holder, period with constant shares), from the share movements."""
    balances: dict[tuple[Right, str], int] = defaultdict(int)
    opened: dict[tuple[Right, str], dt.datetime] = {}
    rows: list[dict[str, Any]] = []

    def close(key: tuple[Right, str], until: dt.datetime | None) -> None:
        if key in opened and balances[key] > 0:
            rows.append({
                "certificate": traced.certificate_id, "right": key[0].label,
                "holder": party_label(key[1], names), "shares": balances[key],
                "from": opened[key], "to": until,
            })

    for event in traced.events:
        if event.event not in ("TransferSingle", "TransferBatch"):
            continue
        for right, shares in transfer_items(event, traced.certificate_id):
            for owner, delta in ((str(event.args["from"]), -shares), (str(event.args["to"]), shares)):
                if owner == _ZERO:
                    continue
                key = (Right(right), str(to_checksum_address(owner)))
                close(key, event.time)
                balances[key] += delta
                opened[key] = event.time
    for key in sorted(opened, key=lambda item: (int(item[0]), item[1])):
        close(key, None)
    return sorted(rows, key=lambda row: (Right[row["right"].upper()], row["from"], row["holder"]))


def _licence_periods(traced: Trace, names: dict[str, str]) -> list[dict[str, Any]]:
    revoked = {int(e.args["licenceId"]): e.time for e in traced.events if e.event == "LicenceRevoked"}
    return [
        {
            "certificate": traced.certificate_id, "licence": int(a["licenceId"]), "right": Right(int(a["right"])).label,
            "grantor": party_label(a["grantor"], names), "licensee": party_label(a["licensee"], names),
            "exclusive": bool(a["exclusive"]), "sublicensable": bool(a["sublicensable"]),
            "parent": int(a["parentId"]) or "",
            "from": as_datetime(int(a["start"])), "to": as_datetime(int(a["end"])),
            "granted": event.time, "revoked": revoked.get(int(a["licenceId"])),
        }
        for event in traced.events if event.event == "LicenceGranted" for a in [event.args]
    ]


def _pledge_periods(traced: Trace, names: dict[str, str]) -> list[dict[str, Any]]:
    ended = {
        int(e.args["pledgeId"]): (e.time, "released" if e.event == "PledgeReleased" else "realised")
        for e in traced.events if e.event in ("PledgeReleased", "PledgeRealised")
    }
    maturity = {int(e.args["pledgeId"]): int(e.args["maturity"]) for e in traced.events if e.event == "PledgeExtended"}
    rows = []
    for event in traced.events:
        if event.event != "PledgeRecorded":
            continue
        a = event.args
        pledge_id = int(a["pledgeId"])
        currency = bytes.fromhex(str(a["currency"])[2:]).decode("ascii", "replace")
        end, how = ended.get(pledge_id, (None, "active"))
        rows.append({
            "certificate": traced.certificate_id, "pledge": pledge_id, "right": Right(int(a["right"])).label,
            "pledgor": party_label(a["pledgor"], names), "pledgee": party_label(a["pledgee"], names),
            "shares": int(a["shares"]), "amount": format_amount(int(a["amount"]), currency), "currency": currency,
            "reference": reference_text(bytes.fromhex(str(a["externalRef"])[2:])) or "",
            "from": event.time, "to": end, "maturity": as_datetime(maturity.get(pledge_id, int(a["maturity"]))),
            "ended": how,
        })
    return rows


def _in_window(start: dt.datetime | None, end: dt.datetime | None,
               begin: dt.datetime | None, until: dt.datetime | None) -> bool:
    """Whether the period [begin, until) meets the window [start, end]."""
    return (start is None or until is None or until >= start) and (end is None or begin is None or begin <= end)


def _chart(right: str, rows: Sequence[dict[str, Any]], start: dt.datetime, end: dt.datetime) -> Chart:
    """A step chart of each holder's shares of ``right`` between ``start`` and ``end``."""
    width, height, left, top, bottom, right_pad = 720, 220, 56, 16, 40, 16
    # A twentieth more room on the right, so that the holdings at the end show as lines, not points.
    span = max((end - start).total_seconds() * 1.05, 1.0)
    axis_end = start + dt.timedelta(seconds=span)

    def x(moment: dt.datetime) -> float:
        seconds = min(max((moment - start).total_seconds(), 0.0), span)
        return round(left + seconds / span * (width - left - right_pad), 1)

    def y(shares: int) -> float:
        return round(top + (1 - shares / 10_000) * (height - top - bottom), 1)

    holders = list(dict.fromkeys(row["holder"] for row in rows))
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 18 * len(holders)}" '
         f'role="img" aria-label="shares of the {right} right over time" class="chart">'),
        f'<line x1="{left}" y1="{y(0)}" x2="{width - right_pad}" y2="{y(0)}" stroke="#555"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{y(0)}" stroke="#555"/>',
    ]
    for shares in (0, 5_000, 10_000):
        parts.append(f'<text x="{left - 6}" y="{y(shares) + 4}" text-anchor="end" font-size="11">'
                     f'{shares / 100:g}%</text>')
    for moment, anchor in ((start, "start"), (end, "end")):
        parts.append(f'<text x="{x(moment)}" y="{height - bottom + 16}" text-anchor="{anchor}" font-size="11">'
                     f'{html.escape(_page_time(moment))}</text>')
    for index, holder in enumerate(holders):
        colour = _PALETTE[index % len(_PALETTE)]
        points: list[str] = []
        for row in rows:
            if row["holder"] != holder:
                continue
            begin, until = max(row["from"], start), min(row["to"] or axis_end, axis_end)
            if until < begin:
                continue
            points.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                          f'{x(begin)},{y(row["shares"])} {x(until)},{y(row["shares"])}"/>')
        parts += points
        legend_y = height + 18 * index + 4
        parts.append(f'<rect x="{left}" y="{legend_y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{left + 18}" y="{legend_y + 10}" font-size="12">{html.escape(holder)}</text>')
    parts.append("</svg>")
    return Chart(title=f"{right} right", svg="".join(parts))


def build_report(
    ctx: LedgerContext,
    *,
    ref: str | None = None,
    member: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Report:
    """The report on the certificate named by ``ref``, or on ``member``'s whole history (or both: the member's
    part in that certificate), between Unix times ``start`` and ``end`` (default: all of it)."""
    if ref is None and member is None:
        raise ValidationError("say what the report is about: a certificate, or --member M")
    if start is not None and end is not None and end < start:
        raise ValidationError(f"--to {format_time(end)} is before --from {format_time(start)}; swap them")
    head = chain_time(ctx.w3)
    if start is not None and start > head:
        raise ValidationError(
            f"--from {format_time(start)} is in the future: the chain's latest block is of {format_time(head)}"
        )
    names = party_names(ctx)
    if member is not None:
        traced_member = member_trace(ctx, member, ref)
        certificate_ids = traced_member.certificates
        wanted = {(item.certificate_id, item.event.tx_hash, item.event.log_index) for item in traced_member.events}
        who = party_label(traced_member.member, names)
        mine: str | None = who
        subject = f"{who} on certificate {certificate_ids[0]}" if ref is not None else f"{who}, all certificates"
    else:
        certificate_ids = [resolve(ctx, str(ref))]
        wanted = None
        mine = None
        subject = f"certificate {certificate_ids[0]}"
    window_start = as_datetime(start) if start is not None else None
    window_end = as_datetime(min(end, head)) if end is not None else as_datetime(head)
    reader = ChainReader(ctx)
    facts, shares, licences, pledges, events = [], [], [], [], []
    charts: list[Chart] = []
    for certificate_id in certificate_ids:
        traced = trace(ctx, str(certificate_id))
        facts.append(_facts(reader, certificate_id, names))
        periods = _share_periods(traced, names, window_end or dt.datetime.now(dt.UTC))
        # A member's report keeps, in its tables, the rows the member is a party to; its charts show every
        # holder, for context.
        shares += [row for row in periods if _in_window(window_start, window_end, row["from"], row["to"])
                   and mine in (None, row["holder"])]
        licences += [row for row in _licence_periods(traced, names)
                     if _in_window(window_start, window_end, row["granted"], row["revoked"] or row["to"])
                     and mine in (None, row["grantor"], row["licensee"])]
        pledges += [row for row in _pledge_periods(traced, names)
                    if _in_window(window_start, window_end, row["from"], row["to"])
                    and mine in (None, row["pledgor"], row["pledgee"])]
        for event in traced.events:
            if wanted is not None and (certificate_id, event.tx_hash, event.log_index) not in wanted:
                continue
            if not _in_window(window_start, window_end, event.time, event.time):
                continue
            events.append({
                "certificate": certificate_id, "block": event.block, "time": event.time,
                "transaction": event.tx_hash, "event": event.event, "parties": _parties(event, names),
                "what happened": event.summary,
            })
        first = traced.events[0].time if traced.events else window_end
        chart_start = window_start or first
        if chart_start is not None and window_end is not None:
            for right in Right:
                rows = [row for row in periods if row["right"] == right.label]
                if rows:
                    chart = _chart(right.label, rows, chart_start, window_end)
                    charts.append(Chart(f"certificate {certificate_id}: {chart.title}", chart.svg))
    window = (f"{_page_time(window_start) or 'the beginning'} to {_page_time(window_end)}")
    return Report(
        title=f"Audit report: {subject}",
        subject=subject,
        generated=format_time(head),
        window=window,
        facts=facts,
        shares=shares,
        licences=licences,
        pledges=pledges,
        events=events,
        charts=charts,
    )


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def _page_value(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return _page_time(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def render_report(report: Report) -> str:
    """The report as one self-contained HTML page (what ``report.html`` holds; `dal serve` shows it in place)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True, lstrip_blocks=True,
    )
    environment.filters["cell"] = _page_value
    tables = [(name, COLUMNS[name], report.table(name)) for name in COLUMNS]
    return environment.get_template("report.html.j2").render(report=report, tables=tables)


def write_report(report: Report, directory: Path) -> list[Path]:
    """Write ``report.html`` and one CSV per table into ``directory`` (made if missing); the files written."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(f"cannot make the report directory {directory}: {exc.strerror or exc}") from None
    tables = [(name, COLUMNS[name], report.table(name)) for name in COLUMNS]
    page = render_report(report)
    written: list[Path] = []
    try:
        for name, columns, rows in tables:
            path = directory / f"{name}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                writer.writerows([_csv_value(row[column]) for column in columns] for row in rows)
            written.append(path)
        page_path = directory / "report.html"
        page_path.write_text(page, encoding="utf-8")
        written.insert(0, page_path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise ValidationError(f"cannot write the report into {directory}: {exc.strerror or exc}") from None
    return written
