"""A record's anchor proof, the access log, and the service's own state."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlmodel import Session

from ledger.inputs import resolve_party
from ledger.jsonable import to_jsonable
from ledger.store.api_access import read_access_log
from ledger.types import Role
from oracle.api.auth import require_member
from oracle.api.backend import Caller
from oracle.api.errors import ApiError
from oracle.api.handling import answer, backend_of, page_bounds
from oracle.verification import proof_document

__all__ = ["router"]

router = APIRouter(tags=["records"])


@router.get("/api/status", summary="The service: its version, the chain's head and the read model's position")
async def status(request: Request) -> dict[str, Any]:
    def work(caller: Caller) -> dict[str, Any]:
        backend = backend_of(request)
        return {
            "service": "dal serve", "version": version("data-asset-ledger"),
            "profile": backend.ledger.profile.name, "chain_id": backend.ledger.profile.chain_id,
            "read_model": backend.read_model_status(),
            "caller": None if caller.public else {"member": caller.member, "name": caller.name,
                                                  "roles": caller.role_names},
        }

    return await answer(request, work)


@router.get("/api/anchors/proof", summary="A record's Merkle proof against the roots anchored on chain (members)")
async def anchor_proof(
    request: Request,
    hash: Annotated[str | None, Query(max_length=66, description="The record's hash, 0x and 64 hex digits.")] = None,
    record: Annotated[str | None, Query(max_length=60, description="A stored record, KIND:ID, e.g. "
                                        "catalog-version:3 (also checks it is unchanged).")] = None,
) -> dict[str, Any]:
    if (hash is None) == (record is None):
        raise ApiError(422, "ValidationError", "name exactly one record: hash=0x... or record=KIND:ID")

    def work(caller: Caller) -> dict[str, Any]:
        require_member(caller, what="an anchor proof")
        oracle = backend_of(request).oracle
        if hash is not None:
            check = oracle.verify_hash(hash)
        else:
            assert record is not None
            kind, _, number = record.partition(":")
            if not number.isdigit():
                raise ApiError(422, "ValidationError", f"record must be KIND:ID, e.g. catalog-version:3, got "
                               f"{record!r}")
            check = oracle.verify_stored(kind, int(number))
        return {"ok": check.ok, "anchored": check.anchored, "on_chain": check.on_chain,
                "unchanged": check.unchanged, **proof_document(check)}

    return await answer(request, work)


@router.get("/api/access-log", summary="Who asked what, and when (auditors)")
async def access_log(
    request: Request,
    member: Annotated[str | None, Query(max_length=64, description="Only this member's requests.")] = None,
    certificate: Annotated[int | None, Query(ge=1, description="Only requests about this certificate.")] = None,
    offset: Annotated[int, Query(description="Rows to skip (newest first).")] = 0,
    limit: Annotated[int, Query(description="Rows on this page.")] = 100,
) -> dict[str, Any]:
    offset, limit = page_bounds(request, offset, limit)

    def work(caller: Caller) -> dict[str, Any]:
        require_member(caller, Role.AUDITOR, what="the access log")
        backend = backend_of(request)
        who = resolve_party(backend.ledger, member, what="member") if member is not None else None
        backend.flush_access_log()
        with Session(backend.engine) as session:
            rows = read_access_log(session, member=who, certificate_id=certificate, offset=offset, limit=limit)
            entries = [to_jsonable(row.model_dump()) for row in rows]
        names = backend.names()
        for entry in entries:
            entry["name"] = names.get(entry["member"]) if entry["member"] else None
        return {"entries": entries, "offset": offset, "limit": limit}

    return await answer(request, work)
