"""The README's walkthrough, run exactly as written, from an empty data home: the README cannot drift."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ledger.chain.node import free_port, node_for
from ledger.config import load_profile

README = Path(__file__).resolve().parents[2] / "README.md"
BIN = Path(sys.executable).parent


def walkthrough_commands() -> str:
    """The shell block between the README's walkthrough markers, as written."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- walkthrough -->\n```sh\n(.*?)```\n<!-- /walkthrough -->", text, re.DOTALL)
    assert match is not None, "README.md has no walkthrough block between <!-- walkthrough --> markers"
    return match.group(1)


@pytest.fixture
def empty_home(tmp_path: Path) -> Iterator[dict[str, str]]:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAL_")} | {
        "DAL_HOME": str(home),
        "DAL_RPC_URL": f"http://127.0.0.1:{free_port()}",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    yield env
    node_for(load_profile(env=env)).stop()


def _dal_json(env: dict[str, str], cwd: Path, *args: str) -> Any:
    done = subprocess.run(["dal", "--json", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_readme_walkthrough_runs_verbatim_from_an_empty_data_home(
    empty_home: dict[str, str], tmp_path: Path,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    script = walkthrough_commands()
    assert script.count("\ndal ") >= 15, "the walkthrough lost its commands"
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-x", "-c", script], env=empty_home, cwd=work,
                          capture_output=True, text=True, timeout=900, check=False, stdin=subprocess.DEVNULL)
    failed = [line for line in done.stderr.splitlines() if line.startswith("+ ")][-1:]
    assert done.returncode == 0, f"the README's walkthrough stopped at {failed}: {done.stderr[-2000:]}"

    # The story it tells is what the chain holds.
    assert (work / "catalog.yaml").is_file() and (work / "consent.json").is_file()
    rights = _dal_json(empty_home, work, "rights", "show", "1")
    operation = {row["name"]: row["shares"] for row in rights["holdings"] if row["right"] == "operation"}
    holding = {row["name"]: row["pledged"] for row in rights["holdings"] if row["right"] == "holding"}
    assert rights["in_force"] and operation == {"merchant-a": 6000, "merchant-c": 4000}
    assert holding == {"merchant-a": 6000}
    licences = _dal_json(empty_home, work, "rights", "licences", "1")
    assert [(row["right"], row["licensee"].split()[0], row["state"]) for row in licences] == [
        ("development", "merchant-b", "live")
    ]
    pledges = _dal_json(empty_home, work, "pledge", "list")
    assert [(row["pledgee"].split()[0], row["shares"], row["amount"], row["currency"], row["status"])
            for row in pledges] == [("bank", 6000, "5000000.00", "CNY", "active")]
