"""One engine per database for the questions a process asks, its schema still checked at every use."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from ledger.errors import StoreError
from ledger.store.session import (
    MIGRATE_COMMAND,
    _single_head,
    alembic_config,
    close_shared_stores,
    downgrade_to,
    head_revision,
    migrations_dir,
    shared_store,
    upgrade_to_head,
)


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


def test_a_shared_store_is_one_engine_until_closed(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url)
    engine = shared_store(empty_database_url)
    assert shared_store(empty_database_url) is engine
    close_shared_stores()
    assert shared_store(empty_database_url) is not engine


def test_a_shared_store_refuses_a_database_behind_the_newest_revision(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url)
    shared_store(empty_database_url)
    downgrade_to(empty_database_url, "base")
    with pytest.raises(StoreError) as refused:
        shared_store(empty_database_url)
    assert str(refused.value) == (
        f"the database is not initialised, this ledger needs revision {head_revision()}: run `{MIGRATE_COMMAND}`"
    )
