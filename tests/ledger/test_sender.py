"""Sending: local signing, fees per profile, local nonces, and batches with per-item results."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ledger.accounts import DEVELOPMENT_MNEMONIC
from ledger.chain.node import LocalNode, free_port
from ledger.chain.revert import RevertDecoder
from ledger.chain.sender import (
    BatchResult,
    ChainTiming,
    NonceManager,
    Sender,
    TxRequest,
    gas_with_margin,
)
from ledger.config import Profile
from ledger.errors import TransactionError

Account.enable_unaudited_hdwallet_features()


def _dev(index: int) -> LocalAccount:
    account: LocalAccount = Account.from_mnemonic(DEVELOPMENT_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return account


# Accounts 10+ of the development mnemonic are not funded by the node: they stay
# apart from the consortium's accounts, which other tests use.
PAYER = _dev(1)
PAYEE = _dev(12).address


@pytest.fixture
def isolated(w3: Web3) -> Iterator[None]:
    """Undo every transaction of the test afterwards (evm_snapshot / evm_revert)."""
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    yield
    w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]


def _profile(node: LocalNode, tmp_path: Path, gas_price: int | None = 0) -> Profile:
    return Profile(
        name="local",
        home=tmp_path,
        rpc_url=node.url,
        chain_id=node.chain_id,
        database_url=f"sqlite:///{tmp_path / 'ledger.db'}",
        gas_price=gas_price,
        managed_node=True,
        receipt_timeout=30,
        tx_batch_size=1,
    )


@pytest.fixture
def sender(w3: Web3, local_node: LocalNode, tmp_path: Path, isolated: None) -> Sender:
    return Sender(w3, _profile(local_node, tmp_path), RevertDecoder(), on_stall=local_node.mine_pending)


def test_a_transfer_is_signed_locally_as_a_legacy_free_gas_transaction(sender: Sender, w3: Web3) -> None:
    before = w3.eth.get_balance(PAYEE)
    receipt = sender.transact(PAYER, TxRequest(to=PAYEE, value=12345))
    assert receipt["status"] == 1
    assert w3.eth.get_balance(PAYEE) - before == 12345
    tx = w3.eth.get_transaction(receipt["transactionHash"])
    assert tx["from"] == PAYER.address
    assert tx["type"] == 0
    assert tx["gasPrice"] == 0


def test_without_a_fixed_gas_price_fees_are_eip1559_from_the_node(
    w3: Web3, local_node: LocalNode, tmp_path: Path, isolated: None
) -> None:
    sender = Sender(w3, _profile(local_node, tmp_path, gas_price=None), RevertDecoder())
    receipt = sender.transact(PAYER, TxRequest(to=PAYEE, value=1))
    tx = w3.eth.get_transaction(receipt["transactionHash"])
    assert tx["type"] == 2
    assert tx["maxFeePerGas"] >= tx["maxPriorityFeePerGas"]


def test_nonces_are_counted_locally_after_one_read(sender: Sender, w3: Web3) -> None:
    nonces = NonceManager(w3)
    first = w3.eth.get_transaction_count(PAYER.address, "pending")
    assert nonces.reserve(PAYER.address) == range(first, first + 1)
    assert nonces.reserve(PAYER.address, 3) == range(first + 1, first + 4)
    assert nonces.resync(PAYER.address) == first


def test_the_unused_end_of_a_reservation_is_given_back_unless_more_was_reserved(sender: Sender, w3: Web3) -> None:
    nonces = NonceManager(w3)
    first = w3.eth.get_transaction_count(PAYER.address, "pending")
    taken = nonces.reserve(PAYER.address, 5)
    nonces.release(PAYER.address, taken[3:])
    assert nonces.reserve(PAYER.address) == range(first + 3, first + 4)
    later = nonces.reserve(PAYER.address, 2)
    nonces.release(PAYER.address, range(first + 3, first + 4))  # not the end any more: read the node again
    assert nonces.reserve(PAYER.address) == range(first, first + 1)
    assert later == range(first + 4, first + 6)


def test_a_nonce_taken_by_another_sender_is_resynchronised(sender: Sender, w3: Web3) -> None:
    sender.transact(PAYER, TxRequest(to=PAYEE, value=1))
    # Another program (here: a second sender with its own nonce manager) uses the next nonce.
    other = Sender(w3, sender.profile, RevertDecoder())
    other.transact(PAYER, TxRequest(to=PAYEE, value=1))
    receipt = sender.transact(PAYER, TxRequest(to=PAYEE, value=1))
    assert receipt["status"] == 1
    assert w3.eth.get_transaction(receipt["transactionHash"])["nonce"] == (
        w3.eth.get_transaction_count(PAYER.address) - 1
    )


def test_a_transfer_beyond_the_balance_is_one_clear_error_and_nothing_is_mined(sender: Sender, w3: Web3) -> None:
    poor = _dev(13)
    start = w3.eth.block_number
    with pytest.raises(TransactionError) as caught:
        sender.transact(poor, TxRequest(to=PAYEE, value=10**18))
    assert f"{poor.address} cannot pay for this transaction" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert w3.eth.block_number == start


def test_a_batch_returns_one_receipt_per_request_in_order(sender: Sender, w3: Web3) -> None:
    start_nonce = w3.eth.get_transaction_count(PAYER.address)
    progress: list[tuple[int, int]] = []
    requests = [TxRequest(to=PAYEE, value=i + 1, label=f"payment {i}") for i in range(40)]
    results = sender.send_batch(PAYER, requests, concurrency=8, on_progress=lambda d, t: progress.append((d, t)))
    assert all(result.ok for result in results)
    assert [result.request.label for result in results] == [f"payment {i}" for i in range(40)]
    nonces = [w3.eth.get_transaction(result.receipt.tx_hash)["nonce"] for result in results if result.receipt]
    assert nonces == list(range(start_nonce, start_nonce + 40))
    assert progress[-1] == (40, 40)
    assert len(progress) == 40


def test_a_failing_item_does_not_stop_the_batch_and_leaves_no_nonce_gap(sender: Sender, w3: Web3) -> None:
    balance = w3.eth.get_balance(PAYER.address)
    requests = [
        TxRequest(to=PAYEE, value=1, label="first"),
        # The node refuses these two after their nonces were assigned and the next
        # ones sent: each nonce is used up by a filler, so that "last" still goes through.
        TxRequest(to=PAYEE, value=balance * 2, label="too much"),
        TxRequest(to=PAYEE, value=balance * 3, gas=21_000, label="far too much"),
        TxRequest(to=PAYEE, value=2, label="last"),
    ]
    results = sender.send_batch(PAYER, requests)
    assert [result.ok for result in results] == [True, False, False, True]
    assert results[1].tx_hash is None
    assert isinstance(results[2].error, TransactionError)
    assert f"{PAYER.address} cannot pay for this transaction (far too much)" in str(results[2].error)
    assert results[3].receipt is not None and results[3].receipt.status == 1


def test_an_empty_batch_is_empty(sender: Sender) -> None:
    assert sender.send_batch(PAYER, []) == []


@pytest.fixture(scope="module")
def idle_node() -> Iterator[LocalNode]:
    """A node that mines only when asked: transactions wait until the sender's on_stall mines."""
    node = LocalNode(port=free_port(), mining=False)
    node.start()
    try:
        yield node
    finally:
        node.stop()


