"""`dal rights`: who holds which share of a certificate's three rights; transfers and licences."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.state import current
from ledger import certificates, licences, rights
from ledger.inputs import DATE_HELP, DURATION_HELP, parse_right, parse_shares
from ledger.parties import party_label, party_names
from ledger.reader import ChainReader
from ledger.transactions import Written

__all__ = ["app"]

app = typer.Typer(
    help="The holding, development and operation rights of certificates: holders, transfers and licences.",
    no_args_is_help=True,
)

CertArgument = Annotated[
    str,
    typer.Argument(metavar="CERT", help="The certificate: its id, REGISTRAR:NUMBER, or a number unique across registrars."),
]
RightOption = Annotated[
    str, typer.Option("--right", metavar="RIGHT", help="holding, development or operation.")
]
MemberOption = Annotated[
    str, typer.Option("--to", metavar="MEMBER", help="The receiving member: an account name or a 0x address.")
]
HOLDING_COLUMNS = ["right", "owner", "name", "shares", "percent", "pledged", "transferable"]
LICENCE_COLUMNS = ["licence", "right", "grantor", "licensee", "parent", "start", "end", "exclusive",
                   "sublicensable", "state"]


def _written(written: Written) -> dict[str, Any]:
    return {"tx": written.tx_hash, "block": written.block}


@app.command()
def show(
    cert: CertArgument,
    block: Annotated[
        str | None, typer.Option("--block", metavar="N|0xHASH", help="As of this block (default: the latest).")
    ] = None,
) -> None:
    """Show the three rights of CERT: each owner's shares, how many are pledged, how many may move."""
    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    pinned: int | str | None = int(block) if block is not None and block.isdigit() else block
    answer = rights.show_rights(ledger, certificate_id, block=pinned)
    rows = answer.rows()
    if state.json:
        state.out.record({
            "certificate": certificate_id,
            "status": answer.status,
            "in_force": answer.in_force,
            "block_number": answer.block_number,
            "block_hash": answer.block_hash,
            "holdings": rows,
        })
        return
    force = "in force" if answer.in_force else "not in force"
    state.out.records(
        rows,
        columns=HOLDING_COLUMNS,
        title=f"certificate {certificate_id}: {answer.status}, {force} (block {answer.block_number})",
        empty=f"certificate {certificate_id} has no holders yet: it is {answer.status}",
    )


@app.command("licences")
def licences_(
    cert: CertArgument,
    licensee: Annotated[
        str | None, typer.Option("--licensee", metavar="MEMBER", help="Only the licences granted to this member.")
    ] = None,
) -> None:
    """List the licences granted over CERT's development and operation rights, sub-licences under their parent."""
    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    names = party_names(ledger)
    rows = [licence.row(names) for licence in licences.licences_of(ledger, certificate_id, licensee=licensee)]
    state.out.records(rows, columns=LICENCE_COLUMNS, title=f"licences of certificate {certificate_id}",
                      empty=f"no licence was granted over certificate {certificate_id}")


@app.command()
def transfer(
    cert: CertArgument,
    right: RightOption,
    to: MemberOption,
    shares: Annotated[int | None, typer.Option("--shares", metavar="N", help="Basis points (10000 = all).")] = None,
    percent: Annotated[str | None, typer.Option("--percent", metavar="P", help="A percentage, e.g. 40 or 12.5.")] = None,
) -> None:
    """Transfer part of your shares of a right of CERT to another member (a transfer registration)."""
    state = current()
    ledger = state.ledger()
    amount = parse_shares(shares=shares, percent=percent)
    chosen = parse_right(right)
    certificate_id = certificates.resolve(ledger, cert)
    done = rights.transfer_shares(ledger, certificate_id, chosen, to, amount, as_=state.as_name)
    names = party_names(ledger)
    state.out.record({
        "certificate": certificate_id,
        "right": done.right.label,
        "from": party_label(done.sender, names),
        "to": party_label(done.recipient, names),
        "shares": done.shares,
        "from_shares_after": done.sender_shares_after,
        "to_shares_after": done.recipient_shares_after,
        **_written(done.written),
    }, title="shares transferred")


@app.command("license")
def license_(
    cert: CertArgument,
    right: RightOption,
    to: MemberOption,
    terms: Annotated[
        str, typer.Option("--terms", metavar="FILE_OR_HASH", help="The licence terms: a file (hashed) or its 0x hash.")
    ],
    start: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help=f"Start: {DATE_HELP}. Default: now.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="DATE", help=f"End: {DATE_HELP}.")] = None,
    duration: Annotated[
        str | None, typer.Option("--for", metavar="DURATION", help=f"Length instead of --until, from the start: {DURATION_HELP}.")
    ] = None,
    exclusive: Annotated[bool, typer.Option("--exclusive", help="No other licence may overlap it.")] = False,
    sublicensable: Annotated[
        bool, typer.Option("--sublicensable", help="The licensee may grant sub-licences under it.")
    ] = False,
    parent: Annotated[
        int | None, typer.Option("--parent", metavar="LICENCE_ID", help="Grant a sub-licence under this licence.")
    ] = None,
    act_hash: Annotated[
        bool,
        typer.Option("--act-hash", help="Only print the licence's act hash (give --until, not --for), for the pledgee of pledged shares to "
                     "consent to (`dal pledge consent-act`); nothing is sent."),
    ] = False,
) -> None:
    """License the development or operation right of CERT to another member for a period.

    A licence starts when it is granted (or at --from, never earlier). Only an owner of the whole right grants an
    exclusive licence. While the shares are pledged, each pledgee first consents to the licence's act hash.
    """
    state = current()
    ledger = state.ledger()
    chosen = parse_right(right)
    terms_hash = licences.terms_hash_of(terms)
    certificate_id = certificates.resolve(ledger, cert)
    now = ChainReader(ledger).block_time
    first, end = licences.licence_period(now, start, until, duration)  # no --from: it starts at its grant
    if act_hash:
        digest = licences.licence_act_hash(
            ledger, certificate_id, chosen, to, terms_hash, start=first, end=end, exclusive=exclusive,
            sublicensable=sublicensable, parent=parent,
        )
        state.out.record({"certificate": certificate_id, "right": chosen.label, "act_hash": digest},
                         title="licence act hash")
        return
    granted = licences.grant_licence(
        ledger, certificate_id, chosen, to, terms_hash, start=first, end=end, exclusive=exclusive,
        sublicensable=sublicensable, parent=parent, as_=state.as_name,
    )
    row = granted.licence.row(party_names(ledger))
    state.out.record({**row, **_written(granted.written)}, title="licence granted")


@app.command()
def revoke(
    licence_id: Annotated[int, typer.Argument(metavar="LICENCE_ID", help="The licence to revoke.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why (its keccak-256 is recorded).")] = None,
) -> None:
    """Revoke a licence you granted, and every sub-licence under it."""
    state = current()
    done = licences.revoke_licence(state.ledger(), licence_id, reason=reason, as_=state.as_name)
    state.out.record({"licence": done.licence_id, "revoked": done.revoked, **_written(done.written)},
                     title="licence revoked")
