"""`dal asset`: data-asset certificates, from the merchant's application to cancellation.

A certificate (CERT) is named by its id (``12``), by its registration number
or a certificate number it carries (numbers are unique across the consortium),
or by ``REGISTRAR:NUMBER``. A number made only of digits needs the
``REGISTRAR:NUMBER`` form.

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
from ledger import certificates
from ledger.catalog import CATALOG_FORMAT, CATALOG_TEMPLATE
from ledger.certificates import CertificateView, StepResult
from ledger.chain.clock import DAY
from ledger.errors import ValidationError
from ledger.inputs import DATE_HELP, parse_chain_moment, parse_right
from ledger.parties import party_label, party_names
from ledger.registrar_rules import Schedule
from ledger.types import CertificateRequest, RefusalReason, Right

__all__ = ["app"]

app = typer.Typer(
    help="Certificates of data assets: apply, review, issue, change, renew, suspend, cancel, show, import.\n\n"
    "CERT is a certificate's id (12), its registration number or a certificate number it carries (numbers are "
    "unique across the consortium), or REGISTRAR:NUMBER; an all-digit number needs the REGISTRAR:NUMBER form. WHEN is a date (2030-12-31: the end of that day, UTC), an ISO date and time, or a "
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
RightsOption = Annotated[
    str | None,
    typer.Option("--rights", metavar="RIGHTS", help="Rights, comma-separated: holding, development, operation "
                 "(default: those the catalog entry claims when applying, those claimed when issuing)."),
]
ConsentOption = Annotated[
    list[Path] | None,
    typer.Option("--consent", metavar="FILE", help="A holder's signed consent (from `dal asset consent`); repeat "
                 "for each holder whose shares are needed to pass half of the leading right."),
]
LIST_COLUMNS = ["certificate_id", "number", "name", "status", "in_force", "holder", "version", "expiry"]
HOLDER_COLUMNS = ["certificate_id", "number", "name", "status", "in_force", "holders"]


def _rights(text: str | None) -> list[Right] | None:
    """The rights named in ``text`` (comma-separated), or ``None`` when not given."""
    if text is None:
        return None
    rights = [parse_right(part) for part in text.split(",") if part.strip()]
    if not rights:
        raise ValidationError("--rights names no right; give holding, development and/or operation")
    return list(dict.fromkeys(rights))


def _consents(files: list[Path] | None) -> list[Any]:
    from ledger.holders import read_request_consent

    return [read_request_consent(file) for file in files or []]


def _holders(view: CertificateView) -> str | dict[str, list[dict[str, Any]]] | None:
    """The holders of each right: a dict under --json, one line per right in a table."""
    if view.holders is None:
        return None
    if current().json:
        return {right: [{"owner": owner, "shares": shares} for owner, shares in holders]
                for right, holders in view.holders.items()}
    return "\n".join(
        f"{right}: " + ", ".join(f"{_party(owner)} {shares / 100:g}%" for owner, shares in holders)
        for right, holders in view.holders.items()
    ) or "none"


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
        "registration_number": view.registration_number,
        "rights_claimed": ", ".join(view.rights_claimed) or None,
        "rights_registered": ", ".join(view.rights_granted) or None,
        "authorised_until": view.authorised_until,
        "disputed": view.disputed,
        "holders": _holders(view),
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
    rights: RightsOption = None,
    authorised_until: Annotated[str | None, typer.Option(
        "--authorised-until", metavar="WHEN", help="When the authorisation of the data's source ends; no validity "
        f"may pass it (default: the authorisation expiry the catalog entry declares, or none): {DATE_HELP}.")] = None,
) -> None:
    """Apply for a certificate with a catalog entry (a merchant acts); the entry is saved off chain."""
    state = current()
    ledger = state.ledger()
    until = parse_chain_moment(ledger, authorised_until, what="--authorised-until") if authorised_until else None
    _answer(certificates.apply(ledger, catalog_file, registrar=registrar, rights=_rights(rights),
                               authorised_until=until))


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
    reason: ReasonOption,
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
    _answer(certificates.resolve_objection(ledger, str(certificate_id), reason=reason, notice_seconds=seconds))


@app.command()
def refuse(
    cert: CertArgument,
    code: Annotated[str, typer.Option("--code", metavar="CODE", help="Why: national-core-data, unlawful-source, "
                                      "ownership-dispute or other.")],
    reason: ReasonOption,
) -> None:
    """Refuse an application under review (不予登记), for good, with a reason code (its registrar acts)."""
    state = current()
    try:
        refusal = RefusalReason.from_key(code.replace("-", "_"))
    except KeyError:
        raise ValidationError(
            f"unknown refusal code {code!r}; use national-core-data, unlawful-source, ownership-dispute or other"
        ) from None
    _answer(certificates.refuse(state.ledger(), cert, code=refusal, reason=reason))


@app.command("minimum-notice")
def minimum_notice(
    days: Annotated[int, typer.Argument(metavar="DAYS", min=0, max=365, help="The shortest notice you publish.")],
) -> None:
    """Set your minimum public notice, in days: publicize refuses a shorter one (a registrar acts)."""
    state = current()
    seconds, tx_hash = certificates.set_minimum_notice(state.ledger(), notice_seconds=days * DAY)
    state.out.record({"minimum_notice_days": seconds // DAY, "transaction": tx_hash}, title="minimum notice set")


@app.command("number")
def number_(
    prefix: Annotated[str, typer.Argument(metavar="PREFIX", help="Up to 8 capital letters naming the registry.")],
    digits: Annotated[str, typer.Argument(metavar="DIGITS", help="8 to 22 digits (the year and a serial).")],
) -> None:
    """Make a registration number: PREFIX, DIGITS and their ISO 7064 MOD 11-2 check character."""
    from ledger.numbers import registration_number

    current().out.record({"registration_number": registration_number(prefix, digits)}, title="registration number")


@app.command()
def reject(cert: CertArgument, reason: ReasonOption) -> None:
    """Reject an objected application for good (its registrar acts)."""
    state = current()
    _answer(certificates.reject(state.ledger(), cert, reason=reason))


@app.command()
def issue(
    cert: CertArgument,
    registration_number: Annotated[str, typer.Option(
        "--registration-number", metavar="NUMBER",
        help="The stable registration number, with its check character (make one with `dal asset number`).")],
    number: Annotated[str, typer.Option("--number", help="The number of the certificate document issued now.")],
    expiry: IssueExpiryOption = None,
    rights: RightsOption = None,
) -> None:
    """Issue a certificate whose public notice has ended; the rights granted go to the applicant (its registrar
    acts)."""
    from ledger.registrar_rules import validity_schedule

    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    wanted = parse_chain_moment(ledger, expiry, what="--expiry") if expiry is not None else None
    schedule = validity_schedule(ledger, certificate_id, expiry=wanted)
    _tell(schedule)
    _answer(certificates.issue(ledger, str(certificate_id), registration_number=registration_number, number=number,
                               expiry=schedule.moment, rights=_rights(rights)))


#: Print a certificate act's hash instead of acting.
ActHashOption = Annotated[
    bool,
    typer.Option("--act-hash", help="Only print the act's hash, for the pledgee of each active pledge on the "
                 "certificate to consent to (`dal pledge consent-act`); nothing is sent."),
]


def _act_hash(cert: str, act: CertificateRequest, *, catalog: Path | None = None, reason: str | None = None) -> None:
    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    digest = certificates.certificate_act_hash(ledger, str(certificate_id), act, catalog=catalog, reason=reason)
    state.out.record({"certificate": certificate_id, "act": act.label, "act_hash": digest},
                     title="certificate act hash")


@app.command()
def change(
    cert: CertArgument, catalog_file: CatalogArgument, consent: ConsentOption = None, act_hash: ActHashOption = False
) -> None:
    """Apply to change the catalog entry of a certificate in force (holders of more than half of its leading
    right act; the registrar approves). While it is pledged, each pledgee first consents to the change's act hash
    (--act-hash), before the registrar approves."""
    if act_hash:
        _act_hash(cert, CertificateRequest.CHANGE, catalog=catalog_file)
        return
    state = current()
    _answer(certificates.request_change(state.ledger(), cert, catalog_file, consents=_consents(consent)))


@app.command()
def renew(cert: CertArgument, expiry: ExpiryOption, consent: ConsentOption = None) -> None:
    """Apply to renew an issued certificate until a later expiry, never after the source authorisation the
    catalog entry declares (holders of more than half of its leading right act; the registrar approves)."""
    from ledger.registrar_rules import validity_schedule

    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    wanted = parse_chain_moment(ledger, expiry, what="--expiry")
    validity_schedule(ledger, certificate_id, expiry=wanted)
    _answer(certificates.request_renewal(ledger, str(certificate_id), expiry=wanted, consents=_consents(consent)))


@app.command()
def consent(
    cert: CertArgument,
    requester: Annotated[str, typer.Option("--to", metavar="NAME", help="The holder who will send the request.")],
    out: Annotated[Path, typer.Option("--out", metavar="FILE", help="Where to write the signed consent (new file).")],
    change_file: Annotated[Path | None, typer.Option("--change", metavar="CATALOG_FILE",
                                                     help="Consent to a change to this catalog entry.")] = None,
    renew_until: Annotated[str | None, typer.Option("--renew", metavar="WHEN",
                                                    help="Consent to a renewal until WHEN.")] = None,
    cancel_reason: Annotated[str | None, typer.Option("--cancel", metavar="REASON",
                                                      help="Consent to a cancellation for REASON.")] = None,
    valid_days: Annotated[int, typer.Option("--valid-days", min=1, max=90, help="Days the consent is good for.")] = 7,
) -> None:
    """Sign your consent, as a holder, to another holder's change, renewal or cancellation request; nothing is
    sent. Give the file to that holder, who passes it with --consent."""
    import json

    state = current()
    ledger = state.ledger()
    chosen = [option for option in (change_file, renew_until, cancel_reason) if option is not None]
    if len(chosen) != 1:
        raise ValidationError("say what you consent to: exactly one of --change, --renew or --cancel")
    if change_file is not None:
        request = CertificateRequest.CHANGE
    elif renew_until is not None:
        request = CertificateRequest.RENEWAL
    else:
        request = CertificateRequest.CANCELLATION
    expiry = parse_chain_moment(ledger, renew_until, what="--renew") if renew_until is not None else None
    signed = certificates.request_consent(ledger, cert, requester=requester, request=request, catalog=change_file,
                                          reason=cancel_reason, expiry=expiry, valid_seconds=valid_days * DAY)
    write_new_file(out, json.dumps(signed.to_document(), indent=2) + "\n", option="--out")
    state.out.record({**signed.summary(), "file": str(out)}, title="consent signed")


@app.command()
def approve(
    cert: CertArgument,
    number: Annotated[str | None, typer.Option(
        "--number", help="The new certificate number a change or renewal is re-issued under.")] = None,
) -> None:
    """Approve the holders' pending change, renewal or cancellation (its registrar acts)."""
    state = current()
    _answer(certificates.approve(state.ledger(), cert, number=number))


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
def cancel(
    cert: CertArgument, reason: ReasonOption, consent: ConsentOption = None, act_hash: ActHashOption = False
) -> None:
    """Cancel a certificate: its registrar cancels at once; its holders apply for cancellation. While it is pledged,
    each pledgee first consents to the cancellation's act hash (--act-hash, with the same reason); the cancellation
    then releases the pledges."""
    if act_hash:
        _act_hash(cert, CertificateRequest.CANCELLATION, reason=reason)
        return
    state = current()
    _answer(certificates.cancel(state.ledger(), cert, reason=reason, consents=_consents(consent)))


