"""Data-asset certificates: applying, the registrar's review, issue, and every step after it.

A merchant applies with a catalog entry (:func:`apply`): the entry is checked,
its canonical hash (:func:`ledger.hashing.record_hash`) goes on chain with the
application, and the entry itself is saved off chain in the store, tied to the
new certificate. The registrar named in the application then moves it through
review (:func:`return_for_correction`, :func:`accept`, :func:`publicize`,
:func:`resolve_objection`, :func:`reject`, :func:`issue`); any member may
:func:`object` while it is under public notice. After issue, the holder
applies for a change of catalog entry, a renewal or a cancellation, which the
registrar approves or declines; the registrar also suspends, reinstates and
cancels on its own authority.

Every step checks its input first (an unknown certificate, a malformed catalog
file, a bad address or time is one :class:`~ledger.errors.ValidationError` or
:class:`~ledger.errors.NotFoundError`), then the transaction is estimated, so
a refusal by the contract is reported decoded before anything is sent, and
only after the transaction is mined is anything written off chain. If the
transaction fails, nothing is written.

**Off-chain versions.** The store keeps one catalog record per certificate
and one row per catalog version, numbered as on chain: version 1 is the
applied entry (replaced in place by a resubmission, as the chain replaces the
version-1 hash); a change request stores its entry as the next version when it
is requested, so the registrar can review it, and the chain's
``catalogHashAt(id, version)`` equals the row's ``record_hash`` once approved.
A declined change leaves a row the chain never took; the next change request
overwrites it.

**Naming a certificate** (:func:`resolve`): a plain decimal number is the
certificate id (``12``); any other text is its registration number or a
certificate number it carries or carried (numbers are unique across the
consortium, :mod:`ledger.numbers`); ``REGISTRAR:NUMBER`` names the number and
checks that the registrar manages it. A number made only of digits must be
written in the ``REGISTRAR:NUMBER`` form.

**Rights and holders.** An application claims some of the three rights
(all three unless told); the registrar grants a subset at issue, and only
those rights exist. After issue, changes, renewals and cancellations are asked
by holders of the leading right (:mod:`ledger.holders`), with the signed
consents of other holders when the asker holds half or less.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from eth_utils.address import to_checksum_address

from ledger.chain.clock import DAY, as_datetime, chain_time
from ledger.chain.logs import address_topic
from ledger.context import LedgerContext
from ledger.errors import NotFoundError, StoreError, TransactionError, ValidationError
from ledger.hashing import record_hash, to_hex
from ledger.holders import RequestConsent, check_consents
from ledger.inputs import resolve_party
from ledger.members import event_log
from ledger.numbers import require_registration_number
from ledger.reasons import reason_hash
from ledger.transactions import transact_named
from ledger.types import (
    ALL_RIGHTS,
    CertificateRequest,
    CertificateStatus,
    RefusalReason,
    Right,
    decode_token_id,
    rights_mask,
    rights_of,
)

if TYPE_CHECKING:  # web3 loads only for the commands that send, the store for those that read or write it
    from sqlalchemy import Engine
    from sqlmodel import Session
    from web3.types import TxReceipt

    from ledger.catalog import CatalogEntry
    from ledger.store.catalog import CatalogRecord

__all__ = [
    "CertificateRequest",
    "CertificateStatus",
    "CertificateView",
    "StepResult",
    "accept",
    "apply",
    "approve",
    "cancel",
    "catalog_store",
    "certificate_act_hash",
    "decline",
    "issue",
    "list_certificates",
    "lodge_objection",
    "object_to",
    "publicize",
    "reassign",
    "refuse",
    "register_licence",
    "register_transfer",
    "reinstate",
    "reject",
    "request_cancellation",
    "request_change",
    "request_consent",
    "request_renewal",
    "resolve",
    "resolve_dispute",
    "resolve_objection",
    "resubmit",
    "return_for_correction",
    "save_submitted_entries",
    "set_minimum_notice",
    "show",
    "suspend",
]


@dataclass(frozen=True)
class CertificateView:
    """A certificate as the chain holds it, with its number and, when stored, its catalog entry's name."""

    certificate_id: int
    number: str | None
    status: str
    in_force: bool
    holder: str
    registrar: str
    version: int
    catalog_hash: str
    name: str | None
    catalog_stored: bool
    notice_deadline: dt.datetime | None
    expiry: dt.datetime | None
    pending_request: str | None
    requested_hash: str | None
    requested_expiry: dt.datetime | None
    registration_number: str | None = None
    rights_claimed: tuple[str, ...] = ()
    rights_granted: tuple[str, ...] = ()
    authorised_until: dt.datetime | None = None
    disputed: bool = False
    #: right -> (owner, shares) of each holder, largest first; read only where a command shows it.
    holders: dict[str, tuple[tuple[str, int], ...]] | None = None


@dataclass(frozen=True)
class StepResult:
    """What one lifecycle step did: the certificate afterwards and the transaction that did it."""

    action: str
    certificate: CertificateView
    tx_hash: str
    block: int


# --- the off-chain store (sqlmodel and the store's tables are imported by the functions that use them) ------

_ENGINES: weakref.WeakKeyDictionary[LedgerContext, Engine] = weakref.WeakKeyDictionary()


def catalog_store(ledger: LedgerContext) -> Engine:
    """The profile's off-chain database, at the current schema (an empty one is created)."""
    from ledger.store.session import open_store

    engine = _ENGINES.get(ledger)
    if engine is None:
        engine = open_store(ledger.profile.database_url, create_if_empty=True)
        _ENGINES[ledger] = engine
    return engine


