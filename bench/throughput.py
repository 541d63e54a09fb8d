"""Transactions per second through the ledger's batch sender, against a minimal raw sender.

The sides run in the same process one after the other, each on a fresh local
node (a chain that has just taken thousands of transactions is slower than a
fresh one) and from its own funded development account:

* **library**: :meth:`ledger.chain.sender.Sender.send_batch` end to end: gas
  estimation, local nonces, signing, concurrent sending, every receipt
  collected and checked;
* **raw**: the same kind of transactions, pre-signed before the clock starts,
  sent with ``eth_sendRawTransaction`` over plain HTTP (``http.client``,
  keep-alive) in nonce order with the same window of unmined transactions,
  then their receipts checked by a few threads;
* **one by one** (context): :meth:`Sender.transact` per transaction, each
  waiting for its receipt, on a smaller count.

The call being measured is a parameter (``--call``): a workload prepares the
chain (deployments, members) and returns a factory of
:class:`~ledger.chain.sender.TxRequest` by index. ``transfer`` is a plain
value transfer; contract calls of the ledger register here as they exist.

Run: ``.venv/bin/python bench/throughput.py [--count 2000] [--call transfer]``
(starts its own local nodes unless ``--rpc-url`` names one, which then serves all
three sides and must fund the development accounts, as anvil does).
"""

from __future__ import annotations

import argparse
import http.client
import json
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from eth_abi.abi import encode as abi_encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak
from hexbytes import HexBytes
from web3 import Web3

from ledger.accounts import DEVELOPMENT_MNEMONIC
from ledger.chain.connect import connect
from ledger.chain.deploy import deploy_suite
from ledger.chain.node import LocalNode, free_port
from ledger.chain.revert import RevertDecoder
from ledger.chain.sender import Sender, TxRequest
from ledger.config import Profile

__all__ = ["WORKLOADS", "Workload", "main"]

RequestFactory = Callable[[int], TxRequest]


@dataclass
class Bench:
    """What a workload gets to prepare its calls."""

    profile: Profile
    w3: Web3
    sender: Sender
    admin: LocalAccount


Workload = Callable[[Bench, LocalAccount], RequestFactory]
"""Prepares the chain for ``account`` to send the measured call; returns request-by-index."""


def _transfer(bench: Bench, account: LocalAccount) -> RequestFactory:
    sink = Account.from_mnemonic(DEVELOPMENT_MNEMONIC, account_path="m/44'/60'/0'/0/99").address
    return lambda index: TxRequest(to=sink, value=1, gas=21_000, label=f"transfer {index}")


# The ledger's suite, deployed once per bench by its admin, with a registrar admitted.
_SUITES: dict[int, dict[str, str]] = {}
_SUBMIT_SELECTOR = keccak(text="submit(address,bytes32)")[:4]


def _admit(bench: Bench, consortium: str, account: str, roles: int, name: str) -> None:
    data = keccak(text="addMember(address,bytes32,string,uint256)")[:4] + abi_encode(
        ["address", "bytes32", "string", "uint256"], [account, keccak(text=f"bench:{account}"), name, roles]
    )
    bench.sender.transact(bench.admin, TxRequest(to=consortium, data=data, label=f"admit {name}"))


def _ledger_suite(bench: Bench) -> dict[str, str]:
    if id(bench) not in _SUITES:

        def send(w3: Web3, transaction: Any) -> Any:
            request = TxRequest(to=None, data=bytes(HexBytes(transaction["data"])), label="deployment")
            return bench.sender.transact(bench.admin, request, nonce=int(transaction["nonce"]))

        addresses = dict(deploy_suite(bench.w3, bench.admin.address, bench.admin.address, send=send))
        _admit(bench, addresses["Consortium"], _development_account(1).address, 1, "bench registrar")
        _SUITES[id(bench)] = addresses
    return _SUITES[id(bench)]


def _submit(bench: Bench, account: LocalAccount) -> RequestFactory:
    """Certificate applications (``Certificates.submit``), as `dal asset import` sends them."""
    addresses = _ledger_suite(bench)
    _admit(bench, addresses["Consortium"], account.address, 2, f"bench merchant {account.address}")
    registrar = _development_account(1).address
    tag = account.address.lower()

    def request(index: int) -> TxRequest:
        data = _SUBMIT_SELECTOR + abi_encode(["address", "bytes32"], [registrar, keccak(text=f"{tag}:{index}")])
        return TxRequest(to=addresses["Certificates"], data=data, label=f"application {index}")

    return request


WORKLOADS: dict[str, Workload] = {"transfer": _transfer, "submit": _submit}