@app.command()
def dispute(
    cert: CertArgument,
    objector: Annotated[str, typer.Option("--objector", metavar="NAME", help="Who lodged the objection.")],
    reason: ReasonOption,
) -> None:
    """Register an objection to an issued certificate (异议登记): it is disputed until resolved (its registrar
    acts)."""
    state = current()
    _answer(certificates.lodge_objection(state.ledger(), cert, objector=objector, reason=reason))


@app.command("resolve-dispute")
def resolve_dispute(cert: CertArgument, reason: ReasonOption) -> None:
    """Resolve the objection registered after issue, with the decision (its registrar acts)."""
    state = current()
    _answer(certificates.resolve_dispute(state.ledger(), cert, reason=reason))


@app.command()
def reassign(
    certs: Annotated[list[str], typer.Argument(metavar="CERT...", help="Certificates of a suspended registrar.")],
    to: Annotated[str, typer.Option("--to", metavar="NAME", help="The registrar that takes them over.")],
) -> None:
    """Move the certificates of a suspended registrar to another registrar (governance acts)."""
    state = current()
    results = certificates.reassign(state.ledger(), certs, to=to)
    state.out.records([{"action": r.action, **_row(r.certificate), "transaction": r.tx_hash} for r in results],
                      columns=["certificate_id", "status", "registrar", "transaction"], title="reassigned")


