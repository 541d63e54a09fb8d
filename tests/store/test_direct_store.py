"""The store as a question reads it: through the database's driver, one connection per thread, the schema's
revision checked at every question."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from ledger.errors import StoreError
from ledger.store import direct
from ledger.store.direct import DirectStore, close_direct_stores, direct_store
from ledger.store.schema import MIGRATE_COMMAND, _single_head, head_revision, migrations_dir
from ledger.store.session import alembic_config, downgrade_to, upgrade_to, upgrade_to_head


def test_the_head_read_from_the_revision_files_is_alembics() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_revision_files_that_branch_are_left_to_alembic(tmp_path: Path) -> None:
    for path in (migrations_dir() / "versions").glob("*.py"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert _single_head(tmp_path) == head_revision()
    (tmp_path / "9999_branch.py").write_text("revision = '9999'\ndown_revision = '0001'\n", encoding="utf-8")
    assert _single_head(tmp_path) is None  # two heads
    (tmp_path / "9999_branch.py").write_text("revision = '9999'\ndown_revision = ('0001', '0002')\n")
    assert _single_head(tmp_path) is None  # a merge


def test_a_thread_keeps_one_connection_per_database_until_closed(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url)
    store = direct_store(empty_database_url)
    assert direct_store(empty_database_url) is store
    assert store.rows("SELECT version_num FROM alembic_version") == [{"version_num": head_revision()}]
    assert len(direct._OPEN) == 1
    other: list[DirectStore] = []
    worker = threading.Thread(target=lambda: other.append(direct_store(empty_database_url)))
    worker.start()
    worker.join()
    assert other[0] is not store and len(direct._OPEN) == 2
    close_direct_stores()
    assert direct._OPEN == []
    assert store.rows("SELECT version_num FROM alembic_version") == [{"version_num": head_revision()}]
    assert len(direct._OPEN) == 1  # made again on demand


def test_a_database_behind_the_newest_revision_is_refused_with_the_command_to_run(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url)
    direct_store(empty_database_url)
    downgrade_to(empty_database_url, "base")
    with pytest.raises(StoreError) as refused:
        direct_store(empty_database_url)
    assert str(refused.value) == (
        f"the database is not initialised, this ledger needs revision {head_revision()}: run `{MIGRATE_COMMAND}`"
    )
    upgrade_to(empty_database_url, "0009_api_access")
    with pytest.raises(StoreError, match=f"is at revision 0009_api_access, this ledger needs revision {head_revision()}"):
        direct_store(empty_database_url)


def test_a_database_that_cannot_be_reached_says_so_and_a_read_creates_no_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="^cannot reach the database: "):
        direct_store(f"sqlite:///{tmp_path}/ledger.db")
    assert not (tmp_path / "ledger.db").exists()
    with pytest.raises(StoreError, match="^cannot reach the database: "):
        direct_store(f"sqlite:///{tmp_path}/no/such/directory/ledger.db")
    with pytest.raises(StoreError, match="^cannot reach the database: "):
        direct_store("postgresql+psycopg://nobody@127.0.0.1:1/ledger")


def test_a_query_the_database_refuses_is_one_store_error(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url)
    with pytest.raises(StoreError, match="no_such_table|no such table|does not exist"):
        direct_store(empty_database_url).rows("SELECT * FROM no_such_table")


def test_a_database_of_another_kind_is_refused() -> None:
    with pytest.raises(StoreError, match="database 'mysql' is not supported; use sqlite:///<file> or postgresql"):
        direct_store("mysql://root@127.0.0.1/test")
