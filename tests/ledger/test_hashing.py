"""The canonical form is RFC 8785 JSON and its keccak-256 can be recomputed without this code."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.catalog import parse_catalog_entry
from ledger.errors import ValidationError
from ledger.hashing import canonical_bytes, document_form, record_hash, to_hex

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "canonical-form.md").read_text(encoding="utf-8")


def _worked_example() -> dict[str, Any]:
    """The entry of the worked example, read from the document itself."""
    block = DOC.split("<!-- worked-example-entry -->\n```json\n", 1)[1].split("```", 1)[0]
    entry: dict[str, Any] = json.loads(block)
    return entry


WORKED_EXAMPLE = _worked_example()
WORKED_EXAMPLE_HASH = "0x1b2ea07a8260cb4844491118c0a5c451a2db87f4716a396c39227796da73346c"

#: The independent recomputation given in docs/canonical-form.md (Node, no ledger code).
_NODE_RECOMPUTE = """
const { keccak256 } = require("ethereum-cryptography/keccak");
const { utf8ToBytes, bytesToHex } = require("ethereum-cryptography/utils");
const canon = (v) => v === null || typeof v !== "object" ? JSON.stringify(v)
  : Array.isArray(v) ? "[" + v.map(canon).join(",") + "]"
  : "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + canon(v[k])).join(",") + "}";
const entry = { schema: "dal.catalog-entry/1", ...JSON.parse(process.argv[1]) };
console.log("0x" + bytesToHex(keccak256(utf8ToBytes(canon(entry)))));
"""


def _node_hash(entry: dict[str, Any]) -> str:
    completed = subprocess.run(
        ["node", "-e", _NODE_RECOMPUTE, json.dumps(entry, ensure_ascii=False)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return completed.stdout.strip()


def test_worked_example_hash_is_the_documented_one() -> None:
    entry = parse_catalog_entry(WORKED_EXAMPLE)
    assert to_hex(record_hash(entry)) == WORKED_EXAMPLE_HASH
    assert WORKED_EXAMPLE_HASH in DOC
    assert canonical_bytes(entry).decode() in DOC
    assert f"{len(canonical_bytes(entry))} bytes" in DOC


def test_an_independent_implementation_recomputes_the_hash() -> None:
    assert _node_hash(WORKED_EXAMPLE) == WORKED_EXAMPLE_HASH


def test_canonical_bytes_sort_keys_and_drop_whitespace() -> None:
    assert canonical_bytes({"b": [1, "é", None, True], "a": {"y": 1, "x": 2}}) == (
        '{"a":{"x":2,"y":1},"b":[1,"é",null,true]}'.encode()
    )


def test_key_order_and_spelling_of_input_do_not_change_the_hash() -> None:
    reordered = dict(reversed(list(WORKED_EXAMPLE.items())))
    assert record_hash(parse_catalog_entry(reordered)) == record_hash(parse_catalog_entry(WORKED_EXAMPLE))


def test_every_field_change_changes_the_hash() -> None:
    base = record_hash(parse_catalog_entry(WORKED_EXAMPLE))
    changed = dict(WORKED_EXAMPLE, contains_personal_data=True)
    assert record_hash(parse_catalog_entry(changed)) != base
    valuation = dict(WORKED_EXAMPLE["valuation"])
    valuation["amount_minor"] += 1
    assert record_hash(parse_catalog_entry(dict(WORKED_EXAMPLE, valuation=valuation))) != base
    assert record_hash(parse_catalog_entry(dict(WORKED_EXAMPLE, name="深圳配送轨迹 2025 "))) != base


def test_floats_and_unsafe_integers_are_refused_with_the_path() -> None:
    with pytest.raises(ValidationError, match=r"record\.price: floating-point"):
        canonical_bytes({"price": 1.5})
    with pytest.raises(ValidationError, match=r"record\.ids\[1\]: integer .* beyond 2\*\*53 - 1"):
        canonical_bytes({"ids": [1, 2**53]})
    with pytest.raises(ValidationError, match="cannot hash a int"):
        canonical_bytes(7)  # type: ignore[arg-type]


def test_document_record_form_leaves_out_where_it_is_kept() -> None:
    form = document_form("compliance-report", b"\x01" * 32, 2**200)
    assert form == {
        "schema": "dal.document/1",
        "kind": "compliance-report",
        "hash": "0x" + "01" * 32,
        "certificate_id": str(2**200),
    }
    with pytest.raises(ValidationError, match="32 bytes"):
        document_form("x", b"\x01", None)


_json_scalars = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
_json_values = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=8), _json_values, max_size=6))
def test_canonical_bytes_parse_back_to_the_same_value(value: dict[str, Any]) -> None:
    encoded = canonical_bytes(value)
    assert json.loads(encoded) == value
    assert canonical_bytes(json.loads(encoded)) == encoded


def _worked_example_v2() -> dict[str, Any]:
    block = DOC.split("<!-- worked-example-entry-v2 -->\n```json\n", 1)[1].split("```", 1)[0]
    entry: dict[str, Any] = json.loads(block)
    return entry


WORKED_EXAMPLE_V2 = _worked_example_v2()
WORKED_EXAMPLE_V2_HASH = "0x72906e134adb2567fd95bf5cd74709782e47dc3414a0a035b6bdf207053d3678"


def test_the_second_shapes_worked_example_hashes_as_documented_here_and_independently() -> None:
    entry = parse_catalog_entry(WORKED_EXAMPLE_V2)
    assert entry.canonical_form() == WORKED_EXAMPLE_V2  # written in full: the file is its canonical value
    assert to_hex(record_hash(entry)) == WORKED_EXAMPLE_V2_HASH
    assert WORKED_EXAMPLE_V2_HASH in DOC
    assert canonical_bytes(entry).decode() in DOC
    assert f"{len(canonical_bytes(entry))} bytes" in DOC
    assert _node_hash(WORKED_EXAMPLE_V2) == WORKED_EXAMPLE_V2_HASH
    # The first shape's worked example is untouched: its hash is on chain.
    assert to_hex(record_hash(parse_catalog_entry(WORKED_EXAMPLE))) == WORKED_EXAMPLE_HASH
