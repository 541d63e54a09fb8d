"""Fixtures shared by every test: one real local chain (anvil) per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web3 import Web3

from ledger.chain.node import LocalNode, free_port


@pytest.fixture(scope="session")
def local_node() -> Iterator[LocalNode]:
    """An ephemeral anvil node on a free port, stopped at the end of the session."""
    node = LocalNode(port=free_port())
    node.start()
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture(scope="session")
def w3(local_node: LocalNode) -> Web3:
    """A web3 client connected to the session's local node."""
    return Web3(Web3.HTTPProvider(local_node.url, request_kwargs={"timeout": 30}))
