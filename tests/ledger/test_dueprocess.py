"""Due process through the library on the session's anvil: a key recovery whose scope the library computes from
the ledger's history (the chain's logs, or the read model up to its cursor) leaves the lost address holding nothing,
and the new address answers every view the lost one did; a forced transfer waits for its delay and refuses
pledged shares; the oracle indexes every step, and the audit trace says it in words from either source."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from sqlalchemy import select
from workflow_chain import (  # noqa: F401 - fixtures
    WorkflowChain,
    chain_snapshot_fixture,
    ledger_fixture,
    workflow_chain_fixture,
)

from ledger import audit, compliance, dueprocess, licences, pledges
from ledger.chain.clock import DAY, YEAR, advance_time, chain_time
from ledger.context import LedgerContext
from ledger.errors import ContractRevertError
from ledger.inputs import parse_qualification
from ledger.store.read_model import DueProcessProposal, Licence, Member, Pledge
from ledger.store.session import open_store
from ledger.types import MemberStatus, RecoveryScope, Right
from oracle.service import Oracle
from tests.contracts.contract_harness import as_me
from tests.finance.support import issue_certificate

ORDER = "0x" + "c0" * 32
REQUEST = "0x" + "e1" * 32
QUALIFICATION = "PI-PROCESSOR"


def _pledge(ledger: LedgerContext, certificate_id: int, right: str, shares: int, *, pledgor: str, pledgee: str) -> int:
    consent = pledges.sign_consent(ledger, certificate_id, right, shares, pledgee, "1000000.00", "CNY",
                                   chain_time(ledger.w3) + YEAR, as_=pledgor)
    return pledges.record_pledge(ledger, consent, as_=pledgee).pledge.pledge_id


def _licence(ledger: LedgerContext, certificate_id: int, right: str, *, grantor: str, licensee: str) -> int:
    granted = licences.grant_licence(ledger, certificate_id, right, licensee, "0x" + "7e" * 32,
                                     end=chain_time(ledger.w3) + YEAR, as_=grantor)
    return granted.licence.licence_id


def _records(ledger: LedgerContext) -> dict[str, Any]:
    """merchant-a's records: shares of two certificates (one right of the second only), one of them pledged to two
    banks; a licence it granted and one it holds; a jurisdiction and a qualification; and a certificate it
    received shares of and gave them all away. The bank is the pledgee of merchant-a's senior pledge."""
    first = issue_certificate(ledger, "merchant-a")
    second = issue_certificate(ledger, "merchant-b")
    emptied = issue_certificate(ledger, "merchant-b")
    ledger.send("Rights", "transferShares", second, int(Right.OPERATION), ledger.address_of("merchant-a"), 4_000,
                as_="merchant-b")
    ledger.send("Rights", "transferShares", emptied, int(Right.HOLDING), ledger.address_of("merchant-a"), 1_000,
                as_="merchant-b")
    ledger.send("Rights", "transferShares", emptied, int(Right.HOLDING), ledger.address_of("merchant-c"), 1_000,
                as_="merchant-a")
    senior = _pledge(ledger, first, "development", 3_000, pledgor="merchant-a", pledgee="bank")
    junior = _pledge(ledger, first, "development", 2_000, pledgor="merchant-a", pledgee="bank-b")
    granted = _licence(ledger, first, "operation", grantor="merchant-a", licensee="merchant-c")
    held = _licence(ledger, second, "development", grantor="merchant-b", licensee="merchant-a")
    compliance.set_jurisdiction(ledger, "merchant-a", "CN", as_="admin")
    compliance.grant_qualification(ledger, "merchant-a", QUALIFICATION, as_="admin")
    compliance.grant_qualification(ledger, "merchant-a", "REVOKED-LATER", as_="admin")
    compliance.grant_qualification(ledger, "merchant-a", "REVOKED-LATER", revoke=True, as_="admin")
    return {"certificates": [first, second, emptied], "licences": [granted, held], "pledges": [senior, junior]}


def _views(ledger: LedgerContext, address: str, records: dict[str, Any]) -> list[Any]:
    """Everything the suite's views answer about ``address``'s records, the address itself written as "ME"."""

    member = ledger.call("Consortium", "member", address)
    answers: list[Any] = [int(member[0]), int(member[1]), bytes(member[2]),
                          ledger.call("Compliance", "jurisdictionOf", address),
                          ledger.call("Compliance", "hasQualification", address, parse_qualification(QUALIFICATION))]
    for certificate_id in records["certificates"]:
        for right in Right:
            answers += [ledger.call("Rights", view, certificate_id, int(right), address)
                        for view in ("sharesOf", "pledgedSharesOf", "transferableSharesOf", "lastPledgeOf")]
            answers.append(ledger.call("Rights", "balanceOf", address, certificate_id * 4 + int(right)))
    answers += [as_me(ledger.call("Rights", "licence", licence_id), address) for licence_id in records["licences"]]
    answers += [as_me(ledger.call("Pledges", "pledge", pledge_id), address) for pledge_id in records["pledges"]]
    return answers


