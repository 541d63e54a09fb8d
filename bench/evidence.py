"""The bank's answer, its proof, and kept evidence re-checked offline: how long each takes, how big the file is.

A fresh local chain gets the suite, the development consortium and one certificate whose holding right is
split between three merchants and carries ``--pledges`` pledges (alternately to two banks). Then, each
``--runs`` times (the median printed): the answer (:func:`ledger.verify.verify_certificate`), the answer
proven against the block's state root (``proof=True``), the evidence written
(:func:`ledger.evidence.save_evidence`) and the evidence re-checked with no node
(:func:`ledger.evidence.check_evidence`). Ratios are against the plain answer.

The goal: re-checking kept evidence offline takes no longer than proving the answer against the node.

Run: ``.venv/bin/python bench/evidence.py [--pledges 6] [--runs 3] [--json]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eth_utils.crypto import keccak

from ledger.chain.node import LocalNode, free_port
from ledger.config import load_profile
from ledger.context import LedgerContext
from ledger.evidence import check_evidence, load_evidence, save_evidence
from ledger.numbers import registration_number
from ledger.pledges import record_pledge, sign_consent
from ledger.rights import transfer_shares
from ledger.verify import verify_certificate

DAY = 86_400
#: Development account -> Consortium roles (REGISTRAR 1, MERCHANT 2, BANK 4).
MEMBERS = {"registrar": 1, "merchant-a": 2, "merchant-b": 2, "merchant-c": 2, "bank": 4, "bank-b": 4}


def _now(ctx: LedgerContext) -> int:
    return int(ctx.w3.eth.get_block("latest")["timestamp"])


def prepare(ctx: LedgerContext, pledges: int) -> int:
    """Deploy, admit the members, issue a certificate, split its holding right and pledge parts of it."""
    ctx.deployment  # noqa: B018 - deploys the suite as the development admin
    for name, roles in MEMBERS.items():
        ctx.send("Consortium", "addMember", ctx.address_of(name), keccak(text=f"USCC:{name}"), name.title(), roles,
                 as_="admin")
    ctx.send("Certificates", "submit", ctx.address_of("registrar"), (keccak(text="bench catalog"), 7, 0),
             as_="merchant-a")
    certificate_id = int(ctx.call("Certificates", "certificateCount"))
    ctx.send("Certificates", "accept", certificate_id, as_="registrar")
    ctx.send("Certificates", "publicize", certificate_id, _now(ctx) + 60, as_="registrar")
    ctx.w3.provider.make_request("evm_increaseTime", [61])  # type: ignore[arg-type]
    ctx.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    terms = (registration_number("SZDEX", f"2026{certificate_id:08d}"), "SZDEX-BENCH-1", _now(ctx) + 5 * 365 * DAY, 7)
    ctx.send("Certificates", "issue", certificate_id, terms, as_="registrar")
    transfer_shares(ctx, certificate_id, "holding", "merchant-b", 2000, as_="merchant-a")
    transfer_shares(ctx, certificate_id, "holding", "merchant-c", 1000, as_="merchant-a")
    for index in range(pledges):
        bank = ("bank", "bank-b")[index % 2]
        consent = sign_consent(ctx, certificate_id, "holding", 500, bank, "100000.00", "CNY",
                               _now(ctx) + 365 * DAY, as_="merchant-a")
        record_pledge(ctx, consent, as_=bank)
    return certificate_id


def _median(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pledges", type=int, default=6)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    options = parser.parse_args(argv)

    node = LocalNode(port=free_port())
    node.start()
    try:
        with tempfile.TemporaryDirectory() as directory:
            env = {"DAL_HOME": directory, "DAL_RPC_URL": node.url}
            ctx = LedgerContext(load_profile(env=env), env=env)
            certificate_id = prepare(ctx, options.pledges)
            plain, _ = _median(options.runs, lambda: verify_certificate(ctx, certificate_id, bank="bank"))
            proven, answer = _median(
                options.runs, lambda: verify_certificate(ctx, certificate_id, bank="bank", proof=True)
            )
            path = Path(directory) / "evidence.json"
            saved, _ = _median(options.runs, lambda: save_evidence(answer, ctx.profile.chain_id, path))
            document = load_evidence(path)
            checked, result = _median(options.runs, lambda: check_evidence(document))
            size = path.stat().st_size
    finally:
        node.stop()

    rows = [
        {"step": "answer (node)", "seconds": plain},
        {"step": "answer proven (node)", "seconds": proven},
        {"step": "evidence written", "seconds": saved},
        {"step": "evidence re-checked (no node)", "seconds": checked},
    ]
    for row in rows:
        row["x_answer"] = round(row["seconds"] / plain, 2)
        row["seconds"] = round(row["seconds"], 3)
    figures = {
        "pledges": options.pledges, "reads": result.calls, "storage_slots": result.slots,
        "accounts": result.accounts, "evidence_bytes": size, "results": rows,
        "goal": "re-check <= proven answer", "goal_met": checked <= proven,
    }
    if options.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{options.pledges} pledges: {result.calls} reads over {result.slots} storage slots of "
              f"{result.accounts} accounts; evidence file {size / 1024:.0f} KiB")
        print(f"{'step':<32}{'seconds':>9}{'x answer':>10}")
        for row in rows:
            print(f"{row['step']:<32}{row['seconds']:>9}{row['x_answer']:>10}")
        print(f"goal (re-check <= proven answer): {'met' if figures['goal_met'] else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
