"""Turning raw logs into named events with JSON-safe arguments.

Each contract's ABI gives, per event, the topic (keccak-256 of the signature)
and the types of the indexed and data arguments. Logs are decoded with
``eth_abi`` directly, keyed by ``(address, topic0)`` so two contracts may share
an event signature. Arguments are kept in their *stored form*: integers as
decimal strings (uint256 survive every JSON reader), bytes as ``0x`` hex,
addresses checksummed, booleans and strings as they are, tuples and arrays as
lists. The handlers read that form both when indexing and when replaying the
event log, so both paths give the same read model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.chain.logs import tuple_components
from ledger.errors import ChainError

__all__ = ["ARGS_JSON", "EventSpec", "LogDecoder", "LoggedEvent", "event_signature", "stored_form"]


def _type_string(param: Mapping[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ",".join(_type_string(component) for component in param["components"])
        return f"({inner}){kind[5:]}"
    return kind


def event_signature(abi_event: Mapping[str, Any]) -> str:
    """``Name(type,...)``, the text whose keccak-256 is the event's topic."""
    return f"{abi_event['name']}({','.join(_type_string(p) for p in abi_event['inputs'])})"


@lru_cache(maxsize=65536)
def _checksum(address: str) -> str:
    return str(to_checksum_address(address))


#: How the raw event log stores arguments: compact JSON, text as it is.
ARGS_JSON: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)

_STATIC_WORD = re.compile(r"^(uint\d*|int\d*|address|bool|bytes([1-9]|[12]\d|3[012]))$")
_ZERO_WORD = "0" * 64


@lru_cache(maxsize=65536)
def _checksum_word(word: str) -> str:
    """The checksummed address in the last 40 hex digits of a 32-byte word (``0x`` text or not)."""
    return _checksum("0x" + word[-40:])


Reader = Callable[[Sequence[str], str], Any]


def _reader(abi_type: str, topic: int | None, word: int) -> Reader:
    """A reader of one static argument of a log, from its topics and ``0x`` data text, in stored form.

    The argument is the topic ``topic`` if given, else the data's word ``word``.
    Working on the node's hex text directly (no bytes, no general decoder, one
    slice at most) keeps the indexer's per-event cost low.
    """
    if topic is not None:
        if abi_type == "address":
            return lambda topics, data: _checksum_word(topics[topic])
        if abi_type.startswith("uint"):
            return lambda topics, data: str(int(topics[topic], 16))
        if not _STATIC_WORD.match(abi_type):  # dynamic values are indexed by their hash, kept as it is
            return lambda topics, data: "0x" + topics[topic][2:].lower()
        convert = _word_converter(abi_type)
        return lambda topics, data: convert(topics[topic][2:])
    start = 2 + 64 * word
    end = start + 64
    if abi_type == "address":
        return lambda topics, data: _checksum_word(data[start:end])
    if abi_type.startswith("uint"):
        return lambda topics, data: str(int(data[start:end], 16))
    convert = _word_converter(abi_type)
    return lambda topics, data: convert(data[start:end])


def _three_addresses_two_uints(topics: Sequence[str], data: str) -> list[Any]:
    """The stored values of the hottest event shape, ERC-1155 ``TransferSingle(operator, from, to, id, value)``:
    three indexed addresses and two uint256 words of data, read without a reader per argument."""
    return [
        _checksum_word(topics[1]), _checksum_word(topics[2]), _checksum_word(topics[3]),
        str(int(data[2:66], 16)), str(int(data[66:130], 16)),
    ]


_FAST_SHAPES: Final[dict[tuple[tuple[str, bool], ...], Callable[[Sequence[str], str], list[Any]]]] = {
    (("address", True), ("address", True), ("address", True), ("uint256", False), ("uint256", False)):
        _three_addresses_two_uints,
}


