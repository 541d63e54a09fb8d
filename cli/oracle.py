"""`dal oracle`: index the chain into the store, anchor off-chain records, report drift."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Annotated, Any

import typer

from cli.state import current
from oracle.indexer import SyncReport
from oracle.service import Oracle, keep_startup_objects

__all__ = ["DRIFT_EXIT_CODE", "app"]

#: The exit code of `dal oracle reconcile` when it found drift (1 stays for errors).
DRIFT_EXIT_CODE = 3

app = typer.Typer(
    help="The oracle: keep the read model in step with the chain, anchor records, report drift.",
    no_args_is_help=True,
)

LogRange = Annotated[
    int | None,
    typer.Option("--log-range", min=1, help="Blocks per eth_getLogs request (default: the profile's log_range)."),
]
Confirmations = Annotated[
    int | None,
    typer.Option("--confirmations", min=0, help="Stay this many blocks behind the head (default: the profile's)."),
]


def _oracle(log_range: int | None = None, confirmations: int | None = None) -> Oracle:
    return Oracle(current().ledger(), log_range=log_range, confirmations=confirmations)


def _sync_row(report: SyncReport) -> dict[str, Any]:
    return {
        "from_block": report.start_block + 1,
        "cursor": report.cursor,
        "head": report.head,
        "behind": report.behind,
        "windows": report.windows,
        "events": report.events,
        "rollbacks": [{"from": old, "to": ancestor} for old, ancestor in report.rollbacks],
    }


@app.command()
def migrate(
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Migrate this database instead of the profile's.")
    ] = None,
) -> None:
    """Create or upgrade the off-chain database to the schema this ledger needs."""
    state = current()
    url = database_url or state.profile().database_url
    revision = Oracle.migrate(url)
    shown = state.profile().public_database_url() if database_url is None else "(given URL)"
    state.out.record({"database": shown, "revision": revision}, title="database migrated")


@app.command()
def status() -> None:
    """How far the read model is behind the chain's head."""
    oracle = _oracle()
    answer = oracle.status()
    current().out.record(
        {"cursor": answer.cursor, "head": answer.head, "behind": answer.behind,
         "confirmations": answer.confirmations, "in_step": answer.in_step},
        title="read model",
    )


@app.command()
def sync(
    to_block: Annotated[int | None, typer.Option("--to", min=0, help="Stop at this block.")] = None,
    log_range: LogRange = None,
    confirmations: Confirmations = None,
) -> None:
    """Bring the read model up to the chain's head (less the confirmation depth), then stop."""
    state = current()
    oracle = _oracle(log_range, confirmations)
    first = oracle.status()
    goal = to_block if to_block is not None else first.head - oracle.confirmations
    start = first.cursor if first.cursor is not None else oracle.indexer.start_block - 1
    keep_startup_objects()
    with state.out.progress("indexing blocks", total=max(goal - start, 0)) as update:
        report = oracle.sync(target=to_block, progress=lambda r: update(r.cursor - start, goal - start))
    state.out.record(_sync_row(report), title="read model synced")


@app.command()
def run(
    interval: Annotated[float, typer.Option("--interval", min=0.1, help="Seconds between syncs.")] = 2.0,
    log_range: LogRange = None,
    confirmations: Confirmations = None,
) -> None:
    """Keep the read model in step with the chain until stopped (Ctrl-C or SIGTERM stop it cleanly)."""
    state = current()
    oracle = _oracle(log_range, confirmations)
    keep_startup_objects()
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        state.out.note(f"stopping after the current window ({signal.Signals(signum).name})")
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        state.out.note(f"following the chain every {interval:g}s; Ctrl-C or SIGTERM to stop")
        rounds = oracle.run(
            stop, interval=interval,
            on_sync=lambda r: state.out.note(f"block {r.cursor}: {r.events} events, {r.behind} behind"),
            on_error=lambda exc: state.out.note(f"will retry in {interval:g}s: {exc}"),
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    final = oracle.status()
    state.out.record({"syncs": rounds, "cursor": final.cursor, "head": final.head, "behind": final.behind},
                     title="oracle stopped")


@app.command()
def anchor(
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="Anchor only this kind of record (repeat for several)."),
    ] = None,
    max_batch: Annotated[int, typer.Option("--max-batch", min=1, help="Most records in one batch.")] = 10_000,
) -> None:
    """Anchor every off-chain record not yet on chain: one Merkle root per kind, proofs kept in the store.

    Signs as --as (default: the `oracle` account), which must be an active ORACLE member.
    """
    state = current()
    oracle = _oracle()
    outcomes = oracle.anchor(kinds=kind, max_batch=max_batch,
                             progress=lambda o: state.out.note(f"anchored {o.count} {o.kind} records"))
    state.out.records(
        [{"batch": o.batch_id, "kind": o.kind, "records": o.count, "root": o.root,
          "transaction": o.tx_hash, "block": o.block_number, "resumed": o.resumed} for o in outcomes],
        title="anchored batches", empty="nothing to anchor: every record is on chain",
    )


@app.command()
def reconcile() -> None:
    """Report every drift between the store and the chain; exits with code 3 when there is any."""
    state = current()
    oracle = _oracle()
    drifts = oracle.reconcile(progress=lambda step: None)
    state.out.records([d.as_dict() for d in drifts], columns=["kind", "subject", "detail"],
                      title="drift", empty="no drift: the store and the chain agree")
    if drifts:
        raise typer.Exit(DRIFT_EXIT_CODE)
