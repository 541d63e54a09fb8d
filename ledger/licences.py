"""Licences over the development and operation rights: granting, revoking, and reading them.

An owner of development or operation shares grants a licence to another
active member: a scope (the hash of the licence terms, a file or a hash
given directly), a period ``[start, end)``, exclusive or not, and whether it
may be sub-licensed. The licensee of a sub-licensable licence grants
sub-licences under it (``parent``), within its period. Revoking a licence
(its grantor) revokes every licence under it. The holding right is not
licensable.

Everything the contract would refuse and that can be seen beforehand is
checked first, with one line that says what to change; the rest (an
exclusive licence in the way, for instance) is the contract's refusal,
decoded at gas estimation, so nothing is sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.chain.clock import format_time
from ledger.chain.logs import ChainLog
from ledger.context import LedgerContext
from ledger.errors import NotFoundError, ValidationError
from ledger.hashing import digest_of
from ledger.inputs import add_duration, parse_moment, parse_right, resolve_party
from ledger.parties import party_label, party_names
from ledger.reader import ChainReader, Read, require_holder_member, require_in_force
from ledger.transactions import Written, events_in, transact_named
from ledger.types import LicenceRecord, Right

__all__ = [
    "GrantedLicence",
    "LicenceView",
    "RevokedLicences",
    "grant_licence",
    "licence_act_hash",
    "licence_period",
    "licence_reads",
    "licences_of",
    "read_licences",
    "revoke_licence",
    "show_licence",
    "terms_hash_of",
]

_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")


def terms_hash_of(value: str) -> bytes:
    """The 32-byte scope of a licence: a ``0x`` hash as given, or keccak-256 of the named file's bytes."""
    return digest_of(value, what="--terms")


def licence_period(
    now: int, start: str | None, until: str | None, duration: str | None
) -> tuple[int | None, int]:
    """``(start, end)`` in unix seconds from ``--from``, and ``--until`` or ``--for``; the start is ``None``
    without ``--from``: the licence then starts at its grant (the block it lands in), never earlier.

    ``--from`` and ``--until`` are moments as :func:`ledger.inputs.parse_moment` reads them (a bare date is
    the end of that day, UTC; a duration counts from ``now``); ``--for`` is a duration from the start.
    """
    first = parse_moment(start, now, what="--from") if start else None
    begin = now if first is None else first
    if (until is None) == (duration is None):
        raise ValidationError("give the end of the licence either as --until DATE or as --for DURATION (e.g. 1y)")
    end = parse_moment(until, now, what="--until") if until else add_duration(begin, str(duration), what="--for")
    if end <= begin:
        raise ValidationError(f"the licence must end after it starts ({format_time(begin)}); check --until")
    if end <= now:
        raise ValidationError(f"the licence would end on {format_time(end)}, which has passed; choose a later end")
    return first, end


@dataclass(frozen=True)
class LicenceView:
    """A licence as stored, with its terms hash (from its event) and its state at the reading block."""

    licence_id: int
    certificate_id: int
    right: Right
    grantor: str
    licensee: str
    parent_id: int
    terms_hash: str | None
    start: int
    end: int
    exclusive: bool
    sublicensable: bool
    revoked: bool
    state: str  # "live", "upcoming", "ended" or "revoked"

    def row(self, names: Mapping[str, str]) -> dict[str, Any]:
        return {
            "licence": self.licence_id,
            "certificate": self.certificate_id,
            "right": self.right.label,
            "grantor": party_label(self.grantor, names),
            "licensee": party_label(self.licensee, names),
            "parent": self.parent_id or None,
            "start": format_time(self.start),
            "end": format_time(self.end),
            "exclusive": self.exclusive,
            "sublicensable": self.sublicensable,
            "state": self.state,
            "terms_hash": self.terms_hash,
        }


def _state(record: LicenceRecord, now: int) -> str:
    if record.revoked:
        return "revoked"
    if now < record.start:
        return "upcoming"
    if now >= record.end:
        return "ended"
    return "live"


def _view(reader: ChainReader, licence_id: int) -> LicenceView:
    record = reader.licence(licence_id)
    return LicenceView(
        licence_id=licence_id,
        certificate_id=record.certificate_id,
        right=record.right,
        grantor=record.grantor,
        licensee=record.licensee,
        parent_id=record.parent_id,
        terms_hash=record.terms_hash,
        start=record.start,
        end=record.end,
        exclusive=record.exclusive,
        sublicensable=record.sublicensable,
        revoked=record.revoked,
        state=_state(record, reader.block_time),
    )


