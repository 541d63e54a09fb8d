"""Vectors of a real Besu QBFT block, for the tests of the extraData codec, block hashing and seals.

A block (number 7528, round 1, four validators, three commit seals) of a Besu QBFT network, from the
light-client tests of datachainlab/besu-qbft-elc (``elc/src/header.rs``): the header's RLP with and
without its commit seals, and the hash the seals sign. Facts only; nothing else is taken from there.
"""

from __future__ import annotations

from typing import Any

import rlp

_HEAD = (
    "a00af93e70b1c6d3974a88a42eb70bb61adbd523bfac0c83027ba4637c52746a0fa01dcc4de8dec75d7aab85b567b6ccd41ad3"
    "12451b948a7413f0a142fd40d4934794ee3353e587cfa91625a1adaef308a726de3803d3a0166ed98eea93ab2b6f6b1a425526"
    "994adc2d675bf9a0d77d600ed1e02d8f77dfa056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
    "a056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421b90100" + "00" * 256
    + "01821d688347b76080846640618b"
)
_VALIDATORS_AND_VOTE = (
    "a00000000000000000000000000000000000000000000000000000000000000000f85494647bfdd19655e51e69d35454ff3a92f8"
    "828e630294a5c8416b9d13417b45b45ada76408f39d1e504ef94b92e91f4dcc9d28503be521afa2a8fbf3c1acf6094ee3353e5"
    "87cfa91625a1adaef308a726de3803d3c001"
)
_SEALS = (
    "f8c9b841bc7633fd65570f610a595086e9a34e5bf6aacfb67b8f8cd01852e6b285147f046a50577b49378b86723ac9b456ef59"
    "ef7ab57cda7139d807f10f58e8cb10c67600b841ad1defc2b0b4a48158cff24778bb5ba4d9f373c171022ab0a42e37bdb0d402"
    "5718434d303a8d94df56ef9ad5219be9f27b2f67179a7fb82d3323dde29546f9f701b841e233d3670dd97c715f72b440eeb1cc"
    "b1e22c8c23f6ab470c46c99c2d0ee6509f0341a42e0e4569782557e93c3815e8ca4294043595f69a90f73f135de8ecf41e00"
)
_TAIL = "a063746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365880000000000000000"
SEALED_HEADER: bytes = bytes.fromhex("f9033f" + _HEAD + "b90147f90144" + _VALIDATORS_AND_VOTE + _SEALS + _TAIL)
UNSEALED_HEADER: bytes = bytes.fromhex("f90273" + _HEAD + "b87cf87a" + _VALIDATORS_AND_VOTE + "c0" + _TAIL)
COMMIT_SEAL_HASH = bytes.fromhex("75ea184f58cd3f0ef89032a069df01f07ec524ef3a85cf6d3e424d62130c0a32")
VALIDATORS_7528 = [
    "0x647bfdd19655e51e69d35454ff3a92f8828e6302", "0xa5c8416b9d13417b45b45ada76408f39d1e504ef",
    "0xb92e91f4dcc9d28503be521afa2a8fbf3c1acf60", "0xee3353e587cfa91625a1adaef308a726de3803d3",
]
_FIELDS = ("parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom",
           "difficulty", "number", "gasLimit", "gasUsed", "timestamp", "extraData", "mixHash", "nonce")
_INTEGERS = {"difficulty", "number", "gasLimit", "gasUsed", "timestamp"}


def as_rpc_header(encoded: bytes) -> dict[str, Any]:
    """The header as eth_getBlockByNumber returns it (hex strings), from its RLP."""
    items = rlp.decode(encoded)
    return {name: hex(int.from_bytes(value, "big")) if name in _INTEGERS else "0x" + value.hex()
            for name, value in zip(_FIELDS, items, strict=True)}


