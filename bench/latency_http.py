"""`dal serve` under load: verification answers over HTTP from 50 concurrent clients, then outages.

A fresh local chain (the local profile's own node, kept in a temporary home so it can be stopped and started)
gets the suite, the development consortium and one certificate whose holding right is split between three
merchants and carries ``--pledges`` pledges. `dal serve` runs in a child process on 127.0.0.1 with its
database on PostgreSQL (127.0.0.1:5432) when it answers, else SQLite, and keeps the read model in step.

Phases, each from ``--clients`` concurrent clients (one HTTP connection each, a bank's API key):

1. **latency**: ``--latency`` answers of the latest block from one client, one request at a time: how long
   one answer takes over HTTP (the server's answer cache serves the head block again while the chain does not
   move: what a loan system asking repeatedly sees);
2. **load**: ``--requests`` answers of the latest block from ``--clients`` concurrent clients, each sending
   its next request when the last is answered. With N clients always waiting, a latency is N / throughput
   (Little's law): 50 clients at 100 answers/s wait 0.5 s each, whatever the server;
3. **uncached**: ``--uncached`` answers pinned to a block number from ``--uncached-clients`` clients (each one
   read from the node by the library, never cached: the cost of a first answer);
4. **node outage**: the node is stopped; every request must get 503 with the reason and the server must
   stay up; the node is started again and every request of a following round must be answered;
5. **database outage** (PostgreSQL only): the database refuses connections, then accepts them again; same
   checks.

Goals (issue 11): a verification answered in <= 60 ms p95 (the latency phase), >= 100 answers/s from 50
clients with no error (the load phase); 503s only during outages, full service after.

Run: ``.venv/bin/python bench/latency_http.py [--requests 2000] [--clients 50] [--json]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx
import sqlalchemy
from sqlmodel import Session

from bench.evidence import prepare
from ledger.certificates import catalog_store
from ledger.chain.node import free_port, node_for
from ledger.context import LedgerContext
from ledger.store.api_access import issue_key
from ledger.store.session import upgrade_to_head

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
GOAL_P95_MS = 60.0
GOAL_RATE = 100.0


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def _round(url: str, key: str, total: int, clients: int, params: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    """``total`` GETs of ``url`` from ``clients`` concurrent clients: statuses, latencies, rate."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    messages: set[str] = set()
    remaining = iter(range(total))
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    async def client() -> None:
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60, limits=limits) as http:
            for _ in remaining:
                started = time.perf_counter()
                try:
                    response = await http.get(url, params=params)
                    status = response.status_code
                    if status != 200:
                        messages.add(response.json()["error"]["message"][:160])
                except httpx.TransportError as exc:
                    status = -1
                    messages.add(f"transport: {type(exc).__name__}")
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return {
        "requests": total, "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "p50_ms": round(statistics.median(latencies) * 1000, 1), "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
        "per_second": round(total / elapsed, 1), "seconds": round(elapsed, 2), "messages": sorted(messages)[:3],
    }