def test_a_stalled_transaction_is_mined_after_the_stall_hook(idle_node: LocalNode, tmp_path: Path) -> None:
    w3 = Web3(Web3.HTTPProvider(idle_node.url))
    nudges: list[int] = []

    def mine() -> None:
        nudges.append(1)
        idle_node.mine_pending()

    sender = Sender(w3, _profile(idle_node, tmp_path), RevertDecoder(), on_stall=mine)
    receipt = sender.transact(PAYER, TxRequest(to=PAYEE, value=5))
    assert receipt["status"] == 1
    assert len(nudges) == 1
    results = sender.send_batch(PAYER, [TxRequest(to=PAYEE, value=i + 1) for i in range(5)])
    assert all(result.ok for result in results)
    assert len(nudges) == 2


def test_a_batch_sends_again_what_the_node_lost(idle_node: LocalNode, tmp_path: Path) -> None:
    w3 = Web3(Web3.HTTPProvider(idle_node.url))
    stalls: list[str] = []

    def evict_then_mine() -> None:
        # First stall: the node evicts the first transaction from its pool (as a busy
        # network may). Second stall: the batch has sent it again; mine everything.
        if not stalls:
            pending = w3.provider.make_request("txpool_content", [])["result"]["pending"]  # type: ignore[arg-type]
            first = min(next(iter(pending.values())).values(), key=lambda tx: int(tx["nonce"], 16))
            w3.provider.make_request("anvil_dropTransaction", [first["hash"]])  # type: ignore[arg-type]
            stalls.append(first["hash"])
        else:
            stalls.append("mined")
            idle_node.mine_pending()

    sender = Sender(w3, _profile(idle_node, tmp_path), RevertDecoder(), on_stall=evict_then_mine)
    results = sender.send_batch(PAYER, [TxRequest(to=PAYEE, value=i + 1) for i in range(3)])
    assert stalls[1:] == ["mined"]
    assert results[0].tx_hash == stalls[0]
    assert all(result.ok for result in results)


