"""Anchoring puts every off-chain record on chain once, with a proof the contract accepts."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from eth_utils.crypto import keccak
from oracle_support import Suite
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from ledger.catalog import parse_catalog_entry
from ledger.errors import ContractRevertError
from ledger.hashing import record_hash
from ledger.merkle import MerkleTree
from ledger.store import AnchorBatch, AnchoredRecord, CatalogVersion, DocumentCreate
from ledger.store.catalog import add_catalog_version
from ledger.store.documents import add_document
from oracle.anchoring import anchor_pending, kind_tag
from oracle.handlers.registry import table
from oracle.verification import check_proof, check_record_hash, check_stored_record, proof_document

_RUN = uuid.uuid4().hex
DOC = (Path(__file__).resolve().parents[2] / "docs" / "canonical-form.md").read_text(encoding="utf-8")
ENTRY: dict[str, Any] = json.loads(DOC.split("<!-- worked-example-entry -->\n```json\n", 1)[1].split("```", 1)[0])


def _add_records(engine: Engine, catalog: int, documents: int, tag: str) -> str:
    """Store records whose contents no other test (on the shared chain) uses; returns their tag."""
    tag = f"{tag} {_RUN}"
    with Session(engine) as session:
        for index in range(catalog):
            add_catalog_version(session, parse_catalog_entry(dict(ENTRY, name=f"{tag} asset {index}")))
        for index in range(documents):
            digest = "0x" + keccak(text=f"{tag} document {index}").hex()
            add_document(session, DocumentCreate(kind="compliance-report", hash=digest,
                                                 location=f"archive/{tag}/{index}.pdf", certificate_id=index + 1))
        session.commit()
    return tag


def _count(engine: Engine, model: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table(model))).scalar_one())


def test_every_record_is_anchored_once_and_verifies_on_chain(suite: Suite, store: Engine) -> None:
    _add_records(store, catalog=3, documents=2, tag="first " + store.dialect.name)
    outcomes = anchor_pending(store, suite.chain)
    assert sorted((o.kind, o.count) for o in outcomes) == [("catalog-version", 3), ("document", 2)]
    for outcome in outcomes:
        assert suite.chain.anchored_at(bytes.fromhex(outcome.root[2:])) > 0
    for record_id in (1, 2, 3):
        check = check_stored_record(store, suite.chain, "catalog-version", record_id)
        assert check.ok and check.unchanged and check.on_chain and check.proof_valid
    assert check_stored_record(store, suite.chain, "document", 2).ok

    assert anchor_pending(store, suite.chain) == []
    _add_records(store, catalog=1, documents=0, tag="second " + store.dialect.name)
    (later,) = anchor_pending(store, suite.chain)
    assert (later.kind, later.count) == ("catalog-version", 1)
    assert _count(store, AnchoredRecord) == 6 and _count(store, AnchorBatch) == 3


def test_a_record_changed_after_anchoring_is_reported_changed(suite: Suite, store: Engine) -> None:
    _add_records(store, catalog=2, documents=0, tag="changed " + store.dialect.name)
    anchor_pending(store, suite.chain)
    with store.begin() as connection:
        versions = table(CatalogVersion)
        connection.execute(update(versions).where(versions.c.id == 2).values(scale="ten rows"))
    untouched = check_stored_record(store, suite.chain, "catalog-version", 1)
    changed = check_stored_record(store, suite.chain, "catalog-version", 2)
    assert untouched.ok
    assert changed.on_chain and changed.proof_valid and changed.unchanged is False and not changed.ok


def test_a_catalog_file_hash_verifies_and_a_portable_proof_checks_without_the_store(
    suite: Suite, store: Engine
) -> None:
    tag = _add_records(store, catalog=3, documents=0, tag=f"portable {store.dialect.name}")
    anchor_pending(store, suite.chain)
    entry_hash = "0x" + record_hash(parse_catalog_entry(dict(ENTRY, name=f"{tag} asset 1"))).hex()
    check = check_record_hash(store, suite.chain, entry_hash)
    assert check.ok
    proof = proof_document(check)
    assert check_proof(suite.chain, proof["record_hash"], proof["root"], proof["proof"]).ok
    forged = check_proof(suite.chain, "0x" + "ee" * 32, proof["root"], proof["proof"])
    assert not forged.proof_valid and not forged.on_chain
    assert not check_record_hash(store, suite.chain, "0x" + "ee" * 32).anchored


def test_an_identical_copy_of_an_anchored_record_gets_the_existing_proof(suite: Suite, store: Engine) -> None:
    _add_records(store, catalog=1, documents=0, tag="copy " + store.dialect.name)
    anchor_pending(store, suite.chain)
    _add_records(store, catalog=1, documents=0, tag="copy " + store.dialect.name)
    assert anchor_pending(store, suite.chain) == []
    first, second = (check_stored_record(store, suite.chain, "catalog-version", i) for i in (1, 2))
    assert first.ok and second.ok and first.root == second.root


def test_a_pending_batch_whose_root_is_already_on_chain_is_just_marked(suite: Suite, store: Engine) -> None:
    _add_records(store, catalog=2, documents=0, tag="resume " + store.dialect.name)
    from oracle.anchoring import _write_batch
    from oracle.records import record_sources

    batch_id, _ = _write_batch(store, record_sources()["catalog-version"], 100)
    with store.connect() as connection:
        batch = connection.execute(select(table(AnchorBatch)).where(table(AnchorBatch).c.id == batch_id)).one()
    root = bytes.fromhex(batch.root[2:])
    assert suite.chain.record(kind_tag("catalog-version"), root, 2, bytes(32)) is not None
    assert suite.chain.record(kind_tag("catalog-version"), root, 2, bytes(32)) is None  # refused: already there
    (outcome,) = anchor_pending(store, suite.chain)
    assert outcome.resumed and outcome.tx_hash is None
    assert check_stored_record(store, suite.chain, "catalog-version", 1).ok


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
def test_openzeppelin_merkle_proof_on_chain_accepts_every_proof(suite: Suite, size: int) -> None:
    hashes = [bytes(keccak(text=f"on-chain {_RUN} {size} {i}")) for i in range(size)]
    tree = MerkleTree.of(hashes)
    suite.chain.record(kind_tag("test"), tree.root, size, bytes(32))
    anchors = suite.contract("Anchors")
    for position, value in enumerate(hashes):
        assert anchors.functions.verify(tree.root, value, tree.proof(position)).call()
        assert anchors.functions.leafOf(value).call() == tree.nodes[tree.tree_indices[position]]
    assert not anchors.functions.verify(tree.root, bytes(keccak(text="outsider")), tree.proof(0)).call()


def test_the_contract_refusal_of_an_empty_batch_is_decoded(suite: Suite) -> None:
    with pytest.raises(ContractRevertError) as refused:
        suite.chain.record(kind_tag("test"), bytes(keccak(text=f"empty {_RUN}")), 0, bytes(32))
    assert refused.value.name == "AnchorsEmptyBatch"
    assert refused.value.args_by_name == {"count": 0}


def test_the_batch_reference_is_the_hash_of_the_documented_manifest() -> None:
    from oracle.anchoring import batch_reference

    hashes = ["0x" + "aa" * 32, "0x" + "bb" * 32]
    manifest = f'{{"kind":"document","records":["{hashes[0]}","{hashes[1]}"],"schema":"dal.anchor-batch/1"}}'
    assert batch_reference("document", hashes) == bytes(keccak(manifest.encode()))
    assert kind_tag("catalog-version") == b"catalog-version".ljust(32, b"\0")
    assert '"dal.anchor-batch/1"' in DOC