def _word_converter(abi_type: str) -> Callable[[str], Any]:
    """A converter of one static ABI word, given as 64 hex digits, to its stored form."""
    if abi_type == "address":
        return _checksum_word
    if abi_type == "bool":
        return lambda word: word != _ZERO_WORD
    if abi_type.startswith("uint"):
        return lambda word: str(int(word, 16))
    if abi_type.startswith("int"):
        def signed(word: str) -> str:
            value = int(word, 16)
            return str(value - (1 << 256) if value >> 255 else value)
        return signed
    size = int(abi_type[5:])
    return lambda word: "0x" + word[: 2 * size]


def stored_form(value: Any, abi_type: str) -> Any:
    """An argument decoded by eth_abi, in the stored (JSON-safe) form."""
    if abi_type.endswith("]"):
        inner = abi_type[: abi_type.rindex("[")]
        return [stored_form(item, inner) for item in value]
    if abi_type.startswith("("):
        inner_types = tuple_components(abi_type[1:-1])
        return [stored_form(item, kind) for item, kind in zip(value, inner_types, strict=True)]
    if abi_type == "address":
        return _checksum(value)
    if abi_type == "bool" or abi_type == "string":
        return value
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, int):
        return str(value)
    raise ChainError(f"cannot store a {abi_type} event argument {value!r}")


@dataclass(frozen=True)
class EventSpec:
    """How to decode one event of one contract."""

    contract: str
    name: str
    names: tuple[str, ...]
    indexed: tuple[bool, ...]
    types: tuple[str, ...]
    #: Per argument, its reader (``None``: a value of the dynamic data, decoded by eth_abi).
    _readers: tuple[Reader | None, ...] = field(default=(), init=False, repr=False, compare=False)
    #: All the values of a static event at once, for the hottest shapes (see ``_FAST_SHAPES``).
    _values: Callable[[Sequence[str], str], list[Any]] | None = field(
        default=None, init=False, repr=False, compare=False)
    #: Per argument, its position among the dynamic data's values (or -1).
    _positions: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)
    _data_types: tuple[str, ...] | None = field(default=None, init=False, repr=False, compare=False)
    #: The least length of the data text (``0x`` and 64 hex digits per static word).
    _data_length: int = field(default=2, init=False, repr=False, compare=False)
    _template: str | None = field(default=None, init=False, repr=False, compare=False)
    _bools: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)

    @classmethod
    def from_abi(cls, contract: str, abi_event: Mapping[str, Any]) -> EventSpec:
        inputs = abi_event["inputs"]
        return cls(
            contract=contract,
            name=str(abi_event["name"]),
            names=tuple(str(p["name"]) for p in inputs),
            indexed=tuple(bool(p.get("indexed")) for p in inputs),
            types=tuple(_type_string(p) for p in inputs),
        )

    def __post_init__(self) -> None:
        data_types = [kind for kind, indexed in zip(self.types, self.indexed, strict=True) if not indexed]
        static = all(_STATIC_WORD.match(kind) for kind in data_types)
        readers: list[Reader | None] = []
        positions: list[int] = []
        topic, word = 1, 0
        for kind, indexed in zip(self.types, self.indexed, strict=True):
            if indexed:
                readers.append(_reader(kind, topic, 0))
                positions.append(-1)
                topic += 1
            else:
                readers.append(_reader(kind, None, word) if static else None)
                positions.append(-1 if static else word)
                word += 1
        object.__setattr__(self, "_readers", tuple(readers))
        object.__setattr__(self, "_values", _FAST_SHAPES.get(tuple(zip(self.types, self.indexed, strict=True))))
        object.__setattr__(self, "_positions", tuple(positions))
        object.__setattr__(self, "_data_types", tuple(data_types) if not static else None)
        object.__setattr__(self, "_data_length", 2 + 64 * word if static else 2)
        if static and len(set(self.names)) == len(self.names):
            # Every value of a static event is a bool or text that JSON keeps as it is (hex,
            # decimal digits, checksummed addresses), so its stored JSON is a fixed template.
            fields = [
                json.dumps(name, ensure_ascii=False).replace("%", "%%") + (":%s" if kind == "bool" else ':"%s"')
                for name, kind in zip(self.names, self.types, strict=True)
            ]
            object.__setattr__(self, "_template", "{" + ",".join(fields) + "}")
            object.__setattr__(self, "_bools", tuple(i for i, kind in enumerate(self.types) if kind == "bool"))

    def decode(self, topics: Sequence[str], data: str) -> dict[str, Any]:
        """The arguments of a log, from its topics and data as the node's ``0x`` hex text."""
        if self._template is None:
            return self._decode_general(topics, data)
        return dict(zip(self.names, self._static_values(topics, data), strict=True))

    def decode_stored(self, topics: Sequence[str], data: str) -> tuple[dict[str, Any], str]:
        """The arguments of a log and their JSON text as the raw event log stores it."""
        template = self._template
        if template is None:
            args = self._decode_general(topics, data)
            return args, ARGS_JSON.encode(args)
        values = self._static_values(topics, data)
        args = dict(zip(self.names, values))
        for index in self._bools:
            values[index] = "true" if values[index] else "false"
        return args, template % tuple(values)

    def _static_values(self, topics: Sequence[str], data: str) -> list[Any]:
        if len(data) < self._data_length:
            raise ChainError(f"{self.contract}.{self.name} log data is too short")
        if self._values is not None:
            return self._values(topics, data)
        return [read(topics, data) for read in self._readers]  # type: ignore[misc]

    def _decode_general(self, topics: Sequence[str], data: str) -> dict[str, Any]:
        if len(data) < self._data_length:
            raise ChainError(f"{self.contract}.{self.name} log data is too short")
        dynamic: list[Any] = []
        if self._data_types is not None:
            raw = abi_decode(list(self._data_types), bytes.fromhex(data[2:]))
            dynamic = [stored_form(value, kind) for value, kind in zip(raw, self._data_types, strict=True)]
        return {
            name: dynamic[position] if read is None else read(topics, data)
            for name, read, position in zip(self.names, self._readers, self._positions, strict=True)
        }