def licence_reads(certificate_id: int, events: Iterable[ChainLog]) -> list[Read]:
    """The reads :func:`read_licences` makes, found from the certificate's ``LicenceGranted`` events (for
    :meth:`~ledger.reader.ChainReader.prefetch`)."""
    granted = [
        int(event.args["licenceId"]) for event in events
        if event.event == "LicenceGranted" and int(event.args["certificateId"]) == certificate_id
    ]
    return [("Rights", "licencesOf", (certificate_id, int(right))) for right in (Right.DEVELOPMENT, Right.OPERATION)] + [
        ("Rights", function, (licence_id,)) for licence_id in granted for function in ("licence", "sublicencesOf")
    ]


def read_licences(reader: ChainReader, certificate_id: int) -> list[LicenceView]:
    """Every licence of the certificate at the reader's block: top-level ones in grant order, each followed
    by its sub-licences (depth first)."""
    found: list[LicenceView] = []

    def walk(ids: list[int]) -> None:
        for licence_id in ids:
            found.append(_view(reader, licence_id))
            walk([int(child) for child in reader.call("Rights", "sublicencesOf", licence_id)])

    for right in (Right.DEVELOPMENT, Right.OPERATION):
        walk([int(item) for item in reader.call("Rights", "licencesOf", certificate_id, int(right))])
    return found


def licences_of(
    ctx: LedgerContext, certificate_id: int, *, block: int | None = None, licensee: str | None = None
) -> list[LicenceView]:
    """Every licence granted over ``certificate_id``'s rights (only those of ``licensee``, if named), with its
    state now (or at ``block``)."""
    grantee = resolve_party(ctx, licensee, what="licensee") if licensee is not None else None
    return [
        licence for licence in read_licences(ChainReader(ctx, block), certificate_id)
        if grantee is None or to_checksum_address(licence.licensee) == grantee
    ]


def show_licence(ctx: LedgerContext, licence_id: int, *, block: int | None = None) -> LicenceView:
    """One licence; :class:`NotFoundError` for an unknown id."""
    reader = ChainReader(ctx, block)
    _require_licence(reader, licence_id)
    return _view(reader, licence_id)


def _require_licence(reader: ChainReader, licence_id: int) -> None:
    count = int(reader.call("Rights", "licenceCount"))
    if licence_id <= 0 or licence_id > count:
        raise NotFoundError(
            f"licence {licence_id} does not exist (the ledger has {count}); "
            "see the licences of a certificate with `dal rights licences CERT`"
        )


@dataclass(frozen=True)
class GrantedLicence:
    """A licence just granted, and where."""

    licence: LicenceView
    written: Written