def _holds_nothing(ledger: LedgerContext, address: str, records: dict[str, Any]) -> None:
    for certificate_id in records["certificates"]:
        for right in Right:
            for view in ("sharesOf", "pledgedSharesOf", "lastPledgeOf"):
                assert ledger.call("Rights", view, certificate_id, int(right), address) == 0, (certificate_id, view)
    for licence_id in records["licences"]:
        record = ledger.call("Rights", "licence", licence_id)
        assert address not in (record[2], record[3]), licence_id
    for pledge_id in records["pledges"]:
        record = ledger.call("Pledges", "pledge", pledge_id)
        assert address not in (record[1], record[2]), pledge_id
    assert ledger.call("Compliance", "jurisdictionOf", address) == b"\0\0"
    assert not ledger.call("Compliance", "hasQualification", address, parse_qualification(QUALIFICATION))


def _execute_after_delay(ledger: LedgerContext, proposal_id: int) -> None:
    with pytest.raises(ContractRevertError) as early:
        dueprocess.execute(ledger, proposal_id, as_="admin")
    executable_at = dueprocess.proposal(ledger, proposal_id).executable_at
    assert (early.value.name, early.value.args_by_name) == (
        "DueProcessTooEarly", {"proposalId": proposal_id, "executableAt": executable_at}
    )
    assert f"proposal {proposal_id} may run from " in str(early.value)
    advance_time(ledger.w3, ledger.profile, executable_at - chain_time(ledger.w3))
    dueprocess.execute(ledger, proposal_id, as_="admin")


def _scope_of(records: dict[str, Any], *, pledges_: Iterable[int] = ()) -> RecoveryScope:
    return RecoveryScope(certificate_ids=tuple(records["certificates"]), licence_ids=tuple(records["licences"]),
                         pledge_ids=tuple(pledges_), qualifications=("0x" + parse_qualification(QUALIFICATION).hex(),))


def test_a_recovery_scope_from_history_moves_everything_and_leaves_the_lost_address_nothing(
    ledger: LedgerContext,
) -> None:
    records = _records(ledger)
    lost, new = ledger.address_of("merchant-a"), Account.create().address
    before = _views(ledger, lost, records)
    scope = dueprocess.recovery_scope(ledger, "merchant-a")
    # The emptied certificate is listed (its position is skipped on chain); pledges as pledgor follow the positions.
    assert scope == _scope_of(records)

    proposed, sent = dueprocess.propose_recovery(ledger, "merchant-a", new, document=REQUEST, as_="registrar")
    assert sent == scope
    assert dueprocess.proposal(ledger, proposed.proposal_id).executable_at == proposed.executable_at
    _execute_after_delay(ledger, proposed.proposal_id)

    assert _views(ledger, new, records) == before
    _holds_nothing(ledger, lost, records)
    assert ledger.member(lost).status is MemberStatus.RETIRED
    # The new address's history now holds what the lost one's did: a second recovery would find it all.
    # (the emptied certificate's position was skipped, so the new address never received its shares).
    first, second, _ = records["certificates"]
    assert dueprocess.recovery_scope(ledger, new) == RecoveryScope((first, second), *astuple(scope)[1:])
    left = dueprocess.recovery_scope(ledger, lost)
    assert (left.licence_ids, left.pledge_ids, left.qualifications) == ((), (), ())


def test_a_recovered_bank_takes_its_pledges_as_pledgee_from_the_read_model(ledger: LedgerContext) -> None:
    records = _records(ledger)
    Oracle(ledger).sync()
    scope = dueprocess.recovery_scope(ledger, "bank")
    assert scope == RecoveryScope((), (), (records["pledges"][0],), ())
    new = Account.create().address
    proposed, _ = dueprocess.propose_recovery(ledger, "bank", new, document=REQUEST, as_="registrar")
    _execute_after_delay(ledger, proposed.proposal_id)
    assert ledger.call("Pledges", "pledge", records["pledges"][0])[2] == new
    assert dueprocess.recovery_scope(ledger, "bank") == RecoveryScope((), (), (), ())


def test_the_scope_is_the_same_from_the_read_model_and_from_the_chain_logs(ledger: LedgerContext) -> None:
    records = _records(ledger)
    from_logs = dueprocess.recovery_scope(ledger, "merchant-a")
    Oracle(ledger).sync()
    assert dueprocess.recovery_scope(ledger, "merchant-a") == from_logs == _scope_of(records)
    # Half indexed: the qualification granted after the cursor comes from the logs.
    compliance.grant_qualification(ledger, "merchant-a", "LATE", as_="admin")
    late = "0x" + parse_qualification("LATE").hex()
    assert dueprocess.recovery_scope(ledger, "merchant-a").qualifications == tuple(sorted((*from_logs.qualifications,
                                                                                           late)))


