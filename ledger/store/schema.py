"""The schema's revisions: where the Alembic environment is, and which revision this ledger needs.

Kept apart from :mod:`ledger.store.session` so that a question reading the store directly
(:mod:`ledger.store.direct`) checks the revision without loading SQLAlchemy or Alembic.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Final

from ledger.errors import StoreError

__all__ = ["MIGRATE_COMMAND", "head_revision", "migrations_dir", "not_at_head", "unsupported_database"]

#: What a user runs to bring the database to the current schema.
MIGRATE_COMMAND: Final = "dal oracle migrate"

# Where the Alembic environment is: ``ledger/migrations`` in an installed package, ``migrations/`` at the top
# of a source tree (pyproject.toml ships the one as the other).
_MIGRATIONS: Final = (
    Path(__file__).resolve().parents[1] / "migrations",
    Path(__file__).resolve().parents[2] / "migrations",
)


def migrations_dir() -> Path:
    """The Alembic environment shipped with the ledger."""
    for path in _MIGRATIONS:
        if (path / "env.py").exists():
            return path
    raise StoreError(f"the database migrations are missing (expected {_MIGRATIONS[0]} or {_MIGRATIONS[1]}); reinstall the ledger")


@functools.cache
def head_revision() -> str:
    """The newest revision of the schema (read once: the migrations ship with the code).

    Read from the revision files' ``revision`` and ``down_revision`` lines when they form one line of
    revisions, as they do here; Alembic reads any other layout (branches, merges).
    """
    head = _single_head(migrations_dir() / "versions")
    if head is not None:
        return head
    from alembic.script import ScriptDirectory

    from ledger.store.session import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StoreError("the database migrations have no revision; reinstall the ledger")
    return head


_REVISION = re.compile(r"^revision\s*(?::[^=\n]*)?=\s*['\"]([^'\"]+)['\"]\s*$", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=\n]*)?=\s*(?:None|['\"]([^'\"]+)['\"])\s*$", re.MULTILINE)


def _single_head(versions: Path) -> str | None:
    """The one head of the revision files in ``versions``, if each names its revision and at most one parent
    plainly and they form one line; else ``None``."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(source), _DOWN_REVISION.findall(source)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.add(revision[0])
        if down[0]:
            parents.add(down[0])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def unsupported_database(backend: str) -> StoreError:
    """The refusal of a database the schema is not written for (``backend``: the URL's database name)."""
    return StoreError(
        f"database {backend!r} is not supported; use sqlite:///<file> or postgresql+psycopg://<user>@<host>/<db>"
    )


def not_at_head(revision: str | None, head: str) -> StoreError:
    """The refusal of a database at ``revision`` (``None``: not initialised) by a ledger that needs ``head``."""
    where = f"at revision {revision}" if revision else "not initialised"
    return StoreError(f"the database is {where}, this ledger needs revision {head}: run `{MIGRATE_COMMAND}`")
