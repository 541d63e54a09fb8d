"""Handlers of due process: the DueProcess contract's proposals, and what an executed key recovery moves in the
Consortium, Rights and Pledges (a court-ordered transfer moves shares through ``TransferSingle``, handled with
the other share movements)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from ledger.store.read_model import DueProcessProposal, Licence, Member, Pledge
from ledger.types import ProposalKind, ProposalStatus, RecoveryScope
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

_proposals = table(DueProcessProposal)
_members = table(Member)


def _ids(values: Iterable[int]) -> str:
    return ",".join(str(value) for value in values)


@handles("DueProcess", "ForcedTransferProposed")
def forced_transfer_proposed(connection: Connection, event: LoggedEvent) -> None:
    args = event.args
    values = {
        "proposal_id": int(args["proposalId"]),
        "kind": ProposalKind.FORCED_TRANSFER.key,
        "status": ProposalStatus.PROPOSED.key,
        "proposer": args["proposer"],
        "source": args["from"],
        "target": args["to"],
        "document_hash": args["documentHash"],
        "executable_at": int(args["executableAt"]),
        "certificate_id": int(args["certificateId"]),
        "right": right_name(args["right"]),
        "shares": int(args["shares"]),
        "proposed_block": event.block_number,
        "updated_block": event.block_number,
    }
    upsert(connection, DueProcessProposal, values, [k for k in values if k != "proposal_id"])
    link_certificate(connection, event, values["certificate_id"])


@handles("DueProcess", "RecoveryProposed")
def recovery_proposed(connection: Connection, event: LoggedEvent) -> None:
    args = event.args
    scope = RecoveryScope.from_event(args["scope"])
    values = {
        "proposal_id": int(args["proposalId"]),
        "kind": ProposalKind.RECOVERY.key,
        "status": ProposalStatus.PROPOSED.key,
        "proposer": args["proposer"],
        "source": args["lostAccount"],
        "target": args["newAccount"],
        "document_hash": args["documentHash"],
        "executable_at": int(args["executableAt"]),
        "scope_certificates": _ids(scope.certificate_ids),
        "scope_licences": _ids(scope.licence_ids),
        "scope_pledges": _ids(scope.pledge_ids),
        "scope_qualifications": ",".join(scope.qualifications),
        "proposed_block": event.block_number,
        "updated_block": event.block_number,
    }
    upsert(connection, DueProcessProposal, values, [k for k in values if k != "proposal_id"])
    for certificate_id in scope.certificate_ids:
        link_certificate(connection, event, certificate_id)


def _settle(connection: Connection, event: LoggedEvent, **values: Any) -> None:
    """Mark a proposal executed or cancelled, and link the step to the certificates it concerns."""
    proposal_id = int(event.args["proposalId"])
    row = connection.execute(
        select(_proposals.c.certificate_id, _proposals.c.scope_certificates).where(
            _proposals.c.proposal_id == proposal_id
        )
    ).first()
    if row is not None:
        concerned = [row.certificate_id] if row.certificate_id is not None else [
            int(item) for item in row.scope_certificates.split(",") if item
        ]
        for certificate_id in concerned:
            link_certificate(connection, event, int(certificate_id))
    update_row(connection, DueProcessProposal, "proposal_id", proposal_id, updated_block=event.block_number, **values)


@handles("DueProcess", "DueProcessExecuted")
def executed(connection: Connection, event: LoggedEvent) -> None:
    _settle(connection, event, status=ProposalStatus.EXECUTED.key)


@handles("DueProcess", "DueProcessCancelled")
def cancelled(connection: Connection, event: LoggedEvent) -> None:
    _settle(connection, event, status=ProposalStatus.CANCELLED.key, cancel_reason_hash=event.args["reasonHash"])


@handles("Consortium", "MemberRecovered")
def member_recovered(connection: Connection, event: LoggedEvent) -> None:
    """The new address takes the lost one's identity, name, roles and status; the lost one is retired."""
    args = event.args
    lost = connection.execute(
        select(_members.c.name, _members.c.status, _members.c.suspension_reason_hash).where(
            _members.c.account == args["from"]
        )
    ).first()
    values = {
        "account": args["to"],
        "identity_hash": args["identityHash"],
        "name": lost.name if lost is not None else "",
        "roles": int(args["roles"]),
        "status": lost.status if lost is not None else "active",
        "suspension_reason_hash": lost.suspension_reason_hash if lost is not None else None,
        "added_block": event.block_number,
        "updated_block": event.block_number,
    }
    upsert(connection, Member, values, [k for k in values if k != "account"])
    update_row(connection, Member, "account", args["from"], updated_block=event.block_number, status="retired")


@handles("Rights", "PositionRecovered")
def position_recovered(connection: Connection, event: LoggedEvent) -> None:
    # The shares moved with the TransferSingle events before; the read model keeps no pledged counts.
    link_certificate(connection, event, int(event.args["certificateId"]))


def _repoint(connection: Connection, event: LoggedEvent, model: type[SQLModel], key: str, sides: tuple[str, str],
             **values: Any) -> None:
    """A recovery moved one party of the record ``key`` names from ``from`` to ``to``: the first of ``sides`` if it
    was ``from``, else the second. The step is linked to the record's certificate."""
    records = table(model)
    record_id = int(event.args[_ARGUMENT[key]])
    first, second = sides
    row = connection.execute(
        select(records.c.certificate_id, records.c[first]).where(records.c[key] == record_id)
    ).first()
    if row is None:
        return
    link_certificate(connection, event, int(row.certificate_id))
    side = first if row[1] == event.args["from"] else second
    update_row(connection, model, key, record_id, **{side: event.args["to"]}, **values)


_ARGUMENT = {"licence_id": "licenceId", "pledge_id": "pledgeId"}


@handles("Rights", "LicenceRecovered")
def licence_recovered(connection: Connection, event: LoggedEvent) -> None:
    _repoint(connection, event, Licence, "licence_id", ("grantor", "licensee"))


@handles("Pledges", "PledgeRecovered")
def pledge_recovered(connection: Connection, event: LoggedEvent) -> None:
    _repoint(connection, event, Pledge, "pledge_id", ("pledgor", "pledgee"), updated_block=event.block_number)
