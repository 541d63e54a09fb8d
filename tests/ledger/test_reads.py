"""A question's reads in few round trips: contract reads in one JSON-RPC batch at the answer's block, proofs
and access lists in batches, block times in one batch, the chain id asked once per connection, and one
database connection per thread. Each test watches the HTTP requests the ledger really sends to the local node."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from ledger.audit import trace
from ledger.chain.rpc import JsonRpc
from ledger.context import LedgerContext
from ledger.errors import ContractRevertError
from ledger.pledges import record_pledge, sign_consent
from ledger.reader import ChainReader
from ledger.rights import transfer_shares
from ledger.store import direct
from ledger.store.direct import close_direct_stores
from ledger.verify import verify_certificate
from oracle.service import Oracle
from tests.finance.support import (  # noqa: F401 - fixtures
    YEAR,
    FinanceChain,
    chain_fixture,
    finance_chain_fixture,
    issued_certificate,
    ledger_fixture,
    now,
)


@dataclass
class Requests:
    """The HTTP requests sent to the node: each a list of the JSON-RPC methods it carried."""

    sent: list[list[str]] = field(default_factory=list)

    def carrying(self, method: str) -> list[list[str]]:
        return [request for request in self.sent if method in request]

    def count(self, method: str) -> int:
        return sum(request.count(method) for request in self.sent)


def _record(rpc: JsonRpc, monkeypatch: pytest.MonkeyPatch, seen: Requests) -> None:
    """Note every HTTP request ``rpc`` sends from now on (the JSON-RPC methods it carries)."""
    post = rpc.session.post

    def recording(url: Any, **kwargs: Any) -> Any:
        payload = kwargs["json"]
        seen.sent.append([item["method"] for item in payload] if isinstance(payload, list) else [payload["method"]])
        return post(url, **kwargs)

    monkeypatch.setattr(rpc.session, "post", recording)


@pytest.fixture
def watched(ledger: LedgerContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[Requests]:
    """Every HTTP request the ledger's reading connection sends from now on, single calls and batches alike."""
    seen = Requests()
    _record(ledger.rpc, monkeypatch, seen)
    yield seen


def _busy_certificate(ledger: LedgerContext) -> int:
    """The shared certificate with its holding right split and two pledges on it (several holders to read)."""
    certificate_id = issued_certificate(ledger)
    transfer_shares(ledger, certificate_id, "holding", "merchant-b", 2000, as_="merchant-a")
    for bank in ("bank", "bank-b"):
        consent = sign_consent(ledger, certificate_id, "holding", 1000, bank, "1000.00", "CNY", now(ledger) + YEAR,
                               as_="merchant-a")
        record_pledge(ledger, consent, as_=bank)
    return certificate_id


def test_a_verification_reads_contract_state_in_one_batch(ledger: LedgerContext, watched: Requests) -> None:
    certificate_id = _busy_certificate(ledger)
    watched.sent.clear()
    answer = verify_certificate(ledger, certificate_id, bank="bank")
    assert answer.reader is not None and len(answer.reader.calls) > 20
    assert watched.carrying("eth_call") == [watched.carrying("eth_call")[0]]  # one request carries them all
    assert watched.count("eth_call") >= len({(call.address, call.calldata) for call in answer.reader.calls})
    assert watched.count("eth_chainId") == 0


