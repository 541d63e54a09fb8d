"""Pledges of shares to banks: consent, recording, release, extension, realisation, and reading them.

The steps, and who takes them:

1. the pledgor (a MERCHANT or BANK owning shares) signs a consent to the
   pledge's terms, locally, as EIP-712 typed data (:func:`sign_consent`), and
   hands the consent file to the bank;
2. the bank (the pledgee, an active BANK) records the pledge with that
   signature (:func:`record_pledge`); pledges on the same right rank by the
   order they were recorded;
3. the bank ends it: :func:`release_pledge` when the loan is repaid (then it
   cancels the public registration), or, from maturity on,
   :func:`realise_pledge`: never a forfeiture (Civil Code art. 428), but a
   realisation at a price, with the document that fixes it: a price agreed
   with the pledgor (折价, which the pledgor signs with
   :func:`sign_realisation`), an auction, a sale, or a court's ruling. The
   shares go to the buyer that document names; the surplus owed to the
   pledgor, or the shortfall still owed, is recorded (art. 438). Or both
   parties extend it (:func:`sign_extension` by the pledgor,
   :func:`extend_pledge` by the bank).

While shares are pledged, their holder licenses them only with the consent of
each pledgee (:func:`consent_to_act`, arts. 443-444).

Each write checks first what can be known beforehand (an expired, edited or
already used consent, a pledge that is not the caller's or not active, a
maturity not reached) and says so in one line; what only the contract knows
is its refusal, decoded at gas estimation, so nothing is sent.

Every term is contract state, the public registration (中登网 number, time
and term) and the realisation included, so a proof covers it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from eth_utils.address import to_checksum_address

from ledger.chain.clock import format_time
from ledger.chain.logs import ChainLog
from ledger.consent import (
    Domain,
    ExtensionConsent,
    PledgeConsent,
    RealisationConsent,
    reference_bytes,
    reference_text,
)
from ledger.context import LedgerContext
from ledger.errors import NotFoundError, ValidationError
from ledger.hashing import digest_of
from ledger.inputs import (
    add_duration,
    format_amount,
    parse_amount,
    parse_currency,
    parse_right,
    parse_shares,
    resolve_party,
)
from ledger.parties import party_label, party_names
from ledger.reader import (
    ChainReader,
    Read,
    certificate_exists,
    require_holder_member,
    require_in_force,
)
from ledger.rights import Right
from ledger.transactions import Written, events_in, transact_named
from ledger.types import PledgeRecord, PledgeStatus, RealisationMethod, RealisationRecord, Role

__all__ = [
    "PledgeView",
    "PledgeWrite",
    "active_pledge_ids",
    "check_consent",
    "check_extension",
    "consent_to_act",
    "extend_pledge",
    "list_pledges",
    "pledge_reads",
    "read_pledge",
    "read_pledges",
    "realise_pledge",
    "record_pledge",
    "release_pledge",
    "show_pledge",
    "sign_consent",
    "sign_extension",
    "sign_realisation",
]


#: ``PledgeStatus`` as the contracts encode it.


@dataclass(frozen=True)
class PledgeView:
    """A pledge as stored, with its terms from ``PledgeRecorded`` and its end, if it ended."""

    pledge_id: int
    certificate_id: int
    right: Right
    pledgor: str
    pledgee: str
    shares: int
    amount: int
    currency: str
    maturity: int
    external_ref: bytes
    registered_at: int
    registration_expiry: int
    senior_pledge_id: int
    status: str
    recorded_block: int
    recorded_tx: str
    rank: int | None = None  # 1 = first in priority among the active pledges on the same right
    active_seniors: list[int] = field(default_factory=list)
    realisation: RealisationRecord | None = None

    @property
    def amount_text(self) -> str:
        return format_amount(self.amount, self.currency)

    def row(self, names: Mapping[str, str]) -> dict[str, Any]:
        """The pledge as `dal pledge list/show` and `dal verify` print it."""
        return {
            "pledge": self.pledge_id,
            "rank": self.rank,
            "certificate": self.certificate_id,
            "right": self.right.label,
            "pledgor": party_label(self.pledgor, names),
            "pledgee": party_label(self.pledgee, names),
            "shares": self.shares,
            "amount": self.amount_text,
            "amount_minor": str(self.amount),
            "currency": self.currency,
            "maturity": format_time(self.maturity),
            "status": self.status,
            "registration": reference_text(self.external_ref),
            "registered_at": format_time(self.registered_at) if self.registered_at else None,
            "registration_expiry": format_time(self.registration_expiry) if self.registration_expiry else None,
            "active_seniors": self.active_seniors,
            "realisation": self.realisation_row(names),
            "recorded_block": self.recorded_block,
            "recorded_tx": self.recorded_tx,
        }

    def realisation_row(self, names: Mapping[str, str]) -> dict[str, Any] | None:
        """How the pledge was realised, in the words of the Civil Code (``None`` unless it was)."""
        done = self.realisation
        if done is None:
            return None
        return {
            "method": done.method.key,
            "as": done.method.legal_term,
            "buyer": party_label(done.buyer, names),
            "shares": done.shares,
            "price": format_amount(done.price, self.currency),
            "surplus_to_pledgor": format_amount(done.surplus, self.currency),
            "shortfall_owed": format_amount(done.shortfall, self.currency),
            "document": done.document_hash,
            "realised_at": format_time(done.realised_at),
        }


#: The fields of :meth:`PledgeView.row` that come from a pledge's events (where it was recorded) rather than
#: from its stored terms.
EVENT_FIELDS = ("recorded_block", "recorded_tx")


def _pledge_events(reader: ChainReader, certificate_id: int | None) -> list[ChainLog]:
    """``PledgeRecorded`` up to the reader's block (of one certificate, or all)."""
    if certificate_id is not None:
        return reader.history(certificate_id).events
    # Imported here: the store's models load only when history is read.
    from ledger.history import named_events

    wanted = [("Pledges", "PledgeRecorded")]
    return named_events(reader.ctx, wanted, to_block=reader.block_number).events


