"""SIGKILL the oracle at random points while it syncs or anchors: a restart ends where a clean run ends.

No event is lost or applied twice, no record is anchored twice or left out. The
random points come from a seeded generator; the seed is in the test's output.
"""

from __future__ import annotations

import os
import random
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from eth_utils.crypto import keccak
from oracle_support import Suite, indexed_state, source_decoder
from sqlalchemy import func, select
from sqlmodel import Session
from web3 import Web3
from web3.contract import Contract

from ledger.chain.artifacts import load_artifact
from ledger.chain.revert import RevertDecoder
from ledger.chain.sender import Sender
from ledger.config import Profile
from ledger.store import AnchorBatch, AnchoredRecord, DocumentCreate, add_document
from ledger.store.anchors import AnchorStatus
from ledger.store.session import open_store
from oracle.anchoring import ContractAnchorChain, anchor_pending
from oracle.handlers.registry import table
from oracle.indexer import Indexer

KILLS = 12


def _run_with_kills(work: Callable[[], None], rng: random.Random, budget: float) -> int:
    """Fork a process doing ``work`` again and again, SIGKILL it at a random moment, until one finishes.

    The child is forked from the test process, so it starts working at once (no
    interpreter start-up to kill instead); it opens its own database and node
    connections.
    """
    kills = 0
    while True:
        pid = os.fork()
        if pid == 0:  # the child: work, then leave without running the parent's clean-up
            code = 1
            try:
                work()
                code = 0
            finally:
                os._exit(code)
        if kills < KILLS:
            time.sleep(rng.uniform(0, budget))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status):
            assert os.WEXITSTATUS(status) == 0, "the oracle failed by itself, not by a kill"
            return kills
        assert os.WTERMSIG(status) == signal.SIGKILL
        kills += 1


def _emit(w3: Web3, source: Contract, transactions: int) -> None:
    merchant, other = w3.eth.accounts[1], w3.eth.accounts[2]
    for index in range(transactions):
        call = [
            source.functions.mint(1000 + index * 4, 3, merchant),
            source.functions.addMember(Web3.to_checksum_address("0x" + keccak(text=str(index)).hex()[-40:]),
                                       keccak(text=f"id {index}"), f"member {index}", 2),
            source.functions.transfer(merchant, other, ((1000 + (index - 1) * 4) << 2) | 1, 7),
            source.functions.change(1000 + index * 4, 2, keccak(text=f"v {index}")),
        ][index % 4]
        w3.eth.wait_for_transaction_receipt(call.transact({"from": w3.eth.accounts[0]}))


def test_sync_killed_at_random_points_ends_like_a_clean_rebuild(
    w3: Web3, source: Contract, new_database_url: Callable[[], str], tmp_path: Path
) -> None:
    seed = random.randrange(2**32)
    print(f"crash-safety seed {seed}")
    rng = random.Random(seed)
    start = w3.eth.block_number + 1
    _emit(w3, source, 32)
    url = new_database_url()
    open_store(url, create_if_empty=True).dispose()
    endpoint = str(w3.provider.endpoint_uri)  # type: ignore[attr-defined]
    head = w3.eth.block_number

    def sync() -> None:
        child_w3 = Web3(Web3.HTTPProvider(endpoint))
        engine = open_store(url)
        Indexer(child_w3, engine, source_decoder(source), chain_id=31337, log_range=1,
                start_block=start).sync(target=head)
        engine.dispose()

    clean = open_store(new_database_url(), create_if_empty=True)
    began = time.monotonic()
    Indexer(w3, clean, source_decoder(source), chain_id=w3.eth.chain_id, log_range=1,
            start_block=start).sync(target=head)
    clean_seconds = time.monotonic() - began

    # Kill within the first quarter of a clean run's time: each life gets a little further.
    kills = _run_with_kills(sync, rng, budget=clean_seconds / 4)
    print(f"killed {kills} times")
    assert kills >= 3

    killed = open_store(url)
    assert indexed_state(killed) == indexed_state(clean)
    killed.dispose()
    clean.dispose()