def _record_of(session: Session, certificate_id: int) -> CatalogRecord | None:
    from sqlmodel import select

    from ledger.store.catalog import CatalogRecord

    return session.exec(select(CatalogRecord).where(CatalogRecord.certificate_id == certificate_id)).first()


def _put_version(session: Session, certificate_id: int, version: int, entry: CatalogEntry) -> None:
    """Store ``entry`` as ``version`` of the certificate's catalog record, replacing a row of that number."""
    from sqlmodel import select

    from ledger.store.catalog import (
        CatalogRecord,
        CatalogVersion,
        CatalogVersionBase,
        add_catalog_version,
    )

    record = _record_of(session, certificate_id)
    if record is None:
        if version == 1:
            add_catalog_version(session, entry, certificate_id=certificate_id)
            return
        record = CatalogRecord(certificate_id=certificate_id)
        session.add(record)
        session.flush()
    assert record.id is not None
    row = session.exec(
        select(CatalogVersion).where(CatalogVersion.entry_id == record.id, CatalogVersion.version == version)
    ).first()
    fields = CatalogVersionBase.fields_of(entry)
    digest = to_hex(record_hash(entry))
    if row is None:
        session.add(CatalogVersion(entry_id=record.id, version=version, record_hash=digest, **fields))
    else:
        for key, value in fields.items():
            setattr(row, key, value)
        row.record_hash = digest
        session.add(row)
    session.flush()


def _write(ledger: LedgerContext, what: str, work: Iterable[tuple[int, int, CatalogEntry]]) -> None:
    """Write catalog versions in one database transaction; a failure says what the chain already has."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    items = list(work)
    try:
        with Session(catalog_store(ledger)) as session:
            for certificate_id, version, entry in items:
                _put_version(session, certificate_id, version, entry)
            session.commit()
    except SQLAlchemyError as exc:
        ids = ", ".join(str(item[0]) for item in items)
        raise StoreError(
            f"{what} is on chain (certificate {ids}), but saving the catalog entry off chain failed "
            f"({str(getattr(exc, 'orig', exc)).strip().splitlines()[0]}); rerun the same command to save it"
        ) from None


def save_submitted_entries(ledger: LedgerContext, submitted: Sequence[tuple[int, CatalogEntry]]) -> int:
    """Store version 1 of each (certificate, entry) that the store does not hold yet; returns how many.

    Written in bulk, in one database transaction: a bulk import saves thousands at once.
    """
    if not submitted:
        return 0
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session, col, select

    from ledger.store.catalog import CatalogRecord, CatalogVersion, CatalogVersionBase

    try:
        with Session(catalog_store(ledger)) as session:
            wanted = [cid for cid, _ in submitted]
            held = set()
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                held |= {int(cid) for cid in session.exec(
                    select(CatalogRecord.certificate_id).where(col(CatalogRecord.certificate_id).in_(chunk))
                ) if cid is not None}
            missing = [(cid, entry) for cid, entry in submitted if cid not in held]
            records = [CatalogRecord(certificate_id=cid) for cid, _ in missing]
            session.add_all(records)
            session.flush()
            session.add_all([
                CatalogVersion(entry_id=int(record.id or 0), version=1, record_hash=to_hex(record_hash(entry)),
                               **CatalogVersionBase.fields_of(entry))
                for record, (_, entry) in zip(records, missing, strict=True)
            ])
            session.commit()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise StoreError(
            f"{len(submitted)} applications are on chain, but saving their catalog entries off chain failed "
            f"({reason}); rerun the same import to save them"
        ) from None
    return len(missing)


def _stored_names(ledger: LedgerContext, hashes: dict[int, str]) -> dict[int, str]:
    """The stored catalog name of each certificate whose stored version matches the chain's hash."""
    if not hashes:
        return {}
    from sqlmodel import Session, col, select

    from ledger.store.catalog import CatalogRecord, CatalogVersion

    with Session(catalog_store(ledger)) as session:
        rows = session.exec(
            select(CatalogRecord.certificate_id, CatalogVersion.record_hash, CatalogVersion.name)
            .join(CatalogVersion, col(CatalogVersion.entry_id) == col(CatalogRecord.id))
            .where(col(CatalogRecord.certificate_id).in_(list(hashes)))
        ).all()
    return {int(cid): str(name) for cid, digest, name in rows if cid is not None and hashes.get(int(cid)) == digest}


# --- naming certificates ------------------------------------------------------------------------


def _count(ledger: LedgerContext) -> int:
    return int(ledger.call("Certificates", "certificateCount"))


def resolve(ledger: LedgerContext, ref: str) -> int:
    """The certificate id named by ``ref`` (an id, a number, or ``REGISTRAR:NUMBER``)."""
    text = ref.strip()
    if not text:
        raise ValidationError("no certificate given: name it by id (12), its number, or REGISTRAR:NUMBER")
    if re.fullmatch(r"\d+", text):
        certificate_id = int(text)
        if not 1 <= certificate_id <= _count(ledger):
            raise NotFoundError(f"certificate {certificate_id} does not exist; see the certificates with `dal asset list`")
        return certificate_id
    registrar_part, _, number = text.partition(":")
    registrar: str | None = None
    if number and (registrar_part.lower().startswith("0x") or re.fullmatch(r"[a-z][a-z0-9-]{0,31}", registrar_part)):
        registrar = resolve_party(ledger, registrar_part, what="registrar")
    else:
        number = text
    certificate_id = int(ledger.call("Certificates", "certificateByNumber", number))
    if certificate_id == 0:
        raise NotFoundError(f"no certificate carries number {number!r}; check it, or give the certificate id")
    if registrar is not None and ledger.certificate(certificate_id).registrar != to_checksum_address(registrar):
        raise NotFoundError(
            f"number {number!r} belongs to certificate {certificate_id}, which registrar {registrar_part} does not "
            "manage; check the registrar, or give the number alone"
        )
    return certificate_id