def _view(reader: ChainReader, pledge_id: int, recorded: ChainLog) -> PledgeView:
    state = reader.pledge(pledge_id)
    status = state.status.key
    seniors = [int(item) for item in reader.call("Pledges", "activeSeniorPledges", pledge_id)] if status == "active" else []
    return PledgeView(
        pledge_id=pledge_id,
        certificate_id=state.certificate_id,
        right=state.right,
        pledgor=state.pledgor,
        pledgee=state.pledgee,
        shares=state.shares,
        amount=state.amount,
        currency=state.currency,
        maturity=state.maturity,
        external_ref=bytes.fromhex(state.external_ref[2:]),
        registered_at=state.registered_at,
        registration_expiry=state.registration_expiry,
        senior_pledge_id=state.senior_pledge_id,
        status=status,
        recorded_block=recorded.block_number,
        recorded_tx=recorded.tx_hash,
        active_seniors=seniors,
        realisation=reader.realisation(pledge_id) if state.status is PledgeStatus.REALISED else None,
    )


def _ranked(views: list[PledgeView]) -> list[PledgeView]:
    """Number the active pledges of each (certificate, right) by recording order: rank 1 comes first."""
    ranks: dict[tuple[int, Right], int] = {}
    ranked: list[PledgeView] = []
    for view in sorted(views, key=lambda item: item.pledge_id):
        if view.status == "active":
            key = (view.certificate_id, view.right)
            ranks[key] = ranks.get(key, 0) + 1
            view = replace(view, rank=ranks[key])
        ranked.append(view)
    return ranked


def pledge_reads(events: Iterable[ChainLog]) -> list[Read]:
    """The reads :func:`read_pledges` makes for the pledges recorded in ``events`` (for
    :meth:`~ledger.reader.ChainReader.prefetch`)."""
    recorded = sorted({int(event.args["pledgeId"]) for event in events if event.event == "PledgeRecorded"})
    return [
        ("Pledges", function, (pledge_id,)) for pledge_id in recorded for function in ("pledge", "activeSeniorPledges")
    ]


