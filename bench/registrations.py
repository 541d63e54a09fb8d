"""Certificates registered per second: batch calls against one application per transaction.

An exchange registers thousands of certificates. This bench measures, in the same run and on the same
local node mining a block every second (as a production network does), how many certificates per
second reach the chain:

* **one by one**: one ``Certificates.submit`` per transaction, sent through the library's batch sender
  (local nonces, signing just ahead of sending, every receipt checked), as `dal asset import` did before
  the batch calls;
* **applications in batches**: ``Certificates.submitBatch`` with ``--batch`` applications per
  transaction, through the same sender, as `dal asset import` sends them now;
* **imports in batches**: ``Certificates.importIssued`` with ``--batch`` certificates a legacy registry
  issued per transaction (each becomes an issued certificate with its three rights minted), as
  `dal asset migrate` sends them.

Each side starts just after a block, so the rounding of its time to whole blocks is the same. The node's
block gas limit (``--gas-limit``) bounds what one block can hold: at about 70,000 gas per application
in a batch, 5,000 certificates a second need some 350,000,000 gas a block.

Goal (issue 16): at least 5,000 certificates per second of chain throughput through batches on a local
node mining 1-second blocks, for registrations (applications). Imports are measured beside them: each
also issues its certificate and mints its three rights, so it carries about twice the gas. The bench
prints each figure, the ratios, and says when the goal is missed.

Run: ``.venv/bin/python bench/registrations.py [--count 20000] [--batch 200] [--block-time 1]``
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from throughput import (
    Bench,
    Setting,
    _admit,
    _at_a_new_block,
    _bench,
    _development_account,
    _ledger_suite,
    _settled,
)

from ledger.chain.node import LocalNode, free_port
from ledger.chain.sender import TxRequest

GOAL_CERTIFICATES_PER_SECOND = 5_000

_SUBMIT = keccak(text="submit(address,(bytes32,uint8,uint64))")[:4]
_SUBMIT_BATCH = keccak(text="submitBatch(address,(bytes32,uint8,uint64)[])")[:4]
_IMPORT = keccak(text="importIssued((address,bytes32,string,string,uint64,uint64,uint64)[])")[:4]


def _timed(bench: Bench, account: Any, requests: list[TxRequest], block_time: float) -> float:
    """Send ``requests`` from ``account`` starting just after a block; the seconds until every receipt."""
    _at_a_new_block(bench, block_time)
    start = time.perf_counter()
    results = bench.sender.send_batch(account, requests)
    seconds = time.perf_counter() - start
    failed = [result for result in results if not result.ok]
    if failed:
        raise SystemExit(f"{len(failed)} transactions failed, first: {failed[0].error}")
    return seconds


def measure(count: int, batch: int, block_time: float, gas_limit: int, single: int) -> dict[str, Any]:
    """Run the three sides on one fresh node; return the figures."""
    setting = Setting(block_time=block_time, gas_limit=gas_limit, tx_batch_size=1, target_rate=1000.0)
    node = LocalNode(port=free_port(), block_time=block_time, gas_limit=gas_limit)
    node.start()
    try:
        bench = _bench(setting, node.url, node, {"bench": 0}, "bench")
        bench.setting_block_time = block_time
        addresses = _ledger_suite(bench)
        certificates = addresses["Certificates"]
        registrar, merchant = _development_account(1), _development_account(5)
        _admit(bench, addresses["Consortium"], merchant.address, 2, "bench merchant")
        _settled(bench, block_time)

        def hashes(label: str, size: int) -> list[bytes]:
            return [keccak(text=f"{label}:{index}") for index in range(size)]

        singles = [
            TxRequest(to=certificates, data=_SUBMIT + abi_encode(["address", "(bytes32,uint8,uint64)"], [registrar.address, (h, 7, 0)]),
                      label="application")
            for h in hashes("single", single)
        ]
        one_by_one = single / _timed(bench, merchant, singles, block_time)

        chunks = [hashes(f"batch {start}", min(batch, count - start)) for start in range(0, count, batch)]
        batched = [
            TxRequest(to=certificates, label="applications",
                      data=_SUBMIT_BATCH + abi_encode(["address", "(bytes32,uint8,uint64)[]"],
                                                     [registrar.address, [(h, 7, 0) for h in chunk]]))
            for chunk in chunks
        ]
        in_batches = count / _timed(bench, merchant, batched, block_time)

        now = int(bench.w3.eth.get_block("latest")["timestamp"])
        imports = []
        for start in range(0, count, batch):
            items = [
                (merchant.address, keccak(text=f"legacy {index}"), f"LEGACY-{index:07d}", "", now - 86_400 * 800,
                 now - 86_400 * 700, now + 86_400 * 365)
                for index in range(start, min(start + batch, count))
            ]
            data = _IMPORT + abi_encode(["(address,bytes32,string,string,uint64,uint64,uint64)[]"], [items])
            imports.append(TxRequest(to=certificates, data=data, label="imports"))
        imported = count / _timed(bench, registrar, imports, block_time)
        gas_per_batch = bench.sender.estimate(batched[0], merchant.address)
    finally:
        node.stop()
    return {
        "block_time": block_time,
        "gas_limit": gas_limit,
        "batch": batch,
        "count": count,
        "single_count": single,
        "one_by_one_per_second": round(one_by_one, 1),
        "applications_in_batches_per_second": round(in_batches, 1),
        "imports_in_batches_per_second": round(imported, 1),
        "batches_vs_one_by_one": round(in_batches / one_by_one, 2),
        "gas_per_application_in_a_batch": gas_per_batch // batch,
        "goal": GOAL_CERTIFICATES_PER_SECOND,
    }


def missed(figures: dict[str, Any]) -> list[str]:
    """The goal's misses, one sentence each (the goal is for registrations: applications in batches)."""
    rate = figures["applications_in_batches_per_second"]
    if rate >= GOAL_CERTIFICATES_PER_SECOND:
        return []
    return [(f"GOAL MISSED: {rate:.0f} applications per second in batches at {figures['block_time']:g} s blocks, "
            f"under {GOAL_CERTIFICATES_PER_SECOND}")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=20_000, help="certificates per batch side")
    parser.add_argument("--batch", type=int, default=200, help="certificates per batch transaction")
    parser.add_argument("--single", type=int, default=2_000, help="applications sent one per transaction")
    parser.add_argument("--block-time", type=float, default=1.0, help="seconds between the node's blocks")
    parser.add_argument("--gas-limit", type=int, default=1_000_000_000, help="the node's block gas limit")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    options = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    figures = measure(options.count, options.batch, options.block_time, options.gas_limit, options.single)
    if options.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{options.block_time:g} s blocks, block gas limit {options.gas_limit:,}, "
              f"{options.batch} certificates per batch transaction "
              f"({figures['gas_per_application_in_a_batch']:,} gas per application)")
        print(f"  one by one              {figures['one_by_one_per_second']:>9.1f} certificates/s "
              f"({options.single} transactions)")
        print(f"  applications, batches   {figures['applications_in_batches_per_second']:>9.1f} certificates/s   "
              f"goal >= {GOAL_CERTIFICATES_PER_SECOND}")
        print(f"  imports, batches        {figures['imports_in_batches_per_second']:>9.1f} certificates/s   "
              "(issued, three rights minted each: about twice the gas of an application)")
        print(f"  batches / one by one    {figures['batches_vs_one_by_one']:>9.2f}")
        for line in missed(figures):
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
