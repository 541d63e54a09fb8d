"""Reading the ledger's contracts at one block, each call recorded, and the checks the workflows share.

:class:`ChainReader` makes view calls pinned to one block, each call recorded
(contract, calldata, answer) so that an answer can be re-checked against a
proof of that block's state (see :mod:`ledger.verify`). The checks below it
(the certificate exists, is in force; a party is an active member who may
hold shares) read through it, so they describe the same block as the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hexbytes import HexBytes

from ledger.chain.artifacts import ContractAbi
from ledger.chain.clock import format_time
from ledger.chain.rpc import RpcError
from ledger.chain.views import ZERO_ADDRESS, as_plain, decode_output, encode_call, view_call
from ledger.context import LedgerContext
from ledger.errors import NotFoundError, ValidationError
from ledger.parties import party_label
from ledger.types import (
    CertificateRecord,
    CertificateStatus,
    LicenceRecord,
    MemberRecord,
    MemberStatus,
    PledgeRecord,
    RealisationRecord,
    Role,
)

if TYPE_CHECKING:
    from ledger.history import History

__all__ = [
    "ChainReader",
    "Read",
    "RecordedCall",
    "certificate_exists",
    "certificate_reads",
    "require_holder_member",
    "require_in_force",
]


@dataclass(frozen=True)
class RecordedCall:
    """One view call of an answer: what was asked of which contract, and what the node answered."""

    contract: str
    address: str
    function: str
    calldata: bytes
    output: bytes


#: A view call an answer is going to make: (contract, function, arguments).
Read = tuple[str, str, tuple[Any, ...]]


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
        if block is not None:
            self._require_state()
        self._contracts: dict[str, ContractAbi] = {}
        self._histories: dict[int, History] = {}
        self._start_reading()

    def _start_reading(self) -> None:
        """No read made yet, none asked ahead, nothing encoded."""
        self.calls: list[RecordedCall] = []
        # (address, calldata) -> the node's answer, asked ahead in a batch (see prefetch)
        self._prefetched: dict[tuple[str, bytes], bytes] = {}
        # (contract, function, arguments) -> (address, calldata, ABI entry): encoding costs more than a lookup
        self._encodings: dict[Read, tuple[str, bytes, Mapping[str, Any]]] = {}

    def _header(self, block: int | str | None) -> dict[str, Any]:
        """The header of ``block``: a number, a ``0x`` block hash (which must be on the node's chain), or the
        latest block; its quantities as ints, its hashes as bytes."""
        rpc = self.ctx.rpc
        if isinstance(block, str) and not re.fullmatch(r"0x[0-9a-fA-F]{64}", block):
            raise ValidationError(f"block {block!r} is neither a block number nor a 0x block hash of 64 hex digits")
        if isinstance(block, str):
            found = rpc.request("eth_getBlockByHash", [block, False])
        else:
            found = rpc.request("eth_getBlockByNumber", ["latest" if block is None else hex(block), False])
        if not isinstance(found, dict):
            latest = int(rpc.request("eth_blockNumber", []), 16)
            if isinstance(block, str):
                raise ValidationError(
                    f"the node does not know block {block}; it may follow another chain, or not have it yet "
                    f"(it is at block {latest})"
                )
            raise ValidationError(f"block {block} does not exist yet (the chain is at block {latest})")
        header: dict[str, Any] = {
            "number": int(found["number"], 16), "timestamp": int(found["timestamp"], 16),
            "hash": bytes(HexBytes(found["hash"])), "stateRoot": bytes(HexBytes(found["stateRoot"])),
        }
        if isinstance(block, str):
            canonical = rpc.request("eth_getBlockByNumber", [hex(header["number"]), False])
            if not isinstance(canonical, dict) or bytes(HexBytes(canonical["hash"])) != header["hash"]:
                raise ValidationError(
                    f"block {block} is not on the node's chain: its block {header['number']} is "
                    f"{canonical['hash'] if isinstance(canonical, dict) else 'unknown'}"
                )
        return header

    def _require_state(self) -> None:
        """Refuse, in one sentence, a block whose state the node no longer holds (instead of its raw error)."""
        try:
            self.ctx.rpc.request("eth_getBalance", [ZERO_ADDRESS, hex(self.block_number)])
        except RpcError as exc:
            latest = int(self.ctx.rpc.request("eth_blockNumber", []), 16)
            raise ValidationError(
                f"the node no longer holds the state of block {self.block_number} (it answers: "
                f"{exc.message}); a node that is not an archive node, or a local "
                "chain restarted with `dal chain up`, keeps its blocks but not every block's state; ask about a "
                f"later block (the chain is at {latest}), or trace the history from events with `dal audit trace`"
            ) from None

    def contract(self, name: str) -> ContractAbi:
        """The deployed contract ``name``'s address and ABI (found once per reader)."""
        if name not in self._contracts:
            self._contracts[name] = self.ctx.contract_abi(name)
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

    def realisation(self, pledge_id: int) -> RealisationRecord:
        """How a realised pledge was realised, at the pinned block, typed."""
        return RealisationRecord.from_abi(list(self.call("Pledges", "realisation", pledge_id).values()))

    def licence(self, licence_id: int) -> LicenceRecord:
        """The stored licence at the pinned block, typed."""
        return LicenceRecord.from_abi(list(self.call("Rights", "licence", licence_id).values()))

    def prefetch(self, reads: Iterable[Read]) -> None:
        """Ask the node for ``reads`` at the pinned block in one JSON-RPC batch; :meth:`call` answers from them.

        A workflow that knows (or can guess from its events) what it will read asks for it all at once here,
        then composes its answer with :meth:`call` as before: one round trip instead of one per read. Nothing
        is recorded here: a read counts, and goes into the answer (and its proof), when it is called. A read
        never called costs only its share of the request; a read the node refused here, or one not asked
        ahead, is made on its own when called, so its refusal is decoded as always.
        """
        wanted: dict[tuple[str, bytes], None] = {}
        for contract, function, args in reads:
            address, calldata, _entry = self._encoded(contract, function, args)
            if (address, calldata) not in self._prefetched:
                wanted[(address, calldata)] = None
        if not wanted:
            return
        block = hex(self.block_number)
        calls = [
            ("eth_call", [{"from": ZERO_ADDRESS, "to": address, "value": "0x0", "data": "0x" + calldata.hex()}, block])
            for address, calldata in wanted
        ]
        answers = self.ctx.rpc.batch(calls)
        for key, answer in zip(wanted, answers, strict=True):
            result = answer.get("result")
            if "error" not in answer and isinstance(result, str) and result.startswith("0x"):
                self._prefetched[key] = bytes.fromhex(result[2:])

    def _fetch(self, address: str, calldata: bytes, label: str) -> bytes:
        """What the node answers to ``calldata`` sent to ``address`` at the pinned block."""
        prefetched = self._prefetched.get((address, calldata))
        if prefetched is not None:
            return prefetched
        return view_call(self.ctx.rpc, self.ctx.decoder, address, calldata, self.block_number, label)

    def _encoded(self, contract: str, function: str, args: tuple[Any, ...]) -> tuple[str, bytes, Mapping[str, Any]]:
        """The address and calldata of ``contract.function(*args)``, and the function's ABI entry."""
        key: Read | None = (contract, function, args)
        try:
            return self._encodings[key]  # type: ignore[index]
        except KeyError:
            pass
        except TypeError:  # an unhashable argument (a list): encoded each time
            key = None
        bound = self.contract(contract)
        calldata, entry = encode_call(bound, function, args)
        encoded = (bound.address, calldata, entry)
        if key is not None:
            self._encodings[key] = encoded
        return encoded

    def call(self, contract: str, function: str, *args: Any) -> Any:
        """``contract.function(*args)`` at the pinned block, in plain Python (structs as dicts by field name);
        a refusal is the decoded error."""
        address, calldata, entry = self._encoded(contract, function, args)
        output = self._fetch(address, calldata, f"{contract}.{function}")
        self.calls.append(RecordedCall(contract, address, function, calldata, output))
        return as_plain(entry, decode_output(entry, output))


# --- checks shared by the finance workflows ------------------------------------------------------


def certificate_reads(certificate_id: int) -> list[Read]:
    """The reads of :func:`certificate_exists` and :func:`require_in_force` (for :meth:`ChainReader.prefetch`)."""
    return [
        ("Certificates", "certificateCount", ()),
        ("Certificates", "certificate", (certificate_id,)),
        ("Certificates", "isInForce", (certificate_id,)),
    ]


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
    if member.status is MemberStatus.RETIRED:
        raise ValidationError(
            f"{who} was replaced by key recovery and can do nothing, so it cannot be the {role}; the member acts "
            "from its new address (`dal member show`)"
        )
    if member.status is not MemberStatus.ACTIVE:
        raise ValidationError(f"{who} is a suspended member, so it cannot be the {role} until reinstated")
    if not member.roles & Role.holders():
        raise ValidationError(f"{who} is neither a MERCHANT nor a BANK member, so it cannot be the {role}")
