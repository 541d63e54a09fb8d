"""The validator nodes' keys: one secp256k1 key per node, in the files Besu reads.

Besu reads a node's private key from ``--node-private-key-file`` (by default ``<data-path>/key``):
a text file holding the 32-byte key as ``0x`` and 64 hex digits. The node's public key (64 bytes,
uncompressed without the ``04`` prefix) names it on the network (its enode URL); the last 20 bytes
of the keccak-256 of that public key are the node's address, the one QBFT lists among the
validators.

A key file is created with owner-only permissions (0600) and never overwritten; a key is never
printed, logged or returned in an answer, only its public half and address.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from eth_keys.constants import SECPK1_N
from eth_keys.datatypes import PrivateKey

from ledger.errors import ConfigError, ValidationError

__all__ = ["KEY_FILE", "PUBLIC_KEY_FILE", "NodeKey", "enode_url", "read_node_key", "write_node_key"]

KEY_FILE = "key"
PUBLIC_KEY_FILE = "key.pub"
_KEY_TEXT = re.compile(r"^(0x)?([0-9a-fA-F]{64})\s*$")


@dataclass(frozen=True)
class NodeKey:
    """A node's key pair; the private half is kept out of ``repr``."""

    private_key: bytes = field(repr=False)

    @classmethod
    def generate(cls) -> NodeKey:
        """A new key from the operating system's random source."""
        while True:
            candidate = secrets.token_bytes(32)
            if 0 < int.from_bytes(candidate, "big") < SECPK1_N:
                return cls(candidate)

    @property
    def public_key(self) -> bytes:
        """The 64-byte public key (x and y, no ``04`` prefix): the node's id on the network."""
        return bytes(PrivateKey(self.private_key).public_key.to_bytes())

    @property
    def address(self) -> str:
        """The node's checksummed address (what QBFT lists among the validators)."""
        return str(PrivateKey(self.private_key).public_key.to_checksum_address())

    def enode(self, host: str, port: int = 30303) -> str:
        """The node's enode URL at ``host:port``."""
        return enode_url(self.public_key, host, port)


def enode_url(public_key: bytes, host: str, port: int = 30303) -> str:
    """``enode://<public key hex>@host:port``, the form Besu's allowlists and bootnodes take."""
    return f"enode://{public_key.hex()}@{host}:{port}"


def write_node_key(directory: Path, key: NodeKey) -> Path:
    """Write ``key`` (0600) and ``key.pub`` (0644) into ``directory``; refuse to replace a key."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    except FileExistsError:
        raise ConfigError(f"{path} already exists: a node key is never overwritten; move it away first") from None
    with os.fdopen(descriptor, "w") as handle:
        handle.write("0x" + key.private_key.hex())
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)  # whatever the umask
    (directory / PUBLIC_KEY_FILE).write_text("0x" + key.public_key.hex())
    return path


def read_node_key(path: Path) -> NodeKey:
    """The key in a Besu key file; refused when others than its owner may read it."""
    try:
        mode = path.stat().st_mode
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"cannot read the node key {path}: {exc.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{path} can be read by others than its owner: run `chmod 600 {path}`")
    match = _KEY_TEXT.match(text)
    if match is None:
        raise ValidationError(f"{path} is not a Besu node key file (0x and 64 hex digits)")
    return NodeKey(bytes.fromhex(match.group(2)))
