"""`dal pledge`: pledges of shares to banks, from the pledgor's signed consent to release or enforcement."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.output import write_new_file
from cli.state import current
from ledger import certificates, pledges
from ledger.chain.clock import format_time
from ledger.consent import ExtensionConsent, PledgeConsent, read_consent_file
from ledger.errors import ValidationError
from ledger.inputs import DATE_HELP, DURATION_HELP, parse_chain_moment, parse_shares
from ledger.parties import party_names
from ledger.pledges import PledgeWrite

__all__ = ["app"]

app = typer.Typer(
    help="Pledges: the pledgor signs a consent, the bank records it, then releases, extends or enforces it.",
    no_args_is_help=True,
)

CertArgument = Annotated[
    str,
    typer.Argument(metavar="CERT", help="The certificate: its id, REGISTRAR:NUMBER, or a number unique across registrars."),
]
PledgeArgument = Annotated[int, typer.Argument(metavar="ID", help="The pledge id (see `dal pledge list`).")]
OutputOption = Annotated[
    Path, typer.Option("--output", "-o", metavar="FILE", help="Where to write the signed consent (a new file).")
]
ValidForOption = Annotated[
    str, typer.Option("--valid-for", metavar="DURATION", help=f"How long the bank may use the signature: {DURATION_HELP}.")
]
LIST_COLUMNS = ["pledge", "rank", "certificate", "right", "pledgor", "pledgee", "shares", "amount", "currency",
                "maturity", "status"]


def _answer(done: PledgeWrite, title: str) -> None:
    state = current()
    row = done.pledge.row(party_names(state.ledger()))
    state.out.record({**row, "tx": done.written.tx_hash, "block": done.written.block}, title=title)


@app.command()
def consent(
    cert: CertArgument,
    right: Annotated[str, typer.Option("--right", metavar="RIGHT", help="holding, development or operation.")],
    pledgee: Annotated[str, typer.Option("--pledgee", metavar="BANK", help="The bank: an account name or 0x address.")],
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="The secured amount, e.g. 1000000.00.")],
    currency: Annotated[str, typer.Option("--currency", metavar="CODE", help="ISO 4217 code, e.g. CNY.")],
    maturity: Annotated[str, typer.Option("--maturity", metavar="DATE", help=f"When the debt falls due: {DATE_HELP}.")],
    output: OutputOption,
    reference: Annotated[
        str | None,
        typer.Option("--reference", metavar="TEXT", help="The pledge's registration elsewhere (at most 31 bytes) or a 0x hash."),
    ] = None,
    valid_for: ValidForOption = "1d",
    shares: Annotated[int | None, typer.Option("--shares", metavar="N", help="Basis points pledged (10000 = all).")] = None,
    percent: Annotated[str | None, typer.Option("--percent", metavar="P", help="Or a percentage, e.g. 60.")] = None,
) -> None:
    """Sign, as the pledgor, your consent to pledge shares of CERT to a bank; hand the file to the bank."""
    state = current()
    ledger = state.ledger()
    pledged = parse_shares(shares=shares, percent=percent)
    maturity_time = parse_chain_moment(ledger, maturity, what="--maturity")
    certificate_id = certificates.resolve(ledger, cert)
    signed = pledges.sign_consent(
        ledger, certificate_id, right, pledged, pledgee, amount, currency, maturity_time,
        reference=reference, valid_for=valid_for, as_=state.as_name,
    )
    write_new_file(output, json.dumps(signed.to_document(), indent=2) + "\n")
    state.out.record({**signed.summary(), "nonce": signed.nonce, "file": str(output)}, title="consent signed")


@app.command()
def create(
    consent_file: Annotated[Path, typer.Argument(metavar="CONSENT_FILE", help="The pledgor's signed consent.")],
) -> None:
    """Record, as the bank, the pledge the pledgor consented to in CONSENT_FILE."""
    state = current()
    signed = PledgeConsent.from_document(read_consent_file(consent_file))
    _answer(pledges.record_pledge(state.ledger(), signed, as_=state.as_name), "pledge recorded")


@app.command()
def release(pledge_id: PledgeArgument) -> None:
    """Release a pledge you hold (the loan is repaid): its shares are free again."""
    state = current()
    _answer(pledges.release_pledge(state.ledger(), pledge_id, as_=state.as_name), "pledge released")


@app.command("consent-extension")
def consent_extension(
    pledge_id: PledgeArgument,
    maturity: Annotated[str, typer.Option("--maturity", metavar="DATE", help=f"The new, later maturity: {DATE_HELP}.")],
    output: OutputOption,
    valid_for: ValidForOption = "1d",
) -> None:
    """Sign, as the pledgor, your consent to extend pledge ID to a later maturity; hand the file to the bank."""
    state = current()
    signed = pledges.sign_extension(
        state.ledger(), pledge_id, parse_chain_moment(state.ledger(), maturity, what="--maturity"), valid_for=valid_for,
        as_=state.as_name,
    )
    write_new_file(output, json.dumps(signed.to_document(), indent=2) + "\n")
    state.out.record({**signed.summary(), "nonce": signed.nonce, "file": str(output)}, title="extension signed")


@app.command()
def extend(
    pledge_id: PledgeArgument,
    maturity: Annotated[str, typer.Option("--maturity", metavar="DATE", help="The new maturity, exactly as the pledgor signed it.")],
    consent_file: Annotated[
        Path, typer.Option("--consent", metavar="FILE", help="The pledgor's signed extension consent.")
    ],
) -> None:
    """Extend, as the bank, pledge ID to the new maturity the pledgor signed."""
    state = current()
    new_maturity = parse_chain_moment(state.ledger(), maturity, what="--maturity")
    signed = ExtensionConsent.from_document(read_consent_file(consent_file))
    if signed.new_maturity != new_maturity:
        raise ValidationError(
            f"the extension consent is for {format_time(signed.new_maturity)}, not {maturity}; "
            "give the maturity the pledgor signed"
        )
    _answer(pledges.extend_pledge(state.ledger(), pledge_id, signed, as_=state.as_name), "pledge extended")


@app.command()
def enforce(
    pledge_id: PledgeArgument,
    to: Annotated[
        str | None, typer.Option("--to", metavar="MEMBER", help="A buyer to receive the shares (default: the bank).")
    ] = None,
) -> None:
    """Enforce a matured pledge you hold: its shares go to you, or to the member you name."""
    state = current()
    _answer(pledges.enforce_pledge(state.ledger(), pledge_id, to=to, as_=state.as_name), "pledge enforced")


@app.command("list")
def list_(
    cert: Annotated[str | None, typer.Argument(metavar="[CERT]", help="Only the pledges of this certificate.")] = None,
    bank: Annotated[
        str | None, typer.Option("--bank", metavar="MEMBER", help="Only the pledges this bank took.")
    ] = None,
    pledgor: Annotated[
        str | None, typer.Option("--pledgor", metavar="MEMBER", help="Only the pledges this member gave.")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", metavar="STATUS", help="Only pledges in this status: active, "
                                 "released or enforced.")
    ] = None,
) -> None:
    """List the pledges (of one certificate, or all), oldest first; active ones are ranked per right."""
    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert) if cert is not None else None
    names = party_names(ledger)
    found = pledges.list_pledges(ledger, certificate_id, pledgee=bank, pledgor=pledgor, status=status)
    rows = [pledge.row(names) for pledge in found]
    state.out.records(rows, columns=LIST_COLUMNS, empty="no pledge recorded")


@app.command()
def show(pledge_id: PledgeArgument) -> None:
    """Show one pledge: its terms, rank, status, and the pledges ranking ahead of it."""
    state = current()
    ledger = state.ledger()
    pledge = pledges.show_pledge(ledger, pledge_id)
    state.out.record(pledge.row(party_names(ledger)), title=f"pledge {pledge_id}")
