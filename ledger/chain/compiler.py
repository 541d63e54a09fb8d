"""Build the ledger's contracts with the pinned compiler, and keep the shipped artifacts true to the
sources.

``contracts/compiler.json`` holds the one compiler version and settings block that every build path
reads (this module and ``hardhat.config.js``). The compiler is driven through py-solc-x: a native
``solc`` of the pinned version when one is on ``PATH`` (or named by ``DAL_SOLC``), otherwise
``ledger/chain/solc.js``, a small Node script that answers py-solc-x with the npm ``solc`` package
(the official compiler built to WebAssembly) and resolves ``@openzeppelin/...`` imports from
``node_modules``.

``python -m ledger.chain.compiler --write`` rewrites ``ledger/artifacts/<Name>.json`` for the
deployed contracts (and ``ledger/artifacts/testing/<Name>.json`` for contracts that only tests
deploy); ``--check`` rebuilds them and exits with status 1 if any differs from what is committed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import solcx
from solcx.exceptions import SolcError

from ledger.chain.artifacts import (
    ARTIFACTS_DIR,
    COMPLIANCE_MODULES,
    DEPLOYED_CONTRACTS,
    GOVERNANCE_CONTRACTS,
)
from ledger.errors import ConfigError

__all__ = [
    "DEPLOYED_CONTRACTS",
    "GOVERNANCE_CONTRACTS",
    "TESTING_ARTIFACTS_DIR",
    "TESTING_CONTRACTS",
    "CompilerConfig",
    "artifact_documents",
    "check_artifacts",
    "compile_sources",
    "load_config",
    "main",
    "render_artifact",
    "solc_binary",
    "standard_input",
    "write_artifacts",
]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONTRACTS_DIR = PROJECT_ROOT / "contracts"
CONFIG_PATH = CONTRACTS_DIR / "compiler.json"
SOLC_JS = Path(__file__).resolve().with_name("solc.js")
TESTING_ARTIFACTS_DIR = ARTIFACTS_DIR / "testing"

#: Contracts that only tests deploy, by the file under ``contracts/testing/`` that defines them.
TESTING_CONTRACTS: dict[str, str] = {
    "TestWallet": "TestWallet.sol",
    "SuiteProbe": "SuiteProbe.sol",
    "ConsortiumV2": "SuiteV2.sol",
    "CertificatesV2": "SuiteV2.sol",
    "RightsV2": "SuiteV2.sol",
    "PledgesV2": "SuiteV2.sol",
    "AnchorsV2": "SuiteV2.sol",
    "ComplianceV2": "SuiteV2.sol",
    "RegistrationsV2": "SuiteV2.sol",
    "DueProcessV2": "SuiteV2.sol",
    "ComplianceGasProbe": "ComplianceGasProbe.sol",
    "RightsBeforeSharesMoved": "RightsBeforeSharesMoved.sol",
}

_OUTPUTS = [
    "abi",
    "evm.bytecode.object",
    "evm.deployedBytecode.object",
    "evm.deployedBytecode.immutableReferences",
    "metadata",
]


@dataclass(frozen=True)
class CompilerConfig:
    """The pinned compiler version and its settings block, as ``contracts/compiler.json`` states
    them."""

    version: str
    settings: Mapping[str, Any]


def load_config(path: Path = CONFIG_PATH) -> CompilerConfig:
    """Read the pinned compiler version and settings."""
    try:
        document = json.loads(path.read_text())
        return CompilerConfig(version=str(document["version"]), settings=dict(document["settings"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"{path.name} is unreadable ({exc}); restore it from the repository"
        ) from None


def _reported_version(binary: Path) -> str | None:
    try:
        return str(solcx.wrapper.get_solc_version(binary))
    except (OSError, SolcError, subprocess.SubprocessError, ValueError):
        return None


@cache
def _node_wrapper() -> Path:
    """``solc.js`` itself when it is executable, else a shell wrapper around it in a temporary
    directory."""
    if os.access(SOLC_JS, os.X_OK):
        return SOLC_JS
    directory = Path(tempfile.mkdtemp(prefix="dal-solc-"))
    wrapper = directory / "solc"
    wrapper.write_text(f'#!/bin/sh\nexec node "{SOLC_JS}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper


def solc_binary(config: CompilerConfig | None = None) -> Path:
    """The compiler to drive: ``DAL_SOLC``, a native ``solc`` of the pinned version on ``PATH``, or
    the npm one.

    The npm compiler is not asked for its version here (loading it takes seconds);
    :func:`compile_sources` checks the version every build reports in its metadata instead.
    """
    config = config or load_config()
    override = os.environ.get("DAL_SOLC")
    if override:
        return Path(override)
    native = shutil.which("solc")
    if native and _reported_version(Path(native)) == config.version:
        return Path(native)
    if shutil.which("node") is None:
        raise ConfigError(
            "no solc to compile with: install Node.js and run `make setup`, or put solc on PATH"
        )
    return _node_wrapper()


def _source_name(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def standard_input(
    config: CompilerConfig | None = None, sources_dir: Path = CONTRACTS_DIR
) -> dict[str, Any]:
    """The Standard JSON input for every ``.sol`` file under ``contracts/``, named as Hardhat names
    them."""
    config = config or load_config()
    sources = {
        _source_name(path): {"content": path.read_text()}
        for path in sorted(sources_dir.rglob("*.sol"))
    }
    settings = dict(config.settings)
    settings["outputSelection"] = {"*": {"*": list(_OUTPUTS)}}
    return {"language": "Solidity", "sources": sources, "settings": settings}


def compile_sources(config: CompilerConfig | None = None) -> dict[str, dict[str, Any]]:
    """Compile ``contracts/`` and return the compiler's ``contracts`` output (source name -> name ->
    output).

    Raises :class:`ConfigError` if the sources do not compile or the compiler is not the pinned
    version.
    """
    config = config or load_config()
    binary = solc_binary(config)
    try:
        output = solcx.compile_standard(standard_input(config), solc_binary=binary)
    except (SolcError, OSError, subprocess.SubprocessError) as exc:
        raise ConfigError(f"the contracts do not compile with {binary}:\n{exc}") from None
    contracts: dict[str, dict[str, Any]] = dict(output["contracts"])
    for by_name in contracts.values():
        for compiled in by_name.values():
            version = str(json.loads(compiled["metadata"])["compiler"]["version"]).split("+")[0]
            if version != config.version:
                raise ConfigError(
                    f"{binary} is solc {version}, but contracts/compiler.json pins "
                    f"{config.version}; "
                    f"run `make setup` or point DAL_SOLC at solc {config.version}"
                )
    return contracts


def render_artifact(name: str, output: Mapping[str, Any]) -> str:
    """The text of one artifact file: stable key order, two-space indent, trailing newline."""
    document = {
        "contractName": name,
        "abi": output["abi"],
        "bytecode": "0x" + output["evm"]["bytecode"]["object"],
        "deployedBytecode": "0x" + output["evm"]["deployedBytecode"]["object"],
        # Where the runtime code holds immutables (filled in at deployment): [[start, length], ...].
        "immutableRanges": sorted(
            [int(place["start"]), int(place["length"])]
            for places in output["evm"]["deployedBytecode"].get("immutableReferences", {}).values()
            for place in places
        ),
    }
    return json.dumps(document, indent=2) + "\n"


def artifact_documents(contracts: Mapping[str, Mapping[str, Any]] | None = None) -> dict[Path, str]:
    """Artifact path -> expected file text, for every deployed and testing contract."""
    contracts = contracts if contracts is not None else compile_sources()
    wanted = [(name, f"contracts/{name}.sol", ARTIFACTS_DIR) for name in DEPLOYED_CONTRACTS]
    wanted += [
        (name, f"contracts/governance/{name}.sol", ARTIFACTS_DIR) for name in GOVERNANCE_CONTRACTS
    ]
    wanted += [
        (name, f"contracts/compliance/{name}.sol", ARTIFACTS_DIR) for name in COMPLIANCE_MODULES
    ]
    wanted += [
        (name, f"contracts/testing/{source}", TESTING_ARTIFACTS_DIR)
        for name, source in TESTING_CONTRACTS.items()
    ]
    documents: dict[Path, str] = {}
    for name, source, directory in wanted:
        try:
            output = contracts[source][name]
        except KeyError:
            raise ConfigError(f"the compiler produced no contract {name} from {source}") from None
        documents[directory / f"{name}.json"] = render_artifact(name, output)
    return documents


def write_artifacts(documents: Mapping[Path, str] | None = None) -> list[Path]:
    """Rewrite every artifact whose text differs; return the paths written."""
    documents = documents if documents is not None else artifact_documents()
    written = []
    for path, text in documents.items():
        if not path.exists() or path.read_text() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            written.append(path)
    return written


def check_artifacts(documents: Mapping[Path, str] | None = None) -> list[Path]:
    """The artifacts that are missing or differ from a fresh build of the sources."""
    documents = documents if documents is not None else artifact_documents()
    return [
        path for path, text in documents.items() if not path.exists() or path.read_text() != text
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--write`` rewrites the artifacts, ``--check`` fails if they are stale."""
    parser = argparse.ArgumentParser(
        prog="python -m ledger.chain.compiler", description="Build the ledger's contract artifacts."
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--write", action="store_true", help="rewrite ledger/artifacts from contracts/"
    )
    mode.add_argument(
        "--check", action="store_true", help="exit 1 if ledger/artifacts differ from contracts/"
    )
    arguments = parser.parse_args(argv)
    try:
        documents = artifact_documents()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if arguments.write:
        for path in write_artifacts(documents):
            print(f"wrote {path.relative_to(PROJECT_ROOT)}")
        return 0
    stale = check_artifacts(documents)
    for path in stale:
        print(f"stale: {path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    if stale:
        print("run `make artifacts` and commit the result", file=sys.stderr)
        return 1
    print("artifacts match the sources")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