# --- reading ----------------------------------------------------------------------------------


# Certificates read per JSON-RPC batch when listing many.
_BATCH = 250


def _read_states(ledger: LedgerContext, certificate_ids: Sequence[int]) -> tuple[dict[int, Any], dict[int, bool]]:
    """Each certificate's stored record and whether it is in force.

    They are read with raw ``eth_call`` batches at the latest block, encoded and decoded here (no web3: it
    formats every answer through its middleware, which costs more than the node's work, and importing it
    costs more than a short command's whole answer).
    """
    from ledger.chain.views import decode_output, encode_call

    contract = ledger.contract_abi("Certificates")
    states: dict[int, Any] = {}
    in_force: dict[int, bool] = {}
    for start in range(0, len(certificate_ids), _BATCH):
        chunk = list(certificate_ids[start:start + _BATCH])
        calls: list[tuple[str, list[Any]]] = []
        entries: list[Any] = []
        for cid in chunk:
            for function in ("certificate", "isInForce"):
                calldata, entry = encode_call(contract, function, [cid])
                calls.append(("eth_call", [{"to": contract.address, "data": "0x" + calldata.hex()}, "latest"]))
                entries.append(entry)
        by_id = ledger.rpc.batch(calls)
        if any("result" not in answer for answer in by_id):
            raise TransactionError("the node did not answer a batch of certificate reads; try again")
        for index, cid in enumerate(chunk):
            (states[cid],) = decode_output(entries[2 * index], bytes.fromhex(by_id[2 * index]["result"][2:]))
            (in_force[cid],) = decode_output(entries[2 * index + 1], bytes.fromhex(by_id[2 * index + 1]["result"][2:]))
    return states, in_force


def _views(ledger: LedgerContext, certificate_ids: Sequence[int]) -> list[CertificateView]:
    if not certificate_ids:
        return []
    states, in_force = _read_states(ledger, certificate_ids)
    hashes = {cid: to_hex(bytes(state[4])) for cid, state in states.items()}
    names = _stored_names(ledger, hashes)
    views = []
    for cid in certificate_ids:
        (status, holder, registrar, version, catalog_hash, deadline, expiry, pending, requested, req_expiry,
         number, _submitted, _issued, _imported, claimed, granted, authorised, disputed, registration) = states[cid]
        request = CertificateRequest(int(pending))
        views.append(
            CertificateView(
                certificate_id=cid,
                number=str(number) or None,
                status=CertificateStatus(int(status)).label,
                in_force=in_force[cid],
                holder=to_checksum_address(holder),
                registrar=to_checksum_address(registrar),
                version=int(version),
                catalog_hash=to_hex(bytes(catalog_hash)),
                name=names.get(cid),
                catalog_stored=cid in names,
                notice_deadline=as_datetime(int(deadline)),
                expiry=as_datetime(int(expiry)),
                pending_request=None if request is CertificateRequest.NONE else request.name.lower(),
                requested_hash=to_hex(bytes(requested)) if bytes(requested) != bytes(32) else None,
                requested_expiry=as_datetime(int(req_expiry)),
                registration_number=str(registration) or None,
                rights_claimed=tuple(right.label for right in rights_of(int(claimed))) if int(claimed) else (),
                rights_granted=tuple(right.label for right in rights_of(int(granted)))
                if int(granted) or CertificateStatus(int(status)) in _ISSUED_STATUSES else (),
                authorised_until=as_datetime(int(authorised)),
                disputed=bool(disputed),
            )
        )
    return views


def with_holders(ledger: LedgerContext, view: CertificateView) -> CertificateView:
    """``view`` with the holders of each of its rights, read from the chain."""
    from dataclasses import replace

    from ledger.rights import show_rights

    if view.status not in _HELD:
        return replace(view, holders={})
    rights = show_rights(ledger, view.certificate_id)
    holders = {
        item.right.label: tuple((holding.owner, holding.shares) for holding in item.holdings)
        for item in rights.rights
        if item.holdings
    }
    return replace(view, holders=holders)


_ISSUED_STATUSES: Final = frozenset({CertificateStatus.ISSUED, CertificateStatus.SUSPENDED, CertificateStatus.CANCELLED})
_HELD: Final = frozenset(status.label for status in _ISSUED_STATUSES)


def show(ledger: LedgerContext, ref: str) -> CertificateView:
    """The certificate named by ``ref``, with the holders of each right."""
    return with_holders(ledger, _views(ledger, [resolve(ledger, ref)])[0])


