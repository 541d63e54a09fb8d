"""`dal audit`: the auditor's view of a certificate's whole history, from the chain itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.output import table_time, to_jsonable
from cli.state import current
from ledger import audit
from ledger.audit import Acquisition, HistoryAt
from ledger.inputs import parse_chain_moment, parse_since, resolve_party

__all__ = ["app"]

app = typer.Typer(help="Audit: trace a certificate's events, or who held each right at a given time.",
                  no_args_is_help=True)


def _movement(step: Acquisition) -> str:
    moment = table_time(step.time)
    if step.counterparty is None:
        return f"{moment} +{step.shares} at issue"
    who = step.counterparty_name or step.counterparty
    sign, word = ("+", "from") if step.direction == "in" else ("-", "to")
    return f"{moment} {sign}{step.shares} {word} {who} ({step.how})"


def _holding_rows(history: HistoryAt) -> list[dict[str, Any]]:
    return [
        {
            "right": right.right,
            "holder": holder.owner,
            "name": holder.name,
            "shares": f"{holder.shares / 100:g}%",
            "how": [_movement(step) for step in holder.path],
        }
        for right in history.rights
        for holder in right.holders
    ]


#: CERT of the commands that also answer for a member across certificates (--member).
CertOrMember = Annotated[
    str | None,
    typer.Argument(metavar="[CERT]", help="The certificate: id, REGISTRAR:NUMBER or number (may be left out with "
                   "--member)."),
]


def _member_trace(cert: str | None, member: str) -> None:
    state = current()
    traced = audit.member_trace(state.ledger(), member, cert)
    if state.json:
        state.out.record(to_jsonable(traced))
        return
    rows = [
        {"certificate": item.certificate_id, "block": item.event.block, "time": table_time(item.event.time),
         "role": item.role, "what happened": item.event.summary, "transaction": item.event.tx_hash}
        for item in traced.events
    ]
    who = f"{traced.name} ({traced.member})" if traced.name else traced.member
    where = f"certificate {traced.certificates[0]}" if cert is not None else f"{len(traced.certificates)} certificates"
    state.out.note(f"read from the {traced.source}")
    state.out.records(rows, title=f"{who} on {where}: {len(rows)} events",
                      empty=f"{who} was never a party to {where}")


@app.command("trace")
def trace_(
    cert: CertOrMember = None,
    member: Annotated[
        str | None,
        typer.Option("--member", metavar="M", help="Only what this member (account name or 0x address) held, "
                     "granted, pledged or lost; without CERT, across every certificate."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", metavar="WHEN", help="Instead: who held each right at that time (a date means the "
                     "end of that day, UTC; or an ISO date and time), and how they got there. Refused in the "
                     "future or before the chain began."),
    ] = None,
) -> None:
    """Every event of a certificate, its rights, licences and pledges, oldest first, with block, time and
    transaction; with --member, one member's part in them; or, with --at, the holders of each right at that
    time. Times: ISO 8601 UTC under --json, YYYY-MM-DD HH:MM UTC in tables."""
    if member is not None:
        if at is not None:
            raise typer.BadParameter("--at goes with CERT alone, not with --member", param_hint="--at")
        _member_trace(cert, member)
        return
    if cert is None:
        raise typer.BadParameter("give the certificate, or --member M for a member's whole history",
                                 param_hint="CERT")
    state = current()
    ledger = state.ledger()
    if at is None:
        traced = audit.trace(ledger, cert)
        if state.json:
            state.out.record(to_jsonable(traced))
            return
        rows = [
            {"block": event.block, "time": table_time(event.time), "event": event.event,
             "what happened": event.summary, "transaction": event.tx_hash}
            for event in traced.events
        ]
        number = f" ({traced.number})" if traced.number else ""
        state.out.note(f"read from the {traced.source}")
        state.out.records(rows, title=f"certificate {traced.certificate_id}{number}: {len(rows)} events")
        return
    history = audit.holdings_at(ledger, cert, parse_chain_moment(ledger, at, what="--at"))
    if state.json:
        state.out.record(to_jsonable(history))
        return
    state.out.note(
        f"certificate {history.certificate_id} at {table_time(history.at)} (block {history.block}): "
        f"{history.status}{', in force' if history.in_force else ''}; "
        f"{len(history.licences)} licences in force, {len(history.pledges)} active pledges; "
        f"read from the {history.source}"
    )
    state.out.records(_holding_rows(history), columns=["right", "holder", "name", "shares", "how"],
                      title=f"holders at {table_time(history.at)}",
                      empty="no right had a holder at that time")


@app.command("report")
def report(
    cert: CertOrMember = None,
    member: Annotated[
        str | None,
        typer.Option("--member", metavar="M", help="A member's part (in CERT, or across every certificate)."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="From this date (YYYY-MM-DD, UTC) or ISO time."),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="Up to this date (its end, UTC) or ISO time."),
    ] = None,
    out: Annotated[
        Path, typer.Option("-o", "--out", metavar="DIR", help="The directory to write report.html and the CSV "
                           "files into (made if missing)."),
    ] = Path("report"),
) -> None:
    """Write an audit report readable offline: the certificate's facts, a chart of each right's shares over
    time, the licences and pledges with their periods and the events with block, time, transaction and
    parties, as one self-contained HTML page and the same tables as CSV files."""
    if cert is None and member is None:
        raise typer.BadParameter("give the certificate, or --member M", param_hint="CERT")
    # Imported when a report is asked for: Jinja2 is for this command only.
    from ledger.report import build_report, write_report

    state = current()
    ledger = state.ledger()
    built = build_report(
        ledger, ref=cert, member=member,
        start=parse_since(ledger, start, what="--from") if start is not None else None,
        end=parse_chain_moment(ledger, end, what="--to") if end is not None else None,
    )
    written = write_report(built, out)
    rows = [{"file": str(path), "rows": len(built.table(path.stem)) if path.suffix == ".csv" else None}
            for path in written]
    state.out.note(f"{built.title}; period {built.window}")
    state.out.records(rows, columns=["file", "rows"], title=f"report written to {out}")


AT_BOOKS = "As the chain and the books were at that time (a date means the end of that day, UTC)."


@app.command("books")
def books(
    member: Annotated[str, typer.Argument(metavar="MEMBER", help="Whose books: an account name or 0x address.")],
    at: Annotated[str | None, typer.Option("--at", metavar="WHEN", help=AT_BOOKS)] = None,
) -> None:
    """Reconcile a member's books with the chain: linked cards rest on certificates in force and rights held,
    anchored entries are unchanged, pledged assets are flagged and unlinked cards listed. Exits with code 3
    when anything drifted."""
    # The oracle (its indexer and the books' checks) loads only for this command, not for a trace.
    from cli.oracle import DRIFT_EXIT_CODE
    from oracle.books_audit import audit_books
    from oracle.service import Oracle

    state = current()
    ledger = state.ledger()
    when = parse_chain_moment(ledger, at, what="--at") if at is not None else None
    result = audit_books(Oracle(ledger), resolve_party(ledger, member), at=when)
    rows = [
        {"card": card.card_id, "name": card.name, "certificate": card.certificate_id, "state": card.state,
         "holding_shares": card.holding_shares, "licences": card.licences,
         "pledged": [f"pledge {p.pledge_id} to {p.pledgee}" for p in card.pledged]}
        for card in result.cards
    ]
    if state.json:
        state.out.record({
            "member": result.entity, "block": result.block, "ok": result.ok, "drift": result.drift,
            "cards": rows, "unlinked_cards": [card.card_id for card in result.cards if card.state == "unlinked"],
            "pledged_cards": [card.card_id for card in result.cards if card.flagged],
            "entries_checked": result.entries_checked, "entries_not_anchored": result.entries_unanchored,
        })
    else:
        for line in result.drift:
            state.out.note(f"drift: {line}")
        state.out.note(f"{len(result.cards)} cards, {result.entries_checked} anchored entries checked, "
                       f"{result.entries_unanchored} not anchored yet; "
                       + ("books and chain agree" if result.ok else f"{len(result.drift)} drift"))
        state.out.records(rows, columns=["card", "name", "certificate", "state", "holding_shares", "licences",
                                         "pledged"], title=f"books of {result.entity} against the chain",
                          empty="no asset cards on these books")
    if not result.ok:
        raise typer.Exit(DRIFT_EXIT_CODE)
