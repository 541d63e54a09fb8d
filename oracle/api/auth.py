"""Who is asking, and what they may see.

A request carries its member's API key as ``Authorization: Bearer <key>`` or
``X-API-Key: <key>`` (programs), or in the ``dal_key`` cookie set by the
pages' sign-in form (browsers). The key is looked up by its SHA-256 in the
store; its member's roles are read from the chain (the Consortium contract),
so a member suspended or given another role on chain sees accordingly within
two seconds, with no key reissued (a revoked key is refused within two seconds too).

- no key: the public notice only (:data:`PUBLIC_FACTS`);
- a bank: verification answers, and its own positions (the pledges it holds);
- a merchant: its own certificates and positions;
- an auditor: everything, the access log included.

A key the server does not know, or a revoked one, is refused with 401; a
suspended member's key with 403.
"""

from __future__ import annotations

from collections.abc import Mapping

from ledger.types import MemberStatus, Role
from oracle.api.backend import Backend, Caller
from oracle.api.errors import ApiError

__all__ = ["COOKIE", "PUBLIC_FACTS", "caller_of", "require_member", "secret_of"]

#: The cookie that carries a browser's key after it signs in.
COOKIE = "dal_key"

#: What anyone sees of a certificate: what an exchange's notice board shows.
PUBLIC_FACTS = ("certificate", "number", "registrar", "registrar_name", "status", "catalog_hash",
                "notice_deadline", "expiry", "objection_window_open")

_BEARER = "bearer "


def secret_of(headers: Mapping[str, str], cookies: Mapping[str, str]) -> str | None:
    """The key a request carries, if any."""
    authorization = headers.get("authorization")
    if authorization is not None:
        if not authorization.lower().startswith(_BEARER):
            raise ApiError(401, "Unauthorized", "the Authorization header must be `Bearer <API key>`",
                           {"WWW-Authenticate": "Bearer"})
        return authorization[len(_BEARER):].strip()
    given = headers.get("x-api-key") or cookies.get(COOKIE)
    return given.strip() if given else None


def caller_of(backend: Backend, secret: str | None) -> Caller:
    """The caller a key names (the public without one)."""
    if secret is None:
        return Caller.anonymous()
    key = backend.find_key(secret)
    if key is None or not key.active:
        why = "was revoked" if key is not None else "is not known to this server"
        raise ApiError(401, "Unauthorized", f"the API key {why}; ask the operator for a key "
                       "(`dal serve keys new --member NAME`)", {"WWW-Authenticate": "Bearer"})
    roles, status = backend.member_roles(key.member)
    if key.roles is not None:
        roles &= Role(key.roles)
    name = backend.names().get(key.member)
    who = f"{name} ({key.member})" if name else key.member
    if status is not MemberStatus.ACTIVE:
        state = "suspended" if status is MemberStatus.SUSPENDED else "not a member of the consortium"
        raise ApiError(403, "Forbidden", f"{who} is {state}, so its keys see nothing until it is active again")
    return Caller(member=key.member, name=name, roles=roles, key_id=key.id)


def require_member(caller: Caller, *roles: Role, what: str) -> None:
    """Refuse the public (401) and members with none of ``roles`` (403)."""
    if caller.public:
        raise ApiError(401, "Unauthorized", f"{what} needs an API key: send `Authorization: Bearer <key>`",
                       {"WWW-Authenticate": "Bearer"})
    if roles and not any(caller.has(role) for role in roles):
        wanted = " or ".join(role.name.lower() for role in roles if role.name)
        have = ", ".join(caller.role_names) or "no role"
        raise ApiError(403, "Forbidden", f"{what} is for a {wanted} member; {caller.name or caller.member} is "
                       f"{have}")
