"""How long the bank's and the auditor's questions take, against one raw ``eth_call`` round trip to the same node.

A fresh local chain gets the suite, the development consortium and two certificates:

* **small**: its holding right split between three merchants and carrying ``--pledges`` pledges (alternately
  to two banks), as a bank meets a certificate;
* **busy**: ``--transfers`` registered transfers of its operation right back and forth between two merchants
  (one ``TransferSingle`` each), as an exchange's busiest certificates look.

Then, in the same run, each step ``--runs`` times (the median printed):

* **eth_call**: one raw ``eth_call`` (``Certificates.certificateCount``) through the same HTTP provider: the
  round trip every other figure is held against;
* **verify** (:func:`ledger.verify.verify_certificate`), **verify --proof** (``proof=True``) and **trace**
  (:func:`ledger.audit.trace`), with the oracle's read model in step with the chain (synced to the head), and
  from the chain's logs only (a profile without a database);
* **processes**: ``dal --help`` and ``dal --json verify CERT`` as whole processes, from start to exit; the
  verification both with the read model and on a profile without a database (a bank that runs no oracle: the
  events come from the chain's logs and no store is loaded).

Each step's wall time is printed with the CPU time the client spent in it (this process for the in-process
steps, the child for the processes; the node's time is not counted): on a shared machine, a CPU time far
below the wall time says the step waited for the machine, not for its work.

Each figure is printed with its ratio to the raw round trip and its goal (issue 10), and a ``GOAL MISSED``
line for every goal missed: verify <= 50 ms and <= 120 ms with --proof; trace of the busy certificate
<= 50 ms with the read model and <= 300 ms from the logs only; ``dal --help`` <= 0.35 s; ``dal verify``
as a whole process <= 0.6 s (with and without a database).

Run: ``.venv/bin/python bench/latency.py [--transfers 1000] [--pledges 6] [--runs 5] [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eth_utils.crypto import keccak

from ledger.audit import trace
from ledger.chain.node import LocalNode, free_port
from ledger.config import load_profile
from ledger.context import LedgerContext
from ledger.numbers import registration_number
from ledger.pledges import record_pledge, sign_consent
from ledger.rights import transfer_shares
from ledger.verify import verify_certificate
from oracle.service import Oracle

__all__ = ["main"]

DAY = 86_400
#: Development account -> Consortium roles (REGISTRAR 1, MERCHANT 2, BANK 4).
MEMBERS = {"registrar": 1, "merchant-a": 2, "merchant-b": 2, "merchant-c": 2, "bank": 4, "bank-b": 4}
OPERATION = 2
DAL = str(Path(sys.executable).with_name("dal"))


@dataclass(frozen=True)
class Goal:
    """A step's goal in seconds (issue 10)."""

    seconds: float
    text: str


GOALS: dict[str, Goal] = {
    "verify (read model)": Goal(0.050, "<= 50 ms"),
    "verify --proof (read model)": Goal(0.120, "<= 120 ms"),
    "trace busy (read model)": Goal(0.050, "<= 50 ms"),
    "trace busy (logs only)": Goal(0.300, "<= 300 ms"),
    "process: dal --help": Goal(0.35, "<= 0.35 s"),
    "process: dal verify": Goal(0.6, "<= 0.6 s"),
    "process: dal verify (no database)": Goal(0.6, "<= 0.6 s"),
}


def _now(ctx: LedgerContext) -> int:
    return int(ctx.w3.eth.get_block("latest")["timestamp"])


def _issue(ctx: LedgerContext, label: str) -> int:
    """A certificate applied for by merchant-a and issued to it; its id."""
    ctx.send("Certificates", "submit", ctx.address_of("registrar"), (keccak(text=f"catalog {label}"), 7, 0),
             as_="merchant-a")
    certificate_id = int(ctx.call("Certificates", "certificateCount"))
    ctx.send("Certificates", "accept", certificate_id, as_="registrar")
    ctx.send("Certificates", "publicize", certificate_id, _now(ctx) + 60, as_="registrar")
    ctx.w3.provider.make_request("evm_increaseTime", [61])  # type: ignore[arg-type]
    ctx.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    terms = (registration_number("SZDEX", f"2026{certificate_id:08d}"), f"SZDEX-LATENCY-{label}",
             _now(ctx) + 5 * 365 * DAY, 7)
    ctx.send("Certificates", "issue", certificate_id, terms, as_="registrar")
    return certificate_id