def read_pledges(reader: ChainReader, certificate_id: int | None = None) -> list[PledgeView]:
    """The pledges (of one certificate, or all) at the reader's block, by id, active ones ranked."""
    events = _pledge_events(reader, certificate_id)
    reader.prefetch(pledge_reads(events))
    recorded = {int(event.args["pledgeId"]): event for event in events if event.event == "PledgeRecorded"}
    views = [_view(reader, pledge_id, recorded[pledge_id]) for pledge_id in sorted(recorded)]
    return _ranked(views)


def active_pledge_ids(ctx: LedgerContext, certificate_id: int) -> list[int]:
    """The active pledges on a certificate (any right, any pledgor), by id: what a change or cancellation of the
    certificate names, each of whose pledgees consents to it first."""
    return [view.pledge_id for view in read_pledges(ChainReader(ctx), certificate_id) if view.status == "active"]


def _require_pledge(reader: ChainReader, pledge_id: int) -> None:
    count = int(reader.call("Pledges", "pledgeCount"))
    if pledge_id <= 0 or pledge_id > count:
        raise NotFoundError(
            f"pledge {pledge_id} does not exist (the ledger has {count}); list pledges with `dal pledge list`"
        )


def read_pledge(reader: ChainReader, pledge_id: int) -> PledgeView:
    """One pledge at the reader's block, ranked among the active pledges on its right."""
    _require_pledge(reader, pledge_id)
    certificate_id = reader.pledge(pledge_id).certificate_id
    for view in read_pledges(reader, certificate_id):
        if view.pledge_id == pledge_id:
            return view
    raise NotFoundError(f"pledge {pledge_id} has no PledgeRecorded event; the node's logs are incomplete")


def list_pledges(
    ctx: LedgerContext,
    certificate_id: int | None = None,
    *,
    block: int | None = None,
    pledgee: str | None = None,
    pledgor: str | None = None,
    status: str | None = None,
) -> list[PledgeView]:
    """Every pledge (of ``certificate_id``, or of all certificates), oldest first; optionally only those taken
    by one bank (``pledgee``), given by one ``pledgor``, or in one ``status`` (active, released, realised)."""
    wanted_status = _pledge_status(status) if status is not None else None
    bank = resolve_party(ctx, pledgee, what="bank") if pledgee is not None else None
    owner = resolve_party(ctx, pledgor, what="pledgor") if pledgor is not None else None
    reader = ChainReader(ctx, block)
    if certificate_id is not None:
        certificate_exists(reader, certificate_id)
    return [
        pledge for pledge in read_pledges(reader, certificate_id)
        if (bank is None or to_checksum_address(pledge.pledgee) == bank)
        and (owner is None or to_checksum_address(pledge.pledgor) == owner)
        and (wanted_status is None or pledge.status == wanted_status)
    ]


def _pledge_status(text: str) -> str:
    known = [status.label for status in PledgeStatus if status is not PledgeStatus.NONE]
    try:
        status = PledgeStatus.from_key(text)
    except KeyError:
        status = PledgeStatus.NONE
    if status is PledgeStatus.NONE:
        raise ValidationError(f"unknown pledge status {text!r}; use one of {', '.join(known)}")
    return status.key


def show_pledge(ctx: LedgerContext, pledge_id: int, *, block: int | None = None) -> PledgeView:
    """One pledge; :class:`NotFoundError` for an unknown id."""
    return read_pledge(ChainReader(ctx, block), pledge_id)


# --- the pledgor's consent -------------------------------------------------------------------------


def _domain(ctx: LedgerContext) -> Domain:
    return Domain(chain_id=ctx.profile.chain_id, verifying_contract=ctx.contract("Pledges").address)


def _require_bank(reader: ChainReader, address: str, names: Mapping[str, str]) -> None:
    if not reader.call("Consortium", "isActive", address, int(Role.BANK)):
        raise ValidationError(
            f"{party_label(address, names)} is not an active BANK member, so it cannot take a pledge"
        )


