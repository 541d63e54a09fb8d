"""The shipped ABI and bytecode are what the sources compile to, on every build path."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ledger.chain import compiler
from ledger.chain.compiler import DEPLOYED_CONTRACTS, PROJECT_ROOT


@pytest.fixture(scope="module")
def fresh_documents() -> dict[Path, str]:
    """Every artifact as a fresh py-solc-x build of ``contracts/`` renders it."""
    return compiler.artifact_documents()


def test_committed_artifacts_match_a_fresh_build(fresh_documents: dict[Path, str]) -> None:
    stale = compiler.check_artifacts(fresh_documents)
    assert stale == [], f"rebuild with `make artifacts`: {[str(path) for path in stale]}"


def test_artifacts_cover_every_deployed_contract(fresh_documents: dict[Path, str]) -> None:
    names = {json.loads(text)["contractName"] for text in fresh_documents.values()}
    assert set(DEPLOYED_CONTRACTS) <= names
    for text in fresh_documents.values():
        document = json.loads(text)
        assert list(document) == ["contractName", "abi", "bytecode", "deployedBytecode", "immutableRanges"]
        assert document["bytecode"].startswith("0x") and len(document["bytecode"]) > 2
        assert text.endswith("}\n")


def test_every_build_path_reads_the_one_compiler_settings_block() -> None:
    config = compiler.load_config()
    assert (
        compiler.standard_input(config)["settings"]["evmVersion"] == config.settings["evmVersion"]
    )
    hardhat_config = (PROJECT_ROOT / "hardhat.config.js").read_text()
    assert 'require("./contracts/compiler.json")' in hardhat_config
    assert "...compiler.settings" in hardhat_config


def test_check_reports_a_stale_artifact(tmp_path: Path, fresh_documents: dict[Path, str]) -> None:
    path, text = next(iter(fresh_documents.items()))
    copy = tmp_path / path.name
    copy.write_text(text.replace('"bytecode": "0x', '"bytecode": "0x00', 1))
    assert compiler.check_artifacts({copy: text}) == [copy]
    assert compiler.check_artifacts({tmp_path / "missing.json": text}) == [
        tmp_path / "missing.json"
    ]
    assert compiler.write_artifacts({copy: text}) == [copy]
    assert copy.read_text() == text
    assert compiler.write_artifacts({copy: text}) == []


def test_command_line_check_fails_on_a_stale_artifact(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fresh_documents: dict[Path, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(compiler, "artifact_documents", lambda: fresh_documents)
    assert compiler.main(["--check"]) == 0
    stale = {path: text + " " for path, text in fresh_documents.items()}
    monkeypatch.setattr(compiler, "artifact_documents", lambda: stale)
    assert compiler.main(["--check"]) == 1
    assert "make artifacts" in capsys.readouterr().err


BUILD_INFO = PROJECT_ROOT / "build" / "hardhat" / "artifacts" / "build-info"
UPGRADE_SAFETY = PROJECT_ROOT / "ledger" / "chain" / "upgrade-safety.js"


@pytest.fixture(scope="module")
def hardhat_build() -> Path:
    """A clean Hardhat build of ``contracts/`` (one build info, with storage layouts)."""
    if shutil.which("npx") is None:
        pytest.skip("npx is not installed")
    for command in (["npx", "hardhat", "clean"], ["npx", "hardhat", "compile", "--quiet"]):
        subprocess.run(command, cwd=PROJECT_ROOT, check=True, capture_output=True, timeout=600)
    return PROJECT_ROOT / "build" / "hardhat" / "artifacts"


def upgrade_safety(*options: str) -> subprocess.CompletedProcess[str]:
    """OpenZeppelin's upgrade-safety check over the Hardhat build (namespaces included)."""
    return subprocess.run(
        ["node", str(UPGRADE_SAFETY), str(BUILD_INFO), *options],
        check=False,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_upgradeable_contract_is_upgrade_safe_and_keeps_its_predecessors_layout(
    hardhat_build: Path,
) -> None:
    result = upgrade_safety("--exclude", "contracts/testing/LayoutProbe.sol")
    assert result.returncode == 0, result.stdout + result.stderr
    for name in DEPLOYED_CONTRACTS:
        assert f"contracts/{name}.sol:{name}" in result.stdout
        assert f"{name}V2 (upgrades from contracts/{name}.sol:{name})" in result.stdout
    assert " 0 failed" in result.stdout


def test_the_layout_check_refuses_a_reordered_namespace_and_accepts_an_appended_field(
    hardhat_build: Path,
) -> None:
    swapped = upgrade_safety("--contract", "LayoutProbeSwapped")
    assert swapped.returncode == 1
    assert "Deleted `holder`" in swapped.stdout
    appended = upgrade_safety("--contract", "LayoutProbeAppended")
    assert appended.returncode == 0, appended.stdout + appended.stderr


def test_hardhat_builds_the_same_bytecode(
    fresh_documents: dict[Path, str], hardhat_build: Path
) -> None:
    """Hardhat (the npm solc under contracts/compiler.json) and py-solc-x produce identical
    bytecode."""
    artifacts = hardhat_build / "contracts"
    by_name = {
        json.loads(text)["contractName"]: json.loads(text) for text in fresh_documents.values()
    }
    for name in DEPLOYED_CONTRACTS:
        built = json.loads((artifacts / f"{name}.sol" / f"{name}.json").read_text())
        assert built["bytecode"] == by_name[name]["bytecode"], name
        assert built["deployedBytecode"] == by_name[name]["deployedBytecode"], name
        assert built["abi"] == by_name[name]["abi"], name