def prepare(ctx: LedgerContext, pledges: int, transfers: int) -> tuple[int, int]:
    """Deploy, admit the members, and make the small and the busy certificate; their ids."""
    ctx.deployment  # noqa: B018 - deploys the suite as the development admin
    for name, roles in MEMBERS.items():
        ctx.send("Consortium", "addMember", ctx.address_of(name), keccak(text=f"USCC:{name}"), name.title(), roles,
                 as_="admin")
    small = _issue(ctx, "SMALL")
    transfer_shares(ctx, small, "holding", "merchant-b", 2000, as_="merchant-a")
    transfer_shares(ctx, small, "holding", "merchant-c", 1000, as_="merchant-a")
    for index in range(pledges):
        bank = ("bank", "bank-b")[index % 2]
        consent = sign_consent(ctx, small, "holding", 500, bank, "100000.00", "CNY", _now(ctx) + 365 * DAY,
                               as_="merchant-a")
        record_pledge(ctx, consent, as_=bank)
    busy = _issue(ctx, "BUSY")
    a, b = ctx.address_of("merchant-a"), ctx.address_of("merchant-b")
    first = [ctx.request("Rights", "transferShares", busy, OPERATION, b, 1) for _ in range((transfers + 1) // 2)]
    back = [ctx.request("Rights", "transferShares", busy, OPERATION, a, 1) for _ in range(transfers // 2)]
    for requests, sender in ((first, "merchant-a"), (back, "merchant-b")):
        for result in ctx.send_batch(requests, as_=sender):
            if result.error is not None:
                raise SystemExit(f"a transfer of the busy certificate failed: {result.error}")
    return small, busy


def _median(runs: int, work: Callable[[], Any]) -> tuple[float, float]:
    """The median wall time of ``work`` over ``runs`` runs, and the median CPU time this process spent."""
    work()  # a first run warms the caches a long-lived process would have warm
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(times), statistics.median(cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process(runs: int, env: dict[str, str], *args: str) -> tuple[float, float]:
    """The median wall time of ``dal *args`` as a whole process, and the median CPU time it used.

    As an installed ``dal`` runs: with its modules' bytecode cached (a first, untimed run writes it where
    the environment had turned that off)."""
    clean = {
        key: value for key, value in os.environ.items()
        if not key.startswith("DAL_") and key != "PYTHONDONTWRITEBYTECODE"
    } | env
    subprocess.run([DAL, *args], env=clean, capture_output=True, check=False)
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), _children_cpu()
        completed = subprocess.run([DAL, *args], env=clean, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        cpu.append(_children_cpu() - started_cpu)
        if completed.returncode not in (0, 3):  # 3: a "not lendable" answer
            raise SystemExit(f"`dal {' '.join(args)}` failed: {completed.stderr.strip()}")
    return statistics.median(times), statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--transfers", type=int, default=1000)
    parser.add_argument("--pledges", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    options = parser.parse_args(argv)

    node = LocalNode(port=free_port())
    node.start()
    rows: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory() as directory:
            env = {"DAL_HOME": directory, "DAL_RPC_URL": node.url}
            ctx = LedgerContext(load_profile(env=env), env=env)
            small, busy = prepare(ctx, options.pledges, options.transfers)
            Oracle(ctx).sync()
            logs_env = env | {"DAL_DATABASE_URL": f"sqlite:///{directory}/absent/ledger.db"}
            logs = LedgerContext(load_profile(env=logs_env), env=logs_env)
            count = ctx.request("Certificates", "certificateCount")
            call = [{"to": count.to, "data": "0x" + count.data.hex()}, "latest"]
            steps: list[tuple[str, Callable[[], Any]]] = [
                ("eth_call round trip", lambda: ctx.w3.provider.make_request("eth_call", call)),  # type: ignore[arg-type]
                ("verify (read model)", lambda: verify_certificate(ctx, small, bank="bank")),
                ("verify (logs only)", lambda: verify_certificate(logs, small, bank="bank")),
                ("verify busy (read model)", lambda: verify_certificate(ctx, busy, bank="bank")),
                ("verify --proof (read model)", lambda: verify_certificate(ctx, small, bank="bank", proof=True)),
                ("trace small (read model)", lambda: trace(ctx, str(small))),
                ("trace small (logs only)", lambda: trace(logs, str(small))),
                ("trace busy (read model)", lambda: trace(ctx, str(busy))),
                ("trace busy (logs only)", lambda: trace(logs, str(busy))),
            ]
            for name, work in steps:
                rows.append(dict(zip(("step", "seconds", "cpu"), (name, *_median(options.runs, work)), strict=True)))
            for name, process_env, args in (
                ("process: dal --help", env, ("--help",)),
                ("process: dal verify", env, ("--json", "verify", str(small))),
                ("process: dal verify (no database)", logs_env, ("--json", "verify", str(small))),
            ):
                rows.append(dict(zip(("step", "seconds", "cpu"), (name, *_process(options.runs, process_env, *args)),
                                     strict=True)))
            reads = len(verify_certificate(ctx, small, bank="bank").reader.calls)  # type: ignore[union-attr]
    finally:
        node.stop()

    round_trip = rows[0]["seconds"]
    missed = []
    for row in rows:
        row["x_eth_call"] = round(row["seconds"] / round_trip, 1)
        goal = GOALS.get(row["step"])
        row["goal"] = goal.text if goal else None
        row["goal_met"] = None if goal is None else row["seconds"] <= goal.seconds
        if goal is not None and not row["goal_met"]:
            missed.append(f"GOAL MISSED: {row['step']} took {row['seconds'] * 1000:.1f} ms, goal {goal.text}")
        row["ms"] = round(row["seconds"] * 1000, 2)
        row["cpu_ms"] = round(row.pop("cpu") * 1000, 2)
        del row["seconds"]
    figures = {"transfers": options.transfers, "pledges": options.pledges, "runs": options.runs,
               "verify_reads": reads, "load_average": os.getloadavg()[0], "results": rows, "missed": missed}
    if options.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"small certificate: {options.pledges} pledges, {reads} contract reads per answer; busy certificate: "
              f"{options.transfers} transfers; median of {options.runs} runs")
        print(f"load average (1 min) at the end: {figures['load_average']:.1f} on {os.cpu_count()} cores")
        print(f"{'step':<32}{'ms':>10}{'cpu ms':>10}{'x eth_call':>12}  goal")
        for row in rows:
            verdict = "" if row["goal"] is None else f"{row['goal']} {'met' if row['goal_met'] else 'MISSED'}"
            print(f"{row['step']:<32}{row['ms']:>10.1f}{row['cpu_ms']:>10.1f}{row['x_eth_call']:>12.1f}  {verdict}")
        for line in missed:
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
