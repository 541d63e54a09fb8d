"""permissions_config.toml read and written in Besu's format, held against Besu's own test files.

The files below are those of Besu's permissioning tests
(hyperledger/besu, ``ethereum/permissioning/src/test/resources/``): a multi-line nodes allowlist
(``permissioning_config_node_allowlist_only_multiline.toml``), the pre-rename keys
(``permissioning_config.toml``, ``accounts-whitelist`` and ``nodes-whitelist``), an invalid enode
(``permissioning_config_invalid_enode.toml``) and an invalid account
(``permissioning_config_invalid_account.toml``), the last two with their keys renamed to the
current ``*-allowlist``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ledger.errors import ConfigError
from ledger.network.permissions import Allowlists, allow, read_allowlists, write_allowlists

NODE = "6f8a80d14311c39f35f516fa664deaaaa13e85b2f7493f37f6144d86991ec012937307647bd3b9a82abe2974e1407241d54947bbb39763a4cac9f77166ad92a0"
MULTILINE = "# Permissioning TOML file (node allowlist only)\n\nnodes-allowlist=[\n" + "".join(
    f'"enode://{NODE}@192.168.0.{i}:4567",\n' for i in range(1, 6)
) + "]\n"
WHITELIST_KEYS = (
    '# Permissioning TOML file\n\naccounts-whitelist=["0x0000000000000000000000000000000000000009"]\n'
    f'nodes-whitelist=["enode://{NODE}@192.168.0.9:4567","enode://{NODE}@192.169.0.9:4568"]\n'
)
INVALID_ENODE = (
    '# Permissioning TOML file\n\naccounts-whitelist=["0x0000000000000000000000000000000000000009"]\n'
    'nodes-whitelist=["enode://bob@192.168.0.9:4567"]\n'
).replace("whitelist", "allowlist")
INVALID_ACCOUNT = '# Permissioning TOML file (account whitelist only)\n\naccounts-allowlist=["0xfoo"]\n'


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "permissions_config.toml"
    path.write_text(text)
    return path


def test_besus_multiline_allowlist_reads_as_five_entries_of_one_node(tmp_path: Path) -> None:
    lists = read_allowlists(_file(tmp_path, MULTILINE))
    assert lists.nodes == tuple(f"enode://{NODE}@192.168.0.{i}:4567" for i in range(1, 6))
    assert lists.accounts == ()


def test_what_we_write_reads_back_in_besus_shape(tmp_path: Path) -> None:
    path = tmp_path / "permissions_config.toml"
    lists = Allowlists(nodes=(f"enode://{NODE}@192.168.0.1:4567",),
                       accounts=("0x0000000000000000000000000000000000000009",))
    write_allowlists(path, lists)
    with path.open("rb") as handle:
        assert tomllib.load(handle) == {"accounts-allowlist": list(lists.accounts), "nodes-allowlist": list(lists.nodes)}
    assert read_allowlists(path) == lists


def test_the_old_whitelist_keys_are_refused_rather_than_dropped_on_the_next_write(tmp_path: Path) -> None:
    path = _file(tmp_path, WHITELIST_KEYS)
    with pytest.raises(ConfigError, match="unknown key 'accounts-whitelist'.*renamed \\*-allowlist"):
        allow(path, account="0x0000000000000000000000000000000000000010")
    assert path.read_text() == WHITELIST_KEYS


@pytest.mark.parametrize(
    ("text", "message"),
    [(INVALID_ENODE, "nodes-allowlist: 'enode://bob@192.168.0.9:4567' is not an enode URL"),
     (INVALID_ACCOUNT, "accounts-allowlist: '0xfoo' is not an account address")],
)
def test_an_invalid_entry_in_the_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        read_allowlists(_file(tmp_path, text))