def _until_status(url: str, key: str, status: int = 200, timeout: float = 60.0) -> float:
    """Seconds until ``url`` answers with ``status``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if httpx.get(url, headers={"Authorization": f"Bearer {key}"}, timeout=10).status_code == status:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer {status} within {timeout} s")


def _postgres() -> tuple[str, Callable[[bool], None], Callable[[], None]] | None:
    """A fresh PostgreSQL database, a switch to refuse or accept connections, and its removal; ``None`` when
    PostgreSQL is not reachable."""
    server = sqlalchemy.create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    name = f"dal_bench_http_{uuid.uuid4().hex[:8]}"
    try:
        with server.connect() as connection:
            connection.execute(sqlalchemy.text(f'create database "{name}"'))
    except sqlalchemy.exc.OperationalError:
        server.dispose()
        return None

    def reachable(allowed: bool) -> None:
        with server.connect() as connection:
            connection.execute(sqlalchemy.text(f'alter database "{name}" allow_connections {str(allowed).lower()}'))
            if not allowed:
                connection.execute(sqlalchemy.text(
                    "select pg_terminate_backend(pid) from pg_stat_activity where datname = :name"), {"name": name})

    def drop() -> None:
        with server.connect() as connection:
            connection.execute(sqlalchemy.text(f'drop database if exists "{name}" with (force)'))
        server.dispose()

    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", reachable, drop


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DAL_")}
    command = [str(Path(sys.executable).with_name("dal")), "serve", "--port", str(port)]
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=clean | env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dal serve exited: {log.read_text()}")
        try:
            status = httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=5)
            if status.status_code == 200 and status.json()["read_model"]["in_step"]:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"dal serve did not come up: {log.read_text()}")


def _outage(name: str, url: str, key: str, clients: int, down: Callable[[], None], up: Callable[[], None],
            process: subprocess.Popen[bytes]) -> dict[str, Any]:
    down()
    _until_status(url, key, 503)  # the server notices within 0.1 s (the head), 2 s (the keys it trusts)
    during = asyncio.run(_round(url, key, 200, clients))
    alive = process.poll() is None
    up()
    recovered = _until_status(url, key)
    after = asyncio.run(_round(url, key, 500, clients))
    return {"outage": name, "during": during, "server_alive": alive, "recovered_in_s": round(recovered, 1),
            "after": after,
            "ok": alive and during["statuses"] == {"503": 200} and after["statuses"] == {"200": 500}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--uncached", type=int, default=40)
    parser.add_argument("--uncached-clients", type=int, default=4)
    parser.add_argument("--latency", type=int, default=300)
    parser.add_argument("--pledges", type=int, default=6)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    options = parser.parse_args(argv)

    database = _postgres()
    process: subprocess.Popen[bytes] | None = None
    with tempfile.TemporaryDirectory() as directory:
        home = Path(directory)
        env = {"DAL_HOME": str(home / "home"), "DAL_RPC_URL": f"http://127.0.0.1:{free_port()}"}
        if database is not None:
            env["DAL_DATABASE_URL"] = database[0]
            upgrade_to_head(database[0])
        ctx = LedgerContext.load(env=env)
        node = node_for(ctx.profile)
        try:
            certificate_id = prepare(ctx, options.pledges)
            with Session(catalog_store(ctx), expire_on_commit=False) as session:
                key = issue_key(session, ctx.address_of("bank")).secret
                session.commit()
            port = free_port()
            process = _serve(env, port, home / "serve.log")
            url = f"http://127.0.0.1:{port}/api/certificates/{certificate_id}/verification"
            asyncio.run(_round(url, key, options.clients, options.clients))  # warm the connections
            latency = asyncio.run(_round(url, key, options.latency, 1))
            load = asyncio.run(_round(url, key, options.requests, options.clients))
            head = int(ctx.w3.eth.block_number)
            uncached = asyncio.run(_round(url, key, options.uncached, options.uncached_clients, {"block": head}))
            outages = [_outage("node stopped", url, key, options.clients, node.stop, node.start, process)]
            if database is not None:
                switch = database[1]
                outages.append(_outage("database refusing connections", url, key, options.clients,
                                       lambda: switch(False), lambda: switch(True), process))
        finally:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=30)
            node.stop()
            if database is not None:
                database[1](True)
                database[2]()

    goals = {
        f"one answer p95 <= {GOAL_P95_MS:g} ms": latency["p95_ms"] <= GOAL_P95_MS,
        f"load >= {GOAL_RATE:g} answers/s": load["per_second"] >= GOAL_RATE,
        "load without an error": load["statuses"] == {"200": options.requests},
        "503 while down, full service after, no crash": all(item["ok"] for item in outages),
    }
    figures = {"clients": options.clients, "database": "postgresql" if database else "sqlite", "latency": latency, "load": load,
               "uncached": uncached, "outages": outages, "goals": goals}
    if options.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{options.clients} clients, database {figures['database']}, certificate with {options.pledges} "
              "pledges")
        print(f"{'phase':<40}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'per s':>9}  statuses")
        rows = [("latency (1 client, head block)", latency), (f"load ({options.clients} clients, head block)", load),
                (f"uncached ({options.uncached_clients} clients, pinned block)", uncached)]
        for item in outages:
            rows += [(f"{item['outage']}: during", item["during"]), (f"{item['outage']}: after", item["after"])]
        for name, row in rows:
            print(f"{name:<40}{row['requests']:>9}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['per_second']:>9}  "
                  f"{row['statuses']}")
        for item in outages:
            print(f"{item['outage']}: server alive {item['server_alive']}, answering again after "
                  f"{item['recovered_in_s']} s; 503 said: {item['during']['messages'][:1]}")
        for goal, met in goals.items():
            print(f"goal {goal}: {'met' if met else 'GOAL MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