def _development_account(index: int) -> LocalAccount:
    Account.enable_unaudited_hdwallet_features()
    account: LocalAccount = Account.from_mnemonic(DEVELOPMENT_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return account


# --- the raw sender -------------------------------------------------------------------------------


class _RawClient:
    """One keep-alive HTTP connection per thread, JSON-RPC by hand."""

    def __init__(self, url: str) -> None:
        self._parts = urlsplit(url)
        self._local = threading.local()
        self._ids = iter(range(1, 1 << 62))

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self._parts.hostname, self._parts.port, timeout=30)
            self._local.connection = connection
        return connection

    def call(self, method: str, params: list[Any]) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params})
        connection = self._connection()
        connection.request("POST", self._parts.path or "/", body, {"Content-Type": "application/json"})
        answer = json.loads(connection.getresponse().read())
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result")

    def batch(self, method: str, params: list[list[Any]]) -> list[Any]:
        """One JSON-RPC batch of ``method`` calls; their results in order."""
        body = json.dumps([{"jsonrpc": "2.0", "id": i, "method": method, "params": p} for i, p in enumerate(params)])
        connection = self._connection()
        connection.request("POST", self._parts.path or "/", body, {"Content-Type": "application/json"})
        answers = {item["id"]: item for item in json.loads(connection.getresponse().read())}
        return [answers[i].get("result") for i in range(len(params))]


def _raw_run(url: str, raw_transactions: list[str], sender: str, first_nonce: int, threads: int, window: int,
             on_stall: Callable[[], None] | None, timeout: float = 300.0) -> float:
    """Send pre-signed transactions and check every receipt; returns the seconds taken.

    The transactions go out one per request in nonce order, with at most
    ``window`` sent but not yet mined (the account's mined nonce tells how
    far the chain is), as the library does: a node may lose transactions
    that arrive ahead of their predecessors, and anvil's auto-miner stalls
    under an unbounded burst. When everything is mined, ``threads`` threads
    fetch the receipts (100 per JSON-RPC batch) and check their status. Like the library, it calls
    ``on_stall`` when nothing is mined for a second (the local node then
    mines a block).
    """
    client = _RawClient(url)
    deadline = time.monotonic() + timeout
    mined = 0
    progress_at = time.monotonic()

    def wait_until(count: int) -> None:
        nonlocal mined, progress_at
        while mined < count:
            now = time.monotonic()
            if now > deadline:
                raise RuntimeError(f"raw transactions not mined within {timeout:g}s")
            latest = int(client.call("eth_getTransactionCount", [sender, "latest"]), 16) - first_nonce
            if latest > mined:
                mined, progress_at = latest, now
            elif on_stall is not None and now - progress_at > 1.0:
                on_stall()
                progress_at = now
            if mined < count:
                time.sleep(0.002)

    start = time.perf_counter()
    hashes = []
    for position, raw in enumerate(raw_transactions):
        if position - mined >= window:
            wait_until(position - window + 1)
        hashes.append(client.call("eth_sendRawTransaction", [raw]))
    wait_until(len(raw_transactions))

    def check(chunk: list[str]) -> None:
        for tx_hash, receipt in zip(chunk, client.batch("eth_getTransactionReceipt", [[h] for h in chunk]),
                                    strict=True):
            if receipt is None or receipt["status"] != "0x1":
                raise RuntimeError(f"raw transaction {tx_hash} failed")

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(check, [hashes[i : i + 100] for i in range(0, len(hashes), 100)]))
    return time.perf_counter() - start


# --- the measurement ------------------------------------------------------------------------------


def _bench(url: str, chain_id: int, tx_batch_size: int, node: LocalNode | None,
           nudges: dict[str, int], side: str) -> Bench:
    home = Path(tempfile.mkdtemp(prefix="dal-bench-"))
    profile = Profile(
        name="bench", home=home, rpc_url=url, chain_id=chain_id,
        database_url=f"sqlite:///{home / 'bench.db'}", gas_price=0, receipt_timeout=300,
        tx_batch_size=tx_batch_size,
    )

    def mine() -> None:
        nudges[side] += 1
        if node is not None:
            node.mine_pending()

    w3 = connect(profile)
    sender = Sender(w3, profile, RevertDecoder.from_artifacts(), on_stall=mine if node is not None else None)
    return Bench(profile=profile, w3=w3, sender=sender, admin=_development_account(0))


def _library_run(bench: Bench, workload: Workload, count: int, concurrency: int) -> float:
    account = _development_account(5)
    factory = workload(bench, account)
    requests = [factory(i) for i in range(count)]
    start = time.perf_counter()
    results = bench.sender.send_batch(account, requests, concurrency=concurrency)
    seconds = time.perf_counter() - start
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(f"{len(failed)} library transactions failed, first: {failed[0].error}")
    return seconds


