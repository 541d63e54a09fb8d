"""Handlers of the Rights contract's events: shares (ERC-1155 transfers) and licences."""

from __future__ import annotations

from sqlalchemy import Connection, delete, update

from ledger.store.read_model import Licence, ShareHolding, ShareTransfer
from oracle.decoding import LoggedEvent
from oracle.handlers.registry import handles, right_name, table, upsert

__all__ = ["ZERO_ADDRESS"]

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"

_holdings = table(ShareHolding)
_licences = table(Licence)


def _add(connection: Connection, certificate_id: int, right: str, owner: str, delta: int) -> None:
    key = {"certificate_id": certificate_id, "right": right, "owner": owner}
    upsert(connection, ShareHolding, {**key, "shares": delta}, {"shares": _holdings.c.shares + delta})
    if delta < 0:
        connection.execute(
            delete(_holdings).where(
                _holdings.c.certificate_id == certificate_id,
                _holdings.c.right == right,
                _holdings.c.owner == owner,
                _holdings.c.shares == 0,
            )
        )


def _move(connection: Connection, event: LoggedEvent, item: int, token_id: int, shares: int) -> None:
    certificate_id, right = token_id >> 2, right_name(token_id & 3)
    sender, recipient = event.args["from"], event.args["to"]
    if sender != ZERO_ADDRESS:
        _add(connection, certificate_id, right, sender, -shares)
    if recipient != ZERO_ADDRESS:
        _add(connection, certificate_id, right, recipient, shares)
    values = {
        "tx_hash": event.tx_hash,
        "log_index": event.log_index,
        "item": item,
        "certificate_id": certificate_id,
        "right": right,
        "sender": sender,
        "recipient": recipient,
        "shares": shares,
        "operator": event.args["operator"],
        "block_number": event.block_number,
        "block_timestamp": event.block_timestamp,
    }
    upsert(connection, ShareTransfer, values, [])


@handles("Rights", "TransferSingle")
def transfer_single(connection: Connection, event: LoggedEvent) -> None:
    _move(connection, event, 0, int(event.args["id"]), int(event.args["value"]))


@handles("Rights", "TransferBatch")
def transfer_batch(connection: Connection, event: LoggedEvent) -> None:
    for item, (token_id, value) in enumerate(zip(event.args["ids"], event.args["values"], strict=True)):
        _move(connection, event, item, int(token_id), int(value))


@handles("Rights", "LicenceGranted")
def licence_granted(connection: Connection, event: LoggedEvent) -> None:
    args = event.args
    values = {
        "licence_id": int(args["licenceId"]),
        "certificate_id": int(args["certificateId"]),
        "right": right_name(args["right"]),
        "grantor": args["grantor"],
        "licensee": args["licensee"],
        "parent_id": int(args["parentId"]),
        "terms_hash": args["termsHash"],
        "start": int(args["start"]),
        "end": int(args["end"]),
        "exclusive": bool(args["exclusive"]),
        "sublicensable": bool(args["sublicensable"]),
        "revoked": False,
        "revoked_by": None,
        "root_licence_id": None,
        "revoke_reason_hash": None,
        "granted_block": event.block_number,
    }
    upsert(connection, Licence, values, [k for k in values if k != "licence_id"])


@handles("Rights", "LicenceRevoked")
def licence_revoked(connection: Connection, event: LoggedEvent) -> None:
    args = event.args
    connection.execute(
        update(_licences)
        .where(_licences.c.licence_id == int(args["licenceId"]))
        .values(
            revoked=True,
            revoked_by=args["revokedBy"],
            root_licence_id=int(args["rootLicenceId"]),
            revoke_reason_hash=args["reasonHash"],
        )
    )