def list_certificates(
    ledger: LedgerContext,
    *,
    holder: str | None = None,
    registrar: str | None = None,
    status: str | None = None,
) -> list[CertificateView]:
    """Every certificate, oldest first; optionally only those of a holder, a registrar, or in a status.

    A holder's certificates are those it applied for (it is their holder of record) and those where it
    holds shares of any of the three rights now.
    """
    wanted_status: CertificateStatus | None = None
    if status is not None:
        key = status.strip().upper().replace(" ", "_").replace("-", "_")
        try:
            wanted_status = CertificateStatus[key]
        except KeyError:
            known = ", ".join(s.label for s in CertificateStatus if s is not CertificateStatus.NONE)
            raise ValidationError(f"unknown status {status!r}; use one of {known}") from None
    holder_address = resolve_party(ledger, holder, what="holder") if holder else None
    registrar_address = resolve_party(ledger, registrar, what="registrar") if registrar else None
    # The applicant and the registrar are indexed arguments of CertificateSubmitted.
    topics: list[str | None] = [
        None,
        address_topic(holder_address) if holder_address else None,
        address_topic(registrar_address) if registrar_address else None,
    ]
    submitted = event_log(ledger, "Certificates").fetch([("Certificates", "CertificateSubmitted")], topics=topics)
    wanted = {int(event.args["certificateId"]) for event in submitted}
    if holder_address is not None:
        wanted |= _certificates_with_shares(ledger, holder_address)
    views = _views(ledger, sorted(wanted))
    return [
        view for view in views
        if (wanted_status is None or view.status == wanted_status.label)
        and (registrar_address is None or view.registrar == registrar_address)
    ]


def _certificates_with_shares(ledger: LedgerContext, owner: str) -> set[int]:
    """The certificates where ``owner`` holds shares of any right now (it received some, and still has them)."""
    received = event_log(ledger, "Rights").fetch(
        [("Rights", "TransferSingle"), ("Rights", "TransferBatch")], topics=[None, None, address_topic(owner)]
    )
    candidates: set[int] = set()
    for event in received:
        tokens = [event.args["id"]] if event.event == "TransferSingle" else list(event.args["ids"])
        candidates.update(decoded[0] for token in tokens if (decoded := decode_token_id(int(token))) is not None)
    return {
        certificate_id for certificate_id in candidates
        if any(int(ledger.call("Rights", "sharesOf", certificate_id, int(right), owner)) for right in Right)
    }


# --- writing ----------------------------------------------------------------------------------


def _step(ledger: LedgerContext, action: str, certificate_id: int, function: str, *args: object,
          as_: str | None) -> tuple[StepResult, TxReceipt]:
    receipt = transact_named(ledger, "Certificates", function, *args, as_=as_)
    view = _views(ledger, [certificate_id])[0]
    result = StepResult(action, view, receipt["transactionHash"].to_0x_hex(), int(receipt["blockNumber"]))
    return result, receipt


def _ready(ledger: LedgerContext, as_: str | None) -> None:
    """Everything a write needs, checked before anything is written anywhere.

    The chain and its contracts are reached, the acting account unlocked, and
    only then is the database opened (an empty one is created on first use).
    """
    ledger.deployment  # noqa: B018 - reaches the node and the contracts
    ledger.account(as_)
    catalog_store(ledger)


def _load(catalog: Path | CatalogEntry) -> CatalogEntry:
    # The catalog's schema (pydantic models, YAML) loads only for the commands that take a catalog entry.
    from ledger.catalog import CatalogEntry, load_catalog_entry

    return catalog if isinstance(catalog, CatalogEntry) else load_catalog_entry(Path(catalog))


def application(digest: bytes, rights: Sequence[Right] | None, authorised_until: int | None) -> tuple[bytes, int, int]:
    """The contract's ``Application`` tuple: the catalog hash, the rights claimed (all three unless told) and the
    end of the source authorisation (0: none declared)."""
    mask = rights_mask(rights) if rights else ALL_RIGHTS
    if rights is not None and not rights:
        raise ValidationError("an application claims at least one right: holding, development or operation")
    return (digest, mask, int(authorised_until or 0))


def apply(
    ledger: LedgerContext,
    catalog: Path | CatalogEntry,
    *,
    registrar: str,
    rights: Sequence[Right] | None = None,
    authorised_until: int | None = None,
    as_: str | None = None,
) -> StepResult:
    """Apply for a certificate with a catalog entry, to be reviewed by ``registrar`` (a merchant acts).

    The application claims ``rights`` and declares when the authorisation of the data's source ends
    (``authorised_until``; none for data the applicant produced itself): no validity may pass it. Both default
    to what the catalog entry declares (a ``dal.catalog-entry/2`` entry's rights claimed and authorisation
    expiry, the end of that day in the registrar's timezone; all three rights and no end for a ``/1`` entry).
    The entry's hash goes on chain; the entry is saved off chain once the application is mined.
    """
    from ledger.catalog import authorisation_expiry, claimed_rights

    entry = _load(catalog)
    registrar_address = resolve_party(ledger, registrar, what="registrar")
    if rights is None:
        rights = claimed_rights(entry)
    expiry_day = authorisation_expiry(entry)
    if authorised_until is None and expiry_day is not None:
        from ledger.registrar_rules import registrar_rules_of

        authorised_until = registrar_rules_of(ledger, registrar_address).authorisation_end(expiry_day)
    _ready(ledger, as_)
    digest = record_hash(entry)
    _refuse_duplicate(ledger, ledger.address_of(as_), digest)
    receipt = transact_named(ledger, "Certificates", "submit", registrar_address,
                             application(digest, rights, authorised_until), as_=as_)
    submitted = event_log(ledger, "Certificates").decode_receipt(receipt, "Certificates", "CertificateSubmitted")
    if not submitted:
        raise TransactionError("the application was mined but recorded no CertificateSubmitted event; "
                               "check the deployment with `dal chain status`")
    certificate_id = int(submitted[0].args["certificateId"])
    _write(ledger, "the application", [(certificate_id, 1, entry)])
    view = _views(ledger, [certificate_id])[0]
    return StepResult("applied", view, receipt["transactionHash"].to_0x_hex(), int(receipt["blockNumber"]))


