"""`dal audit`: the auditor's view of a certificate's whole history, from the chain itself."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.oracle import DRIFT_EXIT_CODE
from cli.output import to_jsonable
from cli.state import current
from ledger import audit
from ledger.audit import Acquisition, HistoryAt
from ledger.inputs import parse_chain_moment, resolve_party
from oracle.books_audit import audit_books
from oracle.service import Oracle

__all__ = ["app"]

app = typer.Typer(help="Audit: trace a certificate's events, or who held each right at a given time.",
                  no_args_is_help=True)


def _movement(step: Acquisition) -> str:
    moment = step.time.strftime("%Y-%m-%d")
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


@app.command("trace")
def trace_(
    cert: Annotated[str, typer.Argument(metavar="CERT", help="The certificate: id, REGISTRAR:NUMBER or number.")],
    at: Annotated[
        str | None,
        typer.Option("--at", metavar="WHEN", help="Instead: who held each right at that time (a date means the "
                     "end of that day, UTC; or an ISO date and time), and how they got there."),
    ] = None,
) -> None:
    """Every event of a certificate, its rights, licences and pledges, oldest first, with block, time and
    transaction; or, with --at, the holders of each right at that time."""
    state = current()
    ledger = state.ledger()
    if at is None:
        traced = audit.trace(ledger, cert)
        if state.json:
            state.out.record(to_jsonable(traced))
            return
        rows = [
            {"block": event.block, "time": event.time.strftime("%Y-%m-%d %H:%M:%S"), "event": event.event,
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
        f"certificate {history.certificate_id} at {history.at:%Y-%m-%d %H:%M:%S} UTC (block {history.block}): "
        f"{history.status}{', in force' if history.in_force else ''}; "
        f"{len(history.licences)} licences in force, {len(history.pledges)} active pledges; "
        f"read from the {history.source}"
    )
    state.out.records(_holding_rows(history), columns=["right", "holder", "name", "shares", "how"],
                      title=f"holders at {history.at:%Y-%m-%d %H:%M} UTC",
                      empty="no right had a holder at that time")


AT_BOOKS = "As the chain and the books were at that time (a date means the end of that day, UTC)."


@app.command("books")
def books(
    member: Annotated[str, typer.Argument(metavar="MEMBER", help="Whose books: an account name or 0x address.")],
    at: Annotated[str | None, typer.Option("--at", metavar="WHEN", help=AT_BOOKS)] = None,
) -> None:
    """Reconcile a member's books with the chain: linked cards rest on certificates in force and rights held,
    anchored entries are unchanged, pledged assets are flagged and unlinked cards listed. Exits with code 3
    when anything drifted."""
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
