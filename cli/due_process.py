"""`dal due-process`: forced transfers by court order and key recoveries, proposed by a registrar and executed by
governance after the delay."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.state import current
from ledger import certificates, dueprocess
from ledger.chain.clock import format_time
from ledger.inputs import DURATION_HELP
from ledger.transactions import Written
from ledger.types import ProposalRecord, RecoveryScope

__all__ = ["app"]

app = typer.Typer(
    help="Due process: forced transfers by court order and key recoveries (a registrar proposes, governance "
    "executes after the delay).",
    no_args_is_help=True,
)

ProposalArgument = Annotated[int, typer.Argument(metavar="PROPOSAL", help="The proposal's id (`dal due-process list`).")]
DocumentOption = Annotated[
    str, typer.Option("--document", metavar="FILE", help="The order, ruling or request, or its 0x keccak-256 hash.")
]
COLUMNS = ["proposal", "kind", "status", "from", "to", "what", "executable at", "document"]


def _written(written: Written) -> dict[str, Any]:
    return {"tx": written.tx_hash, "block": written.block}


def _row(proposal_id: int, record: ProposalRecord, scope: RecoveryScope | None) -> dict[str, Any]:
    if scope is None:
        what = f"{record.shares} shares of the {record.right.label} right of certificate {record.certificate_id}"
    else:
        what = (f"certificates {list(scope.certificate_ids)}, licences {list(scope.licence_ids)}, "
                f"pledges {list(scope.pledge_ids)}, {len(scope.qualifications)} qualification(s)")
    return {
        "proposal": proposal_id, "kind": record.kind.label, "status": record.status.label, "from": record.from_,
        "to": record.to, "what": what, "executable at": format_time(record.executable_at),
        "document": record.document_hash,
    }


@app.command("propose-transfer")
def propose_transfer(
    cert: Annotated[str, typer.Argument(metavar="CERT", help="The certificate: its id or REGISTRAR:NUMBER.")],
    right: Annotated[str, typer.Argument(metavar="RIGHT", help="holding, development or operation.")],
    giver: Annotated[str, typer.Option("--from", help="The member the order takes the shares from.")],
    receiver: Annotated[str, typer.Option("--to", help="The member the order gives them to.")],
    document: DocumentOption,
    shares: Annotated[int | None, typer.Option("--shares", help="Basis points (10,000 = the whole right).")] = None,
    percent: Annotated[str | None, typer.Option("--percent", help="Or a percentage of the right.")] = None,
) -> None:
    """Propose a court-ordered transfer of unencumbered shares (registrar)."""
    state = current()
    ledger = state.ledger()
    proposed = dueprocess.propose_forced_transfer(
        ledger, certificates.resolve(ledger, cert), right, giver, receiver, shares=shares, percent=percent,
        document=document,
    )
    state.out.record({"proposal": proposed.proposal_id, "executable at": format_time(proposed.executable_at),
                      "next": f"dal due-process execute {proposed.proposal_id}", **_written(proposed.written)},
                     title="forced transfer proposed")


@app.command("propose-recovery")
def propose_recovery(
    lost: Annotated[str, typer.Argument(metavar="LOST", help="The member's lost address (or its name).")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The new address; it was never a member.")],
    document: DocumentOption,
) -> None:
    """Propose recovering a member's lost key to a new address, moving every record it holds (registrar)."""
    state = current()
    proposed, scope = dueprocess.propose_recovery(state.ledger(), lost, new, document=document)
    state.out.record({
        "proposal": proposed.proposal_id, "executable at": format_time(proposed.executable_at),
        "certificates": list(scope.certificate_ids), "licences": list(scope.licence_ids),
        "pledges": list(scope.pledge_ids), "qualifications": list(scope.qualifications),
        "next": f"dal due-process execute {proposed.proposal_id}", **_written(proposed.written),
    }, title="key recovery proposed")


@app.command()
def execute(proposal: ProposalArgument) -> None:
    """Execute a proposal whose delay has passed (governance)."""
    state = current()
    state.out.record({"proposal": proposal, "status": "executed", **_written(dueprocess.execute(state.ledger(), proposal))},
                     title="due process executed")


@app.command()
def cancel(
    proposal: ProposalArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why, in words (or its 0x hash).")],
) -> None:
    """Cancel a proposal that has not run (governance, or the registrar that proposed it)."""
    state = current()
    written = dueprocess.cancel(state.ledger(), proposal, reason)
    state.out.record({"proposal": proposal, "status": "cancelled", **_written(written)}, title="proposal cancelled")


@app.command("set-delay")
def set_delay(
    duration: Annotated[str, typer.Argument(metavar="DURATION", help=f"{DURATION_HELP}, or 0 for none.")],
) -> None:
    """Set the delay between a later proposal and its earliest execution (governance; at most 90 days)."""
    state = current()
    ledger = state.ledger()
    written = dueprocess.set_delay(ledger, duration)
    state.out.record({"delay": f"{dueprocess.delay(ledger)} s", **_written(written)}, title="due-process delay set")


@app.command("list")
def list_() -> None:
    """List every proposal and the delay new ones wait."""
    state = current()
    ledger = state.ledger()
    rows = [_row(*entry) for entry in dueprocess.proposals(ledger)]
    if state.json:
        state.out.records(rows)
        return
    state.out.records(rows, columns=COLUMNS, title=f"due process (delay {dueprocess.delay(ledger)} s)",
                      empty="no proposal yet: a registrar proposes with `dal due-process propose-transfer` or "
                            "`propose-recovery`")