#: The longest public notice a registrar may set, in days: a year.
NOTICE_CEILING_DAYS: Final = 365

_PENDING: Final = frozenset(status.label for status in (
    CertificateStatus.SUBMITTED, CertificateStatus.RETURNED, CertificateStatus.ACCEPTED,
    CertificateStatus.UNDER_NOTICE, CertificateStatus.OBJECTED,
))


def _refuse_duplicate(ledger: LedgerContext, applicant: str, digest: bytes) -> None:
    """Refuse a second application for the same catalog entry by the same applicant while the first is
    pending (submitted, returned, accepted, under notice, objected) or in force."""
    mine = event_log(ledger, "Certificates").fetch(
        [("Certificates", "CertificateSubmitted")], topics=[None, address_topic(applicant)]
    )
    wanted = to_hex(digest)
    for view in _views(ledger, [int(event.args["certificateId"]) for event in mine]):
        if view.catalog_hash == wanted and (view.status in _PENDING or view.in_force):
            where = f"is {view.status}" if view.status in _PENDING else f"is in force as {view.number}"
            raise ValidationError(
                f"this catalog entry was already applied for as certificate {view.certificate_id}, which {where}; "
                f"follow it with `dal asset show {view.certificate_id}` instead of applying twice"
            )


def return_for_correction(ledger: LedgerContext, ref: str, *, reason: str, as_: str | None = None) -> StepResult:
    """Return a submitted application to its applicant for correction (the registrar acts)."""
    certificate_id = resolve(ledger, ref)
    digest = reason_hash(reason)
    return _step(ledger, "returned", certificate_id, "returnForCorrection", certificate_id, digest, as_=as_)[0]


def resubmit(ledger: LedgerContext, ref: str, catalog: Path | CatalogEntry, *, as_: str | None = None) -> StepResult:
    """Resubmit a returned application with a corrected catalog entry (the holder acts)."""
    entry = _load(catalog)
    certificate_id = resolve(ledger, ref)
    _ready(ledger, as_)
    result, _ = _step(ledger, "resubmitted", certificate_id, "resubmit", certificate_id, record_hash(entry), as_=as_)
    _write(ledger, "the resubmission", [(certificate_id, 1, entry)])
    return _views_result(ledger, result)


def _views_result(ledger: LedgerContext, result: StepResult) -> StepResult:
    """``result`` with the certificate read again (after an off-chain write changed what is stored)."""
    view = _views(ledger, [result.certificate.certificate_id])[0]
    return StepResult(result.action, view, result.tx_hash, result.block)


def accept(ledger: LedgerContext, ref: str, *, as_: str | None = None) -> StepResult:
    """Accept a submitted application (the registrar acts)."""
    certificate_id = resolve(ledger, ref)
    return _step(ledger, "accepted", certificate_id, "accept", certificate_id, as_=as_)[0]


def _notice(seconds: int) -> int:
    """A notice period, checked: longer than zero and within :data:`NOTICE_CEILING_DAYS`."""
    if seconds <= 0:
        raise ValidationError("the notice period must be longer than zero")
    if seconds > NOTICE_CEILING_DAYS * DAY:
        raise ValidationError(
            f"a notice period of {seconds / DAY:g} days is beyond the ceiling of {NOTICE_CEILING_DAYS} days; "
            "public notice runs for days or weeks (10 days is usual)"
        )
    return seconds


def publicize(ledger: LedgerContext, ref: str, *, notice_seconds: int, as_: str | None = None) -> StepResult:
    """Publish an accepted application for objections, for ``notice_seconds`` from the chain's time."""
    certificate_id = resolve(ledger, ref)
    deadline = chain_time(ledger.w3) + _notice(notice_seconds)
    return _step(ledger, "publicized", certificate_id, "publicize", certificate_id, deadline, as_=as_)[0]


def object_to(ledger: LedgerContext, ref: str, *, reason: str, as_: str | None = None) -> StepResult:
    """Object to a certificate under public notice (any active member acts)."""
    certificate_id = resolve(ledger, ref)
    digest = reason_hash(reason)
    return _step(ledger, "objected", certificate_id, "object", certificate_id, digest, as_=as_)[0]


def resolve_objection(
    ledger: LedgerContext, ref: str, *, reason: str, notice_seconds: int | None = None, as_: str | None = None
) -> StepResult:
    """Resolve an objection for ``reason``: a new notice of ``notice_seconds``, or (``None``) close the notice
    now."""
    certificate_id = resolve(ledger, ref)
    digest = reason_hash(reason)
    deadline = 0
    if notice_seconds is not None:
        deadline = chain_time(ledger.w3) + _notice(notice_seconds)
    return _step(ledger, "objection resolved", certificate_id, "resolveObjection", certificate_id, deadline,
                 digest, as_=as_)[0]


def refuse(
    ledger: LedgerContext, ref: str, *, code: RefusalReason, reason: str, as_: str | None = None
) -> StepResult:
    """Refuse an application under review (不予登记) for ``code``, with the decision's text or hash (the
    registrar acts). Final."""
    certificate_id = resolve(ledger, ref)
    if code is RefusalReason.NONE:
        known = ", ".join(item.key for item in RefusalReason if item is not RefusalReason.NONE)
        raise ValidationError(f"a refusal needs a reason code: one of {known}")
    digest = reason_hash(reason)
    return _step(ledger, "refused", certificate_id, "refuse", certificate_id, int(code), digest, as_=as_)[0]


