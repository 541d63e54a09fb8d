"""`dal asset`: data-asset certificates, from the merchant's application to cancellation.

A certificate (CERT) is named by its id (``12``), by ``REGISTRAR:NUMBER``
(the registrar as an account name or a 0x address, and the number it issued
the certificate under), or by its number alone when no other registrar used
it. A number made only of digits needs the ``REGISTRAR:NUMBER`` form.

Times (``--expiry``) are a date (``2030-12-31``, the end of that day in UTC), an
ISO 8601 date and time (``2030-12-31T18:00:00+08:00``), or a duration from the
chain's current time (``5y``, ``90d``, ``12h``). Reasons are text, recorded as
its keccak-256 hash, or a 0x hash.

The registrar's rules (:mod:`ledger.registrar_rules`, configured per profile)
set the notice when ``publicize`` is given no ``--notice-days`` (its minimum,
counted in working days) and the expiry when ``issue`` is given no
``--expiry`` (its validity, capped at the source authorisation's end).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.output import write_new_file
from cli.state import current
from ledger import certificates, registration
from ledger.catalog import CATALOG_FORMAT, CATALOG_TEMPLATE
from ledger.certificates import CertificateView, StepResult
from ledger.chain.clock import DAY
from ledger.errors import ValidationError
from ledger.inputs import DATE_HELP, parse_chain_moment
from ledger.parties import party_label, party_names
from ledger.registrar_rules import Schedule

__all__ = ["app"]

app = typer.Typer(
    help="Certificates of data assets: apply, review, issue, change, renew, suspend, cancel, show, import.\n\n"
    "CERT is a certificate's id (12), REGISTRAR:NUMBER (registrar:SZDEX-2025-0001, the registrar as an account "
    "name or 0x address), or its number alone when no other registrar used it; an all-digit number needs the "
    "REGISTRAR:NUMBER form. WHEN is a date (2030-12-31: the end of that day, UTC), an ISO date and time, or a "
    "duration from the chain's time (5y, 90d, 12h). A reason is text (its keccak-256 is recorded) or a 0x hash.",
    no_args_is_help=True,
)

CertArgument = Annotated[
    str,
    typer.Argument(metavar="CERT", help="The certificate: its id, REGISTRAR:NUMBER, or a number unique across "
                   "registrars."),
]
CatalogArgument = Annotated[
    Path, typer.Argument(metavar="CATALOG_FILE", help="The catalog entry, a .json, .yaml or .yml file (see below).")
]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Why, as text (its keccak-256 is recorded) or as a 0x hash.")
]
ExpiryOption = Annotated[
    str,
    typer.Option("--expiry", metavar="WHEN", help=f"When the certificate expires: {DATE_HELP}."),
]
IssueExpiryOption = Annotated[
    str | None,
    typer.Option("--expiry", metavar="WHEN", help=f"When the certificate expires: {DATE_HELP}; never after the "
                 "source authorisation the catalog entry declares. Default: the registrar's validity (3 years "
                 "unless configured) from now, capped at that authorisation's end."),
]
LIST_COLUMNS = ["certificate_id", "number", "name", "status", "in_force", "holder", "version", "expiry"]


def _party(address: str) -> str:
    """An address as a table shows it: with its member's name where one is known (JSON keeps the address)."""
    state = current()
    if state.json:
        return address
    if state.names is None:
        state.names = party_names(state.ledger())
    return party_label(address, state.names)


def _row(view: CertificateView) -> dict[str, Any]:
    return {
        "certificate_id": view.certificate_id,
        "number": view.number,
        "name": view.name,
        "status": view.status,
        "in_force": view.in_force,
        "holder": _party(view.holder),
        "registrar": _party(view.registrar),
        "version": view.version,
        "catalog_hash": view.catalog_hash,
        "catalog_stored": view.catalog_stored,
        "notice_deadline": view.notice_deadline,
        "expiry": view.expiry,
        "pending_request": view.pending_request,
        "requested_hash": view.requested_hash,
        "requested_expiry": view.requested_expiry,
    }


