"""Alembic environment of the ledger's off-chain database.

The URL comes from, in order: a connection handed over by the ledger
(``ledger.store.session``), ``-x url=...``, ``sqlalchemy.url`` set on the
configuration, ``DAL_DATABASE_URL``, then the active ledger profile. SQLite
migrations run in batch mode, since SQLite alters tables by copying them.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

from ledger.store import register_tables
from ledger.store.session import make_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

register_tables()
target_metadata = SQLModel.metadata


def _database_url() -> str:
    from_x = context.get_x_argument(as_dictionary=True).get("url")
    if from_x:
        return from_x
    configured = config.get_main_option("sqlalchemy.url")
    if configured:
        return configured
    from_env = os.environ.get("DAL_DATABASE_URL", "").strip()
    if from_env:
        return from_env
    from ledger.config import load_profile

    return load_profile().database_url


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Write the SQL of the migrations instead of running it (``alembic upgrade --sql``)."""
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    handed_over = config.attributes.get("connection")
    if handed_over is not None:
        _run(handed_over)
        return
    engine = make_engine(_database_url())
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
