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

Batches run to a hundred thousand records, so the hashing goes through a C
keccak (:func:`ledger.hashing.keccak256`) and :meth:`MerkleTree.proofs_json`
writes every proof from shared suffixes rather than walking the tree once per
record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from ledger.errors import ValidationError
from ledger.hashing import keccak256

__all__ = ["MerkleTree", "hash_pair", "leaf_hash", "process_proof", "verify_proof"]

_FORMAT: Final = "standard-v1"


def _check_bytes32(value: bytes, what: str) -> bytes:
    if not isinstance(value, (bytes, bytearray)) or len(value) != 32:
        raise ValidationError(f"{what} must be 32 bytes, got {value!r}")
    return bytes(value)


def leaf_hash(record_hash: bytes) -> bytes:
    """The leaf of a record: keccak-256 twice over its 32-byte hash."""
    return keccak256(keccak256(_check_bytes32(record_hash, "a record hash")))


def hash_pair(a: bytes, b: bytes) -> bytes:
    """An internal node: keccak-256 of the two children, smaller first."""
    return keccak256(a + b if a <= b else b + a)


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
        count = len(values)
        leaves = [keccak256(keccak256(value)) for value in values]
        # Sorted by hash (stable: equal records keep their order), stored from the end of the array.
        order = sorted(range(count), key=leaves.__getitem__)
        size = 2 * count - 1
        nodes: list[bytes] = [b""] * (size - count) + [leaves[position] for position in reversed(order)]
        tree_indices = [0] * count
        for leaf_number, position in enumerate(order):
            tree_indices[position] = size - 1 - leaf_number
        hash_ = keccak256
        for index in range(size - 1 - count, -1, -1):
            left, right = nodes[2 * index + 1], nodes[2 * index + 2]
            nodes[index] = hash_(left + right if left <= right else right + left)
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

    def proofs_json(self) -> list[str]:
        """Every record's proof as a JSON array of hex strings, by position.

        Each is what ``json.dumps`` gives for the hex of :meth:`proof`. The
        proofs of sibling leaves share everything above them, so each inner
        node's path to the root is written once and extended downwards, and
        each leaf's proof is copied only once, when it is complete.
        """
        size = len(self.nodes)
        if size == 1:
            return ["[]"]
        hexes = ['"0x' + node.hex() + '"' for node in self.nodes]
        first_leaf = size - len(self.values)
        # tail[i]: the proof of node i without its opening bracket (children of the root end it).
        tail: list[str] = ["]"] + [""] * (first_leaf - 1)
        for index in range(1, first_leaf):
            parent = (index - 1) // 2
            sibling = index + 1 if index % 2 == 1 else index - 1
            tail[index] = hexes[sibling] + ", " + tail[parent] if parent else hexes[sibling] + "]"
        leaves: list[str] = []
        for index in range(first_leaf, size):
            parent = (index - 1) // 2
            sibling = index + 1 if index % 2 == 1 else index - 1
            leaves.append("[" + hexes[sibling] + ", " + tail[parent] if parent else "[" + hexes[sibling] + "]")
        return [leaves[index - first_leaf] for index in self.tree_indices]

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