def set_minimum_notice(ledger: LedgerContext, *, notice_seconds: int, as_: str | None = None) -> tuple[int, str]:
    """Set the acting registrar's minimum public notice; returns it and the transaction hash."""
    if notice_seconds < 0 or notice_seconds > NOTICE_CEILING_DAYS * DAY:
        raise ValidationError(f"a minimum notice runs from 0 to {NOTICE_CEILING_DAYS} days")
    receipt = transact_named(ledger, "Certificates", "setMinimumNotice", notice_seconds, as_=as_)
    return notice_seconds, receipt["transactionHash"].to_0x_hex()


def reject(ledger: LedgerContext, ref: str, *, reason: str, as_: str | None = None) -> StepResult:
    """Reject an objected application for good (the registrar acts)."""
    certificate_id = resolve(ledger, ref)
    digest = reason_hash(reason)
    return _step(ledger, "rejected", certificate_id, "reject", certificate_id, digest, as_=as_)[0]


def _check_number(number: str) -> str:
    cleaned = number.strip()
    if not cleaned:
        raise ValidationError("the certificate number is empty; give --number")
    if len(cleaned.encode("utf-8")) > 64:
        raise ValidationError(f"the certificate number {cleaned!r} is longer than 64 bytes; shorten it")
    return cleaned


def issue(
    ledger: LedgerContext,
    ref: str,
    *,
    registration_number: str,
    number: str,
    expiry: int,
    rights: Sequence[Right] | None = None,
    as_: str | None = None,
) -> StepResult:
    """Issue a certificate whose notice has ended, under its stable ``registration_number`` and the document's
    ``number``, valid until ``expiry``, granting ``rights`` (those claimed unless told); mints them."""
    certificate_id = resolve(ledger, ref)
    registration = require_registration_number(registration_number.strip())
    cleaned = _check_number(number)
    if rights is not None and not rights:
        raise ValidationError("a certificate grants at least one right")
    mask = rights_mask(rights) if rights else ledger.certificate(certificate_id).rights_claimed
    terms = (registration, cleaned, expiry, mask)
    return _step(ledger, "issued", certificate_id, "issue", certificate_id, terms, as_=as_)[0]


def _consents(ledger: LedgerContext, certificate_id: int, request: CertificateRequest, requested_hash: bytes,
              requested_expiry: int, consents: Sequence[RequestConsent], as_: str | None) -> list[tuple[str, int, bytes]]:
    """The consents as the contract takes them, each checked to consent to exactly this request."""
    nonce = int(ledger.call("Certificates", "requestNonce", certificate_id))
    check_consents(consents, certificate_id=certificate_id, request=request, requester=ledger.address_of(as_),
                   requested_hash=requested_hash, requested_expiry=requested_expiry, nonce=nonce)
    return [consent.as_argument() for consent in consents]


def _requested_hash(
    request: CertificateRequest, catalog: Path | CatalogEntry | None, reason: str | None, *, what: str
) -> bytes:
    """What a change asks for (the new catalog entry's hash) or why a cancellation is asked (the reason's hash)."""
    if request is CertificateRequest.CHANGE:
        if catalog is None:
            raise ValidationError(f"{what} a change names the new catalog entry")
        return record_hash(_load(catalog))
    if reason is None:
        raise ValidationError(f"{what} a cancellation names its reason")
    return reason_hash(reason)


def request_consent(
    ledger: LedgerContext,
    ref: str,
    *,
    requester: str,
    request: CertificateRequest,
    catalog: Path | CatalogEntry | None = None,
    reason: str | None = None,
    expiry: int | None = None,
    valid_seconds: int = 7 * DAY,
    as_: str | None = None,
) -> RequestConsent:
    """The acting holder's signed consent to ``requester``'s next request on the certificate: a change to
    ``catalog``, a renewal until ``expiry`` or a cancellation for ``reason``. Signed here; nothing is sent."""
    certificate_id = resolve(ledger, ref)
    requested_hash, requested_expiry = bytes(32), 0
    if request is CertificateRequest.RENEWAL:
        if expiry is None:
            raise ValidationError("a consent to a renewal names the new expiry")
        requested_expiry = expiry
    elif request in (CertificateRequest.CHANGE, CertificateRequest.CANCELLATION):
        requested_hash = _requested_hash(request, catalog, reason, what="a consent to")
    else:
        raise ValidationError("a consent is to a change, a renewal or a cancellation")
    account = ledger.account(as_)
    consent = RequestConsent(
        chain_id=int(ledger.w3.eth.chain_id),
        certificates=ledger.contract("Certificates").address,
        holder=account.address,
        requester=resolve_party(ledger, requester, what="requester"),
        certificate_id=certificate_id,
        request=request,
        requested_hash=requested_hash,
        requested_expiry=requested_expiry,
        nonce=int(ledger.call("Certificates", "requestNonce", certificate_id)),
        deadline=chain_time(ledger.w3) + valid_seconds,
    )
    return consent.signed_by(account)


def request_change(
    ledger: LedgerContext, ref: str, catalog: Path | CatalogEntry, *, consents: Sequence[RequestConsent] = (),
    as_: str | None = None,
) -> StepResult:
    """Apply to change the catalog entry of a certificate in force (holders of more than half of the leading
    right act: the caller, with ``consents`` of others).

    The new entry is stored off chain as the next version, for the registrar
    to review; it becomes the certificate's version when approved.
    """
    entry = _load(catalog)
    certificate_id = resolve(ledger, ref)
    _ready(ledger, as_)
    digest = record_hash(entry)
    current = ledger.certificate(certificate_id).version
    if bytes(ledger.call("Certificates", "catalogHashAt", certificate_id, current)) == digest:
        raise ValidationError(
            f"the catalog entry is the same as version {current} of certificate {certificate_id}; change it first"
        )
    signed = _consents(ledger, certificate_id, CertificateRequest.CHANGE, digest, 0, consents, as_)
    result, _ = _step(ledger, "change requested", certificate_id, "requestChange", certificate_id, digest, signed,
                      as_=as_)
    _write(ledger, "the change request", [(certificate_id, current + 1, entry)])
    return _views_result(ledger, result)


