from web3 import Web3

from ledger.chain.node import LocalNode, rpc_ready


def test_local_node_answers_json_rpc(local_node: LocalNode, w3: Web3) -> None:
    assert rpc_ready(local_node.url)
    assert w3.eth.chain_id == local_node.chain_id
