"""Handlers of the Pledges contract's events: recording, release, extension, realisation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from ledger.store.read_model import Pledge
from ledger.types import RealisationMethod
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
        "registered_at": int(args["registeredAt"]),
        "registration_expiry": int(args["registrationExpiry"]),
        "senior_pledge_id": int(args["seniorPledgeId"]),
        "status": "active",
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


@handles("Pledges", "PledgeRealised")
def realised(connection: Connection, event: LoggedEvent) -> None:
    args = event.args
    _change(
        connection, event, status="realised",
        realised_buyer=args["buyer"], realised_shares=int(args["shares"]),
        realisation_method=RealisationMethod(int(args["method"])).key,
        price=int(args["price"]), surplus=int(args["surplus"]), shortfall=int(args["shortfall"]),
        document_hash=args["documentHash"],
    )


@handles("Pledges", "PledgeActConsented")
def act_consented(connection: Connection, event: LoggedEvent) -> None:
    """A pledgee's consent to an act over its collateral: kept in the certificate's history (no row changes)."""
    pledged = connection.execute(
        select(_pledges.c.certificate_id).where(_pledges.c.pledge_id == int(event.args["pledgeId"]))
    ).scalar()
    if pledged is not None:
        link_certificate(connection, event, int(pledged))
