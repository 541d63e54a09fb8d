"""`dal pledge`: pledges of shares to banks, from the pledgor's signed consent to release or realisation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.output import write_new_file
from cli.state import current
from ledger import certificates, pledges
from ledger.chain.clock import format_time
from ledger.consent import (
    ExtensionConsent,
    PledgeConsent,
    RealisationConsent,
    read_consent_file,
    reference_text,
)
from ledger.errors import ValidationError
from ledger.inputs import DATE_HELP, DURATION_HELP, parse_chain_moment, parse_shares, parse_since
from ledger.parties import party_names
from ledger.pledges import PledgeWrite

__all__ = ["app"]

app = typer.Typer(
    help="Pledges: the pledgor signs a consent, the bank records it, then releases, extends or realises it.",
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
        typer.Option(
            "--registration", "--reference", metavar="NUMBER",
            help="The pledge's public registration number (中登网; at most 31 bytes) or a 0x hash.",
        ),
    ] = None,
    registered_at: Annotated[
        str | None,
        typer.Option("--registered-at", metavar="DATE", help=f"When it was publicly registered: {DATE_HELP}."),
    ] = None,
    registration_term: Annotated[
        str | None,
        typer.Option("--registration-term", metavar="DATE", help="When the public registration's term ends."),
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
        reference=reference,
        registered_at=parse_since(ledger, registered_at, what="--registered-at") if registered_at else None,
        registration_expiry=(
            parse_chain_moment(ledger, registration_term, what="--registration-term") if registration_term else None
        ),
        valid_for=valid_for, as_=state.as_name,
    )
    write_new_file(output, json.dumps(signed.to_document(), indent=2) + "\n")
    state.out.record({**signed.summary(), "file": str(output)}, title="consent signed")


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
    done = pledges.release_pledge(state.ledger(), pledge_id, as_=state.as_name)
    _answer(done, "pledge released")
    if done.pledge.external_ref != bytes(32):
        state.out.note(
            f"reminder: cancel the public registration {reference_text(done.pledge.external_ref)} of this pledge "
            "(注销登记 at the unified registry, 中登网) so that it no longer shows against the pledgor"
        )


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


@app.command("consent-realisation")
def consent_realisation(
    pledge_id: PledgeArgument,
    buyer: Annotated[str, typer.Option("--buyer", metavar="MEMBER", help="Who acquires the shares (the bank, or a buyer).")],
    price: Annotated[str, typer.Option("--price", metavar="AMOUNT", help="The agreed price, in the pledge's currency.")],
    document: Annotated[
        str, typer.Option("--document", metavar="FILE", help="The price agreement, or its 0x keccak-256 hash.")
    ],
    output: OutputOption,
    valid_for: ValidForOption = "1d",
) -> None:
    """Agree, as the pledgor after default, to a price for the pledged shares (折价); hand the file to the bank."""
    state = current()
    signed = pledges.sign_realisation(
        state.ledger(), pledge_id, buyer=buyer, price=price, document=document, valid_for=valid_for,
        as_=state.as_name,
    )
    write_new_file(output, json.dumps(signed.to_document(), indent=2) + "\n")
    state.out.record({**signed.summary(), "nonce": signed.nonce, "file": str(output)}, title="realisation agreed")


@app.command()
def realise(
    pledge_id: PledgeArgument,
    method: Annotated[
        str,
        typer.Option("--method", metavar="METHOD", help="agreed-price (折价), auction, sale or court-ruling."),
    ],
    consent_file: Annotated[
        Path | None,
        typer.Option("--consent", metavar="FILE", help="For agreed-price: the pledgor's signed realisation."),
    ] = None,
    price: Annotated[
        str | None, typer.Option("--price", metavar="AMOUNT", help="The price obtained, in the pledge's currency.")
    ] = None,
    document: Annotated[
        str | None,
        typer.Option("--document", metavar="FILE", help="The auction or sale record or ruling, or its 0x hash."),
    ] = None,
    buyer: Annotated[
        str | None, typer.Option("--buyer", metavar="MEMBER", help="Who acquires the shares (default: the bank).")
    ] = None,
) -> None:
    """Realise a matured pledge you hold: the shares go to the buyer at a price, the surplus to the pledgor.

    Never a forfeiture (Civil Code art. 428): the price and the document fixing it are recorded, with the
    surplus owed to the pledgor or the shortfall still owed (art. 438).
    """
    state = current()
    signed = RealisationConsent.from_document(read_consent_file(consent_file)) if consent_file else None
    done = pledges.realise_pledge(
        state.ledger(), pledge_id, method=method, price=price, document=document, buyer=buyer, consent=signed,
        as_=state.as_name,
    )
    _answer(done, "pledge realised")


@app.command("consent-act")
def consent_act(
    pledge_id: PledgeArgument,
    act_hash: Annotated[
        str, typer.Argument(metavar="ACT_HASH", help="The act's hash, from `dal rights license --act-hash`, `dal asset change --act-hash` or `dal asset cancel --act-hash`.")
    ],
) -> None:
    """Consent, as the pledgee, to an act over the pledged shares: a licence over them, or a change or
    cancellation of their certificate."""
    state = current()
    written = pledges.consent_to_act(state.ledger(), pledge_id, act_hash, as_=state.as_name)
    state.out.record(
        {"pledge": pledge_id, "act": act_hash, "tx": written.tx_hash, "block": written.block}, title="act consented"
    )


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
                                 "released or realised.")
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
