"""`dal serve`: the HTTP API and web pages, and the API keys of members."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.output import table_time
from cli.state import current

__all__ = ["app"]

app = typer.Typer(
    help="Serve the ledger's answers over HTTP (read-only JSON API and web pages); issue and revoke API keys.",
)
keys = typer.Typer(help="Members' API keys: issue one (shown once), list them, revoke one.", no_args_is_help=True)
app.add_typer(keys, name="keys")


@app.callback(invoke_without_command=True)
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="The address to listen on; keep 127.0.0.1 behind a reverse "
                                      "proxy with TLS (docs/deploy.md).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port to listen on.")] = 8080,
    timeout: Annotated[float, typer.Option("--timeout", min=0.5, max=600, metavar="SECONDS",
                                           help="Answer 503 to a request not done in this time.")] = 20.0,
    max_page: Annotated[int, typer.Option("--max-page", min=1, max=10_000, help="The largest page of a "
                                          "listing (the limit parameter).")] = 200,
    sync: Annotated[bool, typer.Option("--sync/--no-sync", help="Keep the read model in step with the chain "
                                       "from this process (--no-sync when `dal oracle run` does it).")] = True,
) -> None:
    """Run the HTTP service on HOST:PORT with the profile's chain and database until Ctrl-C: the JSON API
    under /api (OpenAPI at /openapi.json, docs at /docs) and the pages at /."""
    if ctx.invoked_subcommand is not None:
        return
    # Imported when the service starts: the web stack is for this command only.
    import uvicorn

    from oracle.api.app import create_app
    from oracle.api.backend import Backend, ServeSettings

    state = current()
    backend = Backend(state.ledger(), ServeSettings(request_timeout=timeout, max_page=max_page, sync=sync))
    application = create_app(backend)
    where = f"http://{host}:{port}"
    if host not in ("127.0.0.1", "localhost", "::1"):
        state.out.note(f"listening on {host}: put a reverse proxy with TLS in front (docs/deploy.md)")
    state.out.note(f"serving {state.profile().name} at {where} (API docs at {where}/docs); Ctrl-C stops")
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False,
                timeout_keep_alive=30, timeout_graceful_shutdown=10, server_header=False)


def _key_row(key: Any, names: dict[str, str]) -> dict[str, Any]:
    from ledger.types import Role

    return {
        "id": key.id,
        "prefix": f"dal_{key.prefix}...",
        "member": key.member,
        "name": names.get(key.member),
        "roles": "all of the member's" if key.roles is None else ", ".join(Role(key.roles).names),
        "label": key.label,
        "created": table_time(key.created_at) if not current().json else key.created_at,
        "revoked": (table_time(key.revoked_at) if not current().json else key.revoked_at)
        if key.revoked_at else None,
    }


@keys.command("new")
def new(
    member: Annotated[str, typer.Option("--member", metavar="NAME", help="The member the key is for: an "
                                        "account name or 0x address.")],
    role: Annotated[list[str] | None, typer.Option("--role", metavar="ROLE", help="Act only with this role "
                                                   "of the member's (repeat for several; default: all of "
                                                   "them, as they stand on chain when the key is used).")] = None,
    label: Annotated[str | None, typer.Option("--label", help="A note for the key's listing (who holds it, "
                                              "where it is used).")] = None,
) -> None:
    """Issue an API key to MEMBER and show it once; only its SHA-256 is stored."""
    from sqlmodel import Session

    from ledger.certificates import catalog_store
    from ledger.errors import ValidationError
    from ledger.inputs import resolve_party
    from ledger.members import parse_roles
    from ledger.parties import party_names
    from ledger.store.api_access import issue_key
    from ledger.types import MemberStatus, Role

    state = current()
    ledger = state.ledger()
    address = resolve_party(ledger, member, what="member")
    record = ledger.member(address)
    if record.status is not MemberStatus.ACTIVE:
        raise ValidationError(f"{member} is not an active member of the consortium; admit or reinstate it first")
    mask: int | None = None
    if role:
        mask = parse_roles(role)
        missing = Role(mask) & ~Role(int(record.roles))
        if missing:
            raise ValidationError(f"{member} does not have the role {', '.join(missing.names)} on chain; it has "
                                  f"{', '.join(Role(int(record.roles)).names) or 'none'}")
    with Session(catalog_store(ledger), expire_on_commit=False) as session:
        issued = issue_key(session, address, roles=mask, label=label)
        session.commit()
    row = _key_row(issued.key, party_names(ledger))
    state.out.note("the key is shown once: keep it in the client's secret store; only its hash is kept here")
    state.out.record({**row, "key": issued.secret}, title="API key issued")


@keys.command("list")
def list_(
    member: Annotated[str | None, typer.Option("--member", metavar="NAME", help="Only this member's keys.")] = None,
) -> None:
    """List the API keys (never the secrets): id, member, roles, when issued and revoked."""
    from sqlmodel import Session

    from ledger.certificates import catalog_store
    from ledger.inputs import resolve_party
    from ledger.parties import party_names
    from ledger.store.api_access import list_keys

    state = current()
    ledger = state.ledger()
    address = resolve_party(ledger, member, what="member") if member is not None else None
    with Session(catalog_store(ledger)) as session:
        found = list_keys(session, address)
    names = party_names(ledger) if found else {}
    state.out.records([_key_row(key, names) for key in found],
                      columns=["id", "prefix", "member", "name", "roles", "label", "created", "revoked"],
                      title="API keys", empty="no API key issued yet (`dal serve keys new --member NAME`)")


@keys.command("revoke")
def revoke(key_id: Annotated[int, typer.Argument(metavar="ID", help="The key's id (see `dal serve keys list`).")]
           ) -> None:
    """Revoke API key ID: from now on the server refuses it (401)."""
    from sqlmodel import Session

    from ledger.certificates import catalog_store
    from ledger.parties import party_names
    from ledger.store.api_access import revoke_key

    state = current()
    ledger = state.ledger()
    with Session(catalog_store(ledger), expire_on_commit=False) as session:
        key = revoke_key(session, key_id)
        session.commit()
    state.out.record(_key_row(key, party_names(ledger)), title="API key revoked")
