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

from oracle.service import Oracle
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
# The write path: the chain client web3 (it loads eth-account with its keystore code and BLS curves, aiohttp,
# websockets and ENS whatever the command), keystores' cryptography, signing and sending.
_WRITE_PATH = (
    "web3", "ens", "eth_account", "eth_keyfile", "eth_keys", "eth_rlp", "py_ecc", "ckzg", "aiohttp", "websockets",
    "ledger.chain.sender", "ledger.chain.signing", "ledger.chain.connect",
)
# Reading a certificate signs nothing, deploys nothing, runs no indexer, and migrates nothing: a question that only
# reads talks plain JSON-RPC (ledger.chain.rpc) and reads the store through its driver (ledger.store.direct), with
# neither SQLAlchemy, SQLModel and the tables' models nor Alembic.
_NOT_FOR_VERIFY = _WRITE_PATH + (
    "ledger.chain.deploy", "ledger.chain.compiler", "solcx", "ledger.registration", "cli.demo_scenario", "oracle",
    "ledger.evidence", "pyrevm", "alembic", "mako", "sqlalchemy", "sqlmodel", "ledger.store.session",
    "ledger.store.types", "ledger.store.books", "ledger.store.anchors", "ledger.store.api_access",
    "ledger.store.documents", "ledger.store.catalog", "ledger.store.cursor", "ledger.store.events",
    "ledger.store.read_model",
)
# Everything of the project's own that a verify answer may load. A module not listed here shows up as a failure:
# import it inside the code that needs it, or list it here if an answer needs it.
_VERIFY_OWN = frozenset({
    "cli", "cli.errors", "cli.help", "cli.main", "cli.output", "cli.state", "cli.verify",
    "ledger", "ledger.accounts", "ledger.catalog", "ledger.certificates", "ledger.chain", "ledger.chain.artifacts",
    "ledger.chain.clock", "ledger.chain.deployments", "ledger.chain.logs", "ledger.chain.node", "ledger.chain.revert",
    "ledger.chain.rpc", "ledger.chain.views", "ledger.config", "ledger.consent", "ledger.context", "ledger.errors",
    "ledger.hashing", "ledger.history", "ledger.holders", "ledger.inputs", "ledger.jsonable", "ledger.licences",
    "ledger.members", "ledger.network", "ledger.network.extra_data", "ledger.numbers", "ledger.parties",
    "ledger.pledges", "ledger.reader", "ledger.reasons", "ledger.registrar_rules", "ledger.rights", "ledger.store",
    "ledger.store.direct", "ledger.store.history", "ledger.store.schema", "ledger.store.values",
    "ledger.transactions", "ledger.types", "ledger.verify",
})
# The libraries a verify answer may load (top-level packages beyond the standard library), by what needs them.
_VERIFY_LIBRARIES = frozenset({
    # contract calls and events: eth-abi encodes and decodes, requests carries the JSON-RPC
    "eth_abi", "eth_hash", "eth_typing", "eth_utils", "hexbytes", "Crypto", "sha3", "parsimonious", "regex", "toolz",
    "cytoolz", "pydantic", "pydantic_core", "annotated_types", "typing_inspection", "typing_extensions",
    "requests", "urllib3", "certifi", "charset_normalizer", "idna", "socks",
    # proofs' encodings (imported with the verification, used with --proof), catalog hashing and files
    "rlp", "trie", "rfc8785", "yaml",
    # the CLI
    "typer", "rich", "shellingham", "annotated_doc",
})
# With --proof a verify answer also re-executes every read in a local EVM.
_PROOF_LIBRARIES = _VERIFY_LIBRARIES | {"pyrevm"}


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


def test_a_verify_answer_imports_no_signing_deployment_indexing_or_orm_code(
    chain: FinanceChain, tmp_path: Path
) -> None:
    ctx = chain.context()
    certificate_id = issued_certificate(ctx)
    Oracle(ctx).sync()
    modules = _modules(tmp_path, chain.env, "--json", "verify", str(certificate_id))
    assert "ledger.verify" in modules
    assert "ledger.store.direct" in modules  # the answer read the read model and the catalog
    assert _loaded(modules, _NOT_FOR_VERIFY) == []


def _libraries(modules: list[str]) -> set[str]:
    standard = set(sys.stdlib_module_names) | set(sys.builtin_module_names)
    return {
        name.split(".")[0] for name in modules
        if not name.startswith("_") and name.split(".")[0] not in standard | {"ledger", "cli", "cython_runtime"}
    }


def test_a_verify_answer_loads_only_what_an_answer_needs(chain: FinanceChain, tmp_path: Path) -> None:
    certificate_id = issued_certificate(chain.context())
    modules = _modules(tmp_path, chain.env, "--json", "verify", str(certificate_id))
    own = sorted(name for name in modules if name.split(".")[0] in ("ledger", "cli", "oracle"))
    assert [name for name in own if name not in _VERIFY_OWN] == []
    assert sorted(_libraries(modules) - _VERIFY_LIBRARIES) == []


def test_a_verify_answer_on_a_profile_without_a_database_loads_no_store(chain: FinanceChain, tmp_path: Path) -> None:
    certificate_id = issued_certificate(chain.context())
    env = chain.env | {"DAL_DATABASE_URL": f"sqlite:///{tmp_path / 'absent' / 'ledger.db'}"}
    modules = _modules(tmp_path, env, "--json", "verify", str(certificate_id))
    assert "ledger.verify" in modules
    assert _loaded(modules, ("sqlalchemy", "sqlmodel", "alembic", "ledger.store")) == []
    assert not (tmp_path / "absent").exists()


def test_a_proven_verify_answer_adds_only_the_local_evm(chain: FinanceChain, tmp_path: Path) -> None:
    certificate_id = issued_certificate(chain.context())
    modules = _modules(tmp_path, chain.env, "--json", "verify", str(certificate_id), "--proof")
    assert "pyrevm" in modules
    assert _loaded(modules, _WRITE_PATH) == []
    assert sorted(_libraries(modules) - _PROOF_LIBRARIES) == []


def test_showing_and_tracing_a_certificate_load_neither_the_write_path_nor_the_oracle(
    chain: FinanceChain, tmp_path: Path
) -> None:
    certificate_id = str(issued_certificate(chain.context()))
    for command in (("asset", "show", certificate_id), ("audit", "trace", certificate_id)):
        modules = _modules(tmp_path, chain.env, "--json", *command)
        assert f"cli.{command[0]}" in modules
        assert _loaded(modules, _WRITE_PATH + ("oracle",)) == [], command


def test_dal_serve_help_imports_neither_the_web_stack_nor_the_chain(tmp_path: Path) -> None:
    modules = _modules(tmp_path, {"DAL_HOME": str(tmp_path)}, "serve", "--help")
    assert "cli.serve" in modules
    assert _loaded(modules, _NOT_FOR_HELP + ("fastapi", "uvicorn", "starlette", "jinja2")) == []
