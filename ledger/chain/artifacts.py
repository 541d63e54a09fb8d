"""The compiled contracts the package ships: ABI and bytecode per contract.

Each ``ledger/artifacts/<Name>.json`` holds ``{"contractName", "abi",
"bytecode", "deployedBytecode"}``, built from ``contracts/`` with the pinned
compiler. Everything that talks to a contract loads its ABI from here, so a
rebuilt artifact is all it takes to follow a contract change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ledger.errors import ConfigError, NotFoundError

__all__ = [
    "ARTIFACTS_DIR",
    "COMPLIANCE_MODULES",
    "DEPLOYED_CONTRACTS",
    "GOVERNANCE_CONTRACTS",
    "Artifact",
    "ContractAbi",
    "iter_artifacts",
    "load_artifact",
]

ARTIFACTS_DIR = Path(__file__).resolve().parents[1] / "artifacts"

#: The contracts of the suite, each behind its own proxy; one ``contracts/<Name>.sol`` each.
DEPLOYED_CONTRACTS: tuple[str, ...] = (
    "Consortium", "Certificates", "Rights", "Pledges", "Anchors", "Compliance", "Registrations", "DueProcess"
)
#: The governance pieces a deployment also creates, from ``contracts/governance/<Name>.sol``: the
#: proxy in front of each contract, the bootstrap implementation proxies start from, the timelock.
GOVERNANCE_CONTRACTS: tuple[str, ...] = ("SuiteProxy", "SuiteBootstrap", "Timelock")
#: The compliance modules the package ships, from ``contracts/compliance/<Name>.sol``: governance deploys
#: one with its settings and puts it in force through the timelock.
COMPLIANCE_MODULES: tuple[str, ...] = ("HolderCapModule", "JurisdictionModule", "QualificationModule")


@dataclass(frozen=True)
class Artifact:
    """One compiled contract."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str
    #: Where the runtime code holds immutables, which deployment fills in: ``(start, length)``.
    immutable_ranges: tuple[tuple[int, int], ...] = ()

    def same_code(self, runtime: bytes) -> bool:
        """Whether ``runtime`` (a deployed contract's code) is this artifact's code, whatever values
        its immutables were given at deployment."""
        expected = bytearray(bytes.fromhex(self.deployed_bytecode[2:]))
        actual = bytearray(runtime)
        if len(expected) != len(actual):
            return False
        for start, length in self.immutable_ranges:
            actual[start : start + length] = expected[start : start + length]
        return expected == actual


@dataclass(frozen=True)
class ContractAbi:
    """A deployed contract as reading needs it: its (checksummed) address and its shipped ABI."""

    address: str
    abi: list[dict[str, Any]]


def _read(path: Path) -> Artifact:
    try:
        document = json.loads(path.read_text())
        return Artifact(
            name=str(document["contractName"]),
            abi=list(document["abi"]),
            bytecode=str(document.get("bytecode", "0x")),
            deployed_bytecode=str(document.get("deployedBytecode", "0x")),
            immutable_ranges=tuple((int(start), int(length)) for start, length in document.get("immutableRanges", [])),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"the contract artifact {path.name} is unreadable ({exc}); rebuild it") from None


@cache
def _cached(path: Path, mtime_ns: int) -> Artifact:
    return _read(path)


def load_artifact(name: str, directory: Path = ARTIFACTS_DIR) -> Artifact:
    """The artifact of contract ``name`` (for example ``Certificates``)."""
    path = directory / f"{name}.json"
    if not path.exists():
        raise NotFoundError(f"no compiled contract named {name!r} in the package's artifacts; rebuild them")
    return _cached(path, path.stat().st_mtime_ns)


def iter_artifacts(directory: Path = ARTIFACTS_DIR) -> Iterator[Artifact]:
    """Every artifact in ``directory``, by name."""
    if not directory.exists():
        return
    for path in sorted(directory.glob("*.json")):
        yield _cached(path, path.stat().st_mtime_ns)
