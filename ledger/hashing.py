"""Canonical forms and keccak-256 hashes of off-chain records.

A record's canonical form is its JSON value serialised by the JSON
Canonicalization Scheme (RFC 8785): object keys sorted by their UTF-16 code
units, no insignificant whitespace, strings escaped minimally and written as
UTF-8, numbers in their shortest ECMAScript form. Its hash is keccak-256 of
those bytes. Anyone holding a record can recompute the hash with any JCS
implementation and any keccak-256 implementation; ``docs/canonical-form.md``
shows how, with a worked example.

The JSON value of a record is what its ``canonical_form()`` method returns;
plain mappings are taken as they are. Records carry no floating-point numbers
and no integers beyond 2**53 - 1 (larger values are written as decimal
strings), so every language reads them back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import rfc8785
from sha3 import keccak_256

from ledger.errors import ValidationError

__all__ = [
    "DOCUMENT_SCHEMA",
    "CanonicalRecord",
    "canonical_bytes",
    "canonical_value",
    "digest_of",
    "document_form",
    "keccak256",
    "record_hash",
    "to_hex",
]

#: The record type of a document record (a report or evidence file kept off chain).
DOCUMENT_SCHEMA = "dal.document/1"


def keccak256(data: bytes) -> bytes:
    """keccak-256 of ``data`` (Ethereum's hash, not the standardised SHA3-256), computed in C."""
    digest: bytes = keccak_256(data).digest()
    return digest


@runtime_checkable
class CanonicalRecord(Protocol):
    """A record that knows its own JSON value for hashing."""

    def canonical_form(self) -> Mapping[str, Any]: ...


def canonical_value(record: CanonicalRecord | Mapping[str, Any]) -> Mapping[str, Any]:
    """The JSON value that is canonicalised for ``record``."""
    if isinstance(record, CanonicalRecord):
        return record.canonical_form()
    if isinstance(record, Mapping):
        return record
    raise ValidationError(
        f"cannot hash a {type(record).__name__}: give a mapping or a record with canonical_form()"
    )


def _check_numbers(value: Any, path: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, float):
        raise ValidationError(f"{path}: floating-point numbers have no canonical form here; "
                              "use an integer in minor units or a decimal string")
    if isinstance(value, int):
        if abs(value) > 2**53 - 1:
            raise ValidationError(f"{path}: integer {value} is beyond 2**53 - 1; write it as a decimal string")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValidationError(f"{path}: object keys must be text, got {key!r}")
            _check_numbers(item, f"{path}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_numbers(item, f"{path}[{index}]")
        return
    raise ValidationError(f"{path}: {type(value).__name__} is not a JSON value")


def canonical_bytes(record: CanonicalRecord | Mapping[str, Any]) -> bytes:
    """The RFC 8785 canonical JSON of ``record``, as UTF-8 bytes."""
    value = canonical_value(record)
    _check_numbers(value, "record")
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise ValidationError(f"record has no canonical form: {exc}") from None


def record_hash(record: CanonicalRecord | Mapping[str, Any]) -> bytes:
    """keccak-256 of the canonical form: the 32 bytes put on chain."""
    return keccak256(canonical_bytes(record))


def to_hex(digest: bytes) -> str:
    """A digest as ``0x`` and lower-case hex digits (how records and the CLI show hashes)."""
    return "0x" + digest.hex()


def document_form(kind: str, digest: bytes, certificate_id: int | None) -> dict[str, Any]:
    """The JSON value of a document record: what it is, its digest, and its certificate.

    Where the document is kept is left out on purpose: moving a file to another
    archive must not change the record that was anchored. The certificate id is
    a decimal string, since ids are uint256 on chain.
    """
    return {
        "schema": DOCUMENT_SCHEMA,
        "kind": kind,
        "hash": to_hex(_check_digest(digest)),
        "certificate_id": None if certificate_id is None else str(certificate_id),
    }


def _check_digest(digest: bytes) -> bytes:
    if len(digest) != 32:
        raise ValidationError(f"a document digest must be 32 bytes, got {len(digest)}")
    return digest


_HEX_DIGEST = re.compile(r"^0x[0-9a-fA-F]{64}$")


def digest_of(value: str, *, what: str, files: bool = True) -> bytes:
    """The 32 bytes a user names for a document: a ``0x`` hash of 64 hex digits as given, or (with ``files``)
    keccak-256 of the named file's bytes. A zero hash names nothing and is refused."""
    raw = value.strip()
    if _HEX_DIGEST.match(raw):
        digest = bytes.fromhex(raw[2:])
        if digest == bytes(32):
            raise ValidationError(f"{what} must not be the zero hash; give the document's hash")
        return digest
    path = Path(raw).expanduser()
    if not files or not path.is_file():
        expected = "a 0x hash of 64 hex digits" + (" or a readable file" if files else "")
        raise ValidationError(f"{what} {value!r} is not {expected}; give the document or its keccak-256 hash")
    try:
        return keccak256(path.read_bytes())
    except OSError as exc:
        raise ValidationError(f"cannot read {what} file {path}: {exc.strerror}") from None
