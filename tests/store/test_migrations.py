"""The schema comes only from the Alembic revisions, on SQLite and PostgreSQL alike."""

from __future__ import annotations

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

import ledger.store  # noqa: F401 - registers the tables
from ledger.errors import StoreError
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
