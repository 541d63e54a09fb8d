"""The audit trail: every event of a certificate in order, and who held which right at a given time."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest
from workflow_chain import (  # noqa: F401 - fixtures
    WorkflowChain,
    build_history,
    chain_snapshot_fixture,
    issue_catalogued,
    ledger_fixture,
    workflow_chain_fixture,
    write_catalog,
)

from ledger import audit, certificates
from ledger.chain.artifacts import load_artifact
from ledger.chain.clock import DAY, YEAR, advance_time, chain_time
from ledger.chain.compiler import TESTING_ARTIFACTS_DIR
from ledger.chain.logs import ChainLog, EventLog
from ledger.chain.sender import TxRequest
from ledger.context import LedgerContext
from ledger.errors import ValidationError
from ledger.governance import TimelockOperation, through_timelock, upgrade_suite
from ledger.history import certificate_events, transfer_items
from ledger.inputs import resolve_party
from ledger.members import event_log
from ledger.verify import verify_certificate

HOLDING, DEVELOPMENT, OPERATION = 0, 1, 2


def test_a_trace_lists_every_event_oldest_first_with_block_time_and_transaction(
    ledger: LedgerContext, tmp_path: Path
) -> None:
    history = build_history(ledger, tmp_path)
    traced = audit.trace(ledger, "SZDEX-AUDIT-1")
    assert (traced.certificate_id, traced.number) == (history["certificate"], "SZDEX-AUDIT-1")
    assert [event.event for event in traced.events] == [
        "CertificateSubmitted", "CertificateAccepted", "CertificatePublicized", "CertificateIssued",
        "TransferBatch", "TransferSingle", "LicenceGranted", "PledgeRecorded", "PledgeRealised", "TransferSingle",
    ]
    orders = [(event.block, event.log_index) for event in traced.events]
    assert orders == sorted(orders)
    assert all(event.tx_hash.startswith("0x") and len(event.tx_hash) == 66 for event in traced.events)
    assert traced.events[0].time.timestamp() <= traced.events[-1].time.timestamp() == history["realised"]
    summaries = [event.summary for event in traced.events]
    assert summaries[0].startswith("merchant-a applied to registrar with catalog entry 0x")
    assert "as certificate SZDEX-AUDIT-1" in summaries[3]
    assert summaries[3].startswith("issued by registrar under registration number SZDEX")
    assert summaries[3].endswith("all three rights registered, going to merchant-a")
    assert "claiming all three rights" in summaries[0]
    assert summaries[4] == "merchant-a received 100% of each of the three rights at issue"
    assert summaries[5] == "merchant-a transferred 40% of the operation right to merchant-c"
    assert summaries[6].startswith("merchant-a licensed the development right to merchant-b from ")
    assert summaries[7].startswith(
        "bank recorded pledge 1 over 60% of the holding right of merchant-a, securing 5000000.00 CNY until "
    )
    assert ", publicly registered as QH-2025-001 on " in summaries[7]
    assert summaries[8] == (
        "pledge 1 realised by auction (拍卖) at 5500000.00 CNY: 60% went to the buyer bank (document 0xa1a1a1a1…a1a1); "
        "the surplus of 500000.00 CNY over the secured debt is owed to the pledgor"
    )
    assert summaries[9] == "merchant-a transferred 60% of the holding right to bank by realisation of pledge 1"
    assert traced.events[5].args["to"] == resolve_party(ledger, "merchant-c")


def test_holdings_at_a_time_are_replayed_with_how_each_holder_got_there(
    ledger: LedgerContext, tmp_path: Path
) -> None:
    history = build_history(ledger, tmp_path)
    cid = str(history["certificate"])
    merchant_a, merchant_c, bank = (resolve_party(ledger, n) for n in ("merchant-a", "merchant-c", "bank"))

    at_issue = audit.holdings_at(ledger, cid, history["issued"])
    assert (at_issue.status, at_issue.in_force, at_issue.number) == ("issued", True, "SZDEX-AUDIT-1")
    assert [[(h.owner, h.shares) for h in right.holders] for right in at_issue.rights] == [[(merchant_a, 10_000)]] * 3
    assert (at_issue.licences, at_issue.pledges) == ([], [])

    pledged = audit.holdings_at(ledger, cid, history["pledged"])
    operation = {h.owner: h for h in pledged.rights[OPERATION].holders}
    assert {owner: h.shares for owner, h in operation.items()} == {merchant_a: 6_000, merchant_c: 4_000}
    assert [(p.direction, p.counterparty, p.shares, p.how) for p in operation[merchant_a].path] == [
        ("in", None, 10_000, "issue"), ("out", merchant_c, 4_000, "transfer"),
    ]
    assert [(p.direction, p.counterparty_name, p.shares) for p in operation[merchant_c].path] == [
        ("in", "merchant-a", 4_000)
    ]
    assert [(lic["right"], lic["licensee_name"]) for lic in pledged.licences] == [("development", "merchant-b")]
    assert [(p["pledge_id"], p["shares"], p["pledgee_name"]) for p in pledged.pledges] == [(1, 6_000, "bank")]

    now = audit.holdings_at(ledger, cid, history["realised"])
    holding = {h.owner: h for h in now.rights[HOLDING].holders}
    assert {owner: h.shares for owner, h in holding.items()} == {bank: 6_000, merchant_a: 4_000}
    assert [(p.direction, p.counterparty_name, p.how) for p in holding[bank].path] == [
        ("in", "merchant-a", "realisation of pledge 1")
    ]
    assert now.pledges == []


def test_before_its_application_a_certificate_has_no_holders(ledger: LedgerContext, tmp_path: Path) -> None:
    history = build_history(ledger, tmp_path)
    before = audit.holdings_at(ledger, str(history["certificate"]), history["before"])
    assert (before.status, before.in_force, before.number) == ("not yet applied for", False, None)
    assert all(right.holders == [] for right in before.rights)


def test_a_time_before_the_chain_began_is_refused(ledger: LedgerContext, tmp_path: Path) -> None:
    certificates.apply(ledger, write_catalog(tmp_path), registrar="registrar", as_="merchant-a")
    with pytest.raises(ValidationError, match="the chain did not exist yet at 2001-09-09"):
        audit.holdings_at(ledger, "1", 1_000_000_000)


def test_a_trace_reads_the_read_model_up_to_its_cursor_and_the_chain_logs_after_it(
    ledger: LedgerContext, workflow_chain: WorkflowChain, tmp_path: Path
) -> None:
    from oracle.service import Oracle

    build_history(ledger, tmp_path)
    from_chain = audit.trace(ledger, "SZDEX-AUDIT-1")
    assert from_chain.source == "chain logs (read model never synced)"

    cursor = Oracle(ledger).sync().cursor
    from_model = audit.trace(ledger, "SZDEX-AUDIT-1")
    assert from_model.source == "read model (0 blocks behind the head)"
    assert from_model.events == from_chain.events

    ledger.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    ledger.send("Rights", "transferShares", from_chain.certificate_id, OPERATION,
                resolve_party(ledger, "merchant-a"), 1_000, as_="merchant-c")
    behind = audit.trace(ledger, "SZDEX-AUDIT-1")
    assert behind.source == f"read model to block {cursor}, chain logs for the 2 blocks after it"
    assert behind.events[:-1] == from_chain.events
    assert (behind.events[-1].event, behind.events[-1].block) == ("TransferSingle", cursor + 2)
    without_store = audit.trace(workflow_chain.context(f"sqlite:///{tmp_path / 'none.db'}"), "SZDEX-AUDIT-1")
    assert without_store.source == "chain logs (no read model)"
    assert without_store.events == behind.events


def test_the_report_page_rendered_in_place_is_the_page_written_to_disk(ledger: LedgerContext, tmp_path: Path) -> None:
    from ledger.report import build_report, render_report, write_report

    build_history(ledger, tmp_path)
    built = build_report(ledger, ref="1")
    page = render_report(built)
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 3
    write_report(built, tmp_path / "report")
    assert (tmp_path / "report" / "report.html").read_text(encoding="utf-8") == page


def test_the_last_block_of_a_day_is_the_latest_block_while_that_day_lasts(ledger: LedgerContext) -> None:
    import datetime as dt

    from ledger.books.chain_check import block_at_end_of

    before = int(ledger.w3.eth.block_number)
    advance_time(ledger.w3, ledger.profile, 2 * DAY)
    today = dt.datetime.fromtimestamp(chain_time(ledger.w3), dt.UTC).date()
    assert block_at_end_of(ledger, today) is None
    yesterday = block_at_end_of(ledger, today - dt.timedelta(days=1))
    assert yesterday is not None and before <= yesterday < int(ledger.w3.eth.block_number)


class _BlocksAsked(EventLog):
    """The suite's event log, noting the blocks asked for share movements."""

    asked: set[int]

    def fetch_blocks(self, selection: Iterable[tuple[str, str]], blocks: Iterable[int]) -> list[ChainLog]:
        wanted = set(blocks)
        self.asked |= wanted
        return super().fetch_blocks(selection, wanted)


