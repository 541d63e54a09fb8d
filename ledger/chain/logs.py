"""Reading the suite's events straight from the chain's logs.

Some questions are answered from history rather than from current state:
which members were ever admitted (the contract keeps no list), which number a
certificate was issued under (only its hash is stored), which catalog hashes an
applicant already submitted, and everything an auditor traces. This module
fetches the logs of the deployed contracts with ``eth_getLogs`` in windows of
the profile's ``log_range`` blocks (Besu caps the range), from the block the
suite was deployed in, decodes them with the contracts' ABIs, and returns them
in chain order: (block, transaction index, log index).

It reads the node directly and keeps nothing: the oracle's read model is the
indexed, queryable copy of the same events.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from hexbytes import HexBytes

from ledger.chain.artifacts import ContractAbi
from ledger.chain.rpc import JsonRpc
from ledger.errors import ChainError

__all__ = ["ChainLog", "EventLog", "address_topic", "checksum", "plain_value", "tuple_components", "uint_topic"]


def tuple_components(body: str) -> list[str]:
    """The component types of a tuple type's body: ``uint256[],(address,bool)`` -> its two types."""
    parts, depth, current = [], 0, ""
    for char in body:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    return [*parts, current] if current else parts


def uint_topic(value: int) -> str:
    """The topic of an indexed ``uint256`` argument."""
    return "0x" + value.to_bytes(32, "big").hex()


@functools.lru_cache(maxsize=65_536)
def checksum(address: str) -> str:
    """``address`` checksummed (EIP-55), remembered: events name few parties many times, and each checksum
    costs a keccak."""
    return to_checksum_address(address)


def plain_value(value: Any) -> Any:
    """An event argument in JSON-safe form: bytes as 0x hex, addresses checksummed."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, list | tuple):
        return [plain_value(item) for item in value]
    if isinstance(value, str) and len(value) == 42 and value.startswith("0x"):
        return checksum(value)
    return value


def address_topic(address: str) -> str:
    """The topic of an indexed ``address`` argument."""
    return "0x" + bytes(12).hex() + to_checksum_address(address)[2:].lower()


def _quantity(value: Any) -> int:
    """A JSON-RPC quantity: ``0x`` hex text from the node, or an int from web3's formatters."""
    return int(value, 16) if isinstance(value, str) else int(value)