def grant_licence(
    ctx: LedgerContext,
    certificate_id: int,
    right: Right | str,
    licensee: str,
    terms: str | bytes,
    *,
    start: int | None = None,
    end: int,
    exclusive: bool = False,
    sublicensable: bool = False,
    parent: int | None = None,
    as_: str | None = None,
) -> GrantedLicence:
    """Grant a licence over ``right`` of ``certificate_id`` to ``licensee`` (or a sub-licence under ``parent``).

    ``terms`` is the terms' 32-byte hash, a ``0x`` hash or a file to hash.
    ``start`` defaults to the grant's own time (the block it lands in): a licence is never back-dated.
    """
    right = parse_right(right)
    if not right.licensable:
        raise ValidationError("the holding right cannot be licensed; license the development or operation right")
    terms_hash = terms if isinstance(terms, bytes) else terms_hash_of(terms)
    if len(terms_hash) != 32:
        raise ValidationError("the terms hash must be 32 bytes")
    names = party_names(ctx)
    grantor = to_checksum_address(ctx.account(as_).address)  # a wrong password stops here, before any work
    grantee = resolve_party(ctx, licensee, what="licensee")
    reader = ChainReader(ctx)
    begin = reader.block_time if start is None else start
    if end <= begin or end <= reader.block_time:
        raise ValidationError(
            f"the licence period {format_time(begin)} to {format_time(end)} is empty or already over; "
            "choose a later end"
        )
    require_in_force(reader, certificate_id)
    if grantee == grantor:
        raise ValidationError(f"{party_label(grantor, names)} cannot license itself; name another member")
    require_holder_member(reader, grantor, names, role="grantor of a licence")
    require_holder_member(reader, grantee, names, role="licensee")
    licence_terms = _terms_tuple(grantee, terms_hash, start, end, exclusive, sublicensable)
    if parent is None:
        if int(reader.call("Rights", "sharesOf", certificate_id, int(right), grantor)) == 0:
            raise ValidationError(
                f"{party_label(grantor, names)} owns no shares of the {right.label} right of certificate "
                f"{certificate_id}, so it cannot license it"
            )
        receipt = transact_named(
            ctx, "Rights", "grantLicence", certificate_id, int(right), licence_terms, as_=as_
        )
    else:
        _require_licence(reader, parent)
        record = reader.licence(parent)
        if record.certificate_id != certificate_id or record.right is not right:
            raise ValidationError(
                f"licence {parent} is over the {record.right.label} right of certificate "
                f"{record.certificate_id}, not the {right.label} right of certificate {certificate_id}"
            )
        receipt = transact_named(ctx, "Rights", "grantSublicence", parent, licence_terms, as_=as_)
    (event,) = events_in(ctx, receipt, "Rights", "LicenceGranted")
    licence_id = int(event["licenceId"])
    after = ChainReader(ctx, int(receipt["blockNumber"]))
    view = _view(after, licence_id)
    return GrantedLicence(view, Written.of(receipt))


def _terms_tuple(
    licensee: str, terms_hash: bytes, start: int | None, end: int, exclusive: bool, sublicensable: bool
) -> tuple[Any, ...]:
    """The contract's ``LicenceTerms``; a start of 0 makes the contract take the grant's block time."""
    return (licensee, terms_hash, 0 if start is None else start, end, exclusive, sublicensable)


def licence_act_hash(
    ctx: LedgerContext,
    certificate_id: int,
    right: Right | str,
    licensee: str,
    terms: str | bytes,
    *,
    start: int | None = None,
    end: int,
    exclusive: bool = False,
    sublicensable: bool = False,
    parent: int | None = None,
) -> str:
    """The hash of a planned licence that the pledgee of pledged shares consents to (``dal pledge consent-act``)
    before the owner grants it with exactly these terms; computed by the contract (``licenceActHash``)."""
    terms_hash = terms if isinstance(terms, bytes) else terms_hash_of(terms)
    grantee = resolve_party(ctx, licensee, what="licensee")
    digest = ChainReader(ctx).call(
        "Rights", "licenceActHash", certificate_id, int(parse_right(right)), parent or 0,
        _terms_tuple(grantee, terms_hash, start, end, exclusive, sublicensable),
    )
    return "0x" + bytes(digest).hex()


@dataclass(frozen=True)
class RevokedLicences:
    """A revocation: the licence named and every licence under it, now revoked."""

    licence_id: int
    revoked: list[int]
    written: Written


def revoke_licence(
    ctx: LedgerContext, licence_id: int, *, reason: str | None = None, as_: str | None = None
) -> RevokedLicences:
    """Revoke ``licence_id`` and its whole subtree (caller: its grantor; for a top-level licence whose grantor
    holds none of the right any more, the owner of more than half of it). ``reason`` is kept as its hash."""
    ctx.account(as_)  # a wrong password stops here, before any work
    reader = ChainReader(ctx)
    _require_licence(reader, licence_id)
    record = reader.licence(licence_id)
    if record.revoked:
        raise ValidationError(f"licence {licence_id} is already revoked; nothing to do")
    reason_hash = bytes(keccak(text=reason)) if reason else bytes(32)
    receipt = transact_named(ctx, "Rights", "revokeLicence", licence_id, reason_hash, as_=as_)
    # Revocation is lazy on chain: one event, and every licence under the revoked one stops being in force.
    after = ChainReader(ctx, int(receipt["blockNumber"]))
    revoked = [licence_id]
    for view in read_licences(after, record.certificate_id):
        if view.parent_id in revoked and view.licence_id not in revoked:
            revoked.append(view.licence_id)
    return RevokedLicences(licence_id, revoked, Written.of(receipt))
