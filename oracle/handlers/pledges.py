"""Handlers of the Pledges contract's events: recording, release, extension, enforcement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from ledger.store.read_model import Pledge
from oracle.decoding import LoggedEvent
from oracle.handlers.registry import (
    handles,
    link_certificate,
    right_name,
    table,
    update_row,
    upsert,
)

__all__: list[str] = []

_pledges = table(Pledge)


def _change(connection: Connection, event: LoggedEvent, **values: Any) -> None:
    pledged = connection.execute(
        select(_pledges.c.certificate_id).where(_pledges.c.pledge_id == int(event.args["pledgeId"]))
    ).scalar()
    if pledged is not None:
        link_certificate(connection, event, int(pledged))
    update_row(connection, Pledge, "pledge_id", int(event.args["pledgeId"]), updated_block=event.block_number,
               **values)


@handles("Pledges", "PledgeRecorded")
def recorded(connection: Connection, event: LoggedEvent) -> None:
    args = event.args
    values = {
        "pledge_id": int(args["pledgeId"]),
        "certificate_id": int(args["certificateId"]),
        "right": right_name(args["right"]),
        "pledgor": args["pledgor"],
        "pledgee": args["pledgee"],
        "shares": int(args["shares"]),
        "amount": int(args["amount"]),
        "currency": bytes.fromhex(args["currency"][2:]).decode("ascii", errors="replace"),
        "maturity": int(args["maturity"]),
        "external_ref": args["externalRef"],
        "senior_pledge_id": int(args["seniorPledgeId"]),
        "status": "active",
        "enforced_recipient": None,
        "enforced_shares": None,
        "recorded_block": event.block_number,
        "updated_block": event.block_number,
    }
    upsert(connection, Pledge, values, [k for k in values if k != "pledge_id"])
    link_certificate(connection, event, values["certificate_id"])


@handles("Pledges", "PledgeReleased")
def released(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="released")


@handles("Pledges", "PledgeExtended")
def extended(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, maturity=int(event.args["maturity"]))


@handles("Pledges", "PledgeEnforced")
def enforced(connection: Connection, event: LoggedEvent) -> None:
    _change(
        connection, event, status="enforced",
        enforced_recipient=event.args["recipient"], enforced_shares=int(event.args["shares"]),
    )
