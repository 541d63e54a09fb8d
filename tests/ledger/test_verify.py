"""The bank's verification: genuine, in force, who holds what, licences and pledges in priority order, pinned
to one block, and checkable against that block's state root without trusting the node."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from eth_utils.crypto import keccak
from sqlalchemy import delete
from sqlmodel import Session, select

from ledger.catalog import parse_catalog_entry
from ledger.context import LedgerContext
from ledger.errors import NotFoundError
from ledger.hashing import record_hash
from ledger.licences import grant_licence
from ledger.pledges import record_pledge, sign_consent
from ledger.reader import ChainReader, RecordedCall
from ledger.rights import transfer_shares
from ledger.store import CatalogVersion, add_catalog_version, make_engine, upgrade_to_head
from ledger.store.events import ChainEvent
from ledger.store.schema import head_revision
from ledger.store.session import downgrade_to
from ledger.verify import (
    ProofError,
    header_hash,
    prove_reads,
    verify_account_proof,
    verify_certificate,
)
from oracle.service import Oracle
from tests.finance.support import (  # noqa: F401 - fixtures
    CATALOG,
    DAY,
    YEAR,
    FinanceChain,
    advance,
    block_number,
    chain_fixture,
    finance_chain_fixture,
    issue_certificate,
    issued_certificate,
    ledger_fixture,
    now,
)


def _pledge(ledger: LedgerContext, certificate_id: int, shares: int, bank: str, *, maturity_in: int = YEAR) -> int:
    consent = sign_consent(
        ledger, certificate_id, "holding", shares, bank, "1000000.00", "CNY", now(ledger) + maturity_in,
        as_="merchant-a",
    )
    return record_pledge(ledger, consent, as_=bank).pledge.pledge_id


def test_a_fresh_certificate_is_lendable_and_the_answer_names_its_block(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    answer = verify_certificate(ledger, certificate_id)
    assert (answer.genuine, answer.in_force, answer.lendable, answer.status) == (True, True, True, "issued")
    assert answer.number is not None and answer.number.startswith("SZDEX-T-")
    assert answer.registrar == ledger.address_of("registrar") and answer.registrar_active
    header = ledger.w3.eth.get_block(answer.block_number)
    assert answer.block_hash == "0x" + bytes(header["hash"]).hex()
    assert answer.state_root == "0x" + bytes(header["stateRoot"]).hex()
    summary = answer.summary()
    assert summary["answer"] == "lendable"
    assert summary["block"]["number"] == answer.block_number
    assert [item["total_shares"] for item in summary["rights"]] == [10_000, 10_000, 10_000]
    assert summary["catalog_check"]["status"] == "not stored"


def test_the_answer_lists_holders_licences_and_pledges_in_priority_order(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    transfer_shares(ledger, certificate_id, "operation", "merchant-c", 4000, as_="merchant-a")
    grant_licence(
        ledger, certificate_id, "development", "merchant-b", "0x" + "ab" * 32, end=now(ledger) + YEAR,
        exclusive=True, as_="merchant-a",
    )
    first = _pledge(ledger, certificate_id, 6000, "bank")
    second = _pledge(ledger, certificate_id, 3000, "bank-b")
    answer = verify_certificate(ledger, certificate_id)
    pledges = answer.binding_pledges()
    assert [(p.pledge_id, p.rank, p.pledgee, p.shares) for p in pledges] == [
        (first, 1, ledger.address_of("bank"), 6000),
        (second, 2, ledger.address_of("bank-b"), 3000),
    ]
    (licence,) = answer.binding_licences()
    assert (licence.licensee, licence.exclusive, licence.state) == (ledger.address_of("merchant-b"), True, "live")
    operation = {h.name: h.shares for h in answer.rights.rights[2].holdings}
    assert operation == {"merchant-a": 6000, "merchant-c": 4000}
    holding = answer.rights.rights[0].holdings[0]
    assert (holding.pledged, holding.transferable) == (9000, 1000)
    rows = answer.summary()["pledges"]
    assert [(row["rank"], row["amount"], row["currency"]) for row in rows] == [(1, "1000000.00", "CNY")] * 1 + [
        (2, "1000000.00", "CNY")
    ]


def test_an_expired_certificate_is_not_in_force(ledger: LedgerContext) -> None:
    certificate_id = issue_certificate(ledger, expiry_in=10 * DAY)
    advance(ledger, 11 * DAY)
    answer = verify_certificate(ledger, certificate_id)
    assert (answer.genuine, answer.in_force, answer.lendable) == (True, False, False)


def test_a_suspended_registrar_makes_the_certificate_doubtful(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    ledger.send("Consortium", "suspendMember", ledger.address_of("registrar"), b"\x02" * 32, as_="admin")
    answer = verify_certificate(ledger, certificate_id)
    assert not answer.genuine and not answer.lendable
    assert answer.problems == [
        f"its registrar registrar ({ledger.address_of('registrar')}) is not an active REGISTRAR member"
    ]


def test_an_application_never_issued_is_not_genuine(ledger: LedgerContext) -> None:
    receipt = ledger.send("Certificates", "submit", ledger.address_of("registrar"), (keccak(text="x"), 7, 0),
                          as_="merchant-a")
    certificate_id = int(ledger.contract("Certificates").events.CertificateSubmitted().process_receipt(receipt)[0]["args"]["certificateId"])
    answer = verify_certificate(ledger, certificate_id)
    assert answer.problems == [f"certificate {certificate_id} was never issued: it is submitted"]


def test_an_unknown_certificate_is_not_found(ledger: LedgerContext) -> None:
    with pytest.raises(NotFoundError, match="certificate 777 does not exist"):
        verify_certificate(ledger, 777)


def test_an_answer_at_an_earlier_block_describes_that_block(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    before = block_number(ledger)
    _pledge(ledger, certificate_id, 6000, "bank")
    then = verify_certificate(ledger, certificate_id, block=before)
    assert then.block_number == before and then.pledges == []


# --- the off-chain catalog entry --------------------------------------------------------------------------


def _store(ledger: LedgerContext, certificate_id: int) -> CatalogVersion:
    entry = parse_catalog_entry(CATALOG)
    upgrade_to_head(ledger.profile.database_url)
    engine = make_engine(ledger.profile.database_url)
    with Session(engine) as session:
        version = add_catalog_version(session, entry, certificate_id=certificate_id)
        session.commit()
        session.refresh(version)
    engine.dispose()
    return version


def test_the_stored_catalog_entry_must_hash_to_the_on_chain_hash(ledger: LedgerContext) -> None:
    entry = parse_catalog_entry(CATALOG)
    certificate_id = issue_certificate(ledger, catalog_hash=record_hash(entry))
    version = _store(ledger, certificate_id)
    try:
        answer = verify_certificate(ledger, certificate_id)
        assert (answer.catalog.status, answer.catalog.stored_version, answer.genuine) == ("matches", 1, True)
        # Someone edits the stored row: its fields no longer hash to what was put on chain.
        engine = make_engine(ledger.profile.database_url)
        with Session(engine) as session:
            row = session.exec(select(CatalogVersion).where(CatalogVersion.id == version.id)).one()
            row.scale = "2 billion records"
            session.add(row)
            session.commit()
        engine.dispose()
        answer = verify_certificate(ledger, certificate_id)
        assert answer.catalog.status == "differs" and not answer.genuine
        assert "was edited after it was written" in answer.catalog.detail
    finally:
        (ledger.profile.home / "ledger.db").unlink()


def test_a_store_behind_the_schema_is_not_read_and_the_chain_still_answers(ledger: LedgerContext) -> None:
    entry = parse_catalog_entry(CATALOG)
    certificate_id = issue_certificate(ledger, catalog_hash=record_hash(entry))
    _store(ledger, certificate_id)
    downgrade_to(ledger.profile.database_url, "0009_api_access")
    try:
        answer = verify_certificate(ledger, certificate_id)
        assert answer.catalog.status == "not checked"
        assert answer.catalog.detail == (
            "the off-chain store cannot be read: the database is at revision 0009_api_access, this ledger needs "
            f"revision {head_revision()}: run `dal oracle migrate`"
        )
        assert answer.genuine and answer.events_source.startswith("chain logs")
    finally:
        (ledger.profile.home / "ledger.db").unlink()


def test_a_catalog_entry_that_is_not_the_one_on_chain_is_reported(ledger: LedgerContext) -> None:
    certificate_id = issue_certificate(ledger, catalog_hash=keccak(text="another entry"))
    _store(ledger, certificate_id)
    try:
        answer = verify_certificate(ledger, certificate_id)
        assert answer.catalog.status == "differs"
        assert answer.catalog.detail.startswith(f"the on-chain catalog hash is 0x{keccak(text='another entry').hex()}")
    finally:
        (ledger.profile.home / "ledger.db").unlink()


# --- where the events behind the answer are read ---------------------------------------------------------


def _with_store(chain: FinanceChain, database_url: str) -> LedgerContext:
    """A context whose off-chain store is this test's own database."""
    return LedgerContext(replace(chain.profile, database_url=database_url), env=chain.env)


