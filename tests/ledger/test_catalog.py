"""Catalog entries load from JSON and YAML, and every problem gets one clear line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml

from ledger.catalog import (
    CatalogEntry,
    CatalogEntryV2,
    ClaimedRight,
    ClassificationLevel,
    authorisation_expiry,
    claimed_rights,
    load_catalog_entry,
    parse_catalog_entry,
)
from ledger.errors import ValidationError
from ledger.hashing import record_hash
from ledger.types import Right

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


# --- dal.catalog-entry/2: what an application carries ----------------------------------------------

APPLICATION: dict[str, Any] = {
    "schema": "dal.catalog-entry/2",
    **EXAMPLE,
    "valuation": {**EXAMPLE["valuation"], "appraiser": "Pengcheng Appraisal", "report_hash": "0x" + "ef" * 32},
    "object_type": "data-product",
    "product_form": "api",
    "rights_claimed": ["operation", "holding"],
    "acquisition_method": "collected",
    "authorisation": None,
    "application_scenarios": ["Delivery-route planning"],
    "scope_of_use": "Licensed logistics companies, analysis only",
    "restrictions": {"regions": ["Guangdong"], "fields": [], "cross_border_restricted": True},
    "sample": {"kind": "sample", "hash": "0x" + "5a" * 32},
    "storage_location": "Own data centre, Shenzhen",
    "registrant_credit_code": "91350100M000100Y43",
    "personal_information_basis": None,
    "third_party_review": {"reviewer": "Shenzhen Data Compliance Law Firm",
                           "reviewer_credit_code": "31440000MD0123456L", "date": "2025-05-20",
                           "conclusion": "passed-with-conditions"},
}


def test_a_second_shape_entry_carries_the_application_in_its_canonical_form() -> None:
    entry = parse_catalog_entry(APPLICATION)
    assert isinstance(entry, CatalogEntryV2)
    form = entry.canonical_form()
    assert form["schema"] == "dal.catalog-entry/2"
    assert form["rights_claimed"] == ["holding", "operation"]  # in the order of the rights, whatever was typed
    assert form["valuation"]["appraiser"] == "Pengcheng Appraisal"
    assert form["restrictions"] == {"regions": ["Guangdong"], "fields": [], "cross_border_restricted": True}
    assert form["third_party_review"]["date"] == "2025-05-20"
    assert set(form) == {"schema", *CatalogEntryV2.model_fields}
    # Without `schema`, the fields only /2 has make it /2; the hash is the same either way.
    untagged = {key: value for key, value in APPLICATION.items() if key != "schema"}
    assert record_hash(parse_catalog_entry(untagged)) == record_hash(entry)


def test_a_first_shape_entry_reads_and_hashes_as_before() -> None:
    entry = parse_catalog_entry(EXAMPLE)
    assert type(entry) is CatalogEntry
    assert entry.canonical_form()["schema"] == "dal.catalog-entry/1"
    tagged = parse_catalog_entry({"schema": "dal.catalog-entry/1", **EXAMPLE})
    assert record_hash(tagged) == record_hash(entry)
    assert record_hash(parse_catalog_entry(APPLICATION)) != record_hash(entry)


def test_every_problem_of_an_application_is_one_line_the_cross_field_rules_included() -> None:
    bad = {**APPLICATION, "object_type": "data-product", "product_form": None, "rights_claimed": [],
           "acquisition_method": "purchased", "contains_personal_data": True,
           "registrant_credit_code": "91350100M000100Y44", "sample": {"kind": "photo", "hash": "0x" + "5a" * 32},
           "valuation": dict(EXAMPLE["valuation"])}
    with pytest.raises(ValidationError) as caught:
        parse_catalog_entry(bad, source="app.yaml")
    assert str(caught.value).splitlines() == [
        "app.yaml: field 'valuation.appraiser': missing",
        "app.yaml: field 'valuation.report_hash': missing",
        ("app.yaml: field 'rights_claimed': expected a list of one or more of holding, development and operation, "
        "got []"),
        "app.yaml: field 'sample.kind': expected one of 'sample' or 'schema', got 'photo'",
        ("app.yaml: field 'registrant_credit_code': 91350100M000100Y44 is not a valid unified social credit code: "
        "its check character is '4', the first 17 characters give '3'; check for a typo"),
        "app.yaml: field 'product_form': required for a data product: one of dataset, api, report, model, index",
        ("app.yaml: field 'personal_information_basis': required when contains_personal_data is true: the legal "
        "basis (PIPL art. 13), one of consent, contract-or-employment, legal-duty, public-health-emergency, "
        "news-and-supervision, already-disclosed, other-law"),
        ("app.yaml: field 'authorisation': required when acquisition_method is purchased: the hash of the "
        "authorisation document and its expiry (null if it does not end)"),
    ]


def test_a_resource_has_no_product_form_and_an_entry_without_personal_data_no_legal_basis() -> None:
    bad = {**APPLICATION, "object_type": "data-resource", "personal_information_basis": "consent",
           "rights_claimed": ["holding", "holding"], "registrant_credit_code": "91350100m000100y43"}
    with pytest.raises(ValidationError) as caught:
        parse_catalog_entry(bad, source="app.json")
    assert str(caught.value).splitlines() == [
        "app.json: field 'rights_claimed': a right is listed twice; list each right once",
        "app.json: field 'registrant_credit_code': write the code as 91350100M000100Y43: capitals, no spaces",
        ("app.json: field 'product_form': a data resource has no product form; remove it, or set object_type: "
        "data-product"),
        ("app.json: field 'personal_information_basis': only for an entry with personal information; remove it, or "
        "set contains_personal_data: true"),
    ]
    resource = parse_catalog_entry({**APPLICATION, "object_type": "data-resource", "product_form": None})
    assert resource.canonical_form()["product_form"] is None


def test_core_data_is_refused_at_validation_naming_the_rule_in_either_shape() -> None:
    for data in (EXAMPLE, APPLICATION):
        with pytest.raises(ValidationError) as caught:
            parse_catalog_entry({**data, "classification_level": "core"}, source="core.json")
        assert str(caught.value) == (
            "core.json: field 'classification_level': national core data cannot be registered (rule: data "
            "classified core is refused at validation; Data Security Law art. 21); only important or general "
            "data can be"
        )


def test_an_unknown_schema_is_named() -> None:
    with pytest.raises(ValidationError, match=r"field 'schema': expected dal.catalog-entry/1 or "
                                              r"dal.catalog-entry/2, got 'dal.catalog-entry/9'"):
        parse_catalog_entry({**APPLICATION, "schema": "dal.catalog-entry/9"})


def test_the_cross_field_rules_hold_for_an_entry_built_in_code_too() -> None:
    fields = {key: value for key, value in APPLICATION.items() if key != "schema"}
    with pytest.raises(pydantic.ValidationError, match="product_form: required for a data product"):
        CatalogEntryV2.model_validate({**fields, "product_form": None})


def test_the_rights_claimed_and_the_authorisation_end_as_the_ledger_reads_them() -> None:
    application = parse_catalog_entry({**APPLICATION, "acquisition_method": "licensed",
                                       "authorisation": {"hash": "0x" + "a1" * 32, "expiry": "2028-06-30"}})
    assert claimed_rights(application) == (Right.HOLDING, Right.OPERATION)
    assert authorisation_expiry(application) == dt.date(2028, 6, 30)
    first = parse_catalog_entry(EXAMPLE)
    assert claimed_rights(first) == (Right.HOLDING, Right.DEVELOPMENT, Right.OPERATION)
    assert authorisation_expiry(first) is None


def test_the_rights_an_entry_claims_are_named_as_the_ledger_names_them() -> None:
    assert [claimed.value for claimed in ClaimedRight] == [right.label for right in Right]
