"""Catalog entries load from JSON and YAML, and every problem gets one clear line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ledger.catalog import (
    CatalogEntry,
    ClassificationLevel,
    load_catalog_entry,
    parse_catalog_entry,
)
from ledger.errors import ValidationError

EXAMPLE: dict[str, Any] = {
    "name": "Shenzhen delivery tracks 2025",
    "description": "GPS tracks of delivery vehicles, one point every 10 s",
    "source": "collected from the company's own fleet",
    "scale": "3.4 billion points, 1.2 TB",
    "update_frequency": "daily",
    "format": "Parquet",
    "coverage": "Shenzhen, 2023-01 to 2025-06",
    "classification_level": "general",
    "contains_personal_data": False,
    "compliance_report": {"hash": "0x" + "ab" * 32, "reference": "legal opinion 2025-17"},
    "quality_report": None,
    "valuation": {"amount_minor": 1250000000, "currency": "CNY", "method": "cost", "date": "2025-06-30"},
}

YAML_TEXT = """\
name: Shenzhen delivery tracks 2025
description: GPS tracks of delivery vehicles, one point every 10 s
source: collected from the company's own fleet
scale: 3.4 billion points, 1.2 TB
update_frequency: daily
format: Parquet
coverage: Shenzhen, 2023-01 to 2025-06
classification_level: general
contains_personal_data: false
compliance_report:
  hash: 0xabababababababababababababababababababababababababababababababab
  reference: legal opinion 2025-17
valuation:
  amount_minor: 1250000000
  currency: CNY
  method: cost
  date: 2025-06-30
"""


def test_json_and_yaml_files_give_the_same_entry(tmp_path: Path) -> None:
    json_file = tmp_path / "entry.json"
    json_file.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    yaml_file = tmp_path / "entry.yaml"
    yaml_file.write_text(YAML_TEXT, encoding="utf-8")
    from_json = load_catalog_entry(json_file)
    assert load_catalog_entry(yaml_file) == from_json
    assert from_json.classification_level is ClassificationLevel.GENERAL
    assert from_json.compliance_report.hash == "0x" + "ab" * 32


def test_yaml_hex_digest_stays_text_not_a_number(tmp_path: Path) -> None:
    yaml_file = tmp_path / "entry.yml"
    yaml_file.write_text(YAML_TEXT.replace("0xabab", "0x0000"), encoding="utf-8")
    assert load_catalog_entry(yaml_file).compliance_report.hash.startswith("0x0000")
    assert isinstance(yaml.safe_load("h: 0x10")["h"], int)  # what plain YAML would have done


def test_every_problem_is_one_line_naming_the_field_and_the_expectation() -> None:
    bad = dict(EXAMPLE)
    bad.update(update_frequency="dayly", contains_personal_data="no", colour="red")
    bad["compliance_report"] = {"hash": "0x00aa", "reference": "x"}
    bad["valuation"] = {"amount_minor": 1.5, "currency": "rmb", "method": "cost", "date": "2025-13-01"}
    del bad["name"]
    with pytest.raises(ValidationError) as caught:
        parse_catalog_entry(bad, source="entry.json")
    lines = str(caught.value).splitlines()
    assert lines == [
        "entry.json: field 'name': missing",
        ("entry.json: field 'update_frequency': expected one of 'real-time', 'daily', 'weekly', "
        "'monthly', 'quarterly', 'yearly', 'irregular' or 'static', got 'dayly'"),
        "entry.json: field 'contains_personal_data': expected true or false, got 'no'",
        ("entry.json: field 'compliance_report.hash': expected 0x followed by 64 lower-case hex "
        "digits, got '0x00aa'"),
        ("entry.json: field 'valuation.amount_minor': expected a whole number of minor units "
        "between 0 and 9007199254740991, got 1.5"),
        ("entry.json: field 'valuation.currency': expected an ISO 4217 code of three upper-case "
        "letters, e.g. CNY, got 'rmb'"),
        "entry.json: field 'valuation.date': expected a date as YYYY-MM-DD, got '2025-13-01'",
        "entry.json: field 'colour': not a catalog field (check its spelling)",
    ]


def test_unreadable_and_malformed_files_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot read the catalog entry"):
        load_catalog_entry(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{\n  \"name\": ", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"not valid JSON at line 2"):
        load_catalog_entry(broken)
    text = tmp_path / "entry.txt"
    text.write_text("{}", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"\.json, \.yaml or \.yml"):
        load_catalog_entry(text)
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="expected a mapping of catalog fields, got list"):
        load_catalog_entry(listed)


def test_optional_reports_and_valuation_may_be_absent() -> None:
    minimal = {key: value for key, value in EXAMPLE.items() if key not in ("quality_report", "valuation")}
    entry = CatalogEntry.model_validate(minimal)
    assert entry.canonical_form()["quality_report"] is None
    assert entry.canonical_form()["valuation"] is None
