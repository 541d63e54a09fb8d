"""The three rights of a certificate: who owns which share, and moving shares (transfer registrations).

Every issued certificate carries the holding, development and operation
rights, each owned in basis points summing to 10,000. This module answers
"who owns what" for one certificate, read from the contracts' state at one
block, and registers transfers of shares between members.

It also holds what the finance workflows (rights, licences, pledges, the
bank's verification) share:

- :class:`ChainReader`, view calls pinned to one block, each call recorded
  (contract, calldata, answer) so the answer can be re-checked against a
  proof of that block's state (see :mod:`ledger.verify`);
- naming parties: a member is given as an account name or a 0x address, and
  shown with its account name where one is known;
- reading user input for these workflows: rights, shares and percentages,
  dates and durations;
- finding the candidates (owners, licences, pledges) in the suite's event
  logs, which the state at the pinned block then confirms or discards.

Input is checked before anything is sent; contract refusals are decoded and
re-worded with the names of the members involved.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from eth_abi.abi import decode as abi_decode
from eth_typing import HexStr
from eth_utils.abi import collapse_if_tuple
from eth_utils.address import is_checksum_address, is_hex_address, to_checksum_address
from hexbytes import HexBytes
from web3.contract import Contract
from web3.exceptions import BlockNotFound
from web3.logs import DISCARD
from web3.types import BlockIdentifier, TxReceipt

from ledger.chain.logs import ChainLog
from ledger.chain.revert import render_message
from ledger.chain.sender import TxRequest
from ledger.context import LedgerContext
from ledger.errors import ContractRevertError, LedgerError, NotFoundError, ValidationError
from ledger.types import (
    TOTAL_SHARES,
    CertificateRecord,
    CertificateStatus,
    LicenceRecord,
    MemberRecord,
    MemberStatus,
    PledgeRecord,
    Right,
    Role,
)

if TYPE_CHECKING:
    from ledger.history import History

__all__ = [
    "TOTAL_SHARES",
    "CertificateRights",
    "ChainReader",
    "Holding",
    "RecordedCall",
    "Right",
    "RightHoldings",
    "ShareTransfer",
    "Written",
    "add_duration",
    "certificate_exists",
    "events_in",
    "format_time",
    "named_error",
    "owners_of",
    "parse_certificate_id",
    "parse_date",
    "parse_duration",
    "parse_right",
    "parse_shares",
    "party_label",
    "party_names",
    "read_rights",
    "require_holder_member",
    "require_in_force",
    "resolve_party",
    "share_owner_candidates",
    "show_rights",
    "transact_named",
    "transfer_shares",
]



# --- reading user input ---------------------------------------------------------------------


def parse_right(text: str | Right) -> Right:
    """``holding``, ``development`` or ``operation`` (or a prefix such as ``dev``)."""
    if isinstance(text, Right):
        return text
    wanted = text.strip().lower()
    matches = [right for right in Right if wanted and right.label.startswith(wanted)]
    if len(matches) != 1:
        raise ValidationError(f"unknown right {text!r}; use holding, development or operation")
    return matches[0]


def parse_certificate_id(text: str | int) -> int:
    """A certificate id as typed: ``12`` or ``#12``."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        cleaned = str(text).strip().removeprefix("#")
        if not cleaned.isdigit():
            raise ValidationError(
                f"{text!r} is not a certificate id; give the number `dal asset list` shows (for example 12)"
            )
        value = int(cleaned)
    if value <= 0:
        raise ValidationError(f"certificate ids start at 1, got {value}")
    return value


