"""The books against the chain: does each card rest on rights the member holds, and which are pledged?

For every asset card a member carries on a day (:func:`check_cards`):

- an **unlinked** card (no certificate) is listed: recognition rests on
  control, not registration, but an auditor wants to see them;
- a **linked** card must have its certificate in force, and the member must
  hold shares of its holding right or a licence in force to it (the card's
  licence, when it names one); otherwise that is drift, said in one line
  (cancelled, expired, the shares transferred away or realised by a bank);
- a card whose member pledged shares of the certificate is **flagged**.

Everything is read through the ledger's public reads
(:func:`ledger.verify.verify_certificate`, :func:`ledger.pledges.read_pledges`),
at one block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from ledger.books.cards import list_cards
from ledger.books.disclosure import PledgeFact
from ledger.chain.clock import chain_time
from ledger.context import LedgerContext
from ledger.errors import NotFoundError
from ledger.members import event_log
from ledger.parties import party_label, party_names
from ledger.pledges import PledgeView, read_pledges
from ledger.reader import ChainReader
from ledger.rights import Right
from ledger.store.books import AssetCard, JournalEntry
from ledger.verify import Verification, verify_certificate

__all__ = ["CardCheck", "block_at_end_of", "check_cards", "pledge_facts", "pledges_at"]


@dataclass
class CardCheck:
    """What the chain says about one card."""

    card_id: int
    name: str
    certificate_id: int | None
    state: str  # "ok", "drift" or "unlinked"
    problems: list[str] = field(default_factory=list)
    holding_shares: int = 0
    licences: list[int] = field(default_factory=list)
    pledged: list[PledgeFact] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.pledged)


def pledge_facts(pledges: Iterable[PledgeView], entity: str, names: Mapping[str, str]) -> list[PledgeFact]:
    """The active pledges made by ``entity``, as the disclosure shows them."""
    return [
        PledgeFact(
            pledge_id=pledge.pledge_id, certificate_id=pledge.certificate_id, right=pledge.right.label,
            pledgee=party_label(pledge.pledgee, names), shares=pledge.shares, amount=pledge.amount,
            currency=pledge.currency, maturity=dt.datetime.fromtimestamp(pledge.maturity, dt.UTC).date(),
        )
        for pledge in pledges if pledge.status == "active" and pledge.pledgor.lower() == entity.lower()
    ]


def block_at_end_of(ledger: LedgerContext, end: dt.date) -> int | None:
    """The last block of ``end``'s day (UTC), or ``None`` (the latest block) when that day has not ended yet."""
    moment = int(dt.datetime.combine(end, dt.time(23, 59, 59), tzinfo=dt.UTC).timestamp())
    return event_log(ledger).block_at(moment) if moment < chain_time(ledger.w3) else None


def pledges_at(ledger: LedgerContext, entity: str, certificate_ids: Iterable[int],
               block: int | None = None) -> dict[int, list[PledgeFact]]:
    """The active pledges ``entity`` made over each certificate, read from the chain at ``block``."""
    reader = ChainReader(ledger, block)
    names = party_names(ledger)
    return {certificate: pledge_facts(read_pledges(reader, certificate), entity, names)
            for certificate in sorted(set(certificate_ids))}


def _carried(card: AssetCard, first_entry: dt.date | None, day: dt.date | None) -> bool:
    """Whether ``card`` is on the books on ``day`` (now, when ``None``): booked by then, not yet derecognised."""
    if day is None:
        return card.derecognised_on is None
    booked = first_entry is not None and first_entry <= day
    return booked and (card.derecognised_on is None or card.derecognised_on > day)


def _why_no_holding(answer: Verification, entity: str, names: Mapping[str, str]) -> str:
    realised = [pledge for pledge in answer.pledges
                if pledge.status == "realised" and pledge.pledgor.lower() == entity.lower()
                and pledge.right is Right.HOLDING]
    if realised:
        pledge = realised[-1]
        return (f"its holding shares were realised by {party_label(pledge.pledgee, names)} "
                f"under pledge {pledge.pledge_id} and sold to {_buyer(pledge, names)}")
    return "its holding shares were transferred away"