# --- a chain that mines at an interval, as a production network does -------------------------------


@pytest.fixture(scope="module")
def interval_node() -> Iterator[LocalNode]:
    """A node that mines a block every second, whatever is pending."""
    node = LocalNode(port=free_port(), block_time=1)
    node.start()
    try:
        yield node
    finally:
        node.stop()


def _interval_sender(node: LocalNode, tmp_path: Path, nudges: list[int], **settings: Any) -> tuple[Sender, Web3]:
    w3 = Web3(Web3.HTTPProvider(node.url))
    profile = replace(_profile(node, tmp_path), **settings)
    return Sender(w3, profile, RevertDecoder(), on_stall=lambda: nudges.append(1)), w3


def _mined_once_each(w3: Web3, results: list[BatchResult], first_nonce: int) -> list[int]:
    """The nonces of the results' transactions, after checking none is doubled."""
    hashes = [result.receipt.tx_hash for result in results if result.receipt is not None]
    assert len(set(hashes)) == len(hashes)
    return [int(w3.eth.get_transaction(tx_hash)["nonce"]) - first_nonce for tx_hash in hashes]


def test_the_block_time_is_measured_from_the_chain(interval_node: LocalNode, tmp_path: Path) -> None:
    sender, w3 = _interval_sender(interval_node, tmp_path, [])
    while w3.eth.block_number < 4:
        time.sleep(0.2)
    timing = sender.timing()
    assert timing.block_time == 1.0
    assert timing.stall_after == 2.5
    assert timing.gas_limit == w3.eth.get_block("latest")["gasLimit"]


def test_the_window_holds_the_target_rate_for_a_block_time_within_the_block_gas_limit(
    interval_node: LocalNode, tmp_path: Path
) -> None:
    sender, _ = _interval_sender(interval_node, tmp_path, [])
    sender.target_rate = 500
    one_second = ChainTiming(block_time=1.0, gas_limit=3_000_000_000, measured_at=0.0)
    two_seconds = replace(one_second, block_time=2.0)
    assert sender.window(100_000, one_second) == 938  # 500/s x (1 s + 0.25 s) x 1.5
    assert sender.window(100_000, two_seconds) == 1688
    # Three blocks' worth of gas at most: more would only wait in the node's pool.
    assert sender.window(100_000, replace(one_second, gas_limit=30_000_000)) == 900
    # A block with every transaction (automine): the floor.
    assert sender.window(100_000, replace(one_second, block_time=0.0)) == 64
    assert sender.window(100_000, replace(one_second, gas_limit=2_000_000)) == 64


def test_a_batch_call_within_the_gas_budget_fits_a_block_with_its_margin(
    interval_node: LocalNode, tmp_path: Path
) -> None:
    sender, w3 = _interval_sender(interval_node, tmp_path, [])
    limit = int(w3.eth.get_block("latest")["gasLimit"])
    budget = sender.gas_budget()
    assert gas_with_margin(budget) <= limit < gas_with_margin(budget + 10)
    assert gas_with_margin(sender.gas_budget(0.5)) <= limit // 2