@app.command("register-transfer")
def register_transfer(
    cert: CertArgument,
    movement: Annotated[str, typer.Option("--tx", metavar="HASH", help="The transaction that moved the shares.")],
    sender: Annotated[str, typer.Option("--from", metavar="NAME", help="The transferor.")],
    recipient: Annotated[str, typer.Option("--to", metavar="NAME", help="The transferee.")],
    right: Annotated[str, typer.Option("--right", help="holding, development or operation.")],
    shares: Annotated[int, typer.Option("--shares", min=1, max=10_000, help="Shares moved (basis points).")],
    voucher: Annotated[str, typer.Option("--voucher", help="The transfer registration's voucher number.")],
) -> None:
    """Register a transfer the chain recorded (转移登记), under its voucher number (its registrar acts)."""
    state = current()
    done = certificates.register_transfer(state.ledger(), cert, movement=movement, from_=sender, to=recipient,
                                          right=parse_right(right), shares=shares, voucher=voucher)
    state.out.record(done.__dict__, title=f"transfer registered as registration {done.registration_id}")


@app.command("register-licence")
def register_licence(
    licence: Annotated[int, typer.Argument(metavar="LICENCE", min=1, help="The licence id.")],
    voucher: Annotated[str, typer.Option("--voucher", help="The licence voucher number (许可凭证).")],
) -> None:
    """Register a licence the chain recorded (许可登记), under its licence voucher number (its registrar acts)."""
    state = current()
    done = certificates.register_licence(state.ledger(), licence, voucher=voucher)
    state.out.record(done.__dict__, title=f"licence registered as registration {done.registration_id}")


