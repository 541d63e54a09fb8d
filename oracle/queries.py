"""Questions answered from the oracle's read model: certificates by number, holder and status; a member's positions.

The read model (:mod:`ledger.store.read_model`) is the chain's state as rows, rebuilt from events by the
indexer, so these answers are as fresh as the last sync: each says up to which block it was read
(:func:`ledger.store.history.read_model_position` tells how far that is behind the chain).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, or_, select

from ledger.store.cursor import CHAIN_CURSOR, OracleCursor
from ledger.store.read_model import Certificate, Licence, Pledge, ShareHolding

__all__ = ["CertificatePage", "Positions", "indexed_block", "member_positions", "search_certificates"]


@dataclass(frozen=True)
class CertificatePage:
    """One page of a search: the rows, how many match in all, and the block the read model is at."""

    rows: list[Certificate]
    total: int
    block: int | None


@dataclass(frozen=True)
class Positions:
    """What a member holds or is party to, now: shares, licences either way, pledges either way."""

    member: str
    certificates_held: list[int]
    shares: list[ShareHolding]
    licences: list[Licence]
    pledges: list[Pledge]
    block: int | None

    def document(self) -> dict[str, Any]:
        """The positions as a JSON-ready document."""
        return {
            "member": self.member,
            "read_model_block": self.block,
            "certificates_held": self.certificates_held,
            "shares": [
                {"certificate": row.certificate_id, "right": row.right, "shares": row.shares,
                 "percent": f"{row.shares / 100:g}%"}
                for row in self.shares
            ],
            "licences": [
                {"licence": row.licence_id, "certificate": row.certificate_id, "right": row.right,
                 "role": "licensee" if row.licensee == self.member else "grantor", "grantor": row.grantor,
                 "licensee": row.licensee, "start": row.start, "end": row.end, "exclusive": row.exclusive,
                 "revoked": row.revoked}
                for row in self.licences
            ],
            "pledges": [
                {"pledge": row.pledge_id, "certificate": row.certificate_id, "right": row.right,
                 "role": "pledgee" if row.pledgee == self.member else "pledgor", "pledgor": row.pledgor,
                 "pledgee": row.pledgee, "shares": row.shares, "amount": str(row.amount),
                 "currency": row.currency, "maturity": row.maturity, "status": row.status}
                for row in self.pledges
            ],
        }


def indexed_block(session: Session) -> int | None:
    """The last block the read model holds (``None`` before the first sync)."""
    cursor = session.get(OracleCursor, CHAIN_CURSOR)
    return None if cursor is None else int(cursor.block_number)


def search_certificates(
    engine: Engine,
    *,
    number: str | None = None,
    holder: str | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> CertificatePage:
    """Certificates whose number contains ``number`` (case-insensitive), held by ``holder`` (a checksummed
    address), in ``status`` (a status label), oldest first, one page of them."""
    where: list[Any] = []
    if number:
        pattern = "%" + number.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(func.lower(col(Certificate.number)).like(pattern, escape="\\"))
    if holder:
        where.append(Certificate.holder == holder)
    if status:
        where.append(Certificate.status == status)
    with Session(engine) as session:
        total = int(session.exec(select(func.count()).select_from(Certificate).where(*where)).one())
        rows = list(session.exec(
            select(Certificate).where(*where).order_by(col(Certificate.certificate_id)).offset(offset).limit(limit)
        ).all())
        return CertificatePage(rows=rows, total=total, block=indexed_block(session))


def member_positions(engine: Engine, member: str) -> Positions:
    """``member``'s positions (a checksummed address): the certificates it holds of record, its shares of
    each right, the licences it granted or holds, and the pledges it gave or holds."""
    with Session(engine) as session:
        held = list(session.exec(
            select(Certificate.certificate_id).where(Certificate.holder == member)
            .order_by(col(Certificate.certificate_id))
        ).all())
        shares = list(session.exec(
            select(ShareHolding).where(ShareHolding.owner == member, col(ShareHolding.shares) > 0)
            .order_by(col(ShareHolding.certificate_id), col(ShareHolding.right))
        ).all())
        licences = list(session.exec(
            select(Licence).where(or_(Licence.licensee == member, Licence.grantor == member))
            .order_by(col(Licence.licence_id))
        ).all())
        pledges = list(session.exec(
            select(Pledge).where(or_(Pledge.pledgor == member, Pledge.pledgee == member))
            .order_by(col(Pledge.pledge_id))
        ).all())
        return Positions(member=member, certificates_held=[int(cid) for cid in held], shares=shares,
                         licences=licences, pledges=pledges, block=indexed_block(session))
