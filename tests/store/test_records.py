"""Off-chain records keep what they were given: uint256 exactly, catalog versions in order."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from ledger.catalog import entry_from_columns, parse_catalog_entry
from ledger.errors import NotFoundError
from ledger.hashing import record_hash
from ledger.store import (
    CatalogRecord,
    CatalogVersion,
    ChainEvent,
    DocumentCreate,
    add_catalog_version,
    add_document,
    open_store,
)
from ledger.store.catalog import CatalogVersionBase, entry_of_certificate, latest_version
from ledger.store.direct import direct_store
from ledger.store.session import make_engine, upgrade_to, upgrade_to_head

DOC = (Path(__file__).resolve().parents[2] / "docs" / "canonical-form.md").read_text(encoding="utf-8")
ENTRY = json.loads(DOC.split("<!-- worked-example-entry -->\n```json\n", 1)[1].split("```", 1)[0])


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    engine = open_store(empty_database_url, create_if_empty=True)
    yield engine
    engine.dispose()


def test_uint256_extremes_round_trip_and_sort_numerically(engine: Engine) -> None:
    values = [0, 1, 9, 10, 2**53 + 1, 2**64, 2**255, 2**256 - 1]
    with Session(engine) as session:
        for value in reversed(values):
            session.add(CatalogRecord(certificate_id=value))
        session.commit()
        stored = session.exec(select(CatalogRecord.certificate_id).order_by(CatalogRecord.certificate_id)).all()
        assert list(stored) == values
        above = session.exec(
            select(CatalogRecord.certificate_id)
            .where(CatalogRecord.certificate_id > 2**64)  # type: ignore[operator]
            .order_by(CatalogRecord.certificate_id)
        ).all()
        assert list(above) == [2**255, 2**256 - 1]


def test_a_value_outside_uint256_is_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(CatalogRecord(certificate_id=2**256))
        with pytest.raises(Exception, match="is not a uint256"):
            session.commit()


def test_catalog_versions_number_up_and_keep_the_hash_of_each(engine: Engine) -> None:
    first = parse_catalog_entry(ENTRY)
    second = parse_catalog_entry(dict(ENTRY, scale="4.1 billion points, 1.5 TB"))
    with Session(engine) as session:
        v1 = add_catalog_version(session, first, certificate_id=7)
        v2 = add_catalog_version(session, second, entry_id=v1.entry_id)
        session.commit()
        assert (v1.version, v2.version) == (1, 2)
        assert v1.record_hash == "0x" + record_hash(first).hex()
        assert v2.record_hash == "0x" + record_hash(second).hex()
        assert latest_version(session, v1.entry_id).id == v2.id
        assert session.get(CatalogVersion, v1.id).to_entry() == first  # type: ignore[union-attr]
    with Session(engine) as session, pytest.raises(NotFoundError, match="catalog entry 999"):
        add_catalog_version(session, first, entry_id=999)


def test_document_record_hash_ignores_where_it_is_kept(engine: Engine) -> None:
    base = {"kind": "compliance-report", "hash": "0x" + "cd" * 32, "certificate_id": 2**200}
    with Session(engine) as session:
        here = add_document(session, DocumentCreate(**base, location="archive A/2025/17.pdf"))
        there = add_document(session, DocumentCreate(**base, location="s3 bucket B/17.pdf"))
        session.commit()
        assert here.record_hash == there.record_hash
        assert here.certificate_id == 2**200


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 2**256 - 1), st.integers(0, 2**31 - 1))
def test_raw_event_arguments_keep_every_uint256(engine: Engine, value: int, log_index: int) -> None:
    with Session(engine) as session:
        tx_hash = "0x" + value.to_bytes(32, "big").hex()
        session.merge(
            ChainEvent(
                tx_hash=tx_hash, log_index=log_index, block_number=1, block_hash="0x" + "00" * 32,
                block_timestamp=1_700_000_000,
                tx_index=0, contract="Rights", address="0x" + "11" * 20, event="SharesTransferred",
                args=json.dumps({"amount": str(value)}),
            )
        )
        session.commit()
        row = session.get(ChainEvent, (1, log_index))
        assert row is not None and int(json.loads(row.args)["amount"]) == value


APPLICATION = {
    "schema": "dal.catalog-entry/2",
    **ENTRY,
    "valuation": {**ENTRY["valuation"], "appraiser": "Pengcheng Appraisal", "report_hash": "0x" + "ef" * 32},
    "object_type": "data-resource",
    "rights_claimed": ["holding", "development"],
    "acquisition_method": "licensed",
    "authorisation": {"hash": "0x" + "a1" * 32, "expiry": "2028-06-30"},
    "application_scenarios": ["Route planning", "Insurance pricing"],
    "scope_of_use": "Analysis only",
    "restrictions": {"regions": [], "fields": ["logistics"], "cross_border_restricted": False},
    "sample": {"kind": "schema", "hash": "0x" + "5a" * 32},
    "storage_location": "Own data centre, Shenzhen",
    "registrant_credit_code": "91350100M000100Y43",
    "contains_personal_data": True,
    "personal_information_basis": "consent",
    "third_party_review": None,
}


def test_a_certificate_keeps_versions_of_both_shapes_each_read_back_with_its_hash(engine: Engine) -> None:
    first = parse_catalog_entry(ENTRY)
    second = parse_catalog_entry(APPLICATION)
    with Session(engine) as session:
        v1 = add_catalog_version(session, first, certificate_id=8)
        v2 = add_catalog_version(session, second, entry_id=v1.entry_id)
        ids = (v1.id, v2.id)
        session.commit()
    with Session(engine) as session:
        old, new = session.get(CatalogVersion, ids[0]), session.get(CatalogVersion, ids[1])
        assert old is not None and new is not None
        assert (old.entry_schema, new.entry_schema) == ("dal.catalog-entry/1", "dal.catalog-entry/2")
        assert old.to_entry() == first and new.to_entry() == second
        assert "0x" + record_hash(old.to_entry()).hex() == old.record_hash
        assert "0x" + record_hash(new.to_entry()).hex() == new.record_hash
        assert new.rights_claimed == ["holding", "development"] and old.rights_claimed is None
        assert entry_of_certificate(session, 8, new.record_hash) == second
        assert entry_of_certificate(session, 8, old.record_hash) == first
        assert entry_of_certificate(session, 9, old.record_hash) is None


def test_a_version_written_before_the_second_shape_reads_as_it_was_after_the_upgrade(
    empty_database_url: str,
) -> None:
    entry = parse_catalog_entry(ENTRY)
    upgrade_to(empty_database_url, "0005")
    old = make_engine(empty_database_url)
    columns = CatalogVersionBase.fields_of(entry)
    kept = {key: value for key, value in columns.items() if key in _COLUMNS_0005}
    with old.begin() as connection:
        connection.execute(text("INSERT INTO catalog_entries (id, certificate_id, created_at) "
                                "VALUES (1, '5', CURRENT_TIMESTAMP)"))
        names = ", ".join(kept)
        values = ", ".join(f":{key}" for key in kept)
        connection.execute(
            text(f"INSERT INTO catalog_versions (entry_id, version, record_hash, created_at, {names}) "
                 f"VALUES (1, 1, :record_hash, CURRENT_TIMESTAMP, {values})"),
            {**kept, "record_hash": "0x" + record_hash(entry).hex()},
        )
    old.dispose()
    upgrade_to_head(empty_database_url)
    engine = open_store(empty_database_url)
    try:
        with Session(engine) as session:
            version = session.exec(select(CatalogVersion)).one()
            assert version.entry_schema == "dal.catalog-entry/1"
            assert version.to_entry() == entry
            assert "0x" + record_hash(version.to_entry()).hex() == version.record_hash
    finally:
        engine.dispose()


_COLUMNS_0005 = frozenset({
    "name", "description", "source", "scale", "update_frequency", "format", "coverage", "classification_level",
    "contains_personal_data", "compliance_report_hash", "compliance_report_reference", "quality_report_hash",
    "quality_report_reference", "valuation_amount_minor", "valuation_currency", "valuation_method", "valuation_date",
})


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    scenarios=st.lists(_TEXT, min_size=1, max_size=4, unique=True),
    regions=st.lists(_TEXT, max_size=3, unique=True),
    rights=st.lists(st.sampled_from(["holding", "development", "operation"]), min_size=1, max_size=3, unique=True),
    product=st.sampled_from([None, "dataset", "api", "report", "model", "index"]),
    expiry=st.one_of(st.none(), st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))),
)
def test_any_second_shape_entry_reads_back_from_the_store_with_its_hash(
    engine: Engine, scenarios: list[str], regions: list[str], rights: list[str], product: str | None,
    expiry: dt.date | None,
) -> None:
    entry = parse_catalog_entry({
        **APPLICATION, "application_scenarios": scenarios, "rights_claimed": rights,
        "restrictions": {"regions": regions, "fields": [], "cross_border_restricted": True},
        "object_type": "data-product" if product else "data-resource", "product_form": product,
        "authorisation": {"hash": "0x" + "a1" * 32, "expiry": expiry.isoformat() if expiry else None},
    })
    with Session(engine) as session:
        version = add_catalog_version(session, entry)
        session.commit()
        stored = version.id
    with Session(engine) as session:
        read = session.get(CatalogVersion, stored)
        assert read is not None
        assert read.to_entry() == entry
        assert "0x" + record_hash(read.to_entry()).hex() == read.record_hash
    # The same row through the database's driver alone, as a verification reads it (SQLite gives its booleans,
    # dates and lists as 0/1, ISO text and JSON text).
    (row,) = direct_store(engine.url.render_as_string(hide_password=False)).rows(
        "SELECT * FROM catalog_versions WHERE id = ?", (stored,))
    assert entry_from_columns(row) == entry
