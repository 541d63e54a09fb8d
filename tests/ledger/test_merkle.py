"""The Merkle trees match OpenZeppelin's StandardMerkleTree, node for node."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from eth_utils import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.errors import ValidationError
from ledger.merkle import MerkleTree, leaf_hash, process_proof, verify_proof

ROOT = Path(__file__).resolve().parents[2]

_OZ_SCRIPT = """
const { StandardMerkleTree } = require("@openzeppelin/merkle-tree");
const values = JSON.parse(process.argv[1]).map((v) => [v]);
const tree = StandardMerkleTree.of(values, ["bytes32"]);
const proofs = values.map((_, i) => tree.getProof(i));
console.log(JSON.stringify({ dump: tree.dump(), proofs }));
"""


def _openzeppelin(values: list[bytes]) -> dict[str, object]:
    argument = json.dumps(["0x" + value.hex() for value in values])
    completed = subprocess.run(
        ["node", "-e", _OZ_SCRIPT, argument], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def _record_hashes(count: int) -> list[bytes]:
    return [bytes(keccak(text=f"record {index}")) for index in range(count)]


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 13])
def test_tree_and_proofs_equal_openzeppelin_standard_merkle_tree(count: int) -> None:
    values = _record_hashes(count)
    tree = MerkleTree.of(values)
    reference = _openzeppelin(values)
    assert tree.dump() == reference["dump"]
    assert [["0x" + node.hex() for node in tree.proof(i)] for i in range(count)] == reference["proofs"]


def test_duplicate_records_get_distinct_positions_like_openzeppelin() -> None:
    values = _record_hashes(2) + _record_hashes(1)
    assert MerkleTree.of(values).dump() == _openzeppelin(values)["dump"]


def test_single_record_tree_root_is_its_leaf_and_proof_is_empty() -> None:
    (value,) = _record_hashes(1)
    tree = MerkleTree.of([value])
    assert tree.root == leaf_hash(value)
    assert tree.proof(0) == []
    assert verify_proof(tree.root, value, [])


def test_empty_batch_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one record"):
        MerkleTree.of([])


def test_dump_loads_back_and_a_tampered_dump_is_refused() -> None:
    tree = MerkleTree.of(_record_hashes(4))
    assert MerkleTree.load(tree.dump()) == tree
    tampered = tree.dump()
    tampered["tree"][0] = "0x" + "00" * 32
    with pytest.raises(ValidationError, match="inconsistent"):
        MerkleTree.load(tampered)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=40), st.data())
def test_every_proof_verifies_and_no_other_record_does(values: list[bytes], data: st.DataObject) -> None:
    tree = MerkleTree.of(values)
    position = data.draw(st.integers(0, len(values) - 1))
    proof = tree.proof(position)
    assert verify_proof(tree.root, values[position], proof)
    assert process_proof(leaf_hash(values[position]), proof) == tree.root
    outsider = bytes(keccak(b"".join(values)))
    if outsider not in values:
        assert not verify_proof(tree.root, outsider, proof)


@pytest.mark.parametrize("count", [1, 2, 3, 7, 64, 100])
def test_proofs_as_json_are_the_json_of_each_proof(count: int) -> None:
    tree = MerkleTree.of(_record_hashes(count))
    assert tree.proofs_json() == [json.dumps(["0x" + node.hex() for node in tree.proof(i)]) for i in range(count)]
