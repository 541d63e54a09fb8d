"""`dal anchor`: check an off-chain record against the Merkle roots on chain, or export its proof."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.state import current
from ledger.catalog import load_catalog_entry
from ledger.errors import ValidationError
from ledger.hashing import record_hash
from oracle.service import Oracle
from oracle.verification import RecordCheck, proof_document

__all__ = ["NOT_VERIFIED_EXIT_CODE", "app"]

#: The exit code of `dal anchor verify` when the record is not on chain or changed (1 stays for errors).
NOT_VERIFIED_EXIT_CODE = 3

app = typer.Typer(help="Anchored records: check one against the chain, or export its proof.",
                  no_args_is_help=True)

EntryFile = Annotated[
    Path | None, typer.Argument(help="A catalog entry file (.json/.yaml); its hash is checked.", show_default=False)
]
HashOption = Annotated[str | None, typer.Option("--hash", help="A record hash (0x and 64 hex digits).")]
RecordOption = Annotated[
    str | None,
    typer.Option("--record", metavar="KIND:ID",
                 help="A stored record, e.g. catalog-version:3, document:7 or accounting-entry:12 (also checks it is unchanged)."),
]


def _check(oracle: Oracle, entry: Path | None, hash_: str | None, record: str | None) -> RecordCheck:
    given = [x for x in (entry, hash_, record) if x is not None]
    if len(given) != 1:
        raise ValidationError("name exactly one record: a catalog entry FILE, --hash 0x..., or --record KIND:ID")
    if entry is not None:
        return oracle.verify_hash("0x" + record_hash(load_catalog_entry(entry)).hex())
    if hash_ is not None:
        return oracle.verify_hash(hash_)
    assert record is not None
    kind, _, number = record.partition(":")
    if not number.isdigit():
        raise ValidationError(f"--record must be KIND:ID, e.g. catalog-version:3, got {record!r}")
    return oracle.verify_stored(kind, int(number))


def _answer(check: RecordCheck) -> dict[str, Any]:
    verdict = (
        "anchored and unchanged" if check.ok
        else "changed since it was anchored" if check.unchanged is False
        else "not anchored" if not check.anchored
        else "proof does not match the root" if not check.proof_valid
        else "root not on chain"
    )
    return {
        "verdict": verdict, "record_hash": check.record_hash, "kind": check.kind, "record_id": check.record_id,
        "root": check.root, "anchored_at": check.anchored_at or None, "proof_valid": check.proof_valid,
        "on_chain": check.on_chain, "unchanged": check.unchanged, "current_hash": check.current_hash,
        "ok": check.ok,
    }


@app.command()
def verify(
    entry: EntryFile = None,
    hash_: HashOption = None,
    record: RecordOption = None,
    proof: Annotated[
        Path | None,
        typer.Option("--proof", help="A proof file from `dal anchor proof`: checked against the chain only."),
    ] = None,
) -> None:
    """Check that a record is anchored on chain and unchanged; exits with code 3 when it is not."""
    state = current()
    oracle = Oracle(state.ledger())
    if proof is not None:
        try:
            document = json.loads(proof.read_text(encoding="utf-8"))
            check = oracle.verify_proof(document["record_hash"], document["root"], document["proof"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValidationError(f"{proof}: not a proof file from `dal anchor proof` ({exc})") from None
        if entry is not None or hash_ is not None:
            expected = hash_ or "0x" + record_hash(load_catalog_entry(entry)).hex()  # type: ignore[arg-type]
            if expected.lower() != check.record_hash:
                raise ValidationError(f"{proof} proves record {check.record_hash}, not {expected}")
    else:
        check = _check(oracle, entry, hash_, record)
    state.out.record(_answer(check), title="anchored record")
    if not check.ok:
        raise typer.Exit(NOT_VERIFIED_EXIT_CODE)


@app.command("proof")
def export_proof(entry: EntryFile = None, hash_: HashOption = None, record: RecordOption = None) -> None:
    """Print a record's proof as JSON, for checking it later without the store (`dal anchor verify --proof`)."""
    state = current()
    check = _check(Oracle(state.ledger()), entry, hash_, record)
    document = proof_document(check)
    state.out.record(document, title="proof")
