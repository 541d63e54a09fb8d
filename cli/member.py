"""`dal member`: the consortium's members; the admin admits, suspends and reinstates them."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.state import current
from ledger import members
from ledger.members import MemberView

__all__ = ["app"]

app = typer.Typer(
    help="Consortium members and their roles. Admitting, suspending and reinstating is for the admin (--as).",
    no_args_is_help=True,
)

AccountArgument = Annotated[
    str, typer.Argument(metavar="ACCOUNT", help="An account name (see `dal account list`) or a 0x address.")
]
LIST_COLUMNS = ["account", "local_name", "name", "roles", "status"]


def _row(member: MemberView) -> dict[str, Any]:
    return {
        "account": member.account,
        "local_name": member.local_name,
        "name": member.name,
        "roles": member.roles,
        "status": member.status,
        "identity_hash": member.identity_hash,
        "added_block": member.added_block,
        "suspension_reason_hash": member.suspension_reason_hash,
    }


@app.command()
def add(
    account: AccountArgument,
    name: Annotated[str, typer.Option("--name", help="The organisation's display name.")],
    roles: Annotated[
        str, typer.Option("--roles", help="Comma-separated: registrar, merchant, bank, auditor, oracle.")
    ],
    uscc: Annotated[
        str | None,
        typer.Option(
            "--uscc",
            metavar="CODE",
            help="The unified social credit code (18 characters, check character verified); the identity "
            'recorded is keccak256("USCC:" + CODE), never the code itself.',
        ),
    ] = None,
    identity_hash: Annotated[
        str | None,
        typer.Option("--identity-hash", metavar="0xHASH", help="A ready identity hash instead of --uscc."),
    ] = None,
) -> None:
    """Admit ACCOUNT as an active member with its roles and identity (the admin acts)."""
    state = current()
    identity = members.identity_from(uscc=uscc, identity_hash=identity_hash)
    mask = members.parse_roles(roles)
    ledger = state.ledger()
    member = members.add_member(ledger, account, name=name, roles=mask, identity=identity)
    state.out.record(_row(member), title="member admitted")


@app.command()
def suspend(
    account: AccountArgument,
    reason: Annotated[
        str, typer.Option("--reason", help="Why, as text (its keccak-256 is recorded) or as a 0x hash.")
    ],
) -> None:
    """Suspend ACCOUNT: it can do nothing until reinstated (the admin acts)."""
    state = current()
    member = members.suspend_member(state.ledger(), account, reason=reason)
    state.out.record(_row(member), title="member suspended")


@app.command()
def reinstate(account: AccountArgument) -> None:
    """Reinstate the suspended member ACCOUNT (the admin acts)."""
    state = current()
    member = members.reinstate_member(state.ledger(), account)
    state.out.record(_row(member), title="member reinstated")


@app.command("list")
def list_() -> None:
    """List every member ever admitted, with its roles and status."""
    state = current()
    rows = [_row(member) for member in members.list_members(state.ledger())]
    state.out.records(rows, columns=LIST_COLUMNS, title="members",
                      empty="no members yet: the admin admits them with `dal member add`")


@app.command()
def show(account: AccountArgument) -> None:
    """Show one member: roles, status, identity hash."""
    state = current()
    state.out.record(_row(members.show_member(state.ledger(), account)), title="member")