def _answer(result: StepResult) -> None:
    row = {"action": result.action, **_row(result.certificate), "transaction": result.tx_hash,
           "block": result.block}
    current().out.record(row, title=f"certificate {result.certificate.certificate_id}: {result.action}")


@app.command()
def template(
    catalog_file: Annotated[
        Path, typer.Argument(metavar="CATALOG_FILE", help="Where to write the example (a new .yaml file).")
    ],
) -> None:
    """Write an example catalog file with every field explained, to edit and then apply."""
    if catalog_file.suffix.lower() not in (".yaml", ".yml"):
        raise ValidationError(f"{catalog_file}: the template is YAML; name the file with .yaml or .yml")
    write_new_file(catalog_file, CATALOG_TEMPLATE, option="CATALOG_FILE")
    current().out.record({"file": str(catalog_file), "next": f"edit it, then: dal --as MERCHANT asset apply "
                          f"{catalog_file} --registrar REGISTRAR"}, title="catalog template written")


@app.command("apply", help="Apply for a certificate with a catalog entry (a merchant acts); the entry is saved "
             f"off chain.\n\n{CATALOG_FORMAT}")
def apply_(
    catalog_file: CatalogArgument,
    registrar: Annotated[str, typer.Option("--registrar", metavar="NAME",
                                           help="The registrar that reviews it (account name or 0x address).")],
) -> None:
    """Apply for a certificate with a catalog entry (a merchant acts); the entry is saved off chain."""
    state = current()
    _answer(certificates.apply(state.ledger(), catalog_file, registrar=registrar))


@app.command("return")
def return_(cert: CertArgument, reason: ReasonOption) -> None:
    """Return a submitted application to its applicant for correction (its registrar acts)."""
    state = current()
    _answer(certificates.return_for_correction(state.ledger(), cert, reason=reason))


@app.command()
def resubmit(cert: CertArgument, catalog_file: CatalogArgument) -> None:
    """Resubmit a returned application with a corrected catalog entry (the holder acts)."""
    state = current()
    _answer(certificates.resubmit(state.ledger(), cert, catalog_file))


@app.command()
def accept(cert: CertArgument) -> None:
    """Accept a submitted application (its registrar acts)."""
    state = current()
    _answer(certificates.accept(state.ledger(), cert))


def _tell(schedule: Schedule) -> None:
    for warning in schedule.warnings:
        current().out.note(warning)


@app.command()
def publicize(
    cert: CertArgument,
    notice_days: Annotated[int | None, typer.Option(
        "--notice-days", min=1, help="Calendar days of public notice, no fewer than the registrar's minimum. "
        "Default: the registrar's minimum notice, counted in working days (10 unless configured) to the end of "
        "the last one in the registrar's timezone.")] = None,
) -> None:
    """Publish an accepted application for objections until the notice ends (its registrar acts)."""
    from ledger.chain.clock import chain_time
    from ledger.registrar_rules import notice_schedule

    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    now = chain_time(ledger.w3)
    wanted = now + notice_days * DAY if notice_days is not None else None
    schedule = notice_schedule(ledger, certificate_id, deadline=wanted)
    _tell(schedule)
    # The notice runs from the chain's time when the transaction is prepared; the deadline is the one worked out.
    seconds = schedule.moment - chain_time(ledger.w3)
    _answer(certificates.publicize(ledger, str(certificate_id), notice_seconds=seconds))


@app.command("object")
def object_(cert: CertArgument, reason: ReasonOption) -> None:
    """Object to a certificate under public notice (any active member acts)."""
    state = current()
    _answer(certificates.object_to(state.ledger(), cert, reason=reason))


