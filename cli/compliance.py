"""`dal compliance`: the compliance modules in force, the data they judge by, and checking a planned transfer."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.state import current
from ledger import certificates, compliance
from ledger.errors import ContractRevertError, ValidationError
from ledger.governance import TimelockOutcome
from ledger.transactions import Written

__all__ = ["app"]

app = typer.Typer(
    help="Compliance modules (holder caps, jurisdictions, qualifications): list them, check a planned transfer, "
    "and the acts of governance and registrars that set them.",
    no_args_is_help=True,
)

CertArgument = Annotated[
    str,
    typer.Argument(metavar="CERT", help="The certificate: its id, REGISTRAR:NUMBER, or a number unique across registrars."),
]
MemberArgument = Annotated[
    str, typer.Argument(metavar="MEMBER", help="An account name, a member's display name, or a 0x address.")
]
MODULE_COLUMNS = ["module", "kind", "consulted when", "settings"]
#: The exit code of `dal compliance check` when the planned transfer would be refused (a negative answer).
REFUSED_EXIT_CODE = 3


def _written(written: Written) -> dict[str, Any]:
    return {"tx": written.tx_hash, "block": written.block}


def _timelock_row(outcome: TimelockOutcome) -> dict[str, Any]:
    from ledger.chain.clock import format_time

    row: dict[str, Any] = {"state": outcome.state, "operation": outcome.operation_id}
    if outcome.ready_at is not None:
        row["delay"] = f"{outcome.delay} s"
        row["ready at"] = format_time(outcome.ready_at)
        row["next"] = f"dal compliance execute {outcome.operation_id}"
    if outcome.multisig_call is not None:
        row["multisig call"] = outcome.multisig_call
    return row


@app.command("list")
def list_() -> None:
    """List the modules in force, in the order they are consulted, with their settings."""
    state = current()
    modules = compliance.modules_in_force(state.ledger())
    if state.json:
        state.out.records([
            {"module": item.address, "kind": item.kind, "conditions": item.conditions, "settings": item.settings}
            for item in modules
        ])
        return
    rows = [
        {
            "module": item.address,
            "kind": item.kind,
            "consulted when": ", ".join(item.conditions),
            "settings": ", ".join(f"{key}: {value}" for key, value in item.settings.items()) or "-",
        }
        for item in modules
    ]
    state.out.records(rows, columns=MODULE_COLUMNS, title="compliance modules in force",
                      empty="no compliance module is in force: governance adds one with `dal compliance add-module`")


@app.command()
def show(cert: CertArgument) -> None:
    """Show CERT's compliance flags and how many members hold each of its rights.

    The counts move only while a module that counts holders (holder-cap) is in force.
    """
    state = current()
    ledger = state.ledger()
    answer = compliance.certificate_compliance(ledger, certificates.resolve(ledger, cert))
    state.out.record({
        "certificate": answer.certificate_id,
        "cross-border restricted": answer.cross_border_restricted,
        "contains personal information": answer.contains_personal_information,
        "holders": answer.holders,
        "holders counted": answer.holders_counted,
    }, title="compliance")


@app.command()
def member(
    account: MemberArgument,
    qualification: Annotated[
        list[str] | None,
        typer.Option("--qualification", metavar="NAME", help="Say whether the member holds this (repeatable)."),
    ] = None,
) -> None:
    """Show a member's jurisdiction and whether it holds the named qualifications."""
    state = current()
    state.out.record(compliance.member_compliance(state.ledger(), account, list(qualification or [])),
                     title="member compliance")