def test_a_history_from_the_logs_asks_only_the_blocks_that_moved_its_shares(
    ledger: LedgerContext, tmp_path: Path
) -> None:
    cid = build_history(ledger, tmp_path)["certificate"]
    other = issue_catalogued(ledger, tmp_path, "other.json", "SZDEX-AUDIT-2", name="Other data", expiry_in=YEAR)
    for _ in range(3):
        ledger.send("Rights", "transferShares", other, OPERATION, resolve_party(ledger, "merchant-c"), 1,
                    as_="merchant-a")
    moves = [("Rights", "TransferSingle"), ("Rights", "TransferBatch")]
    full = event_log(ledger)
    every_move = full.fetch(moves)
    own = [event for event in every_move if transfer_items(event, cid)]
    others = {event.block_number for event in every_move if not transfer_items(event, cid)}
    assert len(own) == 3 and len(others) == 4  # the mint, a transfer and the realisation; the other's mint and 3

    log = _BlocksAsked(full.rpc, full.contracts, start_block=full.start_block, log_range=full.log_range)
    log.asked = set()
    history = certificate_events(ledger, cid, log=log)
    assert [event for event in history.events if event.event in ("TransferSingle", "TransferBatch")] == own
    assert log.asked == {event.block_number for event in own}
    assert not log.asked & others