@app.command("resolve")
def resolve_(
    cert: CertArgument,
    notice_days: Annotated[
        int | None,
        typer.Option("--notice-days", min=1, help="Run the notice again for this many calendar days, no fewer "
                     "than the registrar's minimum notice (default: close it now, so the certificate can be issued)."),
    ] = None,
) -> None:
    """Resolve an objection: back under notice, or the notice closed so it can be issued (its registrar acts)."""
    from ledger.chain.clock import chain_time
    from ledger.registrar_rules import notice_schedule

    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    seconds = None
    if notice_days is not None:  # a notice run again is a notice: no shorter than the registrar's minimum
        schedule = notice_schedule(ledger, certificate_id, deadline=chain_time(ledger.w3) + notice_days * DAY)
        _tell(schedule)
        seconds = schedule.moment - chain_time(ledger.w3)
    _answer(certificates.resolve_objection(ledger, str(certificate_id), notice_seconds=seconds))


@app.command()
def reject(cert: CertArgument, reason: ReasonOption) -> None:
    """Reject an objected application for good (its registrar acts)."""
    state = current()
    _answer(certificates.reject(state.ledger(), cert, reason=reason))


@app.command()
def issue(
    cert: CertArgument,
    number: Annotated[str, typer.Option("--number", help="The certificate number, unique for this registrar.")],
    expiry: IssueExpiryOption = None,
) -> None:
    """Issue a certificate whose public notice has ended; its three rights go to the holder (its registrar acts)."""
    from ledger.registrar_rules import validity_schedule

    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    wanted = parse_chain_moment(ledger, expiry, what="--expiry") if expiry is not None else None
    schedule = validity_schedule(ledger, certificate_id, expiry=wanted)
    _tell(schedule)
    _answer(certificates.issue(ledger, str(certificate_id), number=number, expiry=schedule.moment))


@app.command()
def change(cert: CertArgument, catalog_file: CatalogArgument) -> None:
    """Apply to change the catalog entry of a certificate in force (the holder acts; the registrar approves)."""
    state = current()
    _answer(certificates.request_change(state.ledger(), cert, catalog_file))


@app.command()
def renew(cert: CertArgument, expiry: ExpiryOption) -> None:
    """Apply to renew an issued certificate until a later expiry, never after the source authorisation the
    catalog entry declares (the holder acts; the registrar approves)."""
    from ledger.registrar_rules import validity_schedule

    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    wanted = parse_chain_moment(ledger, expiry, what="--expiry")
    validity_schedule(ledger, certificate_id, expiry=wanted)
    _answer(certificates.request_renewal(ledger, str(certificate_id), expiry=wanted))


@app.command()
def approve(cert: CertArgument) -> None:
    """Approve the holder's pending change, renewal or cancellation (its registrar acts)."""
    state = current()
    _answer(certificates.approve(state.ledger(), cert))


@app.command()
def decline(cert: CertArgument, reason: ReasonOption) -> None:
    """Decline the holder's pending change, renewal or cancellation (its registrar acts)."""
    state = current()
    _answer(certificates.decline(state.ledger(), cert, reason=reason))


@app.command()
def suspend(cert: CertArgument, reason: ReasonOption) -> None:
    """Suspend an issued certificate during a dispute: nothing under it moves (its registrar acts)."""
    state = current()
    _answer(certificates.suspend(state.ledger(), cert, reason=reason))


@app.command()
def reinstate(cert: CertArgument) -> None:
    """Reinstate a suspended certificate (its registrar acts)."""
    state = current()
    _answer(certificates.reinstate(state.ledger(), cert))


@app.command()
def cancel(cert: CertArgument, reason: ReasonOption) -> None:
    """Cancel a certificate: its registrar cancels at once; its holder applies for cancellation."""
    state = current()
    _answer(certificates.cancel(state.ledger(), cert, reason=reason))


@app.command()
def show(cert: CertArgument) -> None:
    """Show one certificate: status, holder, registrar, version, catalog hash and dates."""
    state = current()
    view = certificates.show(state.ledger(), cert)
    state.out.record(_row(view), title=f"certificate {view.certificate_id}")


