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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.errors import ChainError

__all__ = ["EventSpec", "LogDecoder", "LoggedEvent", "event_signature", "stored_form"]


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


_STATIC_WORD = re.compile(r"^(uint\d*|int\d*|address|bool|bytes([1-9]|[12]\d|3[012]))$")


def _word(word: bytes, abi_type: str) -> Any:
    """One static ABI word in stored form, without the general decoder (the indexer's hot path)."""
    if abi_type == "address":
        return _checksum("0x" + word[12:].hex())
    if abi_type == "bool":
        return any(word)
    if abi_type.startswith("uint"):
        return str(int.from_bytes(word, "big"))
    if abi_type.startswith("int"):
        return str(int.from_bytes(word, "big", signed=True))
    size = int(abi_type[5:])
    return "0x" + word[:size].hex()


def stored_form(value: Any, abi_type: str) -> Any:
    """An argument decoded by eth_abi, in the stored (JSON-safe) form."""
    if abi_type.endswith("]"):
        inner = abi_type[: abi_type.rindex("[")]
        return [stored_form(item, inner) for item in value]
    if abi_type.startswith("("):
        inner_types = _split_tuple(abi_type[1:-1])
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


def _split_tuple(body: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in body:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    if current:
        parts.append(current)
    return parts


@dataclass(frozen=True)
class EventSpec:
    """How to decode one event of one contract."""

    contract: str
    name: str
    names: tuple[str, ...]
    indexed: tuple[bool, ...]
    types: tuple[str, ...]

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

    @property
    def _data_types(self) -> list[str]:
        return [kind for kind, indexed in zip(self.types, self.indexed, strict=True) if not indexed]

    def decode(self, topics: Sequence[bytes], data: bytes) -> dict[str, Any]:
        data_types = self._data_types
        if all(_STATIC_WORD.match(kind) for kind in data_types):
            if len(data) < 32 * len(data_types):
                raise ChainError(f"{self.contract}.{self.name} log data is too short")
            data_values = iter([_word(data[32 * i:32 * i + 32], kind) for i, kind in enumerate(data_types)])
        else:
            data_values = iter([stored_form(v, k) for v, k in zip(abi_decode(data_types, data), data_types,
                                                                    strict=True)])
        topic_values = iter(topics[1:])
        args: dict[str, Any] = {}
        for name, kind, indexed in zip(self.names, self.types, self.indexed, strict=True):
            if indexed:
                topic = next(topic_values)
                if _STATIC_WORD.match(kind):
                    args[name] = _word(topic, kind)
                else:
                    args[name] = "0x" + topic.hex()  # dynamic values are indexed by their hash
            else:
                args[name] = next(data_values)
        return args


@dataclass(frozen=True)
class LoggedEvent:
    """A decoded log, where it is in the chain, and its arguments in stored form."""

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

    @property
    def order(self) -> tuple[int, int, int]:
        """The position of the log in the chain: (block, transaction index, log index)."""
        return (self.block_number, self.tx_index, self.log_index)


class LogDecoder:
    """Decodes the logs of a set of contracts (name -> address, ABI)."""

    def __init__(self, contracts: Mapping[str, tuple[str, Iterable[Mapping[str, Any]]]]) -> None:
        self._specs: dict[tuple[str, bytes], EventSpec] = {}
        self.addresses: dict[str, str] = {}
        for name, (address, abi) in contracts.items():
            checksummed = to_checksum_address(address)
            self.addresses[checksummed.lower()] = name
            for item in abi:
                if item.get("type") == "event" and not item.get("anonymous"):
                    topic = bytes(keccak(text=event_signature(item)))
                    self._specs[(checksummed.lower(), topic)] = EventSpec.from_abi(name, item)

    def events(self) -> list[tuple[str, str]]:
        """Every (contract, event) that the decoder knows."""
        return sorted({(spec.contract, spec.name) for spec in self._specs.values()})

    def decode(self, log: Mapping[str, Any], block_timestamp: int) -> LoggedEvent | None:
        """Decode one raw ``eth_getLogs`` entry (hex strings), or ``None`` if it is not ours."""
        address = str(log["address"]).lower()
        topics = [bytes.fromhex(str(t)[2:]) for t in log["topics"]]
        if not topics:
            return None
        spec = self._specs.get((address, topics[0]))
        if spec is None:
            return None
        data = bytes.fromhex(str(log["data"])[2:])
        return LoggedEvent(
            contract=spec.contract,
            event=spec.name,
            args=spec.decode(topics, data),
            address=_checksum(address),
            block_number=int(log["blockNumber"], 16),
            block_hash=str(log["blockHash"]).lower(),
            block_timestamp=block_timestamp,
            tx_hash=str(log["transactionHash"]).lower(),
            tx_index=int(log["transactionIndex"], 16),
            log_index=int(log["logIndex"], 16),
        )