def _answer(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary without what depends on the store rather than the chain: the events' source, the catalog check."""
    block = {key: value for key, value in summary["block"].items() if key != "events_from"}
    return {**summary, "block": block, "catalog_check": None}


def test_the_answer_reads_events_from_the_read_model_up_to_its_cursor_and_the_logs_after_it(
    chain: FinanceChain, empty_database_url: str
) -> None:
    ledger = _with_store(chain, empty_database_url)
    certificate_id = issued_certificate(ledger)
    transfer_shares(ledger, certificate_id, "operation", "merchant-c", 4000, as_="merchant-a")
    grant_licence(ledger, certificate_id, "development", "merchant-b", "0x" + "ab" * 32, end=now(ledger) + YEAR,
                  as_="merchant-a")
    _pledge(ledger, certificate_id, 6000, "bank")
    from_logs = verify_certificate(ledger, certificate_id)
    assert from_logs.events_source in ("chain logs (no read model)", "chain logs (read model not readable)")

    cursor = Oracle(ledger).sync().cursor
    from_model = verify_certificate(ledger, certificate_id)
    assert from_model.events_source == "read model (0 blocks behind the head)"
    assert _answer(from_model.summary()) == _answer(from_logs.summary())
    assert from_model.summary()["block"]["events_from"] == "read model (0 blocks behind the head)"

    later = _pledge(ledger, certificate_id, 3000, "bank-b")
    both = verify_certificate(ledger, certificate_id)
    assert both.events_source == f"read model to block {cursor}, chain logs for the 1 block after it"
    assert [pledge.pledge_id for pledge in both.binding_pledges()][-1] == later
    assert both.lendable, both.problems

    then = verify_certificate(ledger, certificate_id, block=cursor)
    assert then.events_source == "read model (1 block behind the head)"
    assert _answer(then.summary()) == _answer(verify_certificate(ledger, certificate_id, block=cursor).summary())
    assert later not in [pledge.pledge_id for pledge in then.pledges]


def test_a_read_model_missing_events_cannot_hide_a_pledge_or_a_licence_from_the_bank(
    chain: FinanceChain, tmp_path: Path
) -> None:
    ledger = _with_store(chain, f"sqlite:///{tmp_path / 'store.db'}")
    certificate_id = issued_certificate(ledger)
    granted = grant_licence(ledger, certificate_id, "development", "merchant-b", "0x" + "ab" * 32,
                            end=now(ledger) + YEAR, as_="merchant-a").licence.licence_id
    pledge_id = _pledge(ledger, certificate_id, 6000, "bank")
    Oracle(ledger).sync()
    engine = make_engine(ledger.profile.database_url)
    with engine.begin() as connection:
        connection.execute(delete(ChainEvent.__table__).where(  # type: ignore[attr-defined]
            ChainEvent.event.in_(["PledgeRecorded", "LicenceGranted"])))  # type: ignore[attr-defined]
    engine.dispose()
    answer = verify_certificate(ledger, certificate_id)
    assert pledge_id not in [pledge.pledge_id for pledge in answer.pledges]
    source = "read model (0 blocks behind the head)"
    assert answer.problems == [
        (f"merchant-a ({ledger.address_of('merchant-a')}) has 6000 shares of the holding right pledged, but the "
         f"active pledges found in the events ({source}) lock 0"),
    ]
    # The licence is found in state, with its terms hash, whatever the events say.
    (licence,) = answer.licences
    assert (licence.licence_id, licence.terms_hash) == (granted, "0x" + "ab" * 32)
    assert not answer.lendable


def test_a_read_model_of_a_chain_that_changed_under_it_is_not_used(chain: FinanceChain, tmp_path: Path) -> None:
    ledger = _with_store(chain, f"sqlite:///{tmp_path / 'store.db'}")
    certificate_id = issued_certificate(ledger)
    snapshot = ledger.w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    _pledge(ledger, certificate_id, 6000, "bank")
    Oracle(ledger).sync()
    ledger.w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
    advance(ledger, DAY)  # another block at the cursor's height: the read model names a block gone
    answer = verify_certificate(ledger, certificate_id)
    assert answer.events_source == "chain logs (read model on another chain)"
    assert answer.pledges == [] and answer.lendable


# --- the proof ------------------------------------------------------------------------------------------------


def test_the_answer_is_proven_against_the_blocks_state_root(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    transfer_shares(ledger, certificate_id, "holding", "merchant-b", 2500, as_="merchant-a")
    _pledge(ledger, certificate_id, 5000, "bank")
    answer = verify_certificate(ledger, certificate_id, proof=True)
    assert answer.proof is not None
    assert answer.proof.verified, answer.proof.failure
    assert answer.proof.header_verified
    assert set(answer.proof.accounts.values()) >= {"Certificates", "Rights", "Pledges", "Consortium"}
    assert answer.proof.calls == answer.reads and answer.proof.slots > 0
    assert answer.lendable


def test_an_answer_at_an_earlier_block_is_proven_against_that_blocks_root(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    before = block_number(ledger)
    _pledge(ledger, certificate_id, 5000, "bank")
    then = verify_certificate(ledger, certificate_id, block=before, proof=True)
    assert then.proof is not None and then.proof.verified, then.proof and then.proof.failure
    assert then.pledges == [] and then.proof.block_number == before


def test_a_node_that_lies_about_a_read_is_caught(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    reader = ChainReader(ledger)
    reader.call("Rights", "sharesOf", certificate_id, 0, ledger.address_of("merchant-a"))
    # The node "said" 9999 shares instead of 10000.
    reader.calls[0] = replace(reader.calls[0], output=(9999).to_bytes(32, "big"))
    report = prove_reads(ledger, reader)
    assert not report.verified
    assert report.failure == "Rights.sharesOf returns something else on the proven state than the node said"


def test_a_forged_account_proof_is_refused(ledger: LedgerContext) -> None:
    rights = ledger.contract("Rights").address
    header = ledger.w3.eth.get_block("latest")
    proof = ledger.w3.provider.make_request("eth_getProof", [rights, [], hex(header["number"])])["result"]  # type: ignore[arg-type]
    state_root = bytes(header["stateRoot"])
    account = verify_account_proof(state_root, rights, proof["accountProof"])
    assert "0x" + account.code_hash.hex() == proof["codeHash"]
    with pytest.raises(ProofError, match="does not lead to the root"):
        verify_account_proof(b"\x01" * 32, rights, proof["accountProof"])


def test_the_header_hashes_to_the_block_hash(ledger: LedgerContext) -> None:
    raw = ledger.w3.provider.make_request("eth_getBlockByNumber", ["latest", False])["result"]  # type: ignore[arg-type]
    assert "0x" + header_hash(raw).hex() == raw["hash"]
    assert "0x" + header_hash({**raw, "timestamp": hex(int(raw["timestamp"], 16) + 1)}).hex() != raw["hash"]


def test_slots_the_node_does_not_point_to_are_found_and_proven_anyway(
    ledger: LedgerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger import verify

    certificate_id = issued_certificate(ledger)
    transfer_shares(ledger, certificate_id, "holding", "merchant-b", 2500, as_="merchant-a")
    rights = ledger.contract("Rights").address
    hinted = verify._Prover.hinted

    def forgetful(self: verify._Prover, call: RecordedCall) -> dict[str, set[int]]:
        wanted = hinted(self, call)
        return {address: (set() if address == rights else keys) for address, keys in wanted.items()}

    # A node whose access lists leave out every slot of the Rights contract: the local run reads those slots
    # anyway, they are proven in a second round, and the answer holds.
    monkeypatch.setattr(verify._Prover, "hinted", forgetful)
    answer = verify_certificate(ledger, certificate_id, proof=True)
    assert answer.proof is not None and answer.proof.verified, answer.proof and answer.proof.failure
    assert answer.proof.rounds > 1


def test_a_node_that_hides_the_state_cannot_make_an_answer_pass(
    ledger: LedgerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger import verify

    certificate_id = issued_certificate(ledger)
    _pledge(ledger, certificate_id, 5000, "bank")
    # No slot hinted at all: reads that revert on the empty local state cannot show what they would have read,
    # so the proof fails; it never passes on state it did not prove.
    monkeypatch.setattr(verify._Prover, "hinted", lambda self, call: {call.address: set()})
    answer = verify_certificate(ledger, certificate_id, proof=True)
    assert answer.proof is not None and not answer.proof.verified
    assert answer.proof.failure is not None and answer.proof.failure.endswith("than the node said")
    assert not answer.lendable


def test_a_qbft_block_is_named_by_its_header_without_seals_and_round() -> None:
    import rlp

    validators = [bytes.fromhex("aa" * 20), bytes.fromhex("bb" * 20)]

    def extra(round_number: int, seals: list[bytes]) -> str:
        return "0x" + rlp.encode([bytes(32), validators, [], round_number, seals]).hex()

    header = {
        "parentHash": "0x" + "01" * 32, "sha3Uncles": "0x" + "02" * 32, "miner": "0x" + "03" * 20,
        "stateRoot": "0x" + "04" * 32, "transactionsRoot": "0x" + "05" * 32, "receiptsRoot": "0x" + "06" * 32,
        "logsBloom": "0x" + "00" * 256, "difficulty": "0x1", "number": "0x2a", "gasLimit": "0x1c9c380",
        "gasUsed": "0x0", "timestamp": "0x6553f100", "extraData": extra(0, []), "mixHash": "0x" + "63" * 32,
        "nonce": "0x0000000000000000", "baseFeePerGas": "0x0",
    }
    named = header_hash(header)  # the form a validator hashes before sealing: round 0, no seals
    sealed = {**header, "extraData": extra(3, [b"\x11" * 65, b"\x22" * 65])}
    assert header_hash(sealed, qbft=True) == named
    assert header_hash(sealed) != named
    other_validators = {**sealed, "extraData": "0x" + rlp.encode([bytes(32), validators[:1], [], 3, []]).hex()}
    assert header_hash(other_validators, qbft=True) != named
