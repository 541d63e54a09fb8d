"""Access to the HTTP API (`dal serve`): members' API keys, kept only as hashes, and the access log.

An API key is a random secret shown once, when it is issued to a member
(:func:`issue_key`); the store keeps its SHA-256 digest (the secret has 256
bits of entropy, so a plain hash is enough: there is nothing to guess) and a
short public prefix by which people name the key. A key is tied to a member's
account; what it may see follows that member's roles on chain when it is used (narrowed, if the key was
issued for some of them only).
Revoking a key keeps its row, so the access log still names it.

The access log (:class:`AccessLogEntry`) has one row per answered request: who
(member and key), which endpoint, which certificate, when, and the status.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import BigInteger
from sqlmodel import Field, Session, SQLModel, col, select

from ledger.errors import NotFoundError, ValidationError
from ledger.store.types import utc_now

__all__ = [
    "KEY_PREFIX",
    "AccessLogEntry",
    "ApiKey",
    "IssuedKey",
    "find_key",
    "issue_key",
    "key_digest",
    "list_keys",
    "read_access_log",
    "revoke_key",
]

#: Every secret starts with this, so that a leaked one is recognised by secret scanners and people.
KEY_PREFIX = "dal_"
_ADDRESS = 42


def key_digest(secret: str) -> str:
    """The stored form of a secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiKey(SQLModel, table=True):
    """A member's API key: its digest, never the secret."""

    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    #: The first characters of the secret after ``dal_``, shown in listings to tell keys apart.
    prefix: str = Field(max_length=16)
    digest: str = Field(max_length=64, unique=True, index=True)
    member: str = Field(max_length=_ADDRESS, index=True)
    label: str | None = Field(default=None, max_length=200)
    #: The role bits this key acts with, a subset of the member's on-chain roles; ``None``: all of them.
    roles: int | None = Field(default=None, nullable=True)
    created_at: dt.datetime = Field(default_factory=utc_now)
    revoked_at: dt.datetime | None = Field(default=None, nullable=True)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class AccessLogEntry(SQLModel, table=True):
    """One answered API request."""

    __tablename__ = "api_access_log"

    id: int | None = Field(default=None, primary_key=True)
    time: dt.datetime = Field(index=True)
    #: The member's account, or ``None`` for a request without a key (the public notice).
    member: str | None = Field(default=None, max_length=_ADDRESS, index=True, nullable=True)
    key_id: int | None = Field(default=None, nullable=True)
    method: str = Field(max_length=10)
    endpoint: str = Field(max_length=200)
    certificate_id: int | None = Field(default=None, sa_type=BigInteger, nullable=True, index=True)
    status: int


@dataclass(frozen=True)
class IssuedKey:
    """A key just issued: its row and the secret, which is never shown again."""

    key: ApiKey
    secret: str


def issue_key(session: Session, member: str, *, roles: int | None = None, label: str | None = None) -> IssuedKey:
    """Issue a new key to ``member`` (a checksummed address), acting with ``roles`` (a mask; ``None``: every
    role the member has on chain when the key is used); the caller shows the secret once."""
    if label is not None and len(label) > 200:
        raise ValidationError("a key's label is at most 200 characters")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(prefix=secret[len(KEY_PREFIX):len(KEY_PREFIX) + 8], digest=key_digest(secret), member=member,
                 roles=roles, label=label)
    session.add(key)
    session.flush()
    return IssuedKey(key=key, secret=secret)


def find_key(session: Session, secret: str) -> ApiKey | None:
    """The key whose secret is ``secret`` (revoked or not), else ``None``."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    digest = key_digest(secret)
    key = session.exec(select(ApiKey).where(ApiKey.digest == digest)).first()
    # The lookup is by digest; compare again in constant time so that no timing tells a near miss.
    return key if key is not None and hmac.compare_digest(key.digest, digest) else None


def list_keys(session: Session, member: str | None = None) -> list[ApiKey]:
    """Every key (of ``member``, if given), oldest first."""
    query = select(ApiKey).order_by(col(ApiKey.id))
    if member is not None:
        query = query.where(ApiKey.member == member)
    return list(session.exec(query).all())


def revoke_key(session: Session, key_id: int) -> ApiKey:
    """Revoke key ``key_id`` (from then on it is refused); revoking twice keeps the first time."""
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFoundError(f"there is no API key {key_id}; see the keys with `dal serve keys list`")
    if key.revoked_at is None:
        key.revoked_at = utc_now()
        session.add(key)
        session.flush()
    return key


def read_access_log(
    session: Session,
    *,
    member: str | None = None,
    certificate_id: int | None = None,
    offset: int = 0,
    limit: int = 100,
) -> Sequence[AccessLogEntry]:
    """The access log, newest first, optionally of one member or one certificate."""
    query = select(AccessLogEntry).order_by(col(AccessLogEntry.id).desc())
    if member is not None:
        query = query.where(AccessLogEntry.member == member)
    if certificate_id is not None:
        query = query.where(AccessLogEntry.certificate_id == certificate_id)
    return session.exec(query.offset(offset).limit(limit)).all()
