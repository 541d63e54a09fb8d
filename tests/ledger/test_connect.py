"""Connecting: chain id checks, proof-of-authority handling, and unreachable nodes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from web3.middleware import ExtraDataToPOAMiddleware

from ledger.chain.connect import connect
from ledger.chain.node import LocalNode, free_port, node_for
from ledger.chain.rpc import JsonRpc, RpcError
from ledger.config import Profile, load_profile
from ledger.errors import ConfigError, NodeUnavailableError


def _profile(tmp_path: Path, url: str, chain_id: int = 31337, managed: bool = False) -> Profile:
    return Profile(
        name="local" if managed else "qbft",
        home=tmp_path,
        rpc_url=url,
        chain_id=chain_id,
        database_url="sqlite:///" + str(tmp_path / "x.db"),
        managed_node=managed,
        timeout=2,
    )


def test_connect_checks_the_chain_id(local_node: LocalNode, tmp_path: Path) -> None:
    w3 = connect(_profile(tmp_path, local_node.url))
    assert w3.eth.chain_id == 31337
    with pytest.raises(ConfigError) as caught:
        connect(_profile(tmp_path, local_node.url, chain_id=1337))
    assert str(caught.value) == (
        f"the node at {local_node.url} is on chain 31337, but profile 'qbft' expects chain 1337; "
        "fix chain_id or rpc_url"
    )


def test_a_poa_profile_gets_the_extra_data_middleware(local_node: LocalNode, tmp_path: Path) -> None:
    plain = connect(_profile(tmp_path, local_node.url))
    poa = connect(replace(_profile(tmp_path, local_node.url), poa=True))
    assert ExtraDataToPOAMiddleware not in [m for m, _ in plain.middleware_onion.middleware]
    assert ExtraDataToPOAMiddleware in [m for m, _ in poa.middleware_onion.middleware]
    assert poa.eth.get_block("latest")["number"] >= 0


def test_an_unreachable_local_node_says_to_start_it(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(NodeUnavailableError) as caught:
        connect(_profile(tmp_path, url, managed=True))
    assert str(caught.value) == f"cannot reach the node at {url} (connection refused); start it with `dal chain up`"


def test_an_unreachable_remote_node_names_the_profile_setting(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(NodeUnavailableError) as caught:
        connect(_profile(tmp_path, url))
    assert str(caught.value) == (
        f"cannot reach the node at {url} (connection refused); "
        "check that the node is running and that rpc_url of profile 'qbft' is right"
    )


def test_only_the_local_profile_has_a_managed_node(tmp_path: Path) -> None:
    local = load_profile(env={"DAL_HOME": str(tmp_path), "DAL_RPC_URL": "http://127.0.0.1:8999"})
    node = node_for(local)
    assert (node.port, node.chain_id, node.data_dir) == (8999, 31337, tmp_path / "node")
    with pytest.raises(ConfigError, match="profile 'qbft' is a remote network"):
        node_for(_profile(tmp_path, "http://10.0.0.1:8545"))


def test_the_read_connection_checks_the_chain_id(local_node: LocalNode, tmp_path: Path) -> None:
    rpc = JsonRpc(_profile(tmp_path, local_node.url))
    assert int(rpc.request("eth_chainId", []), 16) == 31337
    with pytest.raises(ConfigError) as caught:
        JsonRpc(_profile(tmp_path, local_node.url, chain_id=1337))
    assert str(caught.value) == (
        f"the node at {local_node.url} is on chain 31337, but profile 'qbft' expects chain 1337; "
        "fix chain_id or rpc_url"
    )


def test_an_unreachable_node_is_one_line_for_reads_too(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(NodeUnavailableError) as caught:
        JsonRpc(_profile(tmp_path, url, managed=True))
    assert str(caught.value) == f"cannot reach the node at {url} (connection refused); start it with `dal chain up`"


def test_a_read_refused_by_the_node_keeps_its_error_and_a_batch_keeps_its_order(
    local_node: LocalNode, tmp_path: Path
) -> None:
    rpc = JsonRpc(_profile(tmp_path, local_node.url))
    with pytest.raises(RpcError) as caught:
        rpc.request("eth_noSuchMethod", [])
    assert caught.value.method == "eth_noSuchMethod" and "code" in caught.value.error
    answers = rpc.batch([("eth_chainId", []), ("eth_noSuchMethod", []), ("eth_getBlockByNumber", ["0x0", False])])
    assert answers[0]["result"] == hex(31337)
    assert "error" in answers[1]
    assert int(answers[2]["result"]["number"], 16) == 0


def test_each_thread_reads_over_its_own_session(local_node: LocalNode, tmp_path: Path) -> None:
    import threading

    rpc = JsonRpc(_profile(tmp_path, local_node.url))
    sessions: list[object] = []
    worker = threading.Thread(target=lambda: sessions.append((rpc.session, rpc.request("eth_blockNumber", []))))
    worker.start()
    worker.join()
    (other, block), mine = sessions[0], rpc.session
    assert other is not mine and mine is rpc.session
    assert int(block, 16) >= 0