_MOVES = ("TransferSingle", "TransferBatch")


def _run_rights_before_shares_moved(ledger: LedgerContext) -> None:
    """Governance points the Rights proxy, through the timelock, at the edition from before ``SharesMoved``."""
    artifact = load_artifact("RightsBeforeSharesMoved", TESTING_ARTIFACTS_DIR)
    factory = ledger.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    creation = factory.constructor(ledger.deployment.address("Consortium")).data_in_transaction
    created = ledger.transact(TxRequest(to=None, data=bytes.fromhex(creation[2:])), as_="admin")["contractAddress"]
    rights = ledger.contract("Rights")
    payload = rights.encode_abi("upgradeToAndCall", args=[created, b""])
    operation = TimelockOperation(targets=(rights.address,), payloads=(bytes.fromhex(payload[2:]),), salt=b"\x08" * 32)
    assert through_timelock(ledger, operation, label="upgrade", as_="admin").state == "executed"


def _transfer(ledger: LedgerContext, cid: int, right: int, to: str, shares: int) -> str:
    """merchant-a transfers shares of ``cid`` to the party ``to``; the transaction's hash."""
    receipt = ledger.send("Rights", "transferShares", cid, right, resolve_party(ledger, to), shares, as_="merchant-a")
    return "0x" + bytes(receipt["transactionHash"]).hex()


def _moves(events: Iterable[audit.TraceEvent]) -> list[tuple[str, str]]:
    return [(event.event, event.tx_hash) for event in events if event.event in _MOVES]