def test_the_batched_answer_is_the_answer_read_call_by_call(
    ledger: LedgerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate_id = _busy_certificate(ledger)
    block = int(ledger.w3.eth.block_number)
    batched = verify_certificate(ledger, certificate_id, bank="bank", block=block)
    monkeypatch.setattr(ChainReader, "prefetch", lambda self, reads: None)
    one_by_one = verify_certificate(ledger, certificate_id, bank="bank", block=block)
    assert json.dumps(batched.summary()) == json.dumps(one_by_one.summary())
    assert batched.reader is not None and one_by_one.reader is not None
    assert batched.reader.calls == one_by_one.reader.calls


def test_a_read_refused_in_the_batch_is_asked_again_and_its_error_decoded(ledger: LedgerContext) -> None:
    reader = ChainReader(ledger)
    reader.prefetch([("Certificates", "certificate", (999_999,))])
    with pytest.raises(ContractRevertError) as refused:
        reader.call("Certificates", "certificate", 999_999)
    assert refused.value.name == "CertificatesUnknownCertificate"
    assert refused.value.args_by_name == {"certificateId": 999_999}


def test_a_new_connection_asks_the_chain_id_once(chain: FinanceChain, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = chain.context()
    ledger.rpc  # noqa: B018 - connects, asking the chain id to check the profile
    seen = Requests()
    _record(ledger.rpc, monkeypatch, seen)
    for _ in range(3):
        ledger.call("Certificates", "certificateCount")
        verify_certificate(ledger, issued_certificate(ledger))
    assert seen.count("eth_call") >= 3
    assert seen.count("eth_chainId") == 0


def test_a_question_that_only_reads_makes_no_web3_client(chain: FinanceChain) -> None:
    ledger = chain.context()
    answer = verify_certificate(ledger, issued_certificate(ledger), bank="bank")
    assert answer.reader is not None and answer.reader.calls
    trace(ledger, str(answer.certificate_id))
    assert "w3" not in ledger.__dict__ and "sender" not in ledger.__dict__


def test_a_proof_asks_its_access_lists_and_each_round_of_proofs_in_one_request(
    ledger: LedgerContext, watched: Requests
) -> None:
    certificate_id = _busy_certificate(ledger)
    watched.sent.clear()
    answer = verify_certificate(ledger, certificate_id, bank="bank", proof=True)
    assert answer.proof is not None and answer.proof.verified, answer.proof and answer.proof.failure
    assert len(watched.carrying("eth_createAccessList")) == 1
    assert watched.count("eth_createAccessList") == answer.proof.calls
    assert len(watched.carrying("eth_getProof")) == answer.proof.rounds
    assert watched.count("eth_getCode") == len(answer.proof.accounts)


def test_a_trace_from_the_logs_fetches_block_times_in_one_request_at_most(
    ledger: LedgerContext, watched: Requests
) -> None:
    certificate_id = _busy_certificate(ledger)
    watched.sent.clear()
    traced = trace(ledger, str(certificate_id))
    assert traced.source.startswith("chain logs")
    assert len({event.block for event in traced.events}) > 3
    assert len(watched.carrying("eth_getBlockByNumber")) <= 1


def test_questions_share_one_database_connection_per_thread(ledger: LedgerContext) -> None:
    certificate_id = _busy_certificate(ledger)
    Oracle(ledger).sync()
    close_direct_stores()
    for _ in range(2):
        answer = verify_certificate(ledger, certificate_id, bank="bank")
        assert answer.events_source.startswith("read model")
        assert answer.catalog.detail == "the off-chain store has no catalog entry for this certificate"
        assert trace(ledger, str(certificate_id)).source.startswith("read model")
    assert len(direct._OPEN) == 1
    close_direct_stores()
    verify_certificate(ledger, certificate_id)
    assert len(direct._OPEN) == 1  # closed connections are made again on demand
    worker = threading.Thread(target=lambda: verify_certificate(ledger, certificate_id))
    worker.start()
    worker.join()
    assert len(direct._OPEN) == 2  # another thread, a connection of its own


def test_a_node_that_refuses_batches_gets_the_same_calls_one_by_one(
    ledger: LedgerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate_id = _busy_certificate(ledger)
    block = int(ledger.w3.eth.block_number)
    batched = verify_certificate(ledger, certificate_id, bank="bank", block=block, proof=True)
    refusal = {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "batch requests are disabled"}}
    post = ledger.rpc._post
    monkeypatch.setattr(ledger.rpc, "_post", lambda payload: refusal if isinstance(payload, list) else post(payload))
    one_by_one = verify_certificate(ledger, certificate_id, bank="bank", block=block, proof=True)
    assert one_by_one.proof is not None and one_by_one.proof.verified, one_by_one.proof and one_by_one.proof.failure
    assert json.dumps(batched.summary()) == json.dumps(one_by_one.summary())
