"""The schema comes only from the Alembic revisions, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

from ledger.errors import StoreError
from ledger.store import TABLE_MODULES, register_tables
from ledger.store.session import (
    MIGRATE_COMMAND,
    alembic_config,
    current_revision,
    downgrade_to,
    head_revision,
    make_engine,
    open_store,
    upgrade_to,
    upgrade_to_head,
)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


register_tables()


def test_every_table_module_is_registered() -> None:
    # A module that defines tables but is missing from TABLE_MODULES would escape Alembic's comparison.
    from ledger import store

    folder = Path(str(store.__file__)).parent
    defining = {f"ledger.store.{path.stem}" for path in folder.glob("*.py") if "table=True" in path.read_text()}
    assert defining == set(TABLE_MODULES)


def _revisions_oldest_first() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def test_empty_database_upgrades_to_head_downgrades_to_base_and_upgrades_again(
    empty_database_url: str,
) -> None:
    assert upgrade_to_head(empty_database_url) == head_revision()
    assert set(SQLModel.metadata.tables) == _tables(empty_database_url)
    downgrade_to(empty_database_url, "base")
    assert _tables(empty_database_url) == set()
    upgrade_to_head(empty_database_url)
    assert set(SQLModel.metadata.tables) == _tables(empty_database_url)


def test_the_migrated_schema_is_exactly_the_models(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == []


@pytest.mark.parametrize("start", _revisions_oldest_first())
def test_every_earlier_revision_upgrades_to_head(empty_database_url: str, start: str) -> None:
    upgrade_to(empty_database_url, start)
    engine = make_engine(empty_database_url)
    assert current_revision(engine) == start
    engine.dispose()
    upgrade_to_head(empty_database_url)
    engine = open_store(empty_database_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_a_database_not_at_head_is_refused_with_the_command_to_run(empty_database_url: str) -> None:
    with pytest.raises(StoreError, match=f"not initialised.*run `{MIGRATE_COMMAND}`"):
        open_store(empty_database_url)
    revisions = _revisions_oldest_first()
    if len(revisions) > 1:
        upgrade_to(empty_database_url, revisions[-2])
        with pytest.raises(StoreError, match=f"at revision {revisions[-2]}.*run `{MIGRATE_COMMAND}`"):
            open_store(empty_database_url)


def test_an_empty_database_is_created_on_request(empty_database_url: str) -> None:
    engine = open_store(empty_database_url, create_if_empty=True)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_an_unreachable_database_is_one_store_error() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StoreError, match="cannot reach the database"):
        current_revision(engine)
    with pytest.raises(StoreError, match="not supported"):
        make_engine("mysql://x@localhost/y")


def test_rows_written_at_the_first_revision_survive_the_upgrade(empty_database_url: str) -> None:
    from sqlalchemy import text

    upgrade_to(empty_database_url, "0001")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(text(
            "insert into chain_events (tx_hash, log_index, block_number, block_hash, block_timestamp, tx_index,"
            " contract, address, event, args) values (:h, 0, 7, :b, 1700000000, 0, 'Rights', :a,"
            " 'TransferSingle', '{}')"
        ), {"h": "0x" + "11" * 32, "b": "0x" + "22" * 32, "a": "0x" + "33" * 20})
    engine.dispose()
    upgrade_to_head(empty_database_url)
    engine = open_store(empty_database_url)
    with engine.connect() as connection:
        assert connection.execute(text("select block_number from chain_events")).scalar_one() == 7
    engine.dispose()


def test_the_alembic_command_line_reads_the_url_from_x_or_the_environment(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    alembic = Path(sys.executable).with_name("alembic")
    by_x = f"sqlite:///{tmp_path / 'by-x.db'}"
    subprocess.run([str(alembic), "-c", str(root / "alembic.ini"), "-x", f"url={by_x}", "upgrade", "head"],
                   cwd=tmp_path, check=True, capture_output=True)
    by_env = f"sqlite:///{tmp_path / 'by-env.db'}"
    subprocess.run([str(alembic), "-c", str(root / "alembic.ini"), "upgrade", "head"], cwd=tmp_path, check=True,
                   capture_output=True, env={**os.environ, "DAL_DATABASE_URL": by_env})
    for url in (by_x, by_env):
        engine = make_engine(url)
        assert current_revision(engine) == head_revision()
        engine.dispose()


def test_share_movements_and_links_survive_the_event_log_rekeying_both_ways(empty_database_url: str) -> None:
    from sqlalchemy import text

    upgrade_to(empty_database_url, "0002")
    tx, block_hash = "0x" + "aa" * 32, "0x" + "bb" * 32
    merchant, bank, zero = "0x" + "11" * 20, "0x" + "22" * 20, "0x" + "00" * 20
    batch = {"operator": merchant, "from": merchant, "to": bank, "ids": [str(5 << 2 | 1), str(5 << 2 | 2)],
             "values": ["100", "200"]}
    single = {"operator": merchant, "from": zero, "to": merchant, "id": str(5 << 2), "value": "10000"}
    submitted = {"certificateId": "5"}
    events = [  # (log_index, tx_index, event, args)
        (0, 0, "CertificateSubmitted", submitted), (1, 0, "TransferSingle", single), (4, 1, "TransferBatch", batch),
    ]
    uint = (lambda n: n) if empty_database_url.startswith("postgresql") else (lambda n: f"{n:078d}")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        for log_index, tx_index, event, args in events:
            contract = "Certificates" if event == "CertificateSubmitted" else "Rights"
            connection.execute(text(
                "insert into chain_events (tx_hash, log_index, block_number, block_hash, block_timestamp, tx_index,"
                " contract, address, event, args) values (:h, :l, 9, :b, 1700000000, :t, :c, :a, :e, :args)"
            ), {"h": tx, "l": log_index, "b": block_hash, "t": tx_index, "c": contract, "a": "0x" + "33" * 20,
                "e": event, "args": json.dumps(args)})
        connection.execute(text(
            "insert into rm_certificate_events (certificate_id, block_number, tx_index, log_index, tx_hash)"
            " values (:c, 9, 0, 0, :h)"), {"c": uint(5), "h": tx})
        for log_index, item, token, sender, recipient, shares in (
            (1, 0, 5 << 2, zero, merchant, 10000), (4, 0, 5 << 2 | 1, merchant, bank, 100),
            (4, 1, 5 << 2 | 2, merchant, bank, 200),
        ):
            connection.execute(text(
                "insert into rm_share_transfers (tx_hash, log_index, item, certificate_id, \"right\", sender,"
                " recipient, shares, operator, block_number, block_timestamp) values"
                " (:h, :l, :i, :c, :r, :s, :to, :n, :o, 9, 1700000000)"
            ), {"h": tx, "l": log_index, "i": item, "c": uint(token >> 2),
                "r": ("holding", "development", "operation")[token & 3], "s": sender, "to": recipient, "n": shares,
                "o": merchant})
        before = {
            name: sorted(tuple(row) for row in connection.execute(text(f"select * from {name}")))
            for name in ("chain_events", "rm_certificate_events", "rm_share_transfers")
        }
    engine.dispose()

    upgrade_to(empty_database_url, "0003")
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        links = sorted(tuple(row) for row in connection.execute(text(
            "select certificate_id, block_number, log_index from rm_certificate_events")))
        assert [(int(c), b, log) for c, b, log in links] == [(5, 9, 0), (5, 9, 1), (5, 9, 4)]
        assert connection.execute(text("select count(*) from chain_events")).scalar_one() == 3
    engine.dispose()

    downgrade_to(empty_database_url, "0002")
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        after = {
            name: sorted(tuple(row) for row in connection.execute(text(f"select * from {name}")))
            for name in before
        }
    engine.dispose()
    assert after == before


def test_the_books_revision_seeds_the_chart_and_leaves_earlier_rows_both_ways(empty_database_url: str) -> None:
    from sqlalchemy import text

    from ledger.books.accounts import CHART

    upgrade_to(empty_database_url, "0003")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(text("insert into catalog_entries (id, created_at) values (41, '2026-01-01 00:00:00')"))
    engine.dispose()
    upgrade_to(empty_database_url, "0004")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        assert connection.execute(text("select count(*) from book_accounts")).scalar_one() == len(CHART)
        connection.execute(text(
            "insert into book_cards (id, entity, name, asset_class, acquisition, currency, method, serves_customers,"
            " created_at) values (1, '0xabc', 'port data', 'intangible', 'purchased', 'CNY', 'straight-line', false,"
            " '2026-01-01 00:00:00')"))
        connection.execute(text(
            "insert into book_entries (id, entity, voucher, entry_date, description, kind, card_id, currency,"
            " record_hash, created_at) values (1, '0xabc', 'V-1', '2026-01-05', 'purchase', 'purchase', 1, 'CNY',"
            " :h, '2026-01-05 00:00:00')"), {"h": "0x" + "ab" * 32})
        connection.execute(text(
            "insert into book_lines (entry_id, line_no, account, side, amount_minor, currency, book_amount_minor)"
            " values (1, 1, '1701.01', 'debit', 9007199254740993, 'CNY', 9007199254740993)"))
        assert connection.execute(text("select amount_minor from book_lines")).scalar_one() == 9007199254740993
        assert connection.execute(text("select id from catalog_entries")).scalar_one() == 41
    engine.dispose()
    downgrade_to(empty_database_url, "0003")
    assert not {"book_accounts", "book_cards", "book_entries", "book_lines", "book_period_closes"} & _tables(
        empty_database_url)
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        assert connection.execute(text("select id from catalog_entries")).scalar_one() == 41
    engine.dispose()
    upgrade_to_head(empty_database_url)


def test_the_card_revisions_table_comes_and_goes_with_its_revision_and_cards_stay(empty_database_url: str) -> None:
    from sqlalchemy import text

    upgrade_to(empty_database_url, "0004")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(text(
            "insert into book_cards (id, entity, name, asset_class, acquisition, currency, method, serves_customers,"
            " useful_life_months, created_at) values (1, '0xabc', 'port data', 'intangible', 'purchased', 'CNY',"
            " 'straight-line', false, 60, '2026-01-01 00:00:00')"))
    engine.dispose()
    upgrade_to(empty_database_url, "0005")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(text(
            "insert into book_card_revisions (card_id, entity, effective_month, previous_life_months,"
            " useful_life_months, previous_method, method, reason, created_at) values (1, '0xabc', '2026-07', 60, 36,"
            " 'straight-line', 'straight-line', 'review', '2026-07-01 00:00:00')"))
        assert connection.execute(text("select useful_life_months from book_card_revisions")).scalar_one() == 36
    engine.dispose()
    downgrade_to(empty_database_url, "0004")
    assert "book_card_revisions" not in _tables(empty_database_url)
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        assert connection.execute(text("select useful_life_months from book_cards")).scalar_one() == 60
    engine.dispose()


def test_the_api_access_tables_come_and_go_with_their_revision(empty_database_url: str) -> None:
    upgrade_to(empty_database_url, "0008_registration")
    assert not {"api_keys", "api_access_log"} & _tables(empty_database_url)
    upgrade_to(empty_database_url, "0009_api_access")
    assert {"api_keys", "api_access_log"} <= _tables(empty_database_url)
    downgrade_to(empty_database_url, "0008_registration")
    assert not {"api_keys", "api_access_log"} & _tables(empty_database_url)
    assert "book_card_revisions" in _tables(empty_database_url)