def _type_of(param: Mapping[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        return "(" + ",".join(_type_of(component) for component in param["components"]) + ")" + kind[5:]
    return kind


def _value(kind: str, value: Any) -> Any:
    if kind == "address":
        return checksum(value)
    if kind.endswith("]"):
        inner = kind[: kind.rindex("[")]
        return [_value(inner, item) for item in value]
    return value


_ELEMENTARY = re.compile(r"(u?int\d*|address|bool|bytes([1-9]|[12]\d|3[0-2]))")


def _static_word(kind: str, word: bytes) -> Any:
    """The value of one 32-byte word of the elementary static type ``kind`` (as eth-abi decodes it)."""
    if kind == "address":
        return checksum("0x" + word[12:].hex())
    if kind.startswith("uint"):
        return int.from_bytes(word, "big")
    if kind.startswith("int"):
        return int.from_bytes(word, "big", signed=True)
    if kind == "bool":
        return word[-1] == 1
    return word[: int(kind[5:])]  # bytesN


@dataclass(frozen=True)
class _EventSpec:
    """How to decode one event of one contract: its topic and where each argument is."""

    contract: str
    event: str
    topic: bytes
    names: tuple[str, ...]
    types: tuple[str, ...]
    indexed: tuple[bool, ...]

    @classmethod
    def of(cls, contract: str, entry: Mapping[str, Any]) -> _EventSpec:
        inputs = list(entry["inputs"])
        types = tuple(_type_of(param) for param in inputs)
        signature = f"{entry['name']}({','.join(types)})"
        return cls(contract, str(entry["name"]), bytes(keccak(text=signature)),
                   tuple(str(param["name"]) for param in inputs), types,
                   tuple(bool(param.get("indexed")) for param in inputs))

    def decode(self, topics: Sequence[bytes], data: bytes) -> dict[str, Any]:
        """The arguments by name; an indexed dynamic value is its hash (that is all a topic holds)."""
        unindexed = [kind for kind, indexed in zip(self.types, self.indexed, strict=True) if not indexed]
        if all(_ELEMENTARY.fullmatch(kind) for kind in unindexed) and len(data) == 32 * len(unindexed):
            # One word per value: read the words directly (eth-abi's general decoder costs ~10x more).
            data_values = iter([_static_word(kind, data[32 * i: 32 * i + 32]) for i, kind in enumerate(unindexed)])
        else:
            data_values = iter(abi_decode(unindexed, data)) if unindexed else iter(())
        topic_values = iter(topics[1:])
        args: dict[str, Any] = {}
        for name, kind, indexed in zip(self.names, self.types, self.indexed, strict=True):
            if not indexed:
                args[name] = _value(kind, next(data_values))
                continue
            topic = next(topic_values)
            if _ELEMENTARY.fullmatch(kind) and len(topic) == 32:
                args[name] = _static_word(kind, topic)
                continue
            dynamic = kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("(")
            args[name] = topic if dynamic else _value(kind, abi_decode([kind], topic)[0])
        return args


def _logs_of(answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The logs of an ``eth_getLogs`` answer, or the node's refusal as a :class:`ChainError`."""
    if "error" in answer:
        message = answer["error"].get("message", answer["error"]) if isinstance(answer["error"], dict) \
            else answer["error"]
        raise ChainError(f"the node refused to return logs: {message}; lower log_range if it caps the range")
    logs: list[Mapping[str, Any]] = answer["result"]
    return logs


@dataclass(frozen=True)
class ChainLog:
    """One decoded event and where it is in the chain.

    ``args`` are decoded from the contract's ABI: integers, checksummed
    addresses, bytes for ``bytesN`` values, strings, booleans and lists.
    """

    contract: str
    event: str
    args: Mapping[str, Any]
    block_number: int
    tx_index: int
    log_index: int
    tx_hash: str

    def plain_args(self) -> dict[str, Any]:
        """The arguments in JSON-safe form (see :func:`plain_value`)."""
        return {key: plain_value(value) for key, value in self.args.items()}

    @property
    def order(self) -> tuple[int, int, int]:
        """The position of the log in the chain."""
        return (self.block_number, self.tx_index, self.log_index)


class EventLog:
    """The events of the deployed suite, fetched on demand from ``start_block`` on."""

    def __init__(
        self, rpc: JsonRpc, contracts: Mapping[str, ContractAbi], *, start_block: int, log_range: int
    ) -> None:
        self.rpc = rpc
        self.contracts = dict(contracts)
        self.start_block = start_block
        self.log_range = max(1, log_range)
        self._block_times: dict[int, int] = {}
        self._block_hashes: dict[int, str | None] = {}
        # (lower-case address, topic0) -> how to decode that event
        self._events: dict[tuple[str, bytes], _EventSpec] = {}
        for name, contract in self.contracts.items():
            for entry in contract.abi:
                fields: Mapping[str, Any] = entry
                if fields.get("type") != "event" or fields.get("anonymous"):
                    continue
                spec = _EventSpec.of(name, fields)
                self._events[(contract.address.lower(), spec.topic)] = spec

    def _topic0(self, contract: str, event: str) -> str:
        address = self.contracts[contract].address.lower()
        for (spec_address, topic), spec in self._events.items():
            if spec_address == address and spec.event == event:
                return "0x" + topic.hex()
        raise ChainError(f"the {contract} contract has no event {event}; update the ledger's contract artifacts")

    def head(self) -> int:
        """The latest block number."""
        return _quantity(self.rpc.request("eth_blockNumber", []))

    def fetch(
        self,
        selection: Iterable[tuple[str, str]],
        *,
        topics: Sequence[str | Sequence[str] | None] = (),
        from_block: int | None = None,
        to_block: int | None = None,
    ) -> list[ChainLog]:
        """The events named by ``selection`` ((contract, event) pairs), oldest first.

        ``topics`` filters the indexed arguments after the event's own topic
        (``None`` matches anything, a list matches any of its values); it only
        makes sense when the selected events index the same thing there.
        """
        pairs = list(dict.fromkeys(selection))
        if not pairs:
            return []
        addresses, topic0 = self._filter(pairs)
        start = self.start_block if from_block is None else max(from_block, self.start_block)
        end = self.head() if to_block is None else to_block
        found: list[ChainLog] = []
        while start <= end:
            window_end = min(end, start + self.log_range - 1)
            # Raw eth_getLogs: web3's result formatters cost more than the node's work on thousands of logs.
            raw = _logs_of(self.rpc.answer("eth_getLogs", [{
                "fromBlock": hex(start),
                "toBlock": hex(window_end),
                "address": addresses,
                "topics": [topic0, *topics],
            }]))
            found += self._selected(raw, pairs)
            start = window_end + 1
        found.sort(key=lambda item: item.order)
        return found

    def _filter(self, pairs: Sequence[tuple[str, str]]) -> tuple[list[str], list[str]]:
        """The addresses and event topics an ``eth_getLogs`` filter for ``pairs`` names."""
        addresses = sorted({str(self.contracts[contract].address) for contract, _ in pairs})
        return addresses, sorted({self._topic0(contract, event) for contract, event in pairs})

    def _selected(self, raw: Iterable[Mapping[str, Any]], pairs: Sequence[tuple[str, str]]) -> list[ChainLog]:
        """The logs of ``raw`` that are events of ``pairs``, decoded."""
        wanted = {(self.contracts[contract].address.lower(), event) for contract, event in pairs}
        found = []
        for log in raw:
            decoded = self._decode(log)
            if decoded is not None and (decoded[0].lower(), decoded[1].event) in wanted:
                found.append(decoded[1])
        return found

    def fetch_blocks(self, selection: Iterable[tuple[str, str]], blocks: Iterable[int]) -> list[ChainLog]:
        """The events named by ``selection`` in ``blocks`` only, oldest first: each run of consecutive blocks
        (at most ``log_range`` long) is one ``eth_getLogs``, and all of them go in one JSON-RPC batch."""
        pairs = list(dict.fromkeys(selection))
        ranges: list[list[int]] = []
        for block in sorted(set(blocks)):
            if ranges and block == ranges[-1][1] + 1 and block - ranges[-1][0] < self.log_range:
                ranges[-1][1] = block
            else:
                ranges.append([block, block])
        if not pairs or not ranges:
            return []
        addresses, topic0 = self._filter(pairs)
        calls = [
            ("eth_getLogs", [{"fromBlock": hex(start), "toBlock": hex(end), "address": addresses, "topics": [topic0]}])
            for start, end in ranges
        ]
        found: list[ChainLog] = []
        for answer in self.rpc.batch(calls):
            found += self._selected(_logs_of(answer), pairs)
        found.sort(key=lambda item: item.order)
        return found

    def _decode(self, log: Mapping[str, Any]) -> tuple[str, ChainLog] | None:
        address = str(log["address"]).lower()
        if not log["topics"]:
            return None
        stamp = log.get("blockTimestamp")  # sent with each log by some nodes (anvil): one header request fewer
        if stamp is not None:
            self._block_times[_quantity(log["blockNumber"])] = _quantity(stamp)
        topics = [bytes(HexBytes(topic)) for topic in log["topics"]]
        spec = self._events.get((address, topics[0]))
        if spec is None:
            return None
        return address, ChainLog(
            contract=spec.contract,
            event=spec.event,
            args=spec.decode(topics, bytes(HexBytes(log["data"]))),
            block_number=_quantity(log["blockNumber"]),
            tx_index=_quantity(log["transactionIndex"]),
            log_index=_quantity(log["logIndex"]),
            tx_hash=HexBytes(log["transactionHash"]).to_0x_hex(),
        )

    def decode_receipt(self, receipt: Mapping[str, Any], contract: str, event: str) -> list[ChainLog]:
        """The ``contract.event`` logs in a transaction receipt."""
        logs = []
        for log in receipt["logs"]:
            decoded = self._decode(log)
            if decoded is not None and decoded[1].contract == contract and decoded[1].event == event:
                logs.append(decoded[1])
        return logs

    def block_time(self, block: int) -> int:
        """The timestamp of ``block`` (cached: blocks do not change their time)."""
        if block not in self._block_times and self.block_hash(block) is None:
            raise ChainError(f"the node did not return block {block}: no such block")
        return self._block_times[block]

    def block_hash(self, block: int) -> str | None:
        """The hash (``0x`` hex, lower case) of the chain's block ``block``; ``None`` if it has none yet.

        Asked once per block for the life of this log reader, which is one question's: the parts of an
        answer read from the read model are checked against the same view of the chain."""
        if block not in self._block_hashes:
            self._block_hashes[block] = self._ask_block_hash(block)
        return self._block_hashes[block]

    def _ask_block_hash(self, block: int) -> str | None:
        answer = self.rpc.answer("eth_getBlockByNumber", [hex(block), False])
        header = answer.get("result")
        if "error" in answer:
            raise ChainError(f"the node did not return block {block}: {answer['error']}")
        if not isinstance(header, Mapping):
            return None
        self._block_times[block] = _quantity(header["timestamp"])
        return str(header["hash"]).lower()

    def block_times(self, blocks: Iterable[int]) -> dict[int, int]:
        """The timestamps of ``blocks``; those not known yet are asked in one JSON-RPC batch."""
        wanted = sorted(set(blocks))
        missing = [block for block in wanted if block not in self._block_times]
        if missing:
            calls = [("eth_getBlockByNumber", [hex(block), False]) for block in missing]
            answers = self.rpc.batch(calls)
            for block, answer in zip(missing, answers, strict=True):
                header = answer.get("result")
                if not isinstance(header, Mapping):
                    why = answer.get("error") or "no such block"
                    raise ChainError(f"the node did not return block {block}: {why}")
                self._block_times[block] = _quantity(header["timestamp"])
        return {block: self._block_times[block] for block in wanted}

    def block_at(self, timestamp: int) -> int | None:
        """The last block whose time is at or before ``timestamp`` (``None`` if the chain is younger)."""
        low, high = 0, self.head()
        if self.block_time(low) > timestamp:
            return None
        if self.block_time(high) <= timestamp:
            return high
        while high - low > 1:  # invariant: time(low) <= timestamp < time(high)
            middle = (low + high) // 2
            if self.block_time(middle) <= timestamp:
                low = middle
            else:
                high = middle
        return low