def request_renewal(
    ledger: LedgerContext, ref: str, *, expiry: int, consents: Sequence[RequestConsent] = (), as_: str | None = None
) -> StepResult:
    """Apply to renew an issued certificate until ``expiry`` (holders of more than half of the leading right)."""
    certificate_id = resolve(ledger, ref)
    signed = _consents(ledger, certificate_id, CertificateRequest.RENEWAL, bytes(32), expiry, consents, as_)
    return _step(ledger, "renewal requested", certificate_id, "requestRenewal", certificate_id, expiry, signed,
                 as_=as_)[0]


def request_cancellation(
    ledger: LedgerContext, ref: str, *, reason: str, consents: Sequence[RequestConsent] = (), as_: str | None = None
) -> StepResult:
    """Apply to cancel a certificate in force (holders of more than half of the leading right)."""
    certificate_id = resolve(ledger, ref)
    digest = reason_hash(reason)
    signed = _consents(ledger, certificate_id, CertificateRequest.CANCELLATION, digest, 0, consents, as_)
    return _step(ledger, "cancellation requested", certificate_id, "requestCancellation", certificate_id, digest,
                 signed, as_=as_)[0]


def certificate_act_hash(
    ledger: LedgerContext, ref: str, act: CertificateRequest, *, catalog: Path | CatalogEntry | None = None,
    reason: str | None = None,
) -> str:
    """The hash of a change to ``catalog`` or a cancellation for ``reason`` of the certificate as it stands, which
    the pledgee of each active pledge on it consents to (``dal pledge consent-act``) before the registrar approves
    the change or cancellation; computed by the contract (``certificateActHash``). Nothing is sent."""
    certificate_id = resolve(ledger, ref)
    if act not in (CertificateRequest.CHANGE, CertificateRequest.CANCELLATION):
        raise ValidationError("only a change or a cancellation needs the pledgees' consent; a renewal needs none")
    requested = _requested_hash(act, catalog, reason, what="the act hash of")
    digest = ledger.call("Certificates", "certificateActHash", certificate_id, int(act), requested)
    return "0x" + bytes(digest).hex()


def _active_pledges(ledger: LedgerContext, certificate_id: int) -> list[int]:
    # Imported here: reading pledges loads the chain reader, which the certificate workflows do not need otherwise.
    from ledger.pledges import active_pledge_ids

    return active_pledge_ids(ledger, certificate_id)


def approve(ledger: LedgerContext, ref: str, *, number: str | None = None, as_: str | None = None) -> StepResult:
    """Approve the holders' pending change, renewal or cancellation (the registrar acts). A change or renewal
    re-issues the certificate under a new certificate ``number``; a cancellation takes none. A change or
    cancellation names the certificate's active pledges, whose pledgees must have consented to it (the contract
    checks); a cancellation releases them."""
    certificate_id = resolve(ledger, ref)
    pending = ledger.certificate(certificate_id).pending_request
    action = {
        CertificateRequest.CHANGE: "changed",
        CertificateRequest.RENEWAL: "renewed",
        CertificateRequest.CANCELLATION: "cancelled",
    }.get(pending, "approved")
    if pending in (CertificateRequest.CHANGE, CertificateRequest.RENEWAL):
        if not number:
            raise ValidationError(
                f"approving a {pending.label} re-issues the certificate: give the new certificate number (--number)"
            )
        number = _check_number(number)
    elif number:
        raise ValidationError("a cancellation issues no document: give no --number")
    pledged = _active_pledges(ledger, certificate_id) if pending is not CertificateRequest.RENEWAL else []
    return _step(ledger, action, certificate_id, "approveRequest", certificate_id, number or "", pledged,
                 as_=as_)[0]


def decline(ledger: LedgerContext, ref: str, *, reason: str, as_: str | None = None) -> StepResult:
    """Decline the holder's pending request (the registrar acts)."""
    certificate_id = resolve(ledger, ref)
    digest = reason_hash(reason)
    return _step(ledger, "request declined", certificate_id, "declineRequest", certificate_id, digest, as_=as_)[0]


def suspend(ledger: LedgerContext, ref: str, *, reason: str, as_: str | None = None) -> StepResult:
    """Suspend an issued certificate while a dispute runs: nothing under it moves (the registrar acts)."""
    certificate_id = resolve(ledger, ref)
    digest = reason_hash(reason)
    return _step(ledger, "suspended", certificate_id, "suspend", certificate_id, digest, as_=as_)[0]


def reinstate(ledger: LedgerContext, ref: str, *, as_: str | None = None) -> StepResult:
    """Reinstate a suspended certificate (the registrar acts)."""
    certificate_id = resolve(ledger, ref)
    return _step(ledger, "reinstated", certificate_id, "reinstate", certificate_id, as_=as_)[0]