def sign_consent(
    ctx: LedgerContext,
    certificate_id: int,
    right: Right | str,
    shares: int,
    pledgee: str,
    amount: str,
    currency: str,
    maturity: int,
    *,
    reference: str | None = None,
    registered_at: int | None = None,
    registration_expiry: int | None = None,
    valid_for: str = "1d",
    as_: str | None = None,
) -> PledgeConsent:
    """The acting member (the pledgor) signs its consent to pledge ``shares`` of ``right`` to ``pledgee``.

    ``amount`` is a decimal in ``currency`` (``"1000000.00"``); ``maturity``
    unix seconds; ``reference`` the pledge's public registration number
    (中登网), with ``registered_at`` and ``registration_expiry`` (its term);
    the consent is valid for ``valid_for`` from the chain's time now and
    names the rank it takes: behind the pledgor's most recent pledge on that
    right. Nothing is sent.
    """
    right = parse_right(right)
    shares = parse_shares(shares=shares)
    code = parse_currency(currency)
    minor = parse_amount(amount, code)
    external_ref = reference_bytes(reference)
    names = party_names(ctx)
    pledgor = to_checksum_address(ctx.account(as_).address)  # a wrong password stops here, before any work
    bank = resolve_party(ctx, pledgee, what="pledgee")
    reader = ChainReader(ctx)
    require_in_force(reader, certificate_id)
    if bank == pledgor:
        raise ValidationError(f"{party_label(pledgor, names)} cannot pledge shares to itself; name the bank")
    require_holder_member(reader, pledgor, names, role="pledgor")
    _require_bank(reader, bank, names)
    if maturity <= reader.block_time:
        raise ValidationError(f"the maturity {format_time(maturity)} has passed; choose a later date")
    balance = int(reader.call("Rights", "sharesOf", certificate_id, int(right), pledgor))
    if balance < shares:
        raise ValidationError(
            f"{party_label(pledgor, names)} holds {balance} shares of the {right.label} right of certificate "
            f"{certificate_id}, fewer than the {shares} to pledge"
        )
    deadline = add_duration(reader.block_time, valid_for)
    senior = int(reader.call("Rights", "lastPledgeOf", certificate_id, int(right), pledgor))
    consent = PledgeConsent(
        domain=_domain(ctx),
        pledgor=pledgor,
        pledgee=bank,
        certificate_id=certificate_id,
        right=right,
        shares=shares,
        amount=minor,
        currency=code,
        maturity=maturity,
        external_ref=external_ref,
        registered_at=registered_at or 0,
        registration_expiry=registration_expiry or 0,
        senior_pledge_id=senior,
        deadline=deadline,
    )
    return consent.signed_by(ctx.account(as_))


def _check_domain(ctx: LedgerContext, domain: Domain) -> None:
    expected = _domain(ctx)
    if domain != expected:
        raise ValidationError(
            f"this consent was signed for chain {domain.chain_id} and contract {domain.verifying_contract}, "
            f"not for this ledger (chain {expected.chain_id}, Pledges {expected.verifying_contract}); "
            "ask the pledgor to sign again on this network"
        )


def _check_signature_window(
    reader: ChainReader, pledgor: str, nonce: int, deadline: int, names: Mapping[str, str], what: str
) -> None:
    if deadline <= reader.block_time:
        raise ValidationError(
            f"the {what} expired on {format_time(deadline)}; ask {party_label(pledgor, names)} to sign a new one"
        )
    current = int(reader.call("Pledges", "nonces", pledgor))
    if nonce < current:
        raise ValidationError(
            f"the {what} was already used, or superseded by a later signature of {party_label(pledgor, names)} "
            f"(its nonce {nonce}, the pledgor's next is {current}); ask for a new one"
        )
    if nonce > current:
        raise ValidationError(
            f"the {what} carries nonce {nonce}, but {party_label(pledgor, names)}'s next is {current}: an earlier "
            "consent or extension signed by the pledgor must be used first, or a new one signed"
        )


