"""Merkle trees of record hashes, compatible with OpenZeppelin's StandardMerkleTree.

A batch of off-chain records goes on chain as one root. The leaf of a record is
``keccak256(keccak256(abi.encode(recordHash)))`` (for a ``bytes32`` value
``abi.encode`` is the 32 bytes themselves): hashing twice keeps a leaf from ever
being mistaken for an internal node. Internal nodes hash the sorted pair of
their children, which is what OpenZeppelin's ``MerkleProof.verify`` expects.

The layout follows the ``standard-v1`` format of the ``@openzeppelin/merkle-tree``
package: leaves are sorted by hash and stored at the end of a flat array of
``2n - 1`` nodes, node ``i`` has children ``2i + 1`` and ``2i + 2``, and the
root is node 0. So :meth:`MerkleTree.dump` can be loaded by that package, and a
proof made here verifies with it and with the contract, and the other way round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from eth_utils.crypto import keccak

from ledger.errors import ValidationError

__all__ = ["MerkleTree", "hash_pair", "leaf_hash", "process_proof", "verify_proof"]

_FORMAT: Final = "standard-v1"


def _check_bytes32(value: bytes, what: str) -> bytes:
    if not isinstance(value, (bytes, bytearray)) or len(value) != 32:
        raise ValidationError(f"{what} must be 32 bytes, got {value!r}")
    return bytes(value)


def leaf_hash(record_hash: bytes) -> bytes:
    """The leaf of a record: keccak-256 twice over its 32-byte hash."""
    return bytes(keccak(keccak(_check_bytes32(record_hash, "a record hash"))))


def hash_pair(a: bytes, b: bytes) -> bytes:
    """An internal node: keccak-256 of the two children, smaller first."""
    return bytes(keccak(a + b if a <= b else b + a))


def process_proof(leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from ``leaf``."""
    node = _check_bytes32(leaf, "a leaf")
    for sibling in proof:
        node = hash_pair(node, _check_bytes32(sibling, "a proof element"))
    return node


def verify_proof(root: bytes, record_hash: bytes, proof: Sequence[bytes]) -> bool:
    """True when ``proof`` shows ``record_hash`` is a record of the tree with ``root``."""
    return process_proof(leaf_hash(record_hash), proof) == root


def _sibling(index: int) -> int:
    return index + 1 if index % 2 == 1 else index - 1


def _parent(index: int) -> int:
    return (index - 1) // 2


@dataclass(frozen=True)
class MerkleTree:
    """A tree over a batch of record hashes, in the order they were given."""

    nodes: tuple[bytes, ...]
    values: tuple[bytes, ...]
    tree_indices: tuple[int, ...]

    @classmethod
    def of(cls, record_hashes: Sequence[bytes]) -> MerkleTree:
        """Build the tree of ``record_hashes`` (at least one)."""
        if not record_hashes:
            raise ValidationError("a Merkle tree needs at least one record")
        values = tuple(_check_bytes32(value, "a record hash") for value in record_hashes)
        hashed = sorted(
            ((leaf_hash(value), position) for position, value in enumerate(values)),
            key=lambda item: item[0],
        )
        size = 2 * len(values) - 1
        nodes: list[bytes] = [b""] * size
        tree_indices = [0] * len(values)
        for leaf_number, (leaf, position) in enumerate(hashed):
            nodes[size - 1 - leaf_number] = leaf
            tree_indices[position] = size - 1 - leaf_number
        for index in range(size - 1 - len(values), -1, -1):
            nodes[index] = hash_pair(nodes[2 * index + 1], nodes[2 * index + 2])
        return cls(tuple(nodes), values, tuple(tree_indices))

    @property
    def root(self) -> bytes:
        return self.nodes[0]

    def __len__(self) -> int:
        return len(self.values)

    def proof(self, position: int) -> list[bytes]:
        """The proof of the record given at ``position`` (siblings from leaf to root)."""
        if not 0 <= position < len(self.values):
            raise ValidationError(f"no record at position {position} in a tree of {len(self.values)}")
        index = self.tree_indices[position]
        proof: list[bytes] = []
        while index > 0:
            proof.append(self.nodes[_sibling(index)])
            index = _parent(index)
        return proof

    def dump(self) -> dict[str, Any]:
        """The tree in the ``standard-v1`` JSON format of ``@openzeppelin/merkle-tree``."""
        return {
            "format": _FORMAT,
            "leafEncoding": ["bytes32"],
            "tree": ["0x" + node.hex() for node in self.nodes],
            "values": [
                {"value": ["0x" + value.hex()], "treeIndex": index}
                for value, index in zip(self.values, self.tree_indices, strict=True)
            ],
        }

    @classmethod
    def load(cls, data: dict[str, Any]) -> MerkleTree:
        """Read a ``standard-v1`` dump of ``bytes32`` leaves, checking every node."""
        if data.get("format") != _FORMAT or data.get("leafEncoding") != ["bytes32"]:
            raise ValidationError("not a standard-v1 Merkle tree of bytes32 leaves")
        values = [bytes.fromhex(item["value"][0].removeprefix("0x")) for item in data["values"]]
        tree = cls.of(values)
        if tree.dump() != data:
            raise ValidationError("the Merkle tree dump is inconsistent with its values")
        return tree