@app.command("list")
def list_(
    holder: Annotated[str | None, typer.Option("--holder", help="Only this holder's certificates.")] = None,
    registrar: Annotated[str | None, typer.Option("--registrar", help="Only this registrar's.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only in this status (e.g. issued).")] = None,
) -> None:
    """List certificates, oldest first."""
    state = current()
    views = certificates.list_certificates(state.ledger(), holder=holder, registrar=registrar, status=status)
    state.out.records([_row(view) for view in views], columns=LIST_COLUMNS, title="certificates",
                      empty="no certificates match")


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(metavar="FILE_OR_DIR", help="A catalog file, or a folder of them.")],
    registrar: Annotated[str, typer.Option("--registrar", metavar="NAME",
                                           help="The registrar that reviews them (account name or 0x address).")],
    concurrency: Annotated[int | None, typer.Option(
        "--concurrency", min=1, help="Most transactions in flight (default: sized from the chain's block time).")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1,
                                            help="Applications per transaction (one submitBatch call).")] = 100,
) -> None:
    """Apply for many certificates at once (a merchant acts): every file is checked first, the applications
    go in batch calls signed here and sent concurrently, every receipt is checked, and a rerun skips what
    is done."""
    state = current()
    ledger = state.ledger()
    with state.out.progress("applying", None) as update:
        report = registration.import_catalogs(
            ledger, path, registrar=registrar, concurrency=concurrency, batch_size=batch_size, on_progress=update
        )
    items = [
        {"source": item.source, "certificate_id": item.certificate_id, "state": item.state,
         "catalog_hash": item.catalog_hash, "transaction": item.tx_hash}
        for item in report.items
    ]
    summary = {
        "applicant": report.applicant,
        "registrar": report.registrar,
        "files": len(report.items),
        "submitted": report.submitted,
        "already_submitted": report.skipped,
        "seconds": round(report.seconds, 3),
        "transactions_per_second": report.transactions_per_second,
    }
    if state.json:
        state.out.record({**summary, "items": items})
        return
    state.out.note(
        f"{report.submitted} applications submitted, {report.skipped} already submitted"
        + (f", {report.transactions_per_second} tx/s" if report.transactions_per_second else "")
    )
    state.out.records(items, columns=["source", "certificate_id", "state", "transaction"], title="import")


@app.command()
def migrate(
    manifest: Annotated[Path, typer.Argument(
        metavar="MANIFEST", help="A CSV file with the columns catalog, holder, number, submitted, issued, expiry.")],
    batch_size: Annotated[int, typer.Option("--batch-size", min=1,
                                            help="Certificates per transaction (one importIssued call).")] = 100,
) -> None:
    """Import the certificates a legacy registry already issued (a registrar acts), with their numbers and dates.

    Each row of MANIFEST names a catalog file (relative to the manifest), the holder (an account name or
    address), the number the legacy registry gave, and when it was submitted, issued and expires (a date
    such as 2021-03-01, or a date and time). Every row is checked before anything is sent; each certificate
    becomes issued here, marked imported, its three rights minted to its holder and its catalog entry
    stored. A rerun skips the numbers already imported.
    """
    state = current()
    ledger = state.ledger()
    with state.out.progress("importing", None) as update:
        report = registration.import_issued(ledger, manifest, batch_size=batch_size, on_progress=update)
    items = [
        {"source": item.source, "certificate_id": item.certificate_id, "state": item.state,
         "catalog_hash": item.catalog_hash, "transaction": item.tx_hash}
        for item in report.items
    ]
    if state.json:
        state.out.record({"registrar": report.registrar, "imported": report.imported,
                          "already_imported": report.skipped, "items": items})
        return
    state.out.note(f"{report.imported} certificates imported, {report.skipped} imported before")
    state.out.records(items, columns=["source", "certificate_id", "state", "transaction"], title="migration")