def test_a_forced_transfer_waits_its_delay_and_refuses_pledged_shares(ledger: LedgerContext) -> None:
    certificate_id = issue_certificate(ledger, "merchant-a")
    pledge_id = _pledge(ledger, certificate_id, "holding", 6_000, pledgor="merchant-a", pledgee="bank")
    moved = dueprocess.propose_forced_transfer(ledger, certificate_id, "holding", "merchant-a", "merchant-b",
                                               percent="40", document=ORDER, as_="registrar")
    too_many = dueprocess.propose_forced_transfer(ledger, certificate_id, "holding", "merchant-a", "merchant-b",
                                                  shares=4_001, document=ORDER, as_="registrar")
    record = dueprocess.proposal(ledger, moved.proposal_id)
    assert (record.kind.key, record.status.key, record.shares, record.right) == (
        "forced_transfer", "proposed", 4_000, Right.HOLDING
    )
    proposed_at = int(ledger.w3.eth.get_block(moved.written.block)["timestamp"])
    assert record.executable_at == moved.executable_at == proposed_at + 2 * DAY
    _execute_after_delay(ledger, moved.proposal_id)
    advance_time(ledger.w3, ledger.profile, 60)  # the second proposal's delay has passed too
    assert ledger.call("Rights", "sharesOf", certificate_id, 0, ledger.address_of("merchant-b")) == 4_000

    with pytest.raises(ContractRevertError) as pledged:
        dueprocess.execute(ledger, too_many.proposal_id, as_="admin")
    assert pledged.value.name == "RightsSharesPledged"
    assert pledged.value.args_by_name["pledgeId"] == pledge_id
    assert dueprocess.proposal(ledger, too_many.proposal_id).status.key == "proposed"  # it may run once freed
    pledges.release_pledge(ledger, pledge_id, as_="bank")
    dueprocess.execute(ledger, too_many.proposal_id, as_="admin")
    assert ledger.call("Rights", "sharesOf", certificate_id, 0, ledger.address_of("merchant-b")) == 8_001


def test_the_delay_is_set_by_governance_only_and_read_by_anyone(ledger: LedgerContext) -> None:
    assert dueprocess.delay(ledger) == 2 * DAY
    with pytest.raises(ContractRevertError) as refused:
        dueprocess.set_delay(ledger, "1d", as_="registrar")
    assert (refused.value.name, refused.value.args_by_name) == (
        "DueProcessUnauthorizedGovernance", {"caller": ledger.address_of("registrar")}
    )
    dueprocess.set_delay(ledger, "12h", as_="admin")
    assert dueprocess.delay(ledger) == 12 * 3600
    dueprocess.set_delay(ledger, "0", as_="admin")
    certificate_id = issue_certificate(ledger, "merchant-a")
    at_once = dueprocess.propose_forced_transfer(ledger, certificate_id, "operation", "merchant-a", "merchant-c",
                                                 shares=10_000, document=ORDER, as_="registrar")
    dueprocess.execute(ledger, at_once.proposal_id, as_="admin")
    assert ledger.call("Rights", "sharesOf", certificate_id, 2, ledger.address_of("merchant-c")) == 10_000
    with pytest.raises(ContractRevertError) as too_long:
        dueprocess.set_delay(ledger, "91d", as_="admin")
    assert (too_long.value.name, too_long.value.args_by_name) == (
        "DueProcessInvalidDelay", {"delay": 91 * DAY, "maxDelay": 90 * DAY}
    )


def _rows(ledger: LedgerContext, model: Any, *where: Any) -> list[Any]:
    engine = open_store(ledger.profile.database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(model.__table__).where(*where)).mappings())
    finally:
        engine.dispose()


