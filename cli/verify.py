"""`dal verify CERT`: the bank's question, "can I lend against this certificate?", in one command."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.state import current

if TYPE_CHECKING:  # the ledger is imported when the command runs, not for its help
    from ledger.verify import Verification

__all__ = ["app"]

app = typer.Typer(
    help="Check a certificate before lending: genuine, in force, holders, licences, pledges.",
    # One command, not a group of them: options may follow CERT.
    context_settings={"allow_interspersed_args": True},
)


def _lines(items: list[str], empty: str) -> str:
    return "\n".join(items) if items else empty


def _readable(answer: Verification) -> dict[str, Any]:
    """The answer as a two-column table: one line per holder, licence and pledge."""
    summary = answer.summary()
    holders = [
        f"{item['right']}: {holder['owner']} {holder['percent']} "
        f"(pledged {holder['pledged']}, transferable {holder['transferable']})"
        for item in summary["rights"]
        for holder in item["holders"]
    ]
    licences = [
        f"#{row['licence']} {row['right']} to {row['licensee']}, {row['start']} to {row['end']}"
        f"{', exclusive' if row['exclusive'] else ''}{', sub-licensable' if row['sublicensable'] else ''} ({row['state']})"
        for row in summary["licences"]
    ]
    pledges = [
        f"rank {row['rank']} on {row['right']}: pledge #{row['pledge']} to {row['pledgee']}, {row['shares']} shares "
        f"of {row['pledgor']}, {row['amount']} {row['currency']}, matures {row['maturity']}"
        for row in summary["pledges"]
    ]
    catalog = summary["catalog_check"]
    block = summary["block"]
    row: dict[str, Any] = {
        "answer": summary["answer"],
        "problems": _lines(summary["problems"], "none"),
        "certificate": f"{answer.certificate_id} ({summary['number'] or 'no number'})",
        "status": f"{summary['status']}, {'in force' if answer.in_force else 'not in force'}, expires {summary['expiry']}",
        "registrar": f"{summary['registrar']} ({'active' if answer.registrar_active else 'NOT ACTIVE'})",
        "holder of record": summary["holder"],
        "catalog": f"version {answer.version}, {answer.catalog_hash}; store: {catalog['status']} ({catalog['detail']})",
        "holders": _lines(holders, "none"),
        "licences": _lines(licences, "none"),
        "pledges": _lines(pledges, "none"),
        "ended pledges": len(summary["ended_pledges"]),
        "read at": f"block {block['number']} {block['hash']} ({block['time']})",
        "state root": block["state_root"],
        "events from": block["events_from"],
    }
    proof = summary["proof"]
    if proof is None:
        row["proof"] = "not asked for (--proof checks the answer against the block's state root)"
    elif proof["verified"]:
        row["proof"] = (
            f"verified: {proof['reads_re_executed']} reads re-executed on {proof['storage_slots_proven']} storage "
            f"slots of {len(proof['accounts_proven'])} accounts proven against the state root; "
            f"the proof covers {summary['proof_covers']}"
        )
    else:
        row["proof"] = f"FAILED: {proof['failure']}"
    return row


@app.callback(invoke_without_command=True)
def verify(
    cert: Annotated[
        str,
        typer.Argument(metavar="CERT", help="The certificate: its id, REGISTRAR:NUMBER, or a number unique across registrars."),
    ],
    block: Annotated[
        str | None,
        typer.Option(
            "--block",
            metavar="N|0xHASH",
            help="Answer as of block N, or of the block with a hash you trust (default: the latest).",
        ),
    ] = None,
    proof: Annotated[
        bool,
        typer.Option("--proof", help="Check every read against the block's state root with eth_getProof."),
    ] = False,
) -> None:
    """Can I lend against CERT? Genuine, in force, who holds what, licences and pledges in priority order."""
    from ledger import certificates
    from ledger.verify import verify_certificate

    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    pinned: int | str | None = int(block) if block is not None and block.isdigit() else block
    answer = verify_certificate(ledger, certificate_id, block=pinned, proof=proof)
    if state.json:
        state.out.record(answer.summary())
    else:
        state.out.record(_readable(answer), title=f"can I lend against certificate {certificate_id}?")