@app.command()
def check(
    cert: Annotated[str, typer.Option("--certificate", metavar="CERT", help="The certificate (id or number).")],
    right: Annotated[str, typer.Option("--right", metavar="RIGHT", help="holding, development or operation.")],
    sender: Annotated[str, typer.Option("--from", metavar="MEMBER", help="The member giving the shares.")],
    recipient: Annotated[str, typer.Option("--to", metavar="MEMBER", help="The member receiving them.")],
    shares: Annotated[int, typer.Option("--shares", metavar="N", help="How many shares (basis points).")],
) -> None:
    """Check a planned transfer against the modules in force and the ledger's rules, without sending it.

    Accepted: exit code 0. Refused (by a compliance module, or by the ledger's own rules such as pledged
    shares): the verdict with the refusal in one sentence, exit code 3. Bad input: exit code 1.
    """
    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    try:
        answer = compliance.check_transfer(ledger, certificate_id, right, sender, recipient, shares)
    except ContractRevertError as refusal:
        state.out.record({"verdict": "refused", "certificate": certificate_id, "right": right, "from": sender,
                          "to": recipient, "shares": shares, "refused by": refusal.name, "reason": str(refusal)},
                         title="transfer check")
        raise typer.Exit(REFUSED_EXIT_CODE) from None
    state.out.record({
        "verdict": "accepted",
        "certificate": answer.certificate_id,
        "right": answer.right.label,
        "from": answer.sender,
        "to": answer.recipient,
        "shares": answer.shares,
        "new holder": answer.recipient_shares_before == 0,
        "sender leaves": answer.sender_shares_after == 0,
        "block": answer.block,
    }, title="transfer check")


@app.command("add-module")
def add_module(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="holder-cap, jurisdiction or qualification.")],
    holding: Annotated[int | None, typer.Option("--holding", metavar="N", help="holder-cap: most holders of the holding right.")] = None,
    development: Annotated[int | None, typer.Option("--development", metavar="N", help="holder-cap: of the development right.")] = None,
    operation: Annotated[int | None, typer.Option("--operation", metavar="N", help="holder-cap: of the operation right.")] = None,
    qualification: Annotated[str | None, typer.Option("--qualification", metavar="NAME", help="qualification: the one required.")] = None,
) -> None:
    """Deploy a module of KIND with its settings and put it in force through the governance timelock.

    Governance's act (--as the admin). With no delay (the local profile) it is in force at once; otherwise
    run it after the delay with `dal compliance execute OPERATION`. A multisig governance gets the call to submit.
    """
    settings: dict[str, Any] = {"holding": holding, "development": development, "operation": operation,
                                "qualification": qualification}
    given = {key for key, value in settings.items() if value is not None}
    allowed = {"holder-cap": {"holding", "development", "operation"}, "qualification": {"qualification"},
               "jurisdiction": set()}.get(kind.strip().lower())
    if allowed is not None and given - allowed:
        raise ValidationError(f"a {kind} module takes no {', '.join(sorted('--' + key for key in given - allowed))}")
    state = current()
    outcome = compliance.add_module(state.ledger(), kind.strip().lower(), settings)
    row: dict[str, Any] = {"module": outcome.module, "kind": outcome.kind, **_timelock_row(outcome.timelock)}
    if outcome.holder_counts:
        row["holder counts"] = outcome.holder_counts
    state.out.record(row, title="module added" if outcome.timelock.state == "executed" else "module scheduled")


@app.command("remove-module")
def remove_module(
    module: Annotated[str, typer.Argument(metavar="MODULE", help="The module's 0x address (see `dal compliance list`).")],
) -> None:
    """Take MODULE out of force through the governance timelock (--as the admin)."""
    state = current()
    outcome = compliance.remove_module(state.ledger(), module)
    state.out.record({"module": outcome.module, "kind": outcome.kind, **_timelock_row(outcome.timelock)},
                     title="module removed" if outcome.timelock.state == "executed" else "removal scheduled")


@app.command()
def execute(
    operation: Annotated[str, typer.Argument(metavar="OPERATION", help="The operation id a scheduled act gave.")],
) -> None:
    """Run a scheduled module addition or removal once the timelock's delay has passed (--as the admin)."""
    from ledger.governance import execute_upgrade

    state = current()
    receipt = execute_upgrade(state.ledger(), operation)
    state.out.record({"operation": operation, "state": "executed", "block": receipt["blockNumber"],
                      "tx": receipt["transactionHash"].to_0x_hex()}, title="operation executed")


