"""Event arguments decode to their stored form exactly, on the fast path and the general one."""

from __future__ import annotations

import json
from typing import Any

from eth_abi.abi import encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle.decoding import EventSpec, LogDecoder

STATIC = {"name": "Static", "inputs": [
    {"name": "who", "type": "address", "indexed": True},
    {"name": "delta", "type": "int256", "indexed": True},
    {"name": "flag", "type": "bool", "indexed": False},
    {"name": "amount", "type": "uint256", "indexed": False},
    {"name": "currency", "type": "bytes3", "indexed": False},
    {"name": "change", "type": "int64", "indexed": False},
]}
DYNAMIC = {"name": "Dynamic", "inputs": [
    {"name": "label", "type": "string", "indexed": True},
    {"name": "name", "type": "string", "indexed": False},
    {"name": "ids", "type": "uint256[]", "indexed": False},
    {"name": "pair", "type": "tuple", "indexed": False,
     "components": [{"name": "a", "type": "address"}, {"name": "b", "type": "bytes32"}]},
]}

addresses = st.binary(min_size=20, max_size=20).map(lambda raw: to_checksum_address(raw))


def _hex(raw: bytes) -> str:
    return "0x" + raw.hex()


@settings(max_examples=100, deadline=None)
@given(addresses, st.integers(-(2**255), 2**255 - 1), st.booleans(), st.integers(0, 2**256 - 1),
       st.binary(min_size=3, max_size=3), st.integers(-(2**63), 2**63 - 1))
def test_static_arguments_take_the_fast_path_exactly(
    who: str, delta: int, flag: bool, amount: int, currency: bytes, change: int
) -> None:
    spec = EventSpec.from_abi("Test", STATIC)
    topics = ["0x" + "ab" * 32, _hex(encode(["address"], [who])), _hex(encode(["int256"], [delta]))]
    data = _hex(encode(["bool", "uint256", "bytes3", "int64"], [flag, amount, currency, change]))
    assert spec.decode(topics, data) == {
        "who": who, "delta": str(delta), "flag": flag, "amount": str(amount),
        "currency": _hex(currency), "change": str(change),
    }
    args, stored = spec.decode_stored(topics, data)
    assert args == spec.decode(topics, data) and json.loads(stored) == args


@settings(max_examples=50, deadline=None)
@given(st.text(), st.lists(st.integers(0, 2**256 - 1), max_size=5), addresses, st.binary(min_size=32, max_size=32))
def test_dynamic_arguments_use_the_general_decoder(name: str, ids: list[int], a: str, b: bytes) -> None:
    spec = EventSpec.from_abi("Test", DYNAMIC)
    label_hash = "0x" + "CD" * 32
    data = _hex(encode(["string", "uint256[]", "(address,bytes32)"], [name, ids, (a, b)]))
    decoded: dict[str, Any] = spec.decode(["0x" + "ab" * 32, label_hash], data)
    assert decoded == {"label": label_hash.lower(), "name": name, "ids": [str(i) for i in ids], "pair": [a, _hex(b)]}


def test_each_log_keeps_its_own_transaction_when_a_transaction_has_several() -> None:
    address = to_checksum_address("0x" + "12" * 20)
    decoder = LogDecoder({"Test": (address, [{**STATIC, "type": "event"}])})
    topics = ["0x" + bytes(keccak(text="Static(address,int256,bool,uint256,bytes3,int64)")).hex(),
              _hex(encode(["address"], [address])), _hex(encode(["int256"], [-1]))]
    data = _hex(encode(["bool", "uint256", "bytes3", "int64"], [True, 7, b"EUR", 0]))

    def log(tx: str, tx_index: int, log_index: int) -> dict[str, Any]:
        return {"address": address.lower(), "topics": topics, "data": data, "blockHash": "0x" + "BB" * 32,
                "blockNumber": "0x5", "blockTimestamp": "0x64", "transactionHash": tx,
                "transactionIndex": hex(tx_index), "logIndex": hex(log_index), "removed": False}

    first, second = "0x" + "AA" * 32, "0x" + "CC" * 32
    events = decoder.decode_all([log(first, 0, 0), log(first, 0, 1), log(second, 3, 2), log(first, 0, 3)],
                                lambda number: 0)
    assert [(e.tx_hash, e.tx_index, e.log_index) for e in events] == [
        (first.lower(), 0, 0), (first.lower(), 0, 1), (second.lower(), 3, 2), (first.lower(), 0, 3),
    ]
    assert all(e.block_hash == "0x" + "bb" * 32 and e.block_timestamp == 100 for e in events)