def test_the_logs_give_the_whole_history_of_a_certificate_whose_shares_moved_before_shares_moved_existed(
    ledger: LedgerContext, workflow_chain: WorkflowChain, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from oracle.service import Oracle

    # A suite whose Rights contract announced no movement for a while: two certificates issued and moved then, one
    # batch moving both.
    _run_rights_before_shares_moved(ledger)
    start = int(ledger.w3.eth.block_number)
    old = issue_catalogued(ledger, tmp_path, "old.json", "SZDEX-OLD-1", name="Issued before the event")
    other = issue_catalogued(ledger, tmp_path, "other.json", "SZDEX-OLD-2", name="Another one")
    own = [_transfer(ledger, old, OPERATION, "merchant-c", 4_000)]
    elsewhere = [_transfer(ledger, other, OPERATION, "merchant-c", 1_000)]
    ids = [int(ledger.call("Rights", "tokenId", cid, HOLDING)) for cid in (old, other)]
    batch = ledger.send("Rights", "safeBatchTransferFrom", resolve_party(ledger, "merchant-a"),
                        resolve_party(ledger, "merchant-b"), ids, [100, 200], b"", as_="merchant-a")
    own.append("0x" + bytes(batch["transactionHash"]).hex())
    assert event_log(ledger).fetch([("Rights", "SharesMoved")], from_block=start) == []

    # Upgraded to the edition this release ships, which announces every movement from then on.
    upgraded = upgrade_suite(ledger, ["Rights"], as_="admin")
    assert (upgraded.state, list(upgraded.upgrades)) == ("executed", ["Rights"])
    own.append(_transfer(ledger, old, HOLDING, "merchant-c", 1_000))
    elsewhere.append(_transfer(ledger, other, HOLDING, "merchant-c", 500))
    new = issue_catalogued(ledger, tmp_path, "new.json", "SZDEX-NEW-1", name="Issued after the upgrade")
    _transfer(ledger, new, DEVELOPMENT, "merchant-b", 2_500)

    no_store = f"sqlite:///{tmp_path / 'none.db'}"
    logs_only = workflow_chain.context(no_store)
    from_logs = audit.trace(logs_only, "SZDEX-OLD-1")
    assert from_logs.source == "chain logs (no read model)"
    Oracle(ledger).sync()
    from_model = audit.trace(ledger, "SZDEX-OLD-1")
    assert from_model.source == "read model (0 blocks behind the head)"
    assert from_logs.events == from_model.events
    mint = next(event.tx_hash for event in from_model.events if event.event == "CertificateIssued")
    assert _moves(from_logs.events) == [
        ("TransferBatch", mint), ("TransferSingle", own[0]), ("TransferBatch", own[1]), ("TransferSingle", own[2])
    ]
    assert not {tx for _, tx in _moves(from_logs.events)} & set(elsewhere)
    assert from_logs.events[-1].summary == "merchant-a transferred 10% of the holding right to merchant-c"

    # The same through `dal audit trace` and in the bank's answer.
    runner = CliRunner()
    traced = [runner.invoke(app, ["--json", "audit", "trace", "SZDEX-OLD-1"], env=workflow_chain.env(url))
              for url in (no_store, ledger.profile.database_url)]
    assert [result.exit_code for result in traced] == [0, 0]
    documents = [json.loads(result.stdout) for result in traced]
    assert [document.pop("source") for document in documents] == [from_logs.source, from_model.source]
    assert documents[0] == documents[1]
    assert len(documents[0]["events"]) == len(from_logs.events)
    answers = [verify_certificate(context, old) for context in (logs_only, ledger)]
    assert [answer.events_source for answer in answers] == [from_logs.source, from_model.source]
    transfers = [answer.summary()["transfers"] for answer in answers]
    assert transfers[0] == transfers[1]
    assert [(item["transaction"], item["shares"]) for item in transfers[0]] == [
        (own[0], 4_000), (own[1], 100), (own[2], 1_000)
    ]

    # Only the certificate issued before the upgrade has every movement of the chain read, no block asked by number;
    # the one issued after it asks for the blocks its SharesMoved name, and gets the read model's history too.
    full = event_log(logs_only)
    moved_new = {event.block for event in audit.trace(ledger, "SZDEX-NEW-1").events if event.event in _MOVES}
    for cid, blocks in ((old, set()), (new, moved_new)):
        log = _BlocksAsked(full.rpc, full.contracts, start_block=full.start_block, log_range=full.log_range)
        log.asked = set()
        assert certificate_events(logs_only, cid, log=log).events == certificate_events(ledger, cid).events
        assert log.asked == blocks


def test_a_read_model_behind_movements_made_before_shares_moved_existed_is_completed_from_the_logs(
    ledger: LedgerContext, workflow_chain: WorkflowChain, tmp_path: Path
) -> None:
    from oracle.service import Oracle

    _run_rights_before_shares_moved(ledger)
    old = issue_catalogued(ledger, tmp_path, "old.json", "SZDEX-OLD-1", name="Issued before the event")
    cursor = Oracle(ledger).sync().cursor
    unannounced = _transfer(ledger, old, OPERATION, "merchant-c", 4_000)
    assert upgrade_suite(ledger, ["Rights"], as_="admin").state == "executed"
    announced = _transfer(ledger, old, HOLDING, "merchant-c", 1_000)

    behind = audit.trace(ledger, "SZDEX-OLD-1")
    assert behind.source.startswith(f"read model to block {cursor}, chain logs for the ")
    assert [tx for _, tx in _moves(behind.events)][-2:] == [unannounced, announced]
    assert behind.events == audit.trace(workflow_chain.context(f"sqlite:///{tmp_path / 'none.db'}"), "SZDEX-OLD-1").events