def parse_shares(shares: int | None = None, percent: str | Decimal | None = None) -> int:
    """Basis points from ``--shares N`` or ``--percent P`` (exactly one; 40 % = 4,000 shares)."""
    if (shares is None) == (percent is None):
        raise ValidationError("give the shares either as --shares N (basis points) or as --percent P")
    if shares is not None:
        value = shares
    else:
        try:
            exact = Decimal(str(percent).strip().removesuffix("%")) * 100
        except InvalidOperation:
            raise ValidationError(f"--percent must be a number such as 40 or 12.5, got {percent!r}") from None
        if exact != exact.to_integral_value():
            raise ValidationError(
                f"{percent}% is not a whole number of basis points; use at most two decimals"
            )
        value = int(exact)
    if not 1 <= value <= TOTAL_SHARES:
        raise ValidationError(f"shares must be between 1 and {TOTAL_SHARES} basis points (0.01% to 100%), got {value}")
    return value


_DURATION = re.compile(r"^\s*(\d+)\s*(y|mo|m|w|d|h)\s*$", re.IGNORECASE)


def parse_duration(text: str) -> tuple[int, str]:
    """A duration such as ``1y``, ``6m`` (months), ``2w``, ``30d`` or ``12h``: (count, unit)."""
    match = _DURATION.match(text)
    if match is None or int(match.group(1)) == 0:
        raise ValidationError(
            f"duration {text!r} is not valid; use a positive count and a unit: 1y, 6m, 2w, 30d or 12h"
        )
    unit = match.group(2).lower()
    return int(match.group(1)), "m" if unit == "mo" else unit


def add_duration(start: int, duration: str) -> int:
    """``start`` (unix seconds) plus ``duration``; years and months follow the calendar."""
    count, unit = parse_duration(duration)
    if unit in ("h", "d", "w"):
        seconds = {"h": 3600, "d": 86_400, "w": 7 * 86_400}[unit]
        return start + count * seconds
    moment = datetime.fromtimestamp(start, UTC)
    months = count * 12 if unit == "y" else count
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return int(moment.replace(year=year, month=month + 1, day=day).timestamp())


