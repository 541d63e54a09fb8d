"""Reconciliation: every way the off-chain store and the chain disagree.

Drift is reported, never repaired silently:

- ``catalog-hash``: a catalog entry tied to a certificate whose newest version
  does not hash to the certificate's current catalog hash on chain;
- ``not-anchored``: a record not yet in any anchor batch;
- ``pending-anchor``: a batch written but not confirmed on chain;
- ``anchor-missing``: a batch marked anchored whose root the chain does not have;
- ``changed-since-anchored``: a stored record whose fields no longer hash to
  the hash that was anchored;
- ``read-model``: a read-model row that disagrees with the contracts, read at
  the block the read model is at (so a read model that is merely behind does
  not count as wrong);
- ``read-model-behind``: the read model is behind the chain's head by more
  than the confirmation depth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select
from web3.contract import Contract

from ledger.store.anchors import AnchorBatch, AnchoredRecord, AnchorStatus
from ledger.store.catalog import CatalogRecord, CatalogVersion
from ledger.store.read_model import Certificate, Licence, Member, Pledge, ShareHolding
from ledger.types import CertificateRecord, LicenceRecord, MemberRecord, PledgeRecord, Right
from oracle.anchoring import AnchorReader
from oracle.handlers.registry import table
from oracle.records import record_sources

__all__ = ["Drift", "reconcile"]



@dataclass(frozen=True)
class Drift:
    """One disagreement: what kind, about which record, and how."""

    kind: str
    subject: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _catalog_drift(connection: Connection, certificates: Contract | None) -> Iterator[Drift]:
    if certificates is None:
        return
    entries, versions = table(CatalogRecord), table(CatalogVersion)
    linked = connection.execute(
        select(entries.c.id, entries.c.certificate_id).where(entries.c.certificate_id.is_not(None))
    ).all()
    for entry_id, certificate_id in linked:
        newest = connection.execute(
            select(versions.c.version, versions.c.record_hash)
            .where(versions.c.entry_id == entry_id)
            .order_by(versions.c.version.desc())
            .limit(1)
        ).first()
        if newest is None:
            continue
        on_chain = CertificateRecord.from_abi(certificates.functions.certificate(int(certificate_id)).call())
        if on_chain.catalog_hash != newest.record_hash:
            yield Drift(
                "catalog-hash", f"certificate {certificate_id}",
                f"catalog entry {entry_id} version {newest.version} hashes to {newest.record_hash}, "
                f"the certificate carries {on_chain.catalog_hash} (version {on_chain.version})",
            )


def _anchor_drift(connection: Connection, chain: AnchorReader | None) -> Iterator[Drift]:
    batches, anchored = table(AnchorBatch), table(AnchoredRecord)
    for batch in connection.execute(select(batches).order_by(batches.c.id)).mappings():
        if batch["status"] == AnchorStatus.PENDING.value:
            yield Drift("pending-anchor", f"batch {batch['id']}",
                        f"{batch['count']} {batch['kind']} records await their root on chain: "
                        "run `dal oracle anchor`")
        elif chain is not None and chain.anchored_at(bytes.fromhex(batch["root"][2:])) == 0:
            yield Drift("anchor-missing", f"batch {batch['id']}",
                        f"root {batch['root']} is marked anchored but the chain does not have it")
    for kind, source in record_sources().items():
        anchored_hashes = {
            int(record_id): str(record_hash)
            for record_id, record_hash in connection.execute(
                select(anchored.c.record_id, anchored.c.record_hash).where(anchored.c.record_kind == kind)
            )
        }
        for record_id, _stored in source.all_records(connection):
            if record_id not in anchored_hashes:
                yield Drift("not-anchored", f"{kind} {record_id}", "not in any anchor batch yet")
                continue
            current = source.current_hash(connection, record_id)
            if current != anchored_hashes[record_id]:
                yield Drift("changed-since-anchored", f"{kind} {record_id}",
                            f"anchored as {anchored_hashes[record_id]}, its fields now hash to {current}")


def _compare(subject: str, stored: Mapping[str, Any], chain: Mapping[str, Any]) -> Iterator[Drift]:
    for name, value in stored.items():
        if chain[name] != value:
            yield Drift("read-model", subject, f"{name} is {value!r} here, {chain[name]!r} on chain")


def _read_model_drift(connection: Connection, contracts: Mapping[str, Contract], block: int) -> Iterator[Drift]:
    if "Consortium" in contracts:
        consortium = contracts["Consortium"]
        for row in connection.execute(select(table(Member))).mappings():
            member = MemberRecord.from_abi(consortium.functions.member(row["account"]).call(block_identifier=block))
            yield from _compare(
                f"member {row['account']}",
                {"status": row["status"], "roles": row["roles"], "identity_hash": row["identity_hash"]},
                {"status": member.status.key, "roles": int(member.roles), "identity_hash": member.identity_hash},
            )
    if "Certificates" in contracts:
        certificates = contracts["Certificates"]
        rows = connection.execute(select(table(Certificate)).order_by(table(Certificate).c.certificate_id)).mappings()
        seen = 0
        for row in rows:
            seen += 1
            c = CertificateRecord.from_abi(
                certificates.functions.certificate(row["certificate_id"]).call(block_identifier=block)
            )
            yield from _compare(
                f"certificate {row['certificate_id']}",
                {"status": row["status"], "holder": row["holder"], "registrar": row["registrar"],
                 "version": row["version"], "catalog_hash": row["catalog_hash"],
                 "notice_deadline": row["notice_deadline"], "expiry": row["expiry"],
                 "pending_request": row["pending_request"]},
                {"status": c.status.key, "holder": c.holder, "registrar": c.registrar, "version": c.version,
                 "catalog_hash": c.catalog_hash, "notice_deadline": c.notice_deadline, "expiry": c.expiry,
                 "pending_request": c.pending_request.key},
            )
        count = certificates.functions.certificateCount().call(block_identifier=block)
        if count != seen:
            yield Drift("read-model", "certificates", f"{seen} here, {count} on chain")
    if "Rights" in contracts:
        rights = contracts["Rights"]
        for row in connection.execute(select(table(ShareHolding))).mappings():
            shares = rights.functions.sharesOf(row["certificate_id"], Right.from_key(row["right"]), row["owner"]).call(block_identifier=block)
            yield from _compare(f"shares of {row['owner']} in {row['right']} of certificate {row['certificate_id']}",
                                {"shares": row["shares"]}, {"shares": shares})
        for row in connection.execute(select(table(Licence))).mappings():
            licence = LicenceRecord.from_abi(rights.functions.licence(row["licence_id"]).call(block_identifier=block))
            yield from _compare(f"licence {row['licence_id']}",
                                {"licensee": row["licensee"], "revoked": row["revoked"], "end": row["end"]},
                                {"licensee": licence.licensee, "revoked": licence.revoked, "end": licence.end})
    if "Pledges" in contracts:
        pledges = contracts["Pledges"]
        for row in connection.execute(select(table(Pledge))).mappings():
            p = PledgeRecord.from_abi(pledges.functions.pledge(row["pledge_id"]).call(block_identifier=block))
            yield from _compare(f"pledge {row['pledge_id']}",
                                {"status": row["status"], "shares": row["shares"], "maturity": row["maturity"]},
                                {"status": p.status.key, "shares": p.shares, "maturity": p.maturity})


def reconcile(
    engine: Engine,
    *,
    contracts: Mapping[str, Contract],
    anchors: AnchorReader | None,
    cursor_block: int | None,
    head: int,
    confirmations: int = 0,
    progress: Callable[[str], None] | None = None,
) -> list[Drift]:
    """Every drift between the store and the chain, in a stable order."""
    drifts: list[Drift] = []
    with engine.connect() as connection:
        if progress:
            progress("catalog entries")
        drifts.extend(_catalog_drift(connection, contracts.get("Certificates")))
        if progress:
            progress("anchored records")
        drifts.extend(_anchor_drift(connection, anchors))
        if cursor_block is None:
            drifts.append(Drift("read-model-behind", "read model", "never synced: run `dal oracle sync`"))
        else:
            behind = head - cursor_block
            if behind > confirmations:
                drifts.append(Drift("read-model-behind", "read model",
                                    f"{behind} blocks behind the head ({cursor_block} of {head}): "
                                    "run `dal oracle sync`"))
            if progress:
                progress("read model")
            drifts.extend(_read_model_drift(connection, contracts, cursor_block))
    return drifts