@dataclass(slots=True)
class LoggedEvent:
    """A decoded log, where it is in the chain, and its arguments in stored form.

    Not frozen on purpose: a frozen dataclass costs several times more to build,
    and the indexer builds one per log; nothing mutates it after decoding.
    """

    contract: str
    event: str
    args: dict[str, Any]
    address: str
    block_number: int
    block_hash: str
    block_timestamp: int
    tx_hash: str
    tx_index: int
    log_index: int
    #: ``args`` as the raw event log stores them (JSON), when the decoder made that text already.
    args_json: str | None = field(default=None, compare=False, repr=False)

    @property
    def order(self) -> tuple[int, int, int]:
        """The position of the log in the chain: (block, transaction index, log index)."""
        return (self.block_number, self.tx_index, self.log_index)


def _chain_order(event: LoggedEvent) -> tuple[int, int]:
    """Chain order: log indexes are block-wide, so (block, log index) orders as ``order`` does."""
    return (event.block_number, event.log_index)


class LogDecoder:
    """Decodes the logs of a set of contracts (name -> address, ABI)."""

    def __init__(self, contracts: Mapping[str, tuple[str, Iterable[Mapping[str, Any]]]]) -> None:
        #: (lower-case address, topic) -> the event's spec and the contract's checksummed address.
        self._specs: dict[tuple[str, str], tuple[EventSpec, str]] = {}
        self.addresses: dict[str, str] = {}
        for name, (address, abi) in contracts.items():
            checksummed = str(to_checksum_address(address))
            self.addresses[checksummed.lower()] = name
            for item in abi:
                if item.get("type") == "event" and not item.get("anonymous"):
                    topic = "0x" + bytes(keccak(text=event_signature(item))).hex()
                    self._specs[(checksummed.lower(), topic)] = (EventSpec.from_abi(name, item), checksummed)
        #: The same by (address, topic) as the node spells them, ``None`` for a log that is not ours.
        self._by_text: dict[tuple[str, str], tuple[EventSpec, str] | None] = {}

    def events(self) -> list[tuple[str, str]]:
        """Every (contract, event) that the decoder knows."""
        return sorted({(spec.contract, spec.name) for spec, _ in self._specs.values()})

    def _spec(self, address: str, topic: str) -> tuple[EventSpec, str] | None:
        found = self._specs.get((address.lower(), topic.lower()))
        self._by_text[(address, topic)] = found
        return found

    def decode_all(
        self, logs: Iterable[Mapping[str, Any]], block_time: Callable[[int], int]
    ) -> list[LoggedEvent]:
        """Decode raw ``eth_getLogs`` entries in chain order, leaving out removed logs and logs not ours.

        The per-log path of indexing, so everything that can be is done once: the
        spec is found by (address, topic0) as the node spells them, a block's
        number, hash and time are read once per block (``block_time`` gives the
        time of a block whose logs do not carry it), a transaction's hash and index
        once per transaction, and the arguments' stored JSON is made along with
        them. Nodes return logs in chain order; they are sorted only if they are
        not, and a log given twice is kept once.
        """
        events: list[LoggedEvent] = []
        append = events.append
        by_text = self._by_text
        block_text = tx_text = None
        number = timestamp = last_number = last_index = tx_index = -1
        block_hash = tx_hash = ""
        ordered = True
        for log in logs:
            topics = log["topics"]
            if not topics or log.get("removed"):
                continue
            address = log["address"]
            found = by_text.get((address, topics[0]), ())
            if found == ():
                found = self._spec(address, topics[0])
            if found is None:
                continue
            spec, checksummed = found  # type: ignore[misc]
            if log["blockHash"] != block_text:
                block_text = log["blockHash"]
                block_hash = block_text.lower()
                number = int(log["blockNumber"], 16)
                stamp = log.get("blockTimestamp")
                timestamp = int(stamp, 16) if stamp is not None else block_time(number)
            log_index = int(log["logIndex"], 16)
            if number == last_number and log_index == last_index:
                continue  # the same log twice
            if number < last_number or (number == last_number and log_index < last_index):
                ordered = False
            last_number, last_index = number, log_index
            if log["transactionHash"] != tx_text:  # a transaction's logs come together: its fields are read once
                tx_text = log["transactionHash"]
                tx_hash, tx_index = tx_text.lower(), int(log["transactionIndex"], 16)
            args, args_json = spec.decode_stored(topics, log["data"])
            append(LoggedEvent(
                spec.contract, spec.name, args, checksummed, number, block_hash, timestamp, tx_hash, tx_index,
                log_index, args_json,
            ))
        if not ordered:
            events.sort(key=_chain_order)
            events = [e for i, e in enumerate(events) if i == 0 or _chain_order(events[i - 1]) != _chain_order(e)]
        return events

    def decode(self, log: Mapping[str, Any], block_timestamp: int) -> LoggedEvent | None:
        """Decode one raw ``eth_getLogs`` entry (hex strings), or ``None`` if it is not ours.

        The per-log path of indexing: the spec is found by (address, topic0), the
        contract's checksummed address comes with it, and the arguments' stored JSON
        is made along with them.
        """
        topics = log["topics"]
        if not topics:
            return None
        found = self._specs.get((str(log["address"]).lower(), str(topics[0]).lower()))
        if found is None:
            return None
        spec, address = found
        args, args_json = spec.decode_stored(topics, str(log["data"]))
        return LoggedEvent(
            spec.contract,
            spec.name,
            args,
            address,
            int(log["blockNumber"], 16),
            str(log["blockHash"]).lower(),
            block_timestamp,
            str(log["transactionHash"]).lower(),
            int(log["transactionIndex"], 16),
            int(log["logIndex"], 16),
            args_json,
        )
