"""Handlers of the Certificates contract's events: the lifecycle and catalog versions."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Connection

from ledger.store.read_model import Certificate, CertificateVersion
from oracle.decoding import LoggedEvent
from oracle.handlers.registry import handles, link_certificate, update_row, upsert

__all__: list[str] = []

_NO_REQUEST: Final[dict[str, Any]] = {"pending_request": "none", "requested_hash": None, "requested_expiry": 0}


def _change(connection: Connection, event: LoggedEvent, **values: Any) -> None:
    link_certificate(connection, event, int(event.args["certificateId"]))
    update_row(
        connection, Certificate, "certificate_id", int(event.args["certificateId"]),
        updated_block=event.block_number, **values,
    )


def _version(connection: Connection, event: LoggedEvent, version: int, catalog_hash: str) -> None:
    values = {
        "certificate_id": int(event.args["certificateId"]),
        "version": version,
        "catalog_hash": catalog_hash,
        "block_number": event.block_number,
        "tx_hash": event.tx_hash,
    }
    upsert(connection, CertificateVersion, values, ["catalog_hash", "block_number", "tx_hash"])


def _new(connection: Connection, event: LoggedEvent, holder: str, **values: Any) -> None:
    """The one write path of a certificate entering the read model, at version 1, with its link."""
    args = event.args
    row = {
        "certificate_id": int(args["certificateId"]),
        "holder": holder,
        "registrar": args["registrar"],
        "version": 1,
        "catalog_hash": args["catalogHash"],
        "notice_deadline": 0,
        "last_reason_hash": None,
        "submitted_block": event.block_number,
        "updated_block": event.block_number,
        **_NO_REQUEST,
        **values,
    }
    upsert(connection, Certificate, row, [k for k in row if k != "certificate_id"])
    _version(connection, event, 1, args["catalogHash"])
    link_certificate(connection, event, int(args["certificateId"]))


@handles("Certificates", "CertificateSubmitted")
def submitted(connection: Connection, event: LoggedEvent) -> None:
    args = event.args
    _new(connection, event, args["applicant"], status="submitted", number=None, expiry=0, issued_block=None,
         rights_claimed=int(args["rights"]), rights_granted=0, authorised_until=int(args["authorisedUntil"]),
         registration_number=None, disputed=False)


@handles("Certificates", "CertificateReturned")
def returned(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="returned", last_reason_hash=event.args["reasonHash"])


@handles("Certificates", "CertificateResubmitted")
def resubmitted(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="submitted", catalog_hash=event.args["catalogHash"])
    _version(connection, event, 1, event.args["catalogHash"])


@handles("Certificates", "CertificateAccepted")
def accepted(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="accepted")


@handles("Certificates", "CertificatePublicized")
def publicized(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="under_notice", notice_deadline=int(event.args["noticeDeadline"]))


@handles("Certificates", "CertificateObjected")
def objected(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="objected", last_reason_hash=event.args["reasonHash"])


@handles("Certificates", "CertificateObjectionResolved")
def objection_resolved(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="under_notice", notice_deadline=int(event.args["noticeDeadline"]),
            last_reason_hash=event.args["reasonHash"])


@handles("Certificates", "CertificateRefused")
def refused(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="refused", last_reason_hash=event.args["reasonHash"])


@handles("Certificates", "CertificateDisputed")
def disputed(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, disputed=True, last_reason_hash=event.args["reasonHash"])


@handles("Certificates", "CertificateDisputeResolved")
def dispute_resolved(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, disputed=False, last_reason_hash=event.args["reasonHash"])


@handles("Certificates", "CertificateReassigned")
def reassigned(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, registrar=event.args["to"])


@handles("Registrations", "TransferRegistered")
@handles("Registrations", "LicenceRegistered")
def registered(connection: Connection, event: LoggedEvent) -> None:
    """A transfer or licence registration: kept in the event log, linked to its certificate."""
    link_certificate(connection, event, int(event.args["certificateId"]))


@handles("Certificates", "CertificateRejected")
def rejected(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="rejected", last_reason_hash=event.args["reasonHash"])


@handles("Certificates", "CertificateIssued")
def issued(connection: Connection, event: LoggedEvent) -> None:
    args = event.args
    _change(
        connection, event, status="issued", number=args["number"], expiry=int(args["expiry"]),
        holder=args["holder"], registrar=args["registrar"], issued_block=event.block_number,
        registration_number=args["registrationNumber"], rights_granted=int(args["rights"]),
    )


@handles("Certificates", "CertificateImported")
def imported(connection: Connection, event: LoggedEvent) -> None:
    """A certificate a legacy registry issued: it enters the read model already issued."""
    args = event.args
    _new(connection, event, args["holder"], status="issued", number=args["number"], expiry=int(args["expiry"]),
         issued_block=event.block_number, rights_claimed=7, rights_granted=7, authorised_until=0,
         registration_number=args["registrationNumber"] or None, disputed=False)


@handles("Certificates", "CertificateChangeRequested")
def change_requested(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, pending_request="change", requested_hash=event.args["catalogHash"])


@handles("Certificates", "CertificateRenewalRequested")
def renewal_requested(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, pending_request="renewal", requested_expiry=int(event.args["expiry"]))


@handles("Certificates", "CertificateCancellationRequested")
def cancellation_requested(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, pending_request="cancellation", requested_hash=event.args["reasonHash"])


@handles("Certificates", "CertificateRequestDeclined")
def request_declined(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, last_reason_hash=event.args["reasonHash"], **_NO_REQUEST)


@handles("Certificates", "CertificateChanged")
def changed(connection: Connection, event: LoggedEvent) -> None:
    version = int(event.args["version"])
    _change(connection, event, version=version, catalog_hash=event.args["catalogHash"], number=event.args["number"],
            **_NO_REQUEST)
    _version(connection, event, version, event.args["catalogHash"])


@handles("Certificates", "CertificateRenewed")
def renewed(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, expiry=int(event.args["expiry"]), number=event.args["number"], **_NO_REQUEST)


@handles("Certificates", "CertificateSuspended")
def suspended(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="suspended", last_reason_hash=event.args["reasonHash"])


@handles("Certificates", "CertificateReinstated")
def reinstated(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="issued")


@handles("Certificates", "CertificateCancelled")
def cancelled(connection: Connection, event: LoggedEvent) -> None:
    _change(connection, event, status="cancelled", last_reason_hash=event.args["reasonHash"], **_NO_REQUEST)
