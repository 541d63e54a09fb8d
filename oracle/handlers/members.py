"""Handlers of the Consortium's events: members, their roles and status."""

from __future__ import annotations

from sqlalchemy import Connection

from ledger.store.read_model import Member
from oracle.decoding import LoggedEvent
from oracle.handlers.registry import handles, update_row, upsert

__all__: list[str] = []



@handles("Consortium", "MemberAdded")
def member_added(connection: Connection, event: LoggedEvent) -> None:
    args = event.args
    values = {
        "account": args["account"],
        "identity_hash": args["identityHash"],
        "name": args["name"],
        "roles": int(args["roles"]),
        "status": "active",
        "suspension_reason_hash": None,
        "added_block": event.block_number,
        "updated_block": event.block_number,
    }
    upsert(connection, Member, values, [k for k in values if k != "account"])


def _change(connection: Connection, event: LoggedEvent, **values: object) -> None:
    update_row(connection, Member, "account", event.args["account"], updated_block=event.block_number, **values)


@handles("Consortium", "MemberRolesChanged")
def member_roles_changed(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, roles=int(event.args["roles"]))


@handles("Consortium", "MemberSuspended")
def member_suspended(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="suspended", suspension_reason_hash=event.args["reasonHash"])


@handles("Consortium", "MemberReinstated")
def member_reinstated(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="active", suspension_reason_hash=None)