def parse_date(text: str, *, what: str = "date") -> int:
    """A date (``2026-06-30``, midnight UTC) or date-time (ISO 8601, UTC unless it says) as unix seconds."""
    raw = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            day = date.fromisoformat(raw)
            return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            f"{what} {text!r} is not a date; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def format_time(seconds: int) -> str:
    """Unix seconds as an ISO 8601 UTC time (``2026-06-30T00:00:00Z``)."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- parties ----------------------------------------------------------------------------------


def party_names(ctx: LedgerContext) -> dict[str, str]:
    """Checksum address -> the name to show: the account name in the data home's keystores, else the
    member's display name from its ``MemberAdded`` event (a bank sees its counterparties' names without
    holding their keystores)."""
    # Imported here: the store's models load only when names are asked for.
    from ledger.history import named_events

    names: dict[str, str] = {}
    try:
        for event in named_events(ctx, [("Consortium", "MemberAdded")]).events:
            names[to_checksum_address(event.args["account"])] = str(event.args["name"])
    except LedgerError:
        pass  # names are a courtesy: without the chain's, the keystores' still help
    try:
        names.update({to_checksum_address(info.address): info.name for info in ctx.keystore.accounts()})
    except LedgerError:
        pass
    return names


def party_label(address: str, names: Mapping[str, str]) -> str:
    """``bank (0xAbC...)`` where the address has a known name, else the address."""
    checksum = to_checksum_address(address)
    name = names.get(checksum)
    return f"{name} ({checksum})" if name else checksum


def resolve_party(ctx: LedgerContext, text: str, *, what: str = "member") -> str:
    """The checksum address of a party given as an account name or a 0x address.

    A mixed-case address must carry a valid EIP-55 checksum (a typo in an
    address would otherwise send shares to nobody); an all-lower-case or
    all-upper-case address is taken as it is.
    """
    raw = text.strip()
    if raw.lower().startswith("0x"):
        if not is_hex_address(raw):
            raise ValidationError(f"{what} {raw!r} is not an address: it must be 0x and 40 hex digits")
        body = raw[2:]
        mixed = body != body.lower() and body != body.upper()
        if mixed and not is_checksum_address(raw):
            raise ValidationError(
                f"{what} address {raw} has a wrong checksum (a mistyped character?); copy the address again"
            )
        return to_checksum_address(raw)
    if ctx.keystore.exists(raw):
        return to_checksum_address(ctx.keystore.info(raw).address)
    raise ValidationError(
        f"unknown {what} {raw!r}: give a 0x address or an account name (see `dal account list`)"
    )


# --- reading the chain at one block -------------------------------------------------------------


@dataclass(frozen=True)
class RecordedCall:
    """One view call of an answer: what was asked of which contract, and what the node answered."""

    contract: str
    address: str
    function: str
    calldata: bytes
    output: bytes


def _plain(abi_type: str, components: Sequence[Mapping[str, Any]] | None, value: Any) -> Any:
    """A decoded ABI value in plain Python: structs as dicts, addresses checksummed, bytes kept."""
    if abi_type.endswith("]"):
        inner = abi_type[: abi_type.rindex("[")]
        return [_plain(inner, components, item) for item in value]
    if abi_type == "tuple" and components is not None:
        return {
            str(part["name"]): _plain(str(part["type"]), part.get("components"), item)
            for part, item in zip(components, value, strict=True)
        }
    if abi_type == "address":
        return to_checksum_address(value)
    return value


class ChainReader:
    """View calls of the ledger's contracts, all at one block, each one recorded.

    The block is fixed when the reader is made (the latest one by default),
    so every part of an answer describes the same state; its number, hash,
    time and state root are reported with the answer.
    """

    def __init__(self, ctx: LedgerContext, block: int | str | None = None) -> None:
        self.ctx = ctx
        header = self._header(block)
        self.block_number = int(header["number"])
        self.block_hash = "0x" + bytes(header["hash"]).hex()
        self.block_time = int(header["timestamp"])
        self.state_root = "0x" + bytes(header["stateRoot"]).hex()
        self.calls: list[RecordedCall] = []
        self._contracts: dict[str, Contract] = {}
        self._histories: dict[int, History] = {}

    def _header(self, block: int | str | None) -> Any:
        """The header of ``block``: a number, a ``0x`` block hash (which must be on the node's chain), or the
        latest block."""
        w3 = self.ctx.w3
        if isinstance(block, str) and not re.fullmatch(r"0x[0-9a-fA-F]{64}", block):
            raise ValidationError(f"block {block!r} is neither a block number nor a 0x block hash of 64 hex digits")
        wanted: BlockIdentifier = "latest" if block is None else (HexStr(block) if isinstance(block, str) else block)
        try:
            header = w3.eth.get_block(wanted)
        except BlockNotFound:
            latest = int(w3.eth.block_number)
            if isinstance(block, str):
                raise ValidationError(
                    f"the node does not know block {block}; it may follow another chain, or not have it yet "
                    f"(it is at block {latest})"
                ) from None
            raise ValidationError(f"block {block} does not exist yet (the chain is at block {latest})") from None
        if isinstance(block, str):
            canonical = w3.eth.get_block(int(header["number"]))
            if bytes(canonical["hash"]) != bytes(header["hash"]):
                raise ValidationError(
                    f"block {block} is not on the node's chain: its block {header['number']} is "
                    f"0x{bytes(canonical['hash']).hex()}"
                )
        return header

    def contract(self, name: str) -> Contract:
        """The deployed contract ``name`` (made once per reader)."""
        if name not in self._contracts:
            self._contracts[name] = self.ctx.contract(name)
        return self._contracts[name]

    def history(self, certificate_id: int) -> History:
        """The certificate's events up to the pinned block (read once per reader; see :mod:`ledger.history`)."""
        if certificate_id not in self._histories:
            # Imported here: the store's models load only when history is read.
            from ledger.history import certificate_events

            self._histories[certificate_id] = certificate_events(self.ctx, certificate_id, to_block=self.block_number)
        return self._histories[certificate_id]

    @property
    def history_source(self) -> str | None:
        """Where the events behind the answer were read (the read model, the chain's logs), if any were."""
        sources = sorted({history.source for history in self._histories.values()})
        return "; ".join(sources) if sources else None

    def certificate(self, certificate_id: int) -> CertificateRecord:
        """The stored certificate at the pinned block, typed."""
        return CertificateRecord.from_abi(list(self.call("Certificates", "certificate", certificate_id).values()))

    def pledge(self, pledge_id: int) -> PledgeRecord:
        """The stored pledge at the pinned block, typed."""
        return PledgeRecord.from_abi(list(self.call("Pledges", "pledge", pledge_id).values()))

    def licence(self, licence_id: int) -> LicenceRecord:
        """The stored licence at the pinned block, typed."""
        return LicenceRecord.from_abi(list(self.call("Rights", "licence", licence_id).values()))

    def _fetch(self, address: str, calldata: bytes, label: str) -> bytes:
        """What the node answers to ``calldata`` sent to ``address`` at the pinned block."""
        return self.ctx.sender.call(TxRequest(to=address, data=calldata, label=label), block=self.block_number)

    def call(self, contract: str, function: str, *args: Any) -> Any:
        """``contract.function(*args)`` at the pinned block; a refusal is the decoded error."""
        bound = self.contract(contract)
        fn = bound.functions[function](*args)
        calldata = bytes(HexBytes(fn._encode_transaction_data()))
        output = self._fetch(bound.address, calldata, f"{contract}.{function}")
        self.calls.append(RecordedCall(contract, bound.address, function, calldata, output))
        outputs = list(fn.abi.get("outputs", []))
        types = [collapse_if_tuple(dict(item)) for item in outputs]
        values = abi_decode(types, output)
        plain = [
            _plain(str(item["type"]), item.get("components"), value)
            for item, value in zip(outputs, values, strict=True)
        ]
        return plain[0] if len(plain) == 1 else tuple(plain)


# --- checks shared by the finance workflows ------------------------------------------------------


def certificate_exists(reader: ChainReader, certificate_id: int) -> CertificateRecord:
    """The stored certificate, or :class:`NotFoundError` with what to do."""
    count = int(reader.call("Certificates", "certificateCount"))
    if certificate_id > count:
        raise NotFoundError(
            f"certificate {certificate_id} does not exist (the ledger has {count}); check the id with `dal asset list`"
        )
    return reader.certificate(certificate_id)


def require_in_force(reader: ChainReader, certificate_id: int) -> CertificateRecord:
    """The certificate, if it is in force; else a :class:`ValidationError` saying why not."""
    record = certificate_exists(reader, certificate_id)
    if not reader.call("Certificates", "isInForce", certificate_id):
        expiry = record.expiry
        if record.status is CertificateStatus.ISSUED and expiry and expiry <= reader.block_time:
            why = f"it expired on {format_time(expiry)}; its holder must have it renewed"
        elif record.status is CertificateStatus.ISSUED:
            why = "it is not in force"
        else:
            why = f"it is {record.status.label}, not issued"
        raise ValidationError(f"certificate {certificate_id} is not in force: {why}; nothing can move under it")
    return record


def require_holder_member(reader: ChainReader, address: str, names: Mapping[str, str], *, role: str) -> None:
    """Refuse an address that is not an active MERCHANT or BANK member (``role`` says what it is for)."""
    member = MemberRecord.from_abi(list(reader.call("Consortium", "member", address).values()))
    who = party_label(address, names)
    if member.status is MemberStatus.NONE:
        raise ValidationError(f"{who} is not a member of the consortium, so it cannot be the {role}")
    if member.status is not MemberStatus.ACTIVE:
        raise ValidationError(f"{who} is a suspended member, so it cannot be the {role} until reinstated")
    if not member.roles & Role.holders():
        raise ValidationError(f"{who} is neither a MERCHANT nor a BANK member, so it cannot be the {role}")


# --- sending, with refusals worded with names ------------------------------------------------------


def named_error(error: ContractRevertError, names: Mapping[str, str]) -> ContractRevertError:
    """``error`` with every address argument shown with its account name where one is known."""
    if not names:
        return error
    labelled = {
        key: party_label(value, names) if isinstance(value, str) and is_hex_address(value) else value
        for key, value in error.args_by_name.items()
    }
    message = render_message(error.name, labelled)
    if message.startswith("the contract refused:"):
        message = str(error)  # no template: keep the plain form with raw values
    return ContractRevertError(message, error.name, error.args_by_name)


@dataclass(frozen=True)
class Written:
    """Where a transaction landed."""

    tx_hash: str
    block: int
    gas_used: int

    @classmethod
    def of(cls, receipt: TxReceipt) -> Written:
        return cls(
            tx_hash="0x" + bytes(receipt["transactionHash"]).hex(),
            block=int(receipt["blockNumber"]),
            gas_used=int(receipt["gasUsed"]),
        )


def transact_named(
    ctx: LedgerContext, contract: str, function: str, *args: Any, as_: str | None = None
) -> TxReceipt:
    """Send ``contract.function(*args)``; a refusal (found at gas estimation, before sending) names members."""
    try:
        return ctx.send(contract, function, *args, as_=as_)
    except ContractRevertError as exc:
        raise named_error(exc, party_names(ctx)) from None


def events_in(ctx: LedgerContext, receipt: TxReceipt, contract: str, event: str) -> list[dict[str, Any]]:
    """The decoded ``event`` logs of ``contract`` in ``receipt`` (arguments only)."""
    processed = ctx.contract(contract).events[event]().process_receipt(receipt, errors=DISCARD)
    return [dict(log["args"]) for log in processed]


# --- who owns what -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    """One owner's shares of one right: owned, under active pledges, and free to transfer now."""

    owner: str
    name: str | None
    shares: int
    pledged: int
    transferable: int

    @property
    def percent(self) -> str:
        return f"{Decimal(self.shares) / 100:f}%"


@dataclass(frozen=True)
class RightHoldings:
    """Every owner of one right of a certificate; their shares sum to :data:`TOTAL_SHARES` once issued."""

    right: Right
    holdings: list[Holding]

    @property
    def total(self) -> int:
        return sum(holding.shares for holding in self.holdings)


@dataclass(frozen=True)
class CertificateRights:
    """The three rights of a certificate at one block."""

    certificate_id: int
    status: str
    in_force: bool
    block_number: int
    block_hash: str
    rights: list[RightHoldings] = field(default_factory=list)

    def holdings(self, right: Right) -> list[Holding]:
        return next(item.holdings for item in self.rights if item.right is right)

    def rows(self) -> list[dict[str, Any]]:
        """One row per (right, owner): what `dal rights show` lists."""
        return [
            {
                "right": item.right.label,
                "owner": holding.owner,
                "name": holding.name,
                "shares": holding.shares,
                "percent": holding.percent,
                "pledged": holding.pledged,
                "transferable": holding.transferable,
            }
            for item in self.rights
            for holding in item.holdings
        ]


def share_owner_candidates(events: Iterable[ChainLog], certificate_id: int) -> dict[Right, set[str]]:
    """Every address that ever received shares of the certificate's rights, per right, from its events."""
    from ledger.history import transfer_items

    candidates: dict[Right, set[str]] = {right: set() for right in Right}
    for event in events:
        if event.event in ("TransferSingle", "TransferBatch"):
            for right, _shares in transfer_items(event, certificate_id):
                candidates[Right(right)].add(to_checksum_address(event.args["to"]))
    return candidates


def read_rights(reader: ChainReader, certificate_id: int, names: Mapping[str, str]) -> CertificateRights:
    """The owners of the certificate's three rights at the reader's block (state confirms the logs)."""
    record = certificate_exists(reader, certificate_id)
    in_force = bool(reader.call("Certificates", "isInForce", certificate_id))
    candidates = share_owner_candidates(reader.history(certificate_id).events, certificate_id)
    rights: list[RightHoldings] = []
    for right in Right:
        holdings: list[Holding] = []
        for owner in sorted(candidates[right]):
            shares = int(reader.call("Rights", "sharesOf", certificate_id, int(right), owner))
            if shares == 0:
                continue
            pledged = int(reader.call("Rights", "pledgedSharesOf", certificate_id, int(right), owner))
            transferable = int(reader.call("Rights", "transferableSharesOf", certificate_id, int(right), owner))
            holdings.append(Holding(owner, names.get(owner), shares, pledged, transferable))
        holdings.sort(key=lambda holding: (-holding.shares, holding.owner))
        rights.append(RightHoldings(right, holdings))
    return CertificateRights(
        certificate_id=certificate_id,
        status=record.status.key,
        in_force=in_force,
        block_number=reader.block_number,
        block_hash=reader.block_hash,
        rights=rights,
    )


def show_rights(ctx: LedgerContext, certificate_id: int, *, block: int | str | None = None) -> CertificateRights:
    """Who owns which share of each right of ``certificate_id``, with pledged and transferable shares."""
    return read_rights(ChainReader(ctx, block), certificate_id, party_names(ctx))


# --- transfers -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareTransfer:
    """A registered transfer of shares, and the two owners' shares of that right after it."""

    certificate_id: int
    right: Right
    sender: str
    recipient: str
    shares: int
    sender_shares_after: int
    recipient_shares_after: int
    written: Written


def _check_transfer(
    reader: ChainReader, certificate_id: int, right: Right, sender: str, recipient: str, shares: int,
    names: Mapping[str, str],
) -> None:
    require_in_force(reader, certificate_id)
    if sender == recipient:
        raise ValidationError(f"{party_label(sender, names)} cannot transfer shares to itself; name another member")
    require_holder_member(reader, sender, names, role="sender of shares")
    require_holder_member(reader, recipient, names, role="recipient of shares")
    balance = int(reader.call("Rights", "sharesOf", certificate_id, int(right), sender))
    if balance < shares:
        raise ValidationError(
            f"{party_label(sender, names)} holds {balance} shares of the {right.label} right of certificate "
            f"{certificate_id}, fewer than the {shares} to transfer"
        )
    # Pledged shares are refused by the contract itself (RightsSharesPledged), which names the pledge; the
    # gas estimation before sending surfaces that refusal with its message, so nothing is sent.


def transfer_shares(
    ctx: LedgerContext,
    certificate_id: int,
    right: Right | str,
    to: str,
    shares: int,
    *,
    as_: str | None = None,
) -> ShareTransfer:
    """Register a transfer of ``shares`` (basis points) of ``right`` from the acting member to ``to``.

    Checked first, with nothing sent on failure: the certificate is in force,
    both parties are active MERCHANT or BANK members, the sender holds the
    shares and they are not under an active pledge (the contract's refusal,
    with the pledgee and maturity, is reported before sending).
    """
    right = parse_right(right)
    shares = parse_shares(shares=shares)
    names = party_names(ctx)
    sender = to_checksum_address(ctx.account(as_).address)  # a wrong password stops here, before any work
    recipient = resolve_party(ctx, to, what="recipient")
    reader = ChainReader(ctx)
    _check_transfer(reader, certificate_id, right, sender, recipient, shares, names)
    receipt = transact_named(ctx, "Rights", "transferShares", certificate_id, int(right), recipient, shares, as_=as_)
    after = ChainReader(ctx, int(receipt["blockNumber"]))
    return ShareTransfer(
        certificate_id=certificate_id,
        right=right,
        sender=sender,
        recipient=recipient,
        shares=shares,
        sender_shares_after=int(after.call("Rights", "sharesOf", certificate_id, int(right), sender)),
        recipient_shares_after=int(after.call("Rights", "sharesOf", certificate_id, int(right), recipient)),
        written=Written.of(receipt),
    )


def owners_of(rights: CertificateRights, right: Right) -> Iterable[str]:
    """The owners of ``right`` in ``rights``, largest share first."""
    return (holding.owner for holding in rights.holdings(right))