def check_consent(ctx: LedgerContext, consent: PledgeConsent, *, as_: str | None = None) -> None:
    """Refuse, with one line, a consent the bank acting now cannot record (nothing is sent)."""
    names = party_names(ctx)
    _check_domain(ctx, consent.domain)
    if consent.recovered_signer() != to_checksum_address(consent.pledgor):
        raise ValidationError(
            "the consent's signature is not the pledgor's over these terms (altered?); ask for a new consent"
        )
    bank = to_checksum_address(ctx.account(as_).address)
    if bank != to_checksum_address(consent.pledgee):
        raise ValidationError(
            f"this consent is for {party_label(consent.pledgee, names)}; act as that bank to record it "
            f"(acting as {party_label(bank, names)})"
        )
    reader = ChainReader(ctx)
    if consent.deadline <= reader.block_time:
        raise ValidationError(
            f"the consent expired on {format_time(consent.deadline)}; ask {party_label(consent.pledgor, names)} "
            "to sign a new one"
        )
    current = int(reader.call("Rights", "lastPledgeOf", consent.certificate_id, int(consent.right), consent.pledgor))
    if current != consent.senior_pledge_id:
        ahead = f"pledge {consent.senior_pledge_id}" if consent.senior_pledge_id else "no pledge"
        raise ValidationError(
            f"the consent was already used, or another pledge was recorded since: it ranks behind {ahead}, but "
            f"{party_label(consent.pledgor, names)}'s most recent pledge on that right is now pledge {current}; "
            "ask the pledgor for a new consent"
        )
    if consent.maturity <= reader.block_time:
        raise ValidationError(
            f"the consent's maturity {format_time(consent.maturity)} has passed; ask for a new consent"
        )
    require_in_force(reader, consent.certificate_id)
    _require_bank(reader, bank, names)
    require_holder_member(reader, consent.pledgor, names, role="pledgor")
    balance = int(reader.call("Rights", "sharesOf", consent.certificate_id, int(consent.right), consent.pledgor))
    if balance < consent.shares:
        raise ValidationError(
            f"{party_label(consent.pledgor, names)} now holds {balance} shares of the {consent.right.label} right "
            f"of certificate {consent.certificate_id}, fewer than the {consent.shares} consented to"
        )


@dataclass(frozen=True)
class PledgeWrite:
    """A pledge after a write (recorded, released, extended or realised), and where it landed."""

    pledge: PledgeView
    written: Written


def _after(ctx: LedgerContext, pledge_id: int, written: Written) -> PledgeWrite:
    return PledgeWrite(read_pledge(ChainReader(ctx, written.block), pledge_id), written)


def record_pledge(ctx: LedgerContext, consent: PledgeConsent, *, as_: str | None = None) -> PledgeWrite:
    """The bank (acting member) records the pledge the pledgor consented to."""
    check_consent(ctx, consent, as_=as_)
    receipt = transact_named(
        ctx, "Pledges", "recordPledge", consent.terms(), consent.senior_pledge_id, consent.deadline,
        consent.signature, as_=as_,
    )
    (event,) = events_in(ctx, receipt, "Pledges", "PledgeRecorded")
    return _after(ctx, int(event["pledgeId"]), Written.of(receipt))


def _as_pledgee(ctx: LedgerContext, reader: ChainReader, pledge_id: int, as_: str | None, action: str) -> PledgeRecord:
    names = party_names(ctx)
    _require_pledge(reader, pledge_id)
    state = reader.pledge(pledge_id)
    caller = to_checksum_address(ctx.account(as_).address)
    if state.pledgee != caller:
        raise ValidationError(
            f"pledge {pledge_id} was taken by {party_label(state.pledgee, names)}; only that bank may "
            f"{action} it (acting as {party_label(caller, names)})"
        )
    if state.status is not PledgeStatus.ACTIVE:
        raise ValidationError(
            f"pledge {pledge_id} is already {state.status.label}; only an active pledge can be {action}d"
        )
    return state


def release_pledge(ctx: LedgerContext, pledge_id: int, *, as_: str | None = None) -> PledgeWrite:
    """The pledgee releases an active pledge (the loan is repaid): its shares are free again."""
    _as_pledgee(ctx, ChainReader(ctx), pledge_id, as_, "release")
    receipt = transact_named(ctx, "Pledges", "releasePledge", pledge_id, as_=as_)
    return _after(ctx, pledge_id, Written.of(receipt))


