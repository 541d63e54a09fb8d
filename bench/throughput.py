"""Transactions per second through the ledger's batch sender, against a minimal raw sender.

Each mode runs on its own kind of local node: **automine** (a block per
transaction), and **1 s** and **2 s blocks** (``--block-time``: a block every
interval, whatever is pending, as a production network mines). Within a mode
the sides run one after the other, each on a fresh node (a chain that has just
taken thousands of transactions is slower than a fresh one) and from its own
funded development account; both sign inside the timed region, and on an
interval-mining node both start just after a block, so that the rounding of
their times to whole blocks is the same:

* **library**: :meth:`ledger.chain.sender.Sender.send_batch` end to end: gas
  estimation, local nonces, signing just ahead of sending, sending in nonce
  order within the window the library sizes from the target rate and the
  block time it measures, every receipt collected and checked;
* **raw**: the same transactions signed in one go with the gas of the first
  estimate, then sent with ``eth_sendRawTransaction`` over plain HTTP
  (``http.client``, keep-alive) in nonce order, as many per request and with
  the same window of unmined transactions as the library, then every receipt
  checked by a few threads;
* **one by one** (context, automine only): :meth:`Sender.transact` per
  transaction, each waiting for its receipt, on a smaller count.

The call being measured is a parameter (``--call``): a workload prepares the
chain (deployments, members) and returns a factory of
:class:`~ledger.chain.sender.TxRequest` by index. ``submit`` (the default) is
``Certificates.submit``, a merchant's application, as `dal asset import` sends
it; ``transfer`` is a plain value transfer.

Goals (issue 10): at 1 s and 2 s blocks, at least 500 transactions/s through
the library, and in every mode at least 0.8 times the raw sender of the same
run. The bench prints each figure against its goal and says when one is missed.

Run: ``.venv/bin/python bench/throughput.py [--count 3000] [--call submit] [--modes automine,1,2]``
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
    setting_block_time: float | None = None


Workload = Callable[[Bench, LocalAccount], RequestFactory]
"""Prepares the chain for ``account`` to send the measured call; returns request-by-index."""


def _transfer(bench: Bench, account: LocalAccount) -> RequestFactory:
    sink = Account.from_mnemonic(DEVELOPMENT_MNEMONIC, account_path="m/44'/60'/0'/0/99").address
    return lambda index: TxRequest(to=sink, value=1, gas=21_000, label=f"transfer {index}")


# The ledger's suite, deployed once per bench by its admin, with a registrar admitted.
_SUITES: dict[int, dict[str, str]] = {}
_SUBMIT_SELECTOR = keccak(text="submit(address,(bytes32,uint8,uint64))")[:4]


def _admit(bench: Bench, consortium: str, account: str, roles: int, name: str) -> None:
    data = keccak(text="addMember(address,bytes32,string,uint256)")[:4] + abi_encode(
        ["address", "bytes32", "string", "uint256"], [account, keccak(text=f"bench:{account}"), name, roles]
    )
    bench.sender.transact(bench.admin, TxRequest(to=consortium, data=data, label=f"admit {name}"))


def _ledger_suite(bench: Bench) -> dict[str, str]:
    if id(bench) not in _SUITES:

        def send(w3: Web3, transaction: Any) -> Any:
            to = transaction.get("to")
            request = TxRequest(to=str(to) if to else None, data=bytes(HexBytes(transaction.get("data", b""))),
                                value=int(transaction.get("value", 0)), label="deployment")
            nonce = transaction.get("nonce")
            return bench.sender.transact(bench.admin, request, nonce=int(nonce) if nonce is not None else None)

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
        application = (keccak(text=f"{tag}:{index}"), 7, 0)
        data = _SUBMIT_SELECTOR + abi_encode(["address", "(bytes32,uint8,uint64)"], [registrar, application])
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
        """One JSON-RPC batch of ``method`` calls; their results in order (an error stops the bench)."""
        body = json.dumps([{"jsonrpc": "2.0", "id": i, "method": method, "params": p} for i, p in enumerate(params)])
        connection = self._connection()
        connection.request("POST", self._parts.path or "/", body, {"Content-Type": "application/json"})
        answers = {item["id"]: item for item in json.loads(connection.getresponse().read())}
        errors = [answers[i]["error"] for i in range(len(params)) if "error" in answers[i]]
        if errors:
            raise RuntimeError(f"{method}: {errors[0]}")
        return [answers[i].get("result") for i in range(len(params))]


@dataclass
class RawPlan:
    """What the raw sender sends and how: the same window and request size as the library."""

    url: str
    sender: str
    window: int
    per_request: int
    stall_after: float
    on_stall: Callable[[], None] | None
    threads: int = 8
    timeout: float = 300.0


def _raw_run(plan: RawPlan, sign: Callable[[], tuple[int, list[str]]]) -> float:
    """Sign, send and check every receipt; returns the seconds taken, signing included.

    ``sign`` gives the first nonce and the transactions, signed in one go
    (with one gas estimate for all). They then go out ``per_request`` per
    request in nonce order, with at most ``window`` sent but not yet mined
    (the account's mined nonce tells how far the chain is), as the library
    does. When everything is mined, ``threads`` threads fetch the receipts
    (100 per JSON-RPC batch) and check their status. Like the library, it
    calls ``on_stall`` when nothing is mined for ``stall_after`` seconds (the
    local automining node then mines a block).
    """
    client = _RawClient(plan.url)
    deadline = time.monotonic() + plan.timeout
    mined = 0
    progress_at = time.monotonic()

    def wait_until(count: int) -> None:
        nonlocal mined, progress_at
        while mined < count:
            now = time.monotonic()
            if now > deadline:
                raise RuntimeError(f"raw transactions not mined within {plan.timeout:g}s")
            latest = int(client.call("eth_getTransactionCount", [plan.sender, "latest"]), 16) - first_nonce
            if latest > mined:
                mined, progress_at = latest, now
            elif plan.on_stall is not None and now - progress_at > plan.stall_after:
                plan.on_stall()
                progress_at = now
            if mined < count:
                time.sleep(0.002)

    start = time.perf_counter()
    first_nonce, raw_transactions = sign()
    hashes: list[str] = []
    position = 0
    while position < len(raw_transactions):
        room = plan.window - (position - mined)
        if room <= 0:
            wait_until(position - plan.window + 1)
            continue
        chunk = raw_transactions[position : position + min(plan.per_request, room)]
        hashes += client.batch("eth_sendRawTransaction", [[raw] for raw in chunk])
        position += len(chunk)
    wait_until(len(raw_transactions))

    def check(chunk: list[str]) -> None:
        for tx_hash, receipt in zip(chunk, client.batch("eth_getTransactionReceipt", [[h] for h in chunk]),
                                    strict=True):
            if receipt is None or receipt["status"] != "0x1":
                raise RuntimeError(f"raw transaction {tx_hash} failed")

    with ThreadPoolExecutor(plan.threads) as pool:
        list(pool.map(check, [hashes[i : i + 100] for i in range(0, len(hashes), 100)]))
    return time.perf_counter() - start


# --- the measurement ------------------------------------------------------------------------------

# The goals of issue 10.
GOAL_TPS = 500.0
GOAL_RATIO = 0.8
# Modes: the node's block time in seconds, None for a block per transaction.
MODES: dict[str, float | None] = {"automine": None, "1": 1.0, "2": 2.0}


@dataclass
class Setting:
    """What every side of one mode shares."""

    block_time: float | None
    gas_limit: int
    tx_batch_size: int
    target_rate: float
    rpc_url: str | None = None
    chain_id: int = 31337


def _bench(setting: Setting, url: str, node: LocalNode | None, nudges: dict[str, int], side: str) -> Bench:
    home = Path(tempfile.mkdtemp(prefix="dal-bench-"))
    profile = Profile(
        name="bench", home=home, rpc_url=url, chain_id=setting.chain_id,
        database_url=f"sqlite:///{home / 'bench.db'}", gas_price=0, receipt_timeout=300,
        tx_batch_size=setting.tx_batch_size, managed_node=node is not None,
    )

    def mine() -> None:
        nudges[side] += 1
        if node is not None:
            node.mine_pending()

    w3 = connect(profile)
    # The nudge makes up for anvil's auto-miner missing transactions; a node that mines at an interval needs none.
    on_stall = mine if setting.block_time is None else None
    sender = Sender(w3, profile, RevertDecoder.from_artifacts(), on_stall=on_stall, target_rate=setting.target_rate)
    return Bench(profile=profile, w3=w3, sender=sender, admin=_development_account(0))


def _settled(bench: Bench, block_time: float | None) -> None:
    """On an interval-mining node, wait until it has mined enough blocks to measure its block time."""
    if block_time:
        while bench.w3.eth.block_number < 9:
            time.sleep(block_time / 4)
        bench.sender.timing(refresh=True)


def _at_a_new_block(bench: Bench, block_time: float | None) -> None:
    """On an interval-mining node, return just after a block: each side starts at the same point of the interval.

    A run ends with the block that takes its last transaction, so its time is
    counted in whole blocks after its start; starting every side just after a
    block makes that rounding the same for all, rather than chance.
    """
    if block_time:
        first = bench.w3.eth.block_number
        while bench.w3.eth.block_number == first:
            time.sleep(0.002)


def _library_run(bench: Bench, workload: Workload, count: int) -> tuple[float, int]:
    account = _development_account(5)
    factory = workload(bench, account)
    requests = [factory(i) for i in range(count)]
    _settled(bench, bench.setting_block_time)
    _at_a_new_block(bench, bench.setting_block_time)
    start = time.perf_counter()
    results = bench.sender.send_batch(account, requests)
    seconds = time.perf_counter() - start
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(f"{len(failed)} library transactions failed, first: {failed[0].error}")
    gas = bench.sender.estimate(requests[0], account.address)
    return seconds, bench.sender.window(gas)


def _raw_side(bench: Bench, workload: Workload, count: int) -> float:
    account = _development_account(6)
    factory = workload(bench, account)
    requests = [factory(i) for i in range(count)]
    sender = bench.sender
    _settled(bench, bench.setting_block_time)
    timing = sender.timing()
    plan = RawPlan(url=bench.profile.rpc_url, sender=account.address,
                   window=sender.window(sender.estimate(requests[0], account.address), timing),
                   per_request=bench.profile.tx_batch_size, stall_after=timing.stall_after, on_stall=sender.on_stall)

    def sign() -> tuple[int, list[str]]:
        gas = sender.estimate(requests[0], account.address)
        fees = sender.fees.fields(bench.w3)
        first = sender.nonces.resync(account.address)
        return first, ["0x" + bytes(sender.sign(account, request, first + i, gas, fees)).hex()
                       for i, request in enumerate(requests)]

    _at_a_new_block(bench, bench.setting_block_time)
    return _raw_run(plan, sign)


def _one_by_one(bench: Bench, workload: Workload, count: int) -> float:
    account = _development_account(7)
    factory = workload(bench, account)
    start = time.perf_counter()
    for index in range(count):
        bench.sender.transact(account, factory(index))
    return time.perf_counter() - start


def measure(setting: Setting, call: str, count: int, sequential: int) -> dict[str, Any]:
    """Run the sides of one mode, each on a fresh local node (or all on ``rpc_url``); return the figures."""
    workload = WORKLOADS[call]
    nudges = {"library": 0, "raw": 0, "one_by_one": 0}
    seconds: dict[str, float] = {}
    window = 0
    sides = ["library", "raw"] + (["one_by_one"] if sequential and not setting.block_time else [])
    for side in sides:
        node = None
        if setting.rpc_url is None:
            node = LocalNode(port=free_port(), block_time=setting.block_time, gas_limit=setting.gas_limit)
            node.start()
        try:
            bench = _bench(setting, setting.rpc_url or (node.url if node else ""), node, nudges, side)
            bench.setting_block_time = setting.block_time
            if side == "library":
                seconds[side], window = _library_run(bench, workload, count)
            elif side == "raw":
                seconds[side] = _raw_side(bench, workload, count)
            else:
                seconds[side] = _one_by_one(bench, workload, sequential)
        finally:
            if node is not None:
                node.stop()

    library_tps = count / seconds["library"]
    raw_tps = count / seconds["raw"]
    return {
        "mode": f"{setting.block_time:g} s blocks" if setting.block_time else "automine",
        "block_time": setting.block_time,
        "call": call,
        "count": count,
        "library_tps": round(library_tps, 1),
        "library_seconds": round(seconds["library"], 3),
        "raw_tps": round(raw_tps, 1),
        "raw_seconds": round(seconds["raw"], 3),
        "library_vs_raw": round(library_tps / raw_tps, 3),
        "one_by_one_tps": round(sequential / seconds["one_by_one"], 1) if "one_by_one" in seconds else None,
        "one_by_one_count": sequential if "one_by_one" in seconds else 0,
        "window": window,
        "target_rate": setting.target_rate,
        "gas_limit": setting.gas_limit,
        "tx_batch_size": setting.tx_batch_size,
        "stall_nudges": nudges,
        "fresh_node_per_side": setting.rpc_url is None,
    }


def missed_goals(figures: dict[str, Any]) -> list[str]:
    """The goals this mode's figures miss, one sentence each."""
    missed = []
    if figures["block_time"] and figures["library_tps"] < GOAL_TPS:
        missed.append(f"GOAL MISSED: {figures['library_tps']:.0f} tx/s through the library at "
                      f"{figures['mode']}, under {GOAL_TPS:.0f}")
    if figures["library_vs_raw"] < GOAL_RATIO:
        missed.append(f"GOAL MISSED: library / raw {figures['library_vs_raw']:.2f} at {figures['mode']}, "
                      f"under {GOAL_RATIO}")
    return missed


def _print(figures: dict[str, Any]) -> None:
    tps_goal = f"   goal >= {GOAL_TPS:.0f}" if figures["block_time"] else ""
    print(f"{figures['mode']}: {figures['count']} x {figures['call']}, window {figures['window']}, "
          f"{figures['tx_batch_size']} per request, block gas limit {figures['gas_limit']:,}")
    print(f"  library batch sender  {figures['library_tps']:>8.1f} tx/s  ({figures['library_seconds']} s){tps_goal}")
    print(f"  raw JSON-RPC sender   {figures['raw_tps']:>8.1f} tx/s  ({figures['raw_seconds']} s, signed in one go)")
    print(f"  library / raw         {figures['library_vs_raw']:>8.3f}       goal >= {GOAL_RATIO}")
    print(f"  stalls nudged         library {figures['stall_nudges']['library']}, "
          f"raw {figures['stall_nudges']['raw']}")
    if figures["one_by_one_tps"] is not None:
        print(f"  one by one (context)  {figures['one_by_one_tps']:>8.1f} tx/s  "
              f"({figures['one_by_one_count']} transactions)")
    for line in missed_goals(figures):
        print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--call", choices=sorted(WORKLOADS), default="submit", help="the call to measure")
    parser.add_argument("--count", type=int, default=3000, help="transactions per run")
    parser.add_argument("--modes", default="automine,1,2",
                        help="comma-separated: automine, and block times in seconds (default automine,1,2)")
    parser.add_argument("--target-rate", type=float, default=1000.0,
                        help="transactions per second the library sizes its window for")
    parser.add_argument("--gas-limit", type=int, default=600_000_000,
                        help="block gas limit of the local nodes (enough for the target rate at 2 s blocks)")
    parser.add_argument("--sequential", type=int, default=200, help="transactions sent one by one (automine)")
    parser.add_argument("--rpc-url", help="an existing node (default: start local ones); serves every side")
    parser.add_argument("--chain-id", type=int, default=31337)
    parser.add_argument("--tx-batch-size", type=int, default=1,
                        help="transactions per JSON-RPC request (1 for anvil, as the local profile)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    options = parser.parse_args(argv)

    # A terminated benchmark still stops the nodes it started (SIGTERM -> SystemExit -> finally).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    runs = []
    for mode in options.modes.split(","):
        if mode not in ("automine", *MODES) and not mode.replace(".", "", 1).isdigit():
            parser.error(f"unknown mode {mode!r}: use automine or a block time in seconds")
        block_time = None if mode == "automine" else float(mode)
        setting = Setting(block_time=block_time, gas_limit=options.gas_limit, tx_batch_size=options.tx_batch_size,
                          target_rate=options.target_rate, rpc_url=options.rpc_url, chain_id=options.chain_id)
        figures = measure(setting, options.call, options.count, options.sequential)
        runs.append(figures)
        if not options.json:
            _print(figures)
    if options.json:
        print(json.dumps({"runs": runs, "missed": [line for f in runs for line in missed_goals(f)]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