def _raw_side(bench: Bench, workload: Workload, count: int, concurrency: int, threads: int) -> float:
    account = _development_account(6)
    factory = workload(bench, account)
    requests = [factory(i) for i in range(count)]
    sender = bench.sender
    gas = sender.estimate(requests[0], account.address)
    fees = sender.fees.fields(bench.w3)
    first = sender.nonces.resync(account.address)
    signed = ["0x" + bytes(sender.sign(account, request, first + i, gas, fees)).hex()
              for i, request in enumerate(requests)]
    return _raw_run(bench.profile.rpc_url, signed, account.address, first, threads, concurrency,
                    sender.on_stall)


def _one_by_one(bench: Bench, workload: Workload, count: int) -> float:
    account = _development_account(7)
    factory = workload(bench, account)
    start = time.perf_counter()
    for index in range(count):
        bench.sender.transact(account, factory(index))
    return time.perf_counter() - start


def measure(rpc_url: str | None, chain_id: int, call: str, count: int, concurrency: int, threads: int,
            sequential: int, tx_batch_size: int) -> dict[str, Any]:
    """Run the three sides, each on a fresh local node (or all on ``rpc_url``), and return the figures.

    A chain that has just taken thousands of transactions is slower than a
    fresh one, so with a local node each side gets its own.
    """
    workload = WORKLOADS[call]
    nudges = {"library": 0, "raw": 0, "one_by_one": 0}
    seconds: dict[str, float] = {}
    for side in ("library", "raw", "one_by_one"):
        if side == "one_by_one" and not sequential:
            continue
        node = None if rpc_url else LocalNode(port=free_port())
        if node is not None:
            node.start()
        try:
            bench = _bench(rpc_url or (node.url if node else ""), chain_id, tx_batch_size, node, nudges, side)
            if side == "library":
                seconds[side] = _library_run(bench, workload, count, concurrency)
            elif side == "raw":
                seconds[side] = _raw_side(bench, workload, count, concurrency, threads)
            else:
                seconds[side] = _one_by_one(bench, workload, sequential)
        finally:
            if node is not None:
                node.stop()

    library_tps = count / seconds["library"]
    raw_tps = count / seconds["raw"]
    return {
        "call": call,
        "count": count,
        "library_tps": round(library_tps, 1),
        "library_seconds": round(seconds["library"], 3),
        "raw_tps": round(raw_tps, 1),
        "raw_seconds": round(seconds["raw"], 3),
        "library_vs_raw": round(library_tps / raw_tps, 3),
        "one_by_one_tps": round(sequential / seconds["one_by_one"], 1) if sequential else None,
        "one_by_one_count": sequential,
        "concurrency": concurrency,
        "raw_threads": threads,
        "tx_batch_size": tx_batch_size,
        "stall_nudges": nudges,
        "fresh_node_per_side": rpc_url is None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--call", choices=sorted(WORKLOADS), default="submit", help="the call to measure")
    parser.add_argument("--count", type=int, default=2000, help="transactions per run")
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight (library)")
    parser.add_argument("--threads", type=int, default=8, help="threads of the raw sender")
    parser.add_argument("--sequential", type=int, default=200, help="transactions sent one by one")
    parser.add_argument("--rpc-url", help="an existing node (default: start a local one)")
    parser.add_argument("--chain-id", type=int, default=31337)
    parser.add_argument("--tx-batch-size", type=int, default=1,
                        help="transactions per JSON-RPC request (1 for anvil, as the local profile)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    options = parser.parse_args(argv)

    # A terminated benchmark still stops the nodes it started (SIGTERM -> SystemExit -> finally).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    figures = measure(options.rpc_url, options.chain_id, options.call, options.count, options.concurrency,
                      options.threads, options.sequential, options.tx_batch_size)
    if options.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{figures['call']}: {figures['count']} transactions")
        print(f"  library batch sender  {figures['library_tps']:>8.1f} tx/s  ({figures['library_seconds']} s)")
        print(f"  raw JSON-RPC sender   {figures['raw_tps']:>8.1f} tx/s  ({figures['raw_seconds']} s, pre-signed)")
        print(f"  library / raw         {figures['library_vs_raw']:>8.3f}")
        print(f"  stalls nudged         library {figures['stall_nudges']['library']}, "
              f"raw {figures['stall_nudges']['raw']}")
        if figures["one_by_one_tps"] is not None:
            print(f"  one by one (context)  {figures['one_by_one_tps']:>8.1f} tx/s  "
                  f"({figures['one_by_one_count']} transactions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