def sign_extension(
    ctx: LedgerContext, pledge_id: int, new_maturity: int, *, valid_for: str = "1d", as_: str | None = None
) -> ExtensionConsent:
    """The pledgor (acting member) signs its consent to extend ``pledge_id`` to ``new_maturity``."""
    names = party_names(ctx)
    reader = ChainReader(ctx)
    _require_pledge(reader, pledge_id)
    state = reader.pledge(pledge_id)
    pledgor = to_checksum_address(ctx.account(as_).address)
    if state.pledgor != pledgor:
        raise ValidationError(
            f"pledge {pledge_id} is over the shares of {party_label(state.pledgor, names)}; only that pledgor "
            f"signs its extension (acting as {party_label(pledgor, names)})"
        )
    if state.status is not PledgeStatus.ACTIVE:
        raise ValidationError(f"pledge {pledge_id} is {state.status.label}; only an active pledge can be extended")
    _check_new_maturity(reader, pledge_id, state.maturity, new_maturity)
    extension = ExtensionConsent(
        domain=_domain(ctx),
        pledgor=pledgor,
        pledge_id=pledge_id,
        new_maturity=new_maturity,
        nonce=int(reader.call("Pledges", "nonces", pledgor)),
        deadline=add_duration(reader.block_time, valid_for),
    )
    return extension.signed_by(ctx.account(as_))


def _check_new_maturity(reader: ChainReader, pledge_id: int, current: int, new_maturity: int) -> None:
    if new_maturity <= current:
        raise ValidationError(
            f"pledge {pledge_id} matures on {format_time(current)}; an extension must move it later, "
            f"not to {format_time(new_maturity)}"
        )
    if new_maturity <= reader.block_time:
        raise ValidationError(f"the new maturity {format_time(new_maturity)} has passed; choose a later date")


def check_extension(ctx: LedgerContext, extension: ExtensionConsent, *, as_: str | None = None) -> None:
    """Refuse, with one line, an extension the bank acting now cannot apply (nothing is sent)."""
    names = party_names(ctx)
    _check_domain(ctx, extension.domain)
    reader = ChainReader(ctx)
    state = _as_pledgee(ctx, reader, extension.pledge_id, as_, "extend")
    pledgor = state.pledgor
    if extension.recovered_signer() != pledgor or to_checksum_address(extension.pledgor) != pledgor:
        raise ValidationError(
            f"the extension is not signed by the pledgor of pledge {extension.pledge_id}, "
            f"{party_label(pledgor, names)}; ask the pledgor to sign it"
        )
    _check_new_maturity(reader, extension.pledge_id, state.maturity, extension.new_maturity)
    _check_signature_window(reader, pledgor, extension.nonce, extension.deadline, names, "extension consent")


def extend_pledge(
    ctx: LedgerContext, pledge_id: int, extension: ExtensionConsent, *, as_: str | None = None
) -> PledgeWrite:
    """The pledgee extends an active pledge to the new maturity the pledgor signed."""
    if extension.pledge_id != pledge_id:
        raise ValidationError(
            f"the extension consent is for pledge {extension.pledge_id}, not pledge {pledge_id}"
        )
    check_extension(ctx, extension, as_=as_)
    receipt = transact_named(
        ctx,
        "Pledges",
        "extendPledge",
        pledge_id,
        extension.new_maturity,
        extension.nonce,
        extension.deadline,
        extension.signature,
        as_=as_,
    )
    return _after(ctx, pledge_id, Written.of(receipt))


def sign_realisation(
    ctx: LedgerContext,
    pledge_id: int,
    *,
    buyer: str,
    price: str,
    document: str,
    valid_for: str = "1d",
    as_: str | None = None,
) -> RealisationConsent:
    """The pledgor (acting member) agrees, after default, that ``pledge_id`` be realised by selling its shares to
    ``buyer`` at ``price`` (a decimal in the pledge's currency), as ``document`` (the agreement, a file or its
    0x hash) records: 折价. Nothing is sent; the bank realises with this consent."""
    names = party_names(ctx)
    reader = ChainReader(ctx)
    _require_pledge(reader, pledge_id)
    state = reader.pledge(pledge_id)
    pledgor = to_checksum_address(ctx.account(as_).address)
    if state.pledgor != pledgor:
        raise ValidationError(
            f"pledge {pledge_id} is over the shares of {party_label(state.pledgor, names)}; only that pledgor "
            f"agrees to a price for them (acting as {party_label(pledgor, names)})"
        )
    consent = RealisationConsent(
        domain=_domain(ctx),
        pledgor=pledgor,
        pledge_id=pledge_id,
        buyer=resolve_party(ctx, buyer, what="buyer"),
        price=parse_amount(price, state.currency, what="price"),
        document_hash=digest_of(document, what="--document"),
        nonce=int(reader.call("Pledges", "nonces", pledgor)),
        deadline=add_duration(reader.block_time, valid_for),
    )
    return consent.signed_by(ctx.account(as_))