def test_the_oracle_indexes_due_process_and_the_trace_says_it_in_words_from_either_source(
    ledger: LedgerContext, workflow_chain: WorkflowChain, tmp_path: Path
) -> None:
    records = _records(ledger)
    first = records["certificates"][0]
    forced = dueprocess.propose_forced_transfer(ledger, first, "holding", "merchant-a", "merchant-c", percent="25",
                                                document=ORDER, as_="registrar")
    cancelled = dueprocess.propose_forced_transfer(ledger, first, "holding", "merchant-a", "merchant-b",
                                                   shares=1, document=ORDER, as_="registrar")
    dueprocess.cancel(ledger, cancelled.proposal_id, "the court withdrew its order", as_="registrar")
    _execute_after_delay(ledger, forced.proposal_id)
    new = Account.create().address
    recovery, scope = dueprocess.propose_recovery(ledger, "merchant-a", new, document=REQUEST, as_="registrar")
    # The read model catches up between proposing and executing: the trace reads both sources.
    Oracle(ledger).sync()
    _execute_after_delay(ledger, recovery.proposal_id)
    mixed = audit.trace(ledger, str(first))
    assert mixed.source.startswith("read model to block ")

    Oracle(ledger).sync()
    from_model = audit.trace(ledger, str(first))
    assert from_model.source == "read model (0 blocks behind the head)"
    assert from_model.events == mixed.events

    rows = {row["proposal_id"]: row for row in _rows(ledger, DueProcessProposal)}
    assert {pid: (row["kind"], row["status"]) for pid, row in rows.items()} == {
        forced.proposal_id: ("forced_transfer", "executed"),
        cancelled.proposal_id: ("forced_transfer", "cancelled"),
        recovery.proposal_id: ("recovery", "executed"),
    }
    assert (rows[forced.proposal_id]["certificate_id"], rows[forced.proposal_id]["right"],
            rows[forced.proposal_id]["shares"]) == (first, "holding", 2_500)
    assert rows[cancelled.proposal_id]["cancel_reason_hash"] is not None
    assert rows[recovery.proposal_id]["scope_certificates"] == ",".join(map(str, scope.certificate_ids))
    assert rows[recovery.proposal_id]["scope_licences"] == ",".join(map(str, scope.licence_ids))
    assert rows[recovery.proposal_id]["scope_qualifications"] == "0x" + parse_qualification(QUALIFICATION).hex()
    assert (rows[recovery.proposal_id]["source"], rows[recovery.proposal_id]["target"]) == (
        ledger.address_of("merchant-a"), new
    )
    members = {row["account"]: row for row in _rows(ledger, Member)}
    assert members[ledger.address_of("merchant-a")]["status"] == "retired"
    assert (members[new]["status"], members[new]["name"]) == (
        "active", members[ledger.address_of("merchant-a")]["name"]
    )
    granted, held = records["licences"]
    licence_rows = {row["licence_id"]: row for row in _rows(ledger, Licence)}
    assert (licence_rows[granted]["grantor"], licence_rows[held]["licensee"]) == (new, new)
    pledge_rows = {row["pledge_id"]: row for row in _rows(ledger, Pledge)}
    assert {pledge_rows[p]["pledgor"] for p in records["pledges"]} == {new}

    summaries = [event.summary for event in from_model.events]
    a = "merchant-a"
    assert (f"due-process proposal {forced.proposal_id} by registrar: by court order 0xc0c0c0c0…c0c0, move 25% "
            f"of the holding right from {a} to merchant-c; governance may execute it from ") in "\n".join(summaries)
    assert f"registrar cancelled due-process proposal {cancelled.proposal_id} (reason 0x" in "\n".join(summaries)
    assert f"governance (admin) executed due-process proposal {forced.proposal_id}" in summaries
    assert (f"{a} transferred 25% of the holding right to merchant-c by court order (due-process proposal "
            f"{forced.proposal_id})") in summaries
    assert (f"due-process proposal {recovery.proposal_id} by registrar: recover the lost key of {a} to the new "
            f"address Pearl River Logistics Data Co. (development) (document 0xe1e1e1e1…e1e1); governance may "
            f"execute it from ") in "\n".join(summaries)
    assert (f"{a} transferred 75% of the holding right to Pearl River Logistics Data Co. (development) by key "
            f"recovery (due-process proposal {recovery.proposal_id})") in summaries
    assert (f"key recovery moved the whole position of {a} (its shares, pledged shares and pledge chains) to its new "
            f"address Pearl River Logistics Data Co. (development)") in summaries
    assert (f"key recovery moved licence {granted} from {a} to its new address Pearl River Logistics Data Co. "
            f"(development)") in summaries
    assert (f"key recovery moved pledge {records['pledges'][0]} from {a} to its new address Pearl River Logistics "
            f"Data Co. (development)") in summaries

    # Only the chain's logs (no read model): the same events, the same words.
    bare = workflow_chain.context(f"sqlite:///{tmp_path / 'none.db'}")
    from_logs = audit.trace(bare, str(first))
    assert from_logs.source == "chain logs (no read model)"
    assert [(e.tx_hash, e.log_index, e.summary, e.args) for e in from_logs.events] == [
        (e.tx_hash, e.log_index, e.summary, e.args) for e in from_model.events
    ]
    # Holders at the end say how the new address got its shares.
    now = audit.holdings_at(ledger, str(first), chain_time(ledger.w3))
    holding = {h.owner: h for h in now.rights[0].holders}
    assert [p.how for p in holding[new].path] == [f"key recovery (due-process proposal {recovery.proposal_id})"]
    assert [p.how for p in holding[ledger.address_of("merchant-c")].path] == [
        f"court order (due-process proposal {forced.proposal_id})"
    ]
