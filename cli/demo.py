"""`dal demo`: the whole life of a data asset, played on a fresh local chain of its own."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.demo_scenario import DEMO_STEPS, DemoStep, demo_context, run_demo
from cli.state import current
from ledger.config import load_profile
from ledger.errors import LedgerError

__all__ = ["app"]

app = typer.Typer(help="Play the end-to-end scenario on a fresh local chain (never your own).")


def _line(step: DemoStep) -> str:
    return f"{step.step:>2}. {step.actor} {step.action}: {step.detail}"


@app.callback(invoke_without_command=True)
def demo(
    home: Annotated[
        Path | None,
        typer.Option("--home", metavar="DIR", help="Keep the demo's data home (chain state, keystores, database) "
                     "in this new, empty folder instead of a temporary one that is removed afterwards."),
    ] = None,
    like: Annotated[
        str | None,
        typer.Option("--like", metavar="PROFILE", help="Configure the demo's local chain like this network's "
                     "profile (chain id, gas price, proof-of-authority headers, log range): a rehearsal."),
    ] = None,
) -> None:
    """Set up a consortium, apply for, review and issue a certificate, license and transfer its rights, pledge
    it twice (one pledge released, one realised at an agreed price after maturity) and trace its history.

    It runs on a chain and in a data home of its own (a temporary folder unless --home is given), so it never
    touches your chain, accounts or database. Each step says what happened; --json prints one summary whose
    "checks" a program can verify.
    """
    state = current()
    out = state.out
    rehearsed = load_profile(like) if like else None
    temporary = home is None
    where = Path(tempfile.mkdtemp(prefix="dal-demo-")) if home is None else home
    live = not state.json and out.stderr.isatty()
    try:
        ledger = demo_context(where, rehearsed)
        try:
            with out.progress("demo", DEMO_STEPS) as update:

                def on_step(step: DemoStep) -> None:
                    update(step.step, DEMO_STEPS)
                    if live:
                        print(_line(step), file=sys.stderr)

                summary = run_demo(ledger, on_step=on_step)
        finally:
            node = ledger.node
            if node is not None:
                node.stop()
    finally:
        if temporary:
            shutil.rmtree(where, ignore_errors=True)

    failed = [name for name, passed in summary.checks.get("passed", {}).items() if not passed]
    steps: list[dict[str, Any]] = [
        {"step": s.step, "actor": s.actor, "action": s.action, "what happened": s.detail, "transaction": s.tx_hash}
        for s in summary.steps
    ]
    if state.json:
        out.record({
            "ok": summary.ok,
            "home": None if temporary else str(where),
            "like": like,
            "certificate_id": summary.certificate_id,
            "number": summary.number,
            "steps": [{**row, "block": s.block} for row, s in zip(steps, summary.steps, strict=True)],
            "checks": summary.checks,
        })
    else:
        out.records(steps, columns=["step", "actor", "action", "what happened"],
                    title=f"dal demo: certificate {summary.number}")
        kept = "" if temporary else f"; its chain and data are kept in {where}"
        out.note(f"the demo passed all {len(summary.checks.get('passed', {}))} checks{kept}" if not failed
                 else f"the demo failed these checks: {', '.join(failed)}")
    if failed:
        raise LedgerError(f"the demo finished, but these checks failed: {', '.join(failed)}")
