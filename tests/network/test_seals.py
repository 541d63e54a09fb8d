"""Whether a block is final without trusting the node: its commit seals against a trusted validator set.

The block is a real one of a Besu QBFT network (tests/besu_vectors.py): four validators, three seals,
which recover to three of them, a quorum of ceil(2 x 4 / 3) = 3 (Besu's
BftHelpers.calculateRequiredValidatorQuorum). The CLI reads it from a Besu-like JSON-RPC server
(tests/besu_rpc.py), the node's only part being to serve the header.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from besu_rpc import BesuLike
from besu_vectors import SEALED_HEADER, VALIDATORS_7528, as_rpc_header
from typer.testing import CliRunner

from cli.main import app
from ledger.errors import ValidationError
from ledger.network.extra_data import genesis_extra_data
from ledger.network.seals import check_seals, required_quorum, trusted_validators
from ledger.verify import header_hash

runner = CliRunner()
OUTSIDER = "0x" + "42" * 20


def _served(header: dict[str, Any]) -> dict[str, Any]:
    """The header as a node serves it: with its hash, the block's name by QBFT's rule."""
    return {**header, "hash": "0x" + header_hash(header, qbft=True).hex()}


def test_the_quorum_is_two_thirds_of_the_validators_rounded_up() -> None:
    assert [required_quorum(n) for n in range(1, 8)] == [1, 2, 2, 3, 4, 4, 5]


def test_a_real_besu_block_is_final_for_its_validators() -> None:
    checked = check_seals(_served(as_rpc_header(SEALED_HEADER)), VALIDATORS_7528)
    assert checked.final and checked.hash_matches
    assert (checked.number, checked.quorum, len(checked.signers)) == (7528, 3, 3)
    assert {s.lower() for s in checked.signers} <= set(VALIDATORS_7528)


def test_a_block_sealed_by_too_few_trusted_validators_is_not_final() -> None:
    header = _served(as_rpc_header(SEALED_HEADER))
    signer = check_seals(header, VALIDATORS_7528).signers[0]
    others = [v for v in VALIDATORS_7528 if v != signer.lower()] + [OUTSIDER]
    checked = check_seals(header, others)
    assert not checked.final
    assert (len(set(checked.trusted_signers)), checked.untrusted_signers) == (2, (signer,))


def test_a_tampered_header_is_not_final_even_under_its_own_hash() -> None:
    header = as_rpc_header(SEALED_HEADER)
    forged = _served({**header, "stateRoot": "0x" + "11" * 32})  # the node recomputes the hash to match
    checked = check_seals(forged, VALIDATORS_7528)
    assert checked.hash_matches and not checked.final
    assert checked.trusted_signers == ()


def test_a_header_that_is_not_the_block_it_names_is_not_final() -> None:
    header = {**_served(as_rpc_header(SEALED_HEADER)), "hash": "0x" + "00" * 32}
    checked = check_seals(header, VALIDATORS_7528)
    assert not checked.hash_matches and not checked.final


def test_the_genesis_and_an_empty_trusted_set_are_refused() -> None:
    header = _served(as_rpc_header(SEALED_HEADER))
    with pytest.raises(ValidationError, match="trusted validator set is empty"):
        check_seals(header, [])
    with pytest.raises(ValidationError, match="genesis block has no seals"):
        check_seals({**header, "number": "0x0"}, VALIDATORS_7528)


def test_the_trusted_set_is_read_from_network_json_a_genesis_or_a_list(tmp_path: Path) -> None:
    as_manifest = tmp_path / "network.json"
    as_manifest.write_text(json.dumps({"validators": [{"name": "v", "address": a} for a in VALIDATORS_7528]}))
    as_genesis = tmp_path / "genesis.json"
    as_genesis.write_text(json.dumps({"extraData": genesis_extra_data(VALIDATORS_7528)}))
    as_list = tmp_path / "validators.json"
    as_list.write_text(json.dumps(VALIDATORS_7528))
    for path in (as_manifest, as_genesis, as_list):
        assert [v.lower() for v in trusted_validators(path)] == VALIDATORS_7528


def _env(home: Path, url: str) -> dict[str, str]:
    home.mkdir()
    (home / "config.toml").write_text(
        f'default_profile = "consortium"\n[profiles.consortium]\nrpc_url = "{url}"\nchain_id = 2026\npoa = true\n'
    )
    return {"DAL_HOME": str(home)}


def test_seals_checks_a_served_block_against_the_trusted_set(tmp_path: Path) -> None:
    trusted = tmp_path / "validators.json"
    trusted.write_text(json.dumps(VALIDATORS_7528))
    header = _served(as_rpc_header(SEALED_HEADER))
    with BesuLike(blocks={"0x1d68": header}) as node:
        result = runner.invoke(app, ["--json", "network", "seals", "--block", "7528", "--trusted", str(trusted)],
                               env=_env(tmp_path / "h", node.url))
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["block"], answer["final"], answer["trusted_seals"], answer["quorum"]) == (7528, True, 3, 3)
    assert ("eth_getBlockByNumber", ["0x1d68", False]) in [(r["method"], r["params"]) for r in node.requests]


def test_seals_says_in_one_line_why_a_block_is_not_final(tmp_path: Path) -> None:
    trusted = tmp_path / "validators.json"
    trusted.write_text(json.dumps(VALIDATORS_7528[:1] + [OUTSIDER]))
    header = _served(as_rpc_header(SEALED_HEADER))
    with BesuLike(blocks={"latest": header}) as node:
        result = runner.invoke(app, ["--json", "network", "seals", "--trusted", str(trusted)],
                               env=_env(tmp_path / "h", node.url))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["final"] is False
    trusted_seals = json.loads(result.stdout)["trusted_seals"]
    assert result.stderr == (
        f"error: block 7528 is not shown final by the trusted validators: {trusted_seals} of its seals are "
        "from trusted validators, and it needs 2\n"
    )
