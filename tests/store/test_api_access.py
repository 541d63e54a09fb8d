"""API keys kept as hashes, revoked for good, and the access log read back; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlmodel import Session

from ledger.errors import NotFoundError, ValidationError
from ledger.store.api_access import (
    KEY_PREFIX,
    AccessLogEntry,
    find_key,
    issue_key,
    key_digest,
    list_keys,
    read_access_log,
    revoke_key,
)
from ledger.store.session import open_store

MEMBER = "0x" + "ab" * 20
OTHER = "0x" + "cd" * 20


def test_a_key_is_stored_as_its_sha256_only_and_found_by_its_secret(empty_database_url: str) -> None:
    engine = open_store(empty_database_url, create_if_empty=True)
    with Session(engine, expire_on_commit=False) as session:
        issued = issue_key(session, MEMBER, roles=4, label="loan system")
        session.commit()
    secret = issued.secret
    assert secret.startswith(KEY_PREFIX) and len(secret) >= 40
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(text("select * from api_keys"))]
    assert len(rows) == 1 and all(secret not in str(value) for value in rows[0])
    assert key_digest(secret) in rows[0]
    with Session(engine) as session:
        found = find_key(session, secret)
        assert found is not None and (found.member, found.roles, found.label) == (MEMBER, 4, "loan system")
        assert found.prefix == secret[4:12] and found.active
        assert find_key(session, secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
        assert find_key(session, "not-a-key") is None
    engine.dispose()


def test_a_revoked_key_stays_listed_and_is_no_longer_active(empty_database_url: str) -> None:
    engine = open_store(empty_database_url, create_if_empty=True)
    with Session(engine, expire_on_commit=False) as session:
        first = issue_key(session, MEMBER)
        issue_key(session, OTHER)
        session.commit()
        assert first.key.id is not None
        revoked = revoke_key(session, first.key.id)
        when = revoked.revoked_at
        session.commit()
        again = revoke_key(session, first.key.id)
        assert again.revoked_at == when and not again.active
        with pytest.raises(NotFoundError, match="there is no API key 99"):
            revoke_key(session, 99)
        assert [key.member for key in list_keys(session)] == [MEMBER, OTHER]
        assert [key.member for key in list_keys(session, OTHER)] == [OTHER]
        found = find_key(session, first.secret)
        assert found is not None and not found.active
        with pytest.raises(ValidationError, match="at most 200"):
            issue_key(session, MEMBER, label="x" * 201)
    engine.dispose()


def test_the_access_log_is_read_newest_first_by_member_and_certificate(empty_database_url: str) -> None:
    engine = open_store(empty_database_url, create_if_empty=True)
    start = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
    with Session(engine) as session:
        for index, (member, certificate) in enumerate([(MEMBER, 1), (None, 1), (OTHER, 2), (MEMBER, 2)]):
            session.add(AccessLogEntry(time=start + dt.timedelta(seconds=index), member=member, key_id=None,
                                       method="GET", endpoint=f"/api/certificates/{certificate}",
                                       certificate_id=certificate, status=200))
        session.commit()
        assert [(row.member, row.certificate_id) for row in read_access_log(session)] == [
            (MEMBER, 2), (OTHER, 2), (None, 1), (MEMBER, 1)]
        assert [row.certificate_id for row in read_access_log(session, member=MEMBER)] == [2, 1]
        assert [row.member for row in read_access_log(session, certificate_id=1)] == [None, MEMBER]
        assert len(read_access_log(session, offset=1, limit=2)) == 2
        assert read_access_log(session)[0].time == start + dt.timedelta(seconds=3)
    engine.dispose()