@app.command()
def show(cert: CertArgument) -> None:
    """Show one certificate: status, registration number, rights registered, holders of each right, registrar,
    version, catalog hash and dates."""
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
    ledger = state.ledger()
    views = certificates.list_certificates(ledger, holder=holder, registrar=registrar, status=status)
    if holder is not None:
        views = [certificates.with_holders(ledger, view) for view in views]
    state.out.records([_row(view) for view in views], columns=HOLDER_COLUMNS if holder else LIST_COLUMNS,
                      title="certificates", empty="no certificates match")


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(metavar="FILE_OR_DIR", help="A catalog file, or a folder of them.")],
    registrar: Annotated[str, typer.Option("--registrar", metavar="NAME",
                                           help="The registrar that reviews them (account name or 0x address).")],
    concurrency: Annotated[int | None, typer.Option(
        "--concurrency", min=1, help="Most transactions in flight (default: sized from the chain's block time).")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1,
                                            help="Applications per transaction (one submitBatch call).")] = 100,
    rights: RightsOption = None,
    authorised_until: Annotated[str | None, typer.Option(
        "--authorised-until", metavar="WHEN", help="When the authorisation of the data's source ends, for every "
        "application (default: none declared).")] = None,
) -> None:
    """Apply for many certificates at once (a merchant acts): every file is checked first, the applications
    go in batch calls signed here and sent concurrently, every receipt is checked, and a rerun skips what
    is done."""
    state = current()
    ledger = state.ledger()
    until = parse_chain_moment(ledger, authorised_until, what="--authorised-until") if authorised_until else None
    # The batch sender: only for the commands that register in batches.
    from ledger import registration

    with state.out.progress("applying", None) as update:
        report = registration.import_catalogs(
            ledger, path, registrar=registrar, rights=_rights(rights), authorised_until=until,
            concurrency=concurrency, batch_size=batch_size, on_progress=update,
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
        metavar="MANIFEST", help="A CSV file with the columns catalog, holder, number, submitted, issued, expiry, "
        "and optionally registration_number.")],
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
    # The batch sender: only for the commands that register in batches.
    from ledger import registration

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
