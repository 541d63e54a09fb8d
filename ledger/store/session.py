"""Opening the off-chain database, and keeping its schema at the current revision.

SQLite is the default (a file in the data directory), opened with write-ahead
logging, foreign keys on and durable commits (``synchronous=FULL``: a commit is
on disk when it returns); PostgreSQL is reached with a
``postgresql+psycopg://`` URL. The schema is created and changed only by the
Alembic revisions in ``migrations/``: :func:`upgrade_to_head` runs them, and
:func:`open_store` refuses a database that is not at the newest revision, so
code never runs against a schema it does not know.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from ledger.errors import StoreError
from ledger.store.schema import (
    MIGRATE_COMMAND,
    head_revision,
    migrations_dir,
    not_at_head,
    unsupported_database,
)

if TYPE_CHECKING:
    # Alembic is imported where it is used: it loads Mako and Pygments' lexers (about 0.3 s), which a
    # question that only reads the store does not need.
    from alembic.config import Config

__all__ = [
    "MIGRATE_COMMAND",
    "alembic_config",
    "current_revision",
    "downgrade_to",
    "head_revision",
    "make_engine",
    "migrations_dir",
    "open_store",
    "upgrade_to",
    "upgrade_to_head",
]


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")  # durable commits; the indexer relaxes its own (oracle.locking)
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's directory is created if needed."""
    try:
        parsed = make_url(url)
    except SQLAlchemyError as exc:
        raise StoreError(f"database URL {url!r} is not valid: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise unsupported_database(parsed.get_backend_name())


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for the ledger's migrations (and ``url`` if given)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot reach the database: {_reason(exc)}") from None


def _reason(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def _run(url: str, action: str, revision: str) -> None:
    from alembic import command

    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            getattr(command, action)(config, revision)
    except SQLAlchemyError as exc:
        raise StoreError(f"migrating the database failed: {_reason(exc)}") from None
    finally:
        engine.dispose()


def upgrade_to_head(url: str) -> str:
    """Bring the database at ``url`` to the newest revision; returns it."""
    _run(url, "upgrade", "head")
    return head_revision()


def upgrade_to(url: str, revision: str) -> None:
    """Upgrade the database at ``url`` to ``revision``."""
    _run(url, "upgrade", revision)


def downgrade_to(url: str, revision: str) -> None:
    """Downgrade the database at ``url`` to ``revision`` (``base`` empties it)."""
    _run(url, "downgrade", revision)


def open_store(url: str, *, create_if_empty: bool = False) -> Engine:
    """An engine on a database that is at the newest revision.

    An empty database is created when ``create_if_empty`` is set (there is
    nothing in it to migrate); a database at an older revision is refused with a
    :class:`StoreError` that says to run :data:`MIGRATE_COMMAND`.
    """
    engine = make_engine(url)
    revision = _stored_revision(engine)
    head = head_revision()
    if revision == head:
        return engine
    if revision is None and create_if_empty and not _has_tables(engine):
        engine.dispose()
        upgrade_to_head(url)
        return make_engine(url)
    engine.dispose()
    raise not_at_head(revision, head)


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


def _stored_revision(engine: Engine) -> str | None:
    """The revision the database is at, read with one plain query (Alembic's own check costs ~10 ms more)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return current_revision(engine)  # no version table yet, or a failure Alembic's check words better
    return str(rows[0][0]) if len(rows) == 1 else current_revision(engine)
