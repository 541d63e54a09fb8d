"""Anchors: Merkle roots recorded once by oracles, and proofs checked on chain with the documented
leaf encoding."""

from __future__ import annotations

from contract_harness import Ledger
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from ledger.merkle import MerkleTree

KIND = b"accounting-entry".ljust(32, b"\x00")
BATCH = keccak(text="batch 2025-06-30 manifest")


def records(count: int) -> list[bytes]:
    return [keccak(text=f"journal entry {index}") for index in range(count)]


def test_the_leaf_encoding_is_openzeppelins_standard_tree_over_bytes32(ledger: Ledger) -> None:
    record_hash = keccak(text="a record")
    expected = keccak(keccak(encode(["bytes32"], [record_hash])))
    assert ledger.anchors.functions.leafOf(record_hash).call() == expected


def test_an_oracle_anchors_a_batch_and_anyone_checks_a_record_against_it(ledger: Ledger) -> None:
    a = ledger.anchors.functions
    batch = records(13)
    tree = MerkleTree.of(batch)
    receipt = ledger.send(a.anchor(KIND, tree.root, len(batch), BATCH), "oracle")
    assert ledger.events(receipt, "Anchors", "AnchorRecorded") == [
        {"root": tree.root, "kind": KIND, "count": 13, "batchRef": BATCH}
    ]
    block_time = ledger.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    assert a.anchoredAt(tree.root).call() == block_time
    for position, record_hash in enumerate(batch):
        assert a.verify(tree.root, record_hash, tree.proof(position)).call()
    # A changed record, a proof for another position, or an unrecorded root does not verify.
    assert not a.verify(tree.root, keccak(text="forged entry"), tree.proof(0)).call()
    assert not a.verify(tree.root, batch[0], tree.proof(1)).call()
    other = MerkleTree.of(records(4))
    assert not a.verify(other.root, records(4)[0], other.proof(0)).call()
    assert a.anchoredAt(other.root).call() == 0


def test_a_single_record_batch_has_the_leaf_as_root_and_an_empty_proof(ledger: Ledger) -> None:
    record_hash = keccak(text="lonely")
    root = ledger.anchors.functions.leafOf(record_hash).call()
    ledger.send(ledger.anchors.functions.anchor(KIND, root, 1, BATCH), "oracle")
    assert ledger.anchors.functions.verify(root, record_hash, []).call()


def test_anchor_refusals(ledger: Ledger) -> None:
    a = ledger.anchors.functions
    root = MerkleTree.of(records(3)).root
    ledger.send(a.anchor(KIND, root, 3, BATCH), "oracle")
    ledger.reverts(a.anchor(KIND, root, 3, BATCH), "oracle", "AnchorsRootAlreadyRecorded", root)
    ledger.reverts(
        a.anchor(KIND, b"\x00" * 32, 3, BATCH), "oracle", "AnchorsInvalidRoot", b"\x00" * 32
    )
    ledger.reverts(a.anchor(KIND, keccak(text="x"), 0, BATCH), "oracle", "AnchorsEmptyBatch", 0)
    ledger.reverts(
        a.anchor(KIND, keccak(text="x"), 1, BATCH),
        "auditor",
        "ConsortiumMissingRole",
        "auditor",
        16,
    )
    ledger.reverts(
        a.anchor(KIND, keccak(text="x"), 1, BATCH), "stranger", "ConsortiumNotMember", "stranger"
    )
    ledger.send(
        ledger.consortium.functions.suspendMember(
            ledger.address("oracle"), keccak(text="key leak")
        ),
        "admin",
    )
    ledger.reverts(
        a.anchor(KIND, keccak(text="x"), 1, BATCH), "oracle", "ConsortiumMemberSuspended", "oracle"
    )