def realise_pledge(
    ctx: LedgerContext,
    pledge_id: int,
    *,
    method: RealisationMethod | str,
    price: str | None = None,
    document: str | None = None,
    buyer: str | None = None,
    consent: RealisationConsent | None = None,
    as_: str | None = None,
) -> PledgeWrite:
    """The pledgee realises a matured pledge (Civil Code art. 436): the shares go to the buyer the realising
    document names (default: the bank) for ``price``; the surplus owed to the pledgor or the shortfall still owed
    is recorded. An agreed price (``method`` ``agreed-price``) takes the pledgor's signed ``consent``, which fixes
    buyer, price and document; the other methods (auction, sale, court ruling) take ``price`` and ``document``.
    The contract judges the rest: a refusal is decoded before anything is sent."""
    chosen = _realisation_method(method)
    if chosen is RealisationMethod.AGREED_PRICE:
        if consent is None:
            raise ValidationError(
                "a realisation at an agreed price (折价) needs the pledgor's signed agreement: give --consent FILE "
                "(`dal pledge consent-realisation` by the pledgor)"
            )
        if consent.pledge_id != pledge_id:
            raise ValidationError(f"the realisation consent is for pledge {consent.pledge_id}, not pledge {pledge_id}")
        _check_domain(ctx, consent.domain)
        terms = (int(chosen), consent.buyer, consent.price, consent.document_hash)
        receipt = transact_named(
            ctx, "Pledges", "realisePledge", pledge_id, terms, consent.nonce, consent.deadline, consent.signature,
            as_=as_,
        )
        return _after(ctx, pledge_id, Written.of(receipt))
    if consent is not None:
        raise ValidationError(f"only a realisation at an agreed price carries the pledgor's consent, not {chosen.label}")
    if price is None or document is None:
        raise ValidationError(
            f"a realisation by {chosen.legal_term} needs its price (--price) and the document that fixes it "
            "(--document: the auction or sale record, or the ruling)"
        )
    reader = ChainReader(ctx)
    _require_pledge(reader, pledge_id)
    currency = reader.pledge(pledge_id).currency
    recipient = resolve_party(ctx, buyer, what="buyer") if buyer else to_checksum_address(ctx.address_of(as_))
    terms = (int(chosen), recipient, parse_amount(price, currency, what="price"), digest_of(document, what="--document"))
    receipt = transact_named(ctx, "Pledges", "realisePledge", pledge_id, terms, 0, 0, b"", as_=as_)
    return _after(ctx, pledge_id, Written.of(receipt))


def _realisation_method(method: RealisationMethod | str) -> RealisationMethod:
    if isinstance(method, RealisationMethod):
        return method
    try:
        return RealisationMethod.from_key(method.replace("-", "_"))
    except KeyError:
        known = ", ".join(item.key.replace("_", "-") for item in RealisationMethod)
        raise ValidationError(f"unknown realisation method {method!r}; use one of {known}") from None


def consent_to_act(ctx: LedgerContext, pledge_id: int, act_hash: str, *, as_: str | None = None) -> Written:
    """The pledgee of ``pledge_id`` consents to the act hashed ``act_hash`` over its collateral: a licence over
    the pledged right (``dal rights license --act-hash``), or a change or cancellation of the certificate
    (``dal asset change --act-hash``, ``dal asset cancel --act-hash``)."""
    digest = digest_of(act_hash, what="the act hash", files=False)
    receipt = transact_named(ctx, "Pledges", "consentToAct", pledge_id, digest, as_=as_)
    return Written.of(receipt)
