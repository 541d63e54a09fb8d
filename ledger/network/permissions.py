"""Node permissioning: ``permissions_config.toml``, the allowlists every Besu node of the network reads.

Besu's local permissioning file holds two lists (Besu reads the nodes' list with
``--permissions-nodes-config-file``, the accounts' with ``--permissions-accounts-config-file``; one
file serves both)::

    accounts-allowlist=["0x627306090abab3a6e1400e9345bc60c78a8bef57"]
    nodes-allowlist=["enode://6f8a80d1...@192.168.0.10:30303"]

Only the nodes listed may connect to a node, and only the accounts listed may send transactions
through it. Every node of the network should hold the same file; a node re-reads it on
``perm_reloadPermissionsFromFile`` or at restart. Entries are checked here: an enode URL must
name a 64-byte node id in hex, an IP address or host name and a port; an account must be an
address. The file is rewritten whole and atomically, so a reader never sees half of it.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from eth_utils.address import is_address, to_checksum_address

from ledger.errors import ConfigError, ValidationError

__all__ = [
    "PERMISSIONS_FILE",
    "Allowlists",
    "allow",
    "check_account",
    "check_enode",
    "disallow",
    "read_allowlists",
    "write_allowlists",
]

PERMISSIONS_FILE = "permissions_config.toml"
_NODES_KEY = "nodes-allowlist"
_ACCOUNTS_KEY = "accounts-allowlist"
_ENODE = re.compile(
    r"^enode://(?P<id>[0-9a-fA-F]{128})@(?P<host>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):(?P<port>\d{1,5})"
    r"(?:\?discport=(?P<discport>\d{1,5}))?$"
)


def check_enode(url: str) -> str:
    """``url`` as an enode URL Besu accepts (node id in lowercase), or a :class:`ValidationError`."""
    match = _ENODE.match(url.strip())
    if match is None:
        raise ValidationError(
            f"{url!r} is not an enode URL: give enode://<128 hex digits of the node's public key>@<host>:<port>"
        )
    for name in ("port", "discport"):
        value = match.group(name)
        if value is not None and not 0 < int(value) < 65536:
            raise ValidationError(f"{url!r} has {name} {value}, outside 1-65535")
    return "enode://" + match.group("id").lower() + url.strip()[len("enode://") + 128:]


def check_account(address: str) -> str:
    """``address`` in lowercase hex (as Besu's allowlist lists it), or a :class:`ValidationError`."""
    if not is_address(address.strip()):
        raise ValidationError(f"{address!r} is not an account address: give 0x and 40 hex digits")
    return str(to_checksum_address(address.strip())).lower()


@dataclass(frozen=True)
class Allowlists:
    """The nodes and accounts a network admits."""

    nodes: tuple[str, ...]
    accounts: tuple[str, ...]

    def render(self) -> str:
        """The file's text, in Besu's format."""
        def listing(items: tuple[str, ...]) -> str:
            if not items:
                return "[]"
            return "[\n" + "".join(f'  "{item}",\n' for item in items) + "]"

        return (
            "# Besu local permissioning, shared by every node of the network (see docs/network.md).\n"
            "# Change it with `dal network allow node|account`, then reload it on each node\n"
            "# (perm_reloadPermissionsFromFile) or restart the node.\n"
            f"{_ACCOUNTS_KEY}={listing(self.accounts)}\n"
            f"{_NODES_KEY}={listing(self.nodes)}\n"
        )


def read_allowlists(path: Path) -> Allowlists:
    """The allowlists in ``path``; a malformed file or entry is a :class:`ConfigError`."""
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist: create the network with `dal network init`") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot parse {path}: {exc}; fix the TOML syntax") from None
    unknown = sorted(set(document) - {_NODES_KEY, _ACCOUNTS_KEY})
    if unknown:
        raise ConfigError(
            f"{path}: unknown key {unknown[0]!r}; the file holds only {_ACCOUNTS_KEY} and {_NODES_KEY} "
            "(Besu's older *-whitelist keys must be renamed *-allowlist)"
        )
    lists: dict[str, tuple[str, ...]] = {}
    for key, check in ((_NODES_KEY, check_enode), (_ACCOUNTS_KEY, check_account)):
        raw = document.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ConfigError(f"{path}: {key} must be a list of strings")
        try:
            lists[key] = tuple(check(item) for item in raw)
        except ValidationError as exc:
            raise ConfigError(f"{path}: {key}: {exc}") from None
    return Allowlists(nodes=lists[_NODES_KEY], accounts=lists[_ACCOUNTS_KEY])


def write_allowlists(path: Path, allowlists: Allowlists) -> None:
    """Write ``allowlists`` to ``path`` atomically (a temporary file, then a rename)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(allowlists.render())
    os.replace(temporary, path)


def allow(path: Path, *, node: str | None = None, account: str | None = None) -> tuple[Allowlists, bool]:
    """Add an enode URL or an account to the file at ``path``.

    Returns the new allowlists and whether anything changed (an entry already listed is left as it
    is). An entry is a whole enode URL, as Besu compares them: the same node at a new address is a
    new entry, and its old one stays until it is removed with :func:`disallow`.
    """
    return _change(path, node=node, account=account, add=True)


def disallow(path: Path, *, node: str | None = None, account: str | None = None) -> tuple[Allowlists, bool]:
    """Remove an enode URL or an account from the file at ``path`` (nothing changes when it is not listed)."""
    return _change(path, node=node, account=account, add=False)


def _change(path: Path, *, node: str | None, account: str | None, add: bool) -> tuple[Allowlists, bool]:
    current = read_allowlists(path)
    nodes, accounts = list(current.nodes), list(current.accounts)
    for entries, entry in ((nodes, check_enode(node) if node is not None else None),
                           (accounts, check_account(account) if account is not None else None)):
        if entry is None:
            continue
        if (entry in entries) == add:
            return current, False
        if add:
            entries.append(entry)
        else:
            entries.remove(entry)
    updated = Allowlists(nodes=tuple(nodes), accounts=tuple(accounts))
    write_allowlists(path, updated)
    return updated, True
