"""Time a Merkle tree of 100,000 records and the JSON of every proof, against the goal of 1 s together.

What an anchoring batch does (``oracle.anchoring``): build the tree over the
records' hashes, then store each record's proof as a JSON array of hex
strings. Each figure is the median of ``--runs`` runs; the proofs are also
checked, a sample of them against the root.

Run: ``.venv/bin/python bench/merkle.py [--records 100000] [--runs 5] [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

from ledger.merkle import MerkleTree, verify_proof

__all__ = ["GOAL_SECONDS", "main", "measure"]

# The goal of issue 10: tree and proofs of 100,000 records within a second.
GOAL_SECONDS = 1.0


def measure(records: int, runs: int) -> dict[str, Any]:
    """Median seconds to build the tree, to write every proof's JSON, and both."""
    values = [os.urandom(32) for _ in range(records)]
    build: list[float] = []
    proofs: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        tree = MerkleTree.of(values)
        built = time.perf_counter()
        written = tree.proofs_json()
        done = time.perf_counter()
        build.append(built - start)
        proofs.append(done - built)
    for position in range(0, records, max(1, records // 100)):
        proof = [bytes.fromhex(node[2:]) for node in json.loads(written[position])]
        if not verify_proof(tree.root, values[position], proof):
            raise SystemExit(f"the proof of record {position} does not verify")
    totals = [b + p for b, p in zip(build, proofs, strict=True)]
    total = statistics.median(totals)
    return {
        "records": records,
        "runs": runs,
        "tree_seconds": round(statistics.median(build), 3),
        "proofs_json_seconds": round(statistics.median(proofs), 3),
        "total_seconds": round(total, 3),
        "goal_seconds": GOAL_SECONDS,
        "goal_met": total <= GOAL_SECONDS,
        "proof_bytes": sum(len(proof) for proof in written),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    options = parser.parse_args(argv)
    figures = measure(options.records, options.runs)
    if options.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"Merkle tree of {figures['records']:,} records, median of {figures['runs']} runs")
    print(f"  tree                  {figures['tree_seconds']:>7.3f} s")
    print(f"  proofs as JSON        {figures['proofs_json_seconds']:>7.3f} s  "
          f"({figures['proof_bytes'] / 1e6:.0f} MB)")
    print(f"  together              {figures['total_seconds']:>7.3f} s  goal <= {GOAL_SECONDS:g} s")
    if not figures["goal_met"]:
        print(f"  GOAL MISSED: {figures['total_seconds']:.3f} s for tree and proofs, over {GOAL_SECONDS:g} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
