"""Event arguments decode to their stored form exactly, on the fast path and the general one."""

from __future__ import annotations

from typing import Any

from eth_abi.abi import encode
from eth_utils.address import to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle.decoding import EventSpec

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


@settings(max_examples=50, deadline=None)
@given(st.text(), st.lists(st.integers(0, 2**256 - 1), max_size=5), addresses, st.binary(min_size=32, max_size=32))
def test_dynamic_arguments_use_the_general_decoder(name: str, ids: list[int], a: str, b: bytes) -> None:
    spec = EventSpec.from_abi("Test", DYNAMIC)
    label_hash = "0x" + "CD" * 32
    data = _hex(encode(["string", "uint256[]", "(address,bytes32)"], [name, ids, (a, b)]))
    decoded: dict[str, Any] = spec.decode(["0x" + "ab" * 32, label_hash], data)
    assert decoded == {"label": label_hash.lower(), "name": name, "ids": [str(i) for i in ids], "pair": [a, _hex(b)]}