def cancel(
    ledger: LedgerContext, ref: str, *, reason: str, consents: Sequence[RequestConsent] = (), as_: str | None = None
) -> StepResult:
    """Cancel a certificate: its registrar cancels it at once (naming the active pledges on it, whose pledgees
    must have consented, and which the cancellation releases); its holders apply for cancellation."""
    certificate_id = resolve(ledger, ref)
    digest = reason_hash(reason)
    acting = ledger.address_of(as_)
    if acting == to_checksum_address(ledger.certificate(certificate_id).registrar):
        if consents:
            raise ValidationError("the registrar cancels on its own authority: it passes no holders' consents")
        pledged = _active_pledges(ledger, certificate_id)
        return _step(ledger, "cancelled", certificate_id, "cancel", certificate_id, digest, pledged, as_=as_)[0]
    return request_cancellation(ledger, ref, reason=reason, consents=consents, as_=as_)


def lodge_objection(
    ledger: LedgerContext, ref: str, *, objector: str, reason: str, as_: str | None = None
) -> StepResult:
    """Record an objection to an issued certificate lodged by ``objector`` (异议登记; the registrar acts): the
    certificate is disputed until resolved."""
    certificate_id = resolve(ledger, ref)
    objector_address = resolve_party(ledger, objector, what="objector")
    digest = reason_hash(reason)
    return _step(ledger, "objection lodged", certificate_id, "lodgeObjection", certificate_id, objector_address,
                 digest, as_=as_)[0]


def resolve_dispute(ledger: LedgerContext, ref: str, *, reason: str, as_: str | None = None) -> StepResult:
    """Resolve the objection lodged after issue, with the decision (the registrar acts)."""
    certificate_id = resolve(ledger, ref)
    digest = reason_hash(reason)
    return _step(ledger, "dispute resolved", certificate_id, "resolveDispute", certificate_id, digest, as_=as_)[0]


def reassign(ledger: LedgerContext, refs: Sequence[str], *, to: str, as_: str | None = None) -> list[StepResult]:
    """Move certificates of a suspended registrar to registrar ``to`` (governance acts)."""
    if not refs:
        raise ValidationError("name at least one certificate to reassign")
    ids = [resolve(ledger, ref) for ref in refs]
    target = resolve_party(ledger, to, what="registrar")
    receipt = transact_named(ledger, "Certificates", "reassign", ids, target, as_=as_)
    views = _views(ledger, ids)
    return [StepResult("reassigned", view, receipt["transactionHash"].to_0x_hex(), int(receipt["blockNumber"]))
            for view in views]


@dataclass(frozen=True)
class RegistrationResult:
    """A transfer or licence registration the registrar recorded."""

    registration_id: int
    kind: str
    certificate_id: int
    voucher: str
    tx_hash: str


def _voucher(voucher: str) -> str:
    cleaned = voucher.strip()
    if not cleaned or len(cleaned.encode("utf-8")) > 64:
        raise ValidationError("a voucher number has 1 to 64 bytes; give --voucher")
    return cleaned


def register_transfer(
    ledger: LedgerContext,
    ref: str,
    *,
    movement: str,
    from_: str,
    to: str,
    right: Right,
    shares: int,
    voucher: str,
    as_: str | None = None,
) -> RegistrationResult:
    """Register (转移登记) the transfer of ``shares`` of ``right`` from ``from_`` to ``to`` that transaction
    ``movement`` made, under ``voucher`` (the registrar acts). The movement is checked on chain first: the
    transaction must carry exactly that transfer."""
    from ledger.history import transfer_items

    certificate_id = resolve(ledger, ref)
    sender = resolve_party(ledger, from_, what="transferor")
    recipient = resolve_party(ledger, to, what="transferee")
    if not re.fullmatch(r"0x[0-9a-fA-F]{64}", movement.strip()):
        raise ValidationError("the movement is the 0x hash of the transaction that moved the shares")
    try:
        receipt = ledger.w3.eth.get_transaction_receipt(movement.strip())  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - any lookup failure means the chain does not know it
        raise NotFoundError(f"the chain holds no transaction {movement.strip()}; check the hash") from None
    moved = 0
    for event in event_log(ledger, "Rights").decode_receipt(receipt, "Rights", "TransferSingle") + \
            event_log(ledger, "Rights").decode_receipt(receipt, "Rights", "TransferBatch"):
        if (to_checksum_address(event.args["from"]), to_checksum_address(event.args["to"])) != (sender, recipient):
            continue
        moved += sum(amount for item_right, amount in transfer_items(event, certificate_id) if item_right == right)
    if moved != shares:
        raise ValidationError(
            f"transaction {movement.strip()} moved {moved} shares of the {right.label} right of certificate "
            f"{certificate_id} from {from_} to {to}, not {shares}; register what it moved"
        )
    facts = (sender, recipient, int(right), shares, bytes.fromhex(movement.strip()[2:]))
    done = transact_named(ledger, "Registrations", "registerTransfer", certificate_id, facts, _voucher(voucher),
                          as_=as_)
    (event,) = event_log(ledger, "Registrations").decode_receipt(done, "Registrations", "TransferRegistered")
    return RegistrationResult(int(event.args["registrationId"]), "transfer", certificate_id, str(event.args["voucher"]),
                              done["transactionHash"].to_0x_hex())


def register_licence(ledger: LedgerContext, licence_id: int, *, voucher: str, as_: str | None = None
                     ) -> RegistrationResult:
    """Register (许可登记) licence ``licence_id`` under its licence voucher number (the registrar acts)."""
    done = transact_named(ledger, "Registrations", "registerLicence", licence_id, _voucher(voucher), as_=as_)
    (event,) = event_log(ledger, "Registrations").decode_receipt(done, "Registrations", "LicenceRegistered")
    return RegistrationResult(int(event.args["registrationId"]), "licence", int(event.args["certificateId"]),
                              str(event.args["voucher"]), done["transactionHash"].to_0x_hex())