def _buyer(pledge: PledgeView, names: Mapping[str, str]) -> str:
    return party_label(pledge.realisation.buyer, names) if pledge.realisation else "a buyer"


#: The entries by which the books take a loss of the asset into account.
_ADJUSTMENTS = ("impair", "write-down", "dispose", "lapse", "sale")


def _check(ledger: LedgerContext, card: AssetCard, entity: str, block: int | None,
           names: Mapping[str, str], adjusted: bool) -> CardCheck:
    assert card.id is not None
    check = CardCheck(card.id, card.name, card.certificate_id, "ok")
    if card.certificate_id is None:
        check.state = "unlinked"
        return check
    certificate = card.certificate_id
    try:
        answer = verify_certificate(ledger, certificate, block=block)
    except NotFoundError:
        check.state = "drift"
        check.problems.append(f"card {card.id} ({card.name}) is linked to certificate {certificate}, which does not exist")
        return check
    check.holding_shares = sum(holding.shares for holding in answer.rights.holdings(Right.HOLDING)
                               if holding.owner.lower() == entity.lower())
    check.licences = [licence.licence_id for licence in answer.licences
                      if licence.licensee.lower() == entity.lower() and licence.state == "live"
                      and (card.licence_id is None or licence.licence_id == card.licence_id)]
    check.pledged = pledge_facts(answer.pledges, entity, names)
    label = f"card {card.id} ({card.name}), certificate {certificate}"
    if not answer.in_force:
        why = answer.status.replace("_", " ")
        if answer.status == "issued":
            why = "expired"
        check.problems.append(f"{label}: the certificate is not in force ({why}) but the asset is carried")
    if check.holding_shares == 0 and not check.licences:
        wanted = f"licence {card.licence_id} in force" if card.licence_id is not None else "licence in force"
        check.problems.append(
            f"{label}: the member holds no share of the holding right and no {wanted}: "
            f"{_why_no_holding(answer, entity, names)}"
        )
    elif not adjusted:
        # Part of the holding right left the member by realisation, and the books carry the asset unchanged.
        for pledge in answer.pledges:
            if (pledge.status == "realised" and pledge.pledgor.lower() == entity.lower()
                    and pledge.right is Right.HOLDING and pledge.realisation and pledge.realisation.shares):
                check.problems.append(
                    f"{label}: {pledge.realisation.shares / 100:g}% of the holding right was realised by "
                    f"{party_label(pledge.pledgee, names)} under pledge {pledge.pledge_id}, but the books carry "
                    "the asset unchanged (post its impairment or disposal)"
                )
    if check.problems:
        check.state = "drift"
    return check


def check_cards(ledger: LedgerContext, session: Session, entity: str, *, day: dt.date | None = None,
                block: int | None = None) -> list[CardCheck]:
    """Check every card ``entity`` carries on ``day`` (default: now; on a past day, the cards booked by then and
    not yet derecognised) against the chain at ``block``."""
    names = party_names(ledger)
    first_entries = dict(session.exec(
        select(col(JournalEntry.card_id), func.min(JournalEntry.entry_date))
        .where(col(JournalEntry.entity) == entity, col(JournalEntry.card_id).is_not(None))
        .group_by(col(JournalEntry.card_id))
    ).all())
    adjusted = set(session.exec(
        select(col(JournalEntry.card_id))
        .where(col(JournalEntry.entity) == entity, col(JournalEntry.kind).in_(_ADJUSTMENTS))
    ).all())
    return [_check(ledger, card, entity, block, names, card.id in adjusted) for card in list_cards(session, entity)
            if _carried(card, first_entries.get(card.id), day)]
