"""The indexer brings the read model to the chain's head, in order, once, and follows reorganisations."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import pytest
from eth_utils.crypto import keccak
from oracle_support import indexed_state, source_decoder
from sqlalchemy import Engine, select
from web3 import Web3
from web3.contract import Contract

from ledger.errors import ChainError
from ledger.store.cursor import OracleCursor
from ledger.store.events import ChainEvent
from ledger.store.read_model import (
    Certificate,
    CertificateEvent,
    CertificateVersion,
    Member,
    ShareHolding,
)
from ledger.store.session import open_store
from oracle.handlers.registry import table
from oracle.indexer import Indexer, next_range
from oracle.service import keep_startup_objects


def _indexer(w3: Web3, engine: Engine, source: Contract, **options: Any) -> Indexer:
    options.setdefault("log_range", 3)
    return Indexer(w3, engine, source_decoder(source), chain_id=w3.eth.chain_id, **options)


def _send(w3: Web3, call: Any) -> None:
    w3.eth.wait_for_transaction_receipt(call.transact({"from": w3.eth.accounts[0]}))


def _story(w3: Web3, source: Contract) -> tuple[str, str]:
    """A merchant joins, applies, gets its rights minted, sells 25% of one, changes its catalog."""
    merchant, bank = w3.eth.accounts[1], w3.eth.accounts[2]
    functions = source.functions
    _send(w3, functions.addMember(merchant, keccak(text="91440300MA5F"), "深圳数据有限公司", 2))
    _send(w3, functions.submit(1, merchant, w3.eth.accounts[3], keccak(text="v1")))
    _send(w3, functions.mint(1, 1, merchant))
    _send(w3, functions.transfer(merchant, bank, (1 << 2) | 2, 2_500))
    _send(w3, functions.change(1, 2, keccak(text="v2")))
    return merchant, bank


def _rows(engine: Engine, model: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(table(model))).all())


def test_sync_builds_the_read_model_in_chain_order(w3: Web3, source: Contract, store: Engine) -> None:
    merchant, bank = _story(w3, source)
    report = _indexer(w3, store, source).sync()
    assert report.behind == 0 and report.cursor == w3.eth.block_number
    assert report.events == 1 + 1 + 3 + 1 + 1

    (member,) = _rows(store, Member)
    assert (member.account, member.name, member.roles, member.status) == (merchant, "深圳数据有限公司", 2, "active")
    (certificate,) = _rows(store, Certificate)
    assert (certificate.certificate_id, certificate.version, certificate.status) == (1, 2, "submitted")
    assert certificate.catalog_hash == "0x" + keccak(text="v2").hex()
    versions = sorted((v.version, v.catalog_hash) for v in _rows(store, CertificateVersion))
    assert versions == [(1, "0x" + keccak(text="v1").hex()), (2, "0x" + keccak(text="v2").hex())]
    holdings = sorted((h.right, h.owner, h.shares) for h in _rows(store, ShareHolding))
    assert holdings == sorted([
        ("holding", merchant, 10_000), ("development", merchant, 10_000),
        ("operation", merchant, 7_500), ("operation", bank, 2_500),
    ])
    # Every event but the member's concerns certificate 1: its submission, versions and share movements.
    linked = sorted((link.certificate_id, link.block_number, link.log_index) for link in _rows(store, CertificateEvent))
    concerning = sorted((1, e.block_number, e.log_index) for e in _rows(store, ChainEvent) if e.event != "MemberAdded")
    assert linked == concerning and len(linked) == 1 + 3 + 1 + 1


def test_windows_are_never_larger_than_the_log_range(w3: Web3, source: Contract, store: Engine) -> None:
    start = w3.eth.block_number
    _story(w3, source)
    ranges: list[tuple[int, int]] = []

    class Recording(Indexer):
        def fetch_logs(self, first: int, last: int) -> list[dict[str, Any]]:
            ranges.append((first, last))
            return super().fetch_logs(first, last)

    indexer = Recording(w3, store, source_decoder(source), chain_id=w3.eth.chain_id, log_range=2,
                        start_block=start)
    cursors: list[int] = []
    indexer.sync(progress=lambda report: cursors.append(report.cursor))
    head = w3.eth.block_number
    assert all(last - first + 1 <= 2 for first, last in ranges)
    # The requests cover every block once, in order; the windows commit every second block.
    assert [block for first, last in ranges for block in range(first, last + 1)] == list(range(start, head + 1))
    assert cursors == [min(block + 1, head) for block in range(start, head + 1, 2)]


def test_a_pipelined_window_grows_its_requests_and_stays_one_transaction(
    w3: Web3, source: Contract, store: Engine
) -> None:
    start = w3.eth.block_number + 1
    merchant = w3.eth.accounts[1]
    _send(w3, source.functions.addMember(merchant, keccak(text="id"), "m", 2))
    _send(w3, source.functions.submit(1, merchant, merchant, keccak(text="v1")))
    for _ in range(6):
        _send(w3, source.functions.mint(1, 1, merchant))
    head = w3.eth.block_number
    ranges: list[tuple[int, int]] = []

    class Failing(Indexer):
        fail = True

        def fetch_logs(self, first: int, last: int) -> list[dict[str, Any]]:
            ranges.append((first, last))
            if self.fail and len(ranges) == 2:
                raise ChainError("the node went away")
            return super().fetch_logs(first, last)

    indexer = Failing(w3, store, source_decoder(source), chain_id=w3.eth.chain_id, log_range=100,
                      start_block=start)
    with pytest.raises(ChainError, match="went away"):
        indexer.sync()
    # The first block's event was written before the failure, in the window's transaction: gone with it.
    assert ranges == [(start, start), (start + 1, start + 2)]
    assert _rows(store, ChainEvent) == [] and indexer.cursor() is None

    ranges.clear()
    indexer.fail = False
    report = indexer.sync()
    assert report.windows == 1 and report.cursor == head and report.events == 1 + 1 + 6 * 3
    assert ranges == [(start, start), (start + 1, start + 2), (start + 3, start + 6), (start + 7, head)]
    assert len(_rows(store, ChainEvent)) == report.events


def test_request_ranges_grow_toward_the_log_target_and_a_sparse_window_takes_few_requests() -> None:
    position, blocks, requests = 0, 1, 0
    while position < 5000:  # a window of 5000 blocks without a log
        size = min(blocks, 5000 - position)
        requests += 1
        position += size
        blocks = next_range(size, 0)
    assert requests == 7
    # 150 logs a block: 1 block, then 2, 4 and 8, then about 1500 logs a request; never below one block.
    assert next_range(1, 150) == 2
    assert next_range(2, 300) == 4
    assert next_range(4, 600) == 8
    assert next_range(8, 1200) == 10
    assert next_range(10, 1500) == 10
    assert next_range(10, 15_000) == 1
    # Once blocks held logs, a range at most doubles: dense blocks after a sparse stretch come in a request
    # of twice the stretch's blocks, not four times.
    assert next_range(16, 38) == 32


def test_a_second_sync_and_a_replayed_window_change_nothing(w3: Web3, source: Contract, store: Engine) -> None:
    _story(w3, source)
    indexer = _indexer(w3, store, source)
    indexer.sync()
    before = indexed_state(store)
    assert indexer.sync().events == 0
    # Replay the last windows as if the cursor had not been saved: every event is already known.
    with store.begin() as connection:
        back = w3.eth.block_number - 4
        back_hash = "0x" + bytes(w3.eth.get_block(back)["hash"]).hex()
        connection.execute(table(OracleCursor).update().values(block_number=back, block_hash=back_hash))
    assert indexer.sync().events == 0
    assert indexed_state(store) == before


def test_confirmations_keep_the_newest_blocks_out(w3: Web3, source: Contract, store: Engine) -> None:
    _story(w3, source)
    report = _indexer(w3, store, source, confirmations=2).sync()
    assert report.cursor == w3.eth.block_number - 2
    assert report.behind == 2


def test_a_reorganisation_rolls_back_to_the_common_ancestor(
    w3: Web3, source: Contract, store: Engine, new_database_url: Callable[[], str]
) -> None:
    merchant = w3.eth.accounts[1]
    start = w3.eth.block_number
    _send(w3, source.functions.addMember(merchant, keccak(text="id"), "kept", 2))
    fork_point = w3.eth.block_number
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    _send(w3, source.functions.submit(7, merchant, merchant, keccak(text="abandoned")))
    _send(w3, source.functions.mint(7, 1, merchant))
    indexer = _indexer(w3, store, source, log_range=1, start_block=start)
    indexer.sync()
    assert [c.certificate_id for c in _rows(store, Certificate)] == [7]

    w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]  # a different block at fork_point + 1
    _send(w3, source.functions.submit(8, merchant, merchant, keccak(text="canonical")))
    _send(w3, source.functions.mint(8, 1, merchant))
    _send(w3, source.functions.change(8, 2, keccak(text="canonical v2")))
    report = indexer.sync()

    assert report.rollbacks and report.rollbacks[0][1] >= fork_point - 1
    assert report.rollbacks[0][1] <= fork_point
    assert [c.certificate_id for c in _rows(store, Certificate)] == [8]
    assert {h.certificate_id for h in _rows(store, ShareHolding)} == {8}
    assert [m.name for m in _rows(store, Member)] == ["kept"]

    clean = open_store(new_database_url(), create_if_empty=True)
    _indexer(w3, clean, source, log_range=1, start_block=start).sync()
    assert indexed_state(clean) == indexed_state(store)
    clean.dispose()


def test_an_indexing_process_freezes_its_startup_objects_and_collects_young_objects_less_often() -> None:
    threshold = gc.get_threshold()
    gc.unfreeze()  # as a fresh process starts (a test before may have run an in-process sync)
    gc.set_threshold(700, 10, 10)
    try:
        keep_startup_objects()
        young, middle, old = gc.get_threshold()
        assert young > 700 and (middle, old) == (10, 10)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
