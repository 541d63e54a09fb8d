"""What `dal` imports to start: only what the command needs, held to lists so that a regression shows.

Each case runs `dal` in a fresh interpreter and reads ``sys.modules`` when the
command is done. Timing is the benchmarks' business (bench/README.md); these
lists are what keeps start-up fast between benchmark runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.finance.support import (  # noqa: F401 - fixtures
    FinanceChain,
    chain_fixture,
    finance_chain_fixture,
    issued_certificate,
)

_PROBE = """
import json, sys
from cli.main import app
try:
    app(sys.argv[2:], prog_name="dal")
except SystemExit as exc:
    if exc.code not in (0, None):
        raise
with open(sys.argv[1], "w") as out:
    json.dump(sorted(sys.modules), out)
"""

# Neither the chain client, nor keystores and signing, nor the store, nor the oracle.
_NOT_FOR_HELP = (
    "web3", "eth_account", "eth_keyfile", "py_ecc", "aiohttp", "requests", "sqlalchemy", "sqlmodel", "alembic",
    "oracle", "ledger.context", "ledger.accounts", "ledger.chain", "ledger.store", "ledger.certificates",
    "ledger.verify",
)
# Reading a certificate signs nothing, deploys nothing and runs no indexer. (The chain client, web3,
# brings eth-account's keystore code with it whatever the command; the ledger's own stays out.)
_NOT_FOR_VERIFY = (
    "ledger.chain.signing", "ledger.chain.deploy", "ledger.chain.compiler", "solcx", "ledger.registration",
    "cli.demo_scenario", "oracle",
)


def _modules(tmp_path: Path, env: dict[str, str], *args: str) -> list[str]:
    listing = tmp_path / "modules.json"
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DAL_")}
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, str(listing), *args],
        env=clean | env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    modules: list[str] = json.loads(listing.read_text())
    return modules


def _loaded(modules: list[str], forbidden: tuple[str, ...]) -> list[str]:
    return [name for name in modules if any(name == f or name.startswith(f + ".") for f in forbidden)]


def test_dal_help_imports_neither_the_chain_nor_keystores_nor_the_store(tmp_path: Path) -> None:
    modules = _modules(tmp_path, {"DAL_HOME": str(tmp_path)}, "--help")
    assert "cli.main" in modules
    assert _loaded(modules, _NOT_FOR_HELP) == []
    # Listing the nouns reads their help without importing them.
    assert sorted(name for name in modules if name.startswith("cli.")) == [
        "cli.errors", "cli.help", "cli.main", "cli.output", "cli.state"
    ]


def test_dal_verify_help_imports_neither_the_chain_nor_keystores_nor_the_store(tmp_path: Path) -> None:
    modules = _modules(tmp_path, {"DAL_HOME": str(tmp_path)}, "verify", "--help")
    assert "cli.verify" in modules
    assert _loaded(modules, _NOT_FOR_HELP) == []


def test_a_verify_answer_imports_no_signing_deployment_or_indexing_code(chain: FinanceChain, tmp_path: Path) -> None:
    certificate_id = issued_certificate(chain.context())
    modules = _modules(tmp_path, chain.env, "--json", "verify", str(certificate_id))
    assert "ledger.verify" in modules
    assert _loaded(modules, _NOT_FOR_VERIFY) == []


def test_dal_serve_help_imports_neither_the_web_stack_nor_the_chain(tmp_path: Path) -> None:
    modules = _modules(tmp_path, {"DAL_HOME": str(tmp_path)}, "serve", "--help")
    assert "cli.serve" in modules
    assert _loaded(modules, _NOT_FOR_HELP + ("fastapi", "uvicorn", "starlette", "jinja2")) == []