def test_anchoring_killed_at_random_points_anchors_every_record_exactly_once(
    suite: Suite, new_database_url: Callable[[], str], tmp_path: Path
) -> None:
    seed = random.randrange(2**32)
    print(f"crash-safety seed {seed}")
    rng = random.Random(seed)
    url = new_database_url()
    engine = open_store(url, create_if_empty=True)
    run = uuid.uuid4().hex
    with Session(engine) as session:
        for index in range(24):
            add_document(session, DocumentCreate(kind="evidence", hash="0x" + keccak(text=f"{run} {index}").hex(),
                                                 location=f"vault/{index}"))
        session.commit()
    endpoint = str(suite.w3.provider.endpoint_uri)  # type: ignore[attr-defined]
    first_block = suite.w3.eth.block_number + 1

    def anchor() -> None:
        child_w3 = Web3(Web3.HTTPProvider(endpoint))
        child_engine = open_store(url)
        profile = Profile(name="crash", home=tmp_path, rpc_url=endpoint, chain_id=31337,
                          database_url=url, gas_price=0)
        sender = Sender(child_w3, profile, RevertDecoder.from_artifacts())
        anchors = child_w3.eth.contract(address=suite.addresses["Anchors"], abi=load_artifact("Anchors").abi)
        anchor_pending(child_engine, ContractAnchorChain(anchors, sender, suite.oracle), max_batch=3)
        child_engine.dispose()

    engine.dispose()
    # Calibrate: how long two batches take here, on records of their own in a database of their own.
    calibration = open_store(new_database_url(), create_if_empty=True)
    with Session(calibration) as session:
        for index in range(6):
            add_document(session, DocumentCreate(kind="evidence", location="calibration",
                                                 hash="0x" + keccak(text=f"{run} calibration {index}").hex()))
        session.commit()
    began = time.monotonic()
    anchor_pending(calibration, suite.chain, max_batch=3)
    two_batches = time.monotonic() - began
    calibration.dispose()

    # Kill within about two batches' time: each life gets a batch or so further.
    kills = _run_with_kills(anchor, rng, budget=two_batches)
    print(f"killed {kills} times")
    assert kills >= 3
    engine = open_store(url)

    batches, records = table(AnchorBatch), table(AnchoredRecord)
    with engine.connect() as connection:
        statuses = connection.execute(select(batches.c.status, func.count()).group_by(batches.c.status)).all()
        per_record = connection.execute(
            select(records.c.record_id, func.count()).group_by(records.c.record_id)).all()
        roots = set(connection.execute(select(batches.c.root)).scalars())
    assert dict(statuses) == {AnchorStatus.ANCHORED.value: len(roots)}
    assert sorted(record_id for record_id, _ in per_record) == list(range(1, 25))
    assert all(count == 1 for _, count in per_record)
    anchors = suite.contract("Anchors")
    recorded = [
        "0x" + bytes(log["args"]["root"]).hex()
        for log in anchors.events.AnchorRecorded().get_logs(from_block=first_block)
        if bytes(log["args"]["kind"]).rstrip(b"\0") == b"document"
    ]
    mine = [root for root in recorded if root in roots]
    assert sorted(mine) == sorted(roots)  # every batch on chain, each exactly once
    for root in roots:
        assert suite.chain.anchored_at(bytes.fromhex(root[2:])) > 0
    engine.dispose()


def test_two_oracles_syncing_one_database_at_once_apply_every_event_once(
    w3: Web3, source: Contract, new_database_url: Callable[[], str]
) -> None:
    start = w3.eth.block_number + 1
    _emit(w3, source, 16)
    head = w3.eth.block_number
    url = new_database_url()
    open_store(url, create_if_empty=True).dispose()
    endpoint = str(w3.provider.endpoint_uri)  # type: ignore[attr-defined]

    children = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                engine = open_store(url)
                Indexer(Web3(Web3.HTTPProvider(endpoint)), engine, source_decoder(source), chain_id=31337,
                        log_range=1, start_block=start).sync(target=head)
                engine.dispose()
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    for pid in children:
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0

    clean = open_store(new_database_url(), create_if_empty=True)
    Indexer(w3, clean, source_decoder(source), chain_id=w3.eth.chain_id, start_block=start).sync(target=head)
    both = open_store(url)
    assert indexed_state(both) == indexed_state(clean)
    both.dispose()
    clean.dispose()