def test_a_full_window_on_interval_mining_loses_and_doubles_nothing(
    interval_node: LocalNode, tmp_path: Path
) -> None:
    nudges: list[int] = []
    sender, w3 = _interval_sender(interval_node, tmp_path, nudges)
    first = w3.eth.get_transaction_count(PAYER.address)
    results = sender.send_batch(PAYER, [TxRequest(to=PAYEE, value=i + 1) for i in range(100)], concurrency=25)
    assert all(result.ok for result in results)
    assert _mined_once_each(w3, results, first) == list(range(100))
    assert w3.eth.get_transaction_count(PAYER.address) == first + 100
    # The window held: no block took more than 25 of them, so at least 4 blocks did.
    per_block = Counter(result.receipt.block_number for result in results if result.receipt is not None)
    assert max(per_block.values()) <= 25
    assert len(per_block) >= 4
    assert nudges == []  # the chain mines by itself: it is never nudged


def test_a_transaction_the_node_drops_is_sent_again_on_interval_mining(
    interval_node: LocalNode, tmp_path: Path
) -> None:
    nudges: list[int] = []
    sender, w3 = _interval_sender(interval_node, tmp_path, nudges)
    first = w3.eth.get_transaction_count(PAYER.address)
    dropped: list[str] = []
    stop = threading.Event()

    def drop_the_eleventh() -> None:
        # As a busy network may evict a transaction from its pool, before any block takes it.
        while not stop.is_set() and not dropped:
            pending = w3.provider.make_request("txpool_content", [])["result"]["pending"]  # type: ignore[arg-type]
            for transactions in pending.values():
                for tx in transactions.values():
                    if int(tx["nonce"], 16) == first + 10:
                        w3.provider.make_request("anvil_dropTransaction", [tx["hash"]])  # type: ignore[arg-type]
                        dropped.append(tx["hash"])
            time.sleep(0.002)

    watcher = threading.Thread(target=drop_the_eleventh)
    watcher.start()
    try:
        results = sender.send_batch(PAYER, [TxRequest(to=PAYEE, value=i + 1) for i in range(30)])
    finally:
        stop.set()
        watcher.join()
    assert dropped == [results[10].tx_hash]
    assert all(result.ok for result in results)
    assert _mined_once_each(w3, results, first) == list(range(30))
    assert w3.eth.get_transaction_count(PAYER.address) == first + 30
    assert nudges == [1]  # one stall seen; the hook here mines nothing, the batch's sending again did


def test_a_request_of_transactions_refused_half_way_loses_and_doubles_nothing(
    interval_node: LocalNode, tmp_path: Path
) -> None:
    sender, w3 = _interval_sender(interval_node, tmp_path, [], tx_batch_size=8)
    first = w3.eth.get_transaction_count(PAYER.address)
    balance = w3.eth.get_balance(PAYER.address)
    # The first request of 8 transactions: the node takes the first half and refuses the second.
    requests = [
        TxRequest(to=PAYEE, value=balance * 2 if 4 <= i < 8 else i + 1, gas=21_000, label=f"payment {i}")
        for i in range(24)
    ]
    results = sender.send_batch(PAYER, requests)
    assert [result.ok for result in results] == [not 4 <= i < 8 for i in range(24)]
    assert all("cannot pay for this transaction" in str(result.error) for result in results[4:8])
    assert all(result.tx_hash is None for result in results[4:8])
    # The refused nonces went to fillers, so the rest followed in order, each once.
    assert _mined_once_each(w3, results, first) == [*range(4), *range(8, 24)]
    assert w3.eth.get_transaction_count(PAYER.address) == first + 24


def test_off_the_local_profile_the_mining_nudge_is_never_used(interval_node: LocalNode, tmp_path: Path) -> None:
    nudges: list[int] = []
    sender, _ = _interval_sender(interval_node, tmp_path, nudges, managed_node=False, name="besu")
    assert sender.on_stall is None