@app.command("sync-holders")
def sync_holders(
    cert: Annotated[
        list[str] | None, typer.Argument(metavar="CERT", help="The certificates (default: every one).")
    ] = None,
) -> None:
    """Set, through the governance timelock, every holder count that differs from the holders on chain.

    Counts stand still while no module that counts holders (holder-cap) is in force; `add-module`
    re-syncs them as it puts the first one in force. For a count set wrong, or a suite the Compliance
    contract joined after shares had moved (--as the admin).
    """
    state = current()
    ledger = state.ledger()
    ids = [certificates.resolve(ledger, item) for item in cert] if cert else None
    outcome = compliance.sync_holder_counts(ledger, ids)
    row: dict[str, Any] = {"changes": outcome.changes}
    row.update(_timelock_row(outcome.timelock) if outcome.timelock else {"state": "up to date"})
    state.out.record(row, title="holder counts")


@app.command()
def jurisdiction(
    account: MemberArgument,
    code: Annotated[str | None, typer.Argument(metavar="CODE", help="ISO 3166-1 alpha-2, such as CN.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the member's jurisdiction.")] = False,
) -> None:
    """Record MEMBER's jurisdiction (governance: --as the admin)."""
    if (code is None) == (not clear):
        raise ValidationError("give the jurisdiction CODE (such as CN), or --clear to remove it")
    state = current()
    written = compliance.set_jurisdiction(state.ledger(), account, code)
    state.out.record({"member": account, "jurisdiction": code.upper() if code else None, **_written(written)},
                     title="jurisdiction set")


@app.command()
def qualify(
    account: MemberArgument,
    qualification: Annotated[str, typer.Argument(metavar="QUALIFICATION", help="Its name, such as PI-PROCESSOR.")],
    revoke: Annotated[bool, typer.Option("--revoke", help="Revoke it instead.")] = False,
) -> None:
    """Grant MEMBER a qualification, or revoke it (governance: --as the admin)."""
    state = current()
    written = compliance.grant_qualification(state.ledger(), account, qualification, revoke=revoke)
    state.out.record({"member": account, "qualification": qualification, "held": not revoke, **_written(written)},
                     title="qualification revoked" if revoke else "qualification granted")


@app.command()
def flags(
    cert: CertArgument,
    cross_border: Annotated[
        bool, typer.Option("--cross-border/--no-cross-border", help="Restricted for cross-border flows.")
    ] = False,
    personal_information: Annotated[
        bool,
        typer.Option("--personal-information/--no-personal-information", help="Contains personal information."),
    ] = False,
) -> None:
    """Set CERT's compliance flags (its registrar: --as the registrar); an unnamed flag is cleared."""
    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    written = compliance.set_certificate_flags(
        ledger, certificate_id, cross_border_restricted=cross_border,
        contains_personal_information=personal_information,
    )
    state.out.record({"certificate": certificate_id, "cross-border restricted": cross_border,
                      "contains personal information": personal_information, **_written(written)},
                     title="compliance flags set")


@app.command()
def allow(
    cert: CertArgument,
    code: Annotated[str, typer.Argument(metavar="CODE", help="ISO 3166-1 alpha-2, such as CN.")],
    withdraw: Annotated[bool, typer.Option("--withdraw", help="Stop allowing it.")] = False,
) -> None:
    """Allow members of jurisdiction CODE to receive restricted CERT, or withdraw it (its registrar)."""
    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    written = compliance.allow_jurisdiction(ledger, certificate_id, code, allowed=not withdraw)
    state.out.record({"certificate": certificate_id, "jurisdiction": code.upper(), "allowed": not withdraw,
                      **_written(written)}, title="jurisdiction withdrawn" if withdraw else "jurisdiction allowed")
