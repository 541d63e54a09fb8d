"""Bulk import: many applications in batch calls, signed locally and sent concurrently, every receipt checked,
reruns skip."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from web3 import Web3
from workflow_chain import (  # noqa: F401 - fixtures
    WorkflowChain,
    chain_snapshot_fixture,
    ledger_fixture,
    workflow_chain_fixture,
    write_catalog,
)

from ledger import audit
from ledger.catalog import load_catalog_entry
from ledger.certificates import catalog_store
from ledger.context import LedgerContext
from ledger.errors import BatchError, ContractRevertError, ValidationError
from ledger.hashing import record_hash, to_hex
from ledger.inputs import resolve_party
from ledger.numbers import registration_number
from ledger.registration import (
    MANIFEST_COLUMNS,
    MANIFEST_OPTIONAL_COLUMNS,
    import_catalogs,
    import_issued,
)
from ledger.store.catalog import CatalogRecord, CatalogVersion


def _folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "catalogs"
    folder.mkdir()
    for index in range(count):
        write_catalog(folder, f"asset-{index:03d}.json", name=f"Asset {index}")
    return folder


def _stored(ledger: LedgerContext) -> dict[int, str]:
    with Session(catalog_store(ledger)) as session:
        rows = session.exec(
            select(CatalogRecord.certificate_id, CatalogVersion.record_hash)
            .join(CatalogVersion, CatalogVersion.entry_id == CatalogRecord.id)  # type: ignore[arg-type]
        ).all()
    return {int(cid): digest for cid, digest in rows if cid is not None}


def test_a_folder_is_submitted_in_batch_calls_and_saved_off_chain(ledger: LedgerContext, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 12)
    progress: list[tuple[int, int]] = []
    block = ledger.w3.eth.block_number
    report = import_catalogs(ledger, folder, registrar="registrar", as_="merchant-a", batch_size=5,
                             on_progress=lambda done, total: progress.append((done, total)))
    assert (report.submitted, report.skipped, len(report.items)) == (12, 0, 12)
    assert report.applicant == resolve_party(ledger, "merchant-a")
    assert progress[-1] == (3, 3)  # three submitBatch transactions: 5, 5 and 2 applications
    transactions = {item.tx_hash for item in report.items}
    assert len(transactions) == 3
    assert ledger.w3.eth.block_number - block == 3
    stored = _stored(ledger)
    for item in report.items:
        on_chain = ledger.call("Certificates", "certificate", item.certificate_id)
        assert to_hex(bytes(on_chain[4])) == item.catalog_hash == stored[item.certificate_id]
        assert item.catalog_hash == to_hex(record_hash(load_catalog_entry(Path(item.source))))
    assert sorted(item.certificate_id for item in report.items) == list(range(1, 13))


def test_a_rerun_skips_what_was_submitted_and_sends_nothing(ledger: LedgerContext, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 4)
    first = import_catalogs(ledger, folder, registrar="registrar", as_="merchant-a")
    block = ledger.w3.eth.block_number
    again = import_catalogs(ledger, folder, registrar="registrar", as_="merchant-a")
    assert (again.submitted, again.skipped) == (0, 4)
    assert [(i.source, i.certificate_id) for i in again.items] == [(i.source, i.certificate_id) for i in first.items]
    assert ledger.w3.eth.block_number == block


def test_entries_missing_off_chain_are_saved_by_a_rerun(
    workflow_chain: WorkflowChain, ledger: LedgerContext, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, 3)
    first = import_catalogs(ledger, folder, registrar="registrar", as_="merchant-a")
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    fresh = workflow_chain.context(workflow_chain.new_database(elsewhere))
    assert _stored(fresh) == {}
    again = import_catalogs(fresh, folder, registrar="registrar", as_="merchant-a")
    assert again.skipped == 3
    assert _stored(fresh) == {item.certificate_id: item.catalog_hash for item in first.items}


def test_a_bad_file_stops_the_import_before_anything_is_sent(ledger: LedgerContext, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    write_catalog(folder, "broken.json", valuation={"amount_minor": -1, "currency": "yuan", "method": "income",
                                                   "date": "2025-01-01"})
    (folder / "garbled.yaml").write_text("name: [unclosed\n")
    block = ledger.w3.eth.block_number
    with pytest.raises(ValidationError) as refused:
        import_catalogs(ledger, folder, registrar="registrar", as_="merchant-a")
    message = str(refused.value)
    assert "broken.json: field 'valuation.amount_minor'" in message
    assert "broken.json: field 'valuation.currency'" in message
    assert "garbled.yaml: not valid YAML" in message
    assert message.endswith("nothing was sent, fix the files and import again")
    assert ledger.w3.eth.block_number == block
    assert _stored(ledger) == {}


def test_two_files_with_the_same_entry_are_refused(ledger: LedgerContext, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 2)
    write_catalog(folder, "copy.yaml", name="Asset 1")
    with pytest.raises(ValidationError, match=r"copy.yaml: the same catalog entry as .*asset-001.json"):
        import_catalogs(ledger, folder, registrar="registrar", as_="merchant-a")


def test_a_refusal_that_hits_every_record_is_reported_before_sending(ledger: LedgerContext, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    block = ledger.w3.eth.block_number
    with pytest.raises(ContractRevertError) as refused:
        import_catalogs(ledger, folder, registrar="registrar", as_="bank")
    assert (refused.value.name, refused.value.args_by_name) == (
        "ConsortiumMissingRole", {"account": resolve_party(ledger, "bank"), "roles": 2}
    )
    assert ledger.w3.eth.block_number == block
    assert _stored(ledger) == {}


def _rpc(w3: Web3, method: str, params: list[Any]) -> Any:
    answer = w3.provider.make_request(method, params)  # type: ignore[arg-type]
    assert "error" not in answer, answer
    return answer["result"]


def test_a_failed_record_is_named_with_what_was_done_and_a_rerun_submits_only_the_rest(
    workflow_chain: WorkflowChain, tmp_path: Path, chain_snapshot: None
) -> None:
    ledger = workflow_chain.context(workflow_chain.new_database(tmp_path))
    # This test builds the blocks by hand: the sender must not mine on its own when receipts stall.
    ledger.sender.on_stall = None
    folder = _folder(tmp_path, 5)
    merchant, registrar = resolve_party(ledger, "merchant-a"), resolve_party(ledger, "registrar")
    admin = resolve_party(ledger, "admin")
    w3 = ledger.w3
    outcome: dict[str, BaseException] = {}

    def run() -> None:
        try:
            import_catalogs(ledger, folder, registrar="registrar", as_="merchant-a", batch_size=1)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = exc

    gas_limit = int(w3.eth.get_block("latest")["gasLimit"])
    _rpc(w3, "evm_setAutomine", [False])
    try:
        worker = threading.Thread(target=run)
        worker.start()
        deadline = time.monotonic() + 60
        pending: dict[str, Any] = {}
        while len(pending) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
            pending = _rpc(w3, "txpool_content", [])["pending"].get(merchant.lower(), {})
        # The first three applications fit in the next block and go through ...
        first = pending[min(pending, key=int)]  # other tests may have used merchant-a's account on this chain
        _rpc(w3, "anvil_setBlockGasLimit", [hex(3 * int(first["gas"], 16) + 1)])
        _rpc(w3, "evm_mine", [])
        # ... then the admin suspends the registrar, ahead of the other two in the block after.
        suspend = ledger.contract("Consortium").functions.suspendMember(registrar, b"\x01" * 32)
        suspend.transact({"from": admin, "gasPrice": 10**10, "gas": 200_000})
        _rpc(w3, "anvil_setBlockGasLimit", [hex(gas_limit)])
        _rpc(w3, "evm_mine", [])
    finally:
        _rpc(w3, "evm_setAutomine", [True])
    worker.join(120)

    error = outcome["error"]
    assert isinstance(error, BatchError), error
    assert str(error).startswith(f"{folder / 'asset-003.json'} failed: transaction ")
    assert "(1 more records failed too)" in str(error)
    assert "3 applications went through in this run (certificates 1, 2, 3)" in str(error)
    assert [source for source, _ in error.failed] == [str(folder / f"asset-00{i}.json") for i in (3, 4)]
    assert len(_stored(ledger)) == 3

    ledger.send("Consortium", "reinstateMember", registrar, as_="admin")
    rerun = import_catalogs(workflow_chain.context(ledger.profile.database_url), folder, registrar="registrar",
                            as_="merchant-a")
    assert (rerun.submitted, rerun.skipped) == (2, 3)
    assert [item.source for item in rerun.items if item.state == "submitted"] == [
        str(folder / "asset-003.json"), str(folder / "asset-004.json")
    ]
    assert len(_stored(ledger)) == 5
    with Session(catalog_store(ledger)) as session:
        assert session.exec(select(func.count()).select_from(CatalogRecord)).one() == 5


# --- a registrar's migration from a legacy registry ---------------------------------------------------------


def _manifest(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    folder = tmp_path / "legacy"
    folder.mkdir(exist_ok=True)
    for index, row in enumerate(rows):
        if row.get("catalog", "").startswith("legacy-"):
            write_catalog(folder, row["catalog"], name=f"Legacy asset {index}")
    columns = MANIFEST_COLUMNS + tuple(column for column in MANIFEST_OPTIONAL_COLUMNS if any(column in r for r in rows))
    lines = [",".join(columns)] + [",".join(row.get(column, "") for column in columns) for row in rows]
    path = folder / "manifest.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _legacy_row(index: int, holder: str = "merchant-b", **changes: str) -> dict[str, str]:
    return {"catalog": f"legacy-{index}.json", "holder": holder, "number": f"GZ-2021-{index:04d}",
            "submitted": "2021-03-01", "issued": "2021-04-01", "expiry": "5y"} | changes


def test_a_registrar_migrates_certificates_a_legacy_registry_issued(ledger: LedgerContext, tmp_path: Path) -> None:
    manifest = _manifest(tmp_path, [_legacy_row(1), _legacy_row(2, "merchant-c"), _legacy_row(3)])
    report = import_issued(ledger, manifest, as_="registrar", batch_size=2)
    assert (report.imported, report.skipped) == (3, 0)
    assert len({item.tx_hash for item in report.items}) == 2
    registrar = resolve_party(ledger, "registrar")
    for index, item in enumerate(report.items, start=1):
        record = ledger.call("Certificates", "certificate", item.certificate_id)
        assert record[2] == registrar
        assert (record[0], record[10], record[13]) == (7, f"GZ-2021-{index:04d}", True)
        assert int(ledger.call("Certificates", "certificateByNumber", f"GZ-2021-{index:04d}")) \
            == item.certificate_id
    holder = resolve_party(ledger, "merchant-c")
    assert int(ledger.call("Rights", "sharesOf", report.items[1].certificate_id, 0, holder)) == 10_000
    assert _stored(ledger) == {item.certificate_id: item.catalog_hash for item in report.items}
    block = ledger.w3.eth.block_number
    again = import_issued(ledger, manifest, as_="registrar")
    assert (again.imported, again.skipped) == (0, 3)
    assert ledger.w3.eth.block_number == block


def test_a_migration_carries_the_registration_numbers_the_manifest_gives(ledger: LedgerContext, tmp_path: Path) -> None:
    given = registration_number("GZDEX", "202100000007")
    manifest = _manifest(tmp_path, [_legacy_row(1, registration_number=given), _legacy_row(2)])
    report = import_issued(ledger, manifest, as_="registrar")
    first, second = (ledger.certificate(item.certificate_id) for item in report.items)
    assert (first.registration_number, second.registration_number) == (given, "")
    assert int(ledger.call("Certificates", "certificateByNumber", given)) == report.items[0].certificate_id
    # A rerun skips both; a new row naming a registration number already held is refused before anything is sent.
    block = ledger.w3.eth.block_number
    with pytest.raises(ValidationError, match=rf"line 2: registration number {given} belongs to certificate "
                                              rf"{report.items[0].certificate_id}"):
        import_issued(ledger, _manifest(tmp_path, [_legacy_row(9, registration_number=given)]), as_="registrar")
    assert ledger.w3.eth.block_number == block


def test_the_trace_of_an_imported_certificate_says_where_it_came_from(ledger: LedgerContext, tmp_path: Path) -> None:
    from oracle.service import Oracle

    given = registration_number("GZDEX", "202100000015")
    report = import_issued(ledger, _manifest(tmp_path, [_legacy_row(15, registration_number=given)]), as_="registrar")
    certificate_id = report.items[0].certificate_id
    from_chain = audit.trace(ledger, str(certificate_id))
    assert from_chain.number == "GZ-2021-0015"
    assert [event.event for event in from_chain.events] == ["CertificateImported", "TransferBatch"]
    summary = from_chain.events[0].summary
    assert summary.startswith("imported by registrar from a legacy registry, which issued it under registration "
                              f"number {given} as certificate GZ-2021-0015 on 2021-04-01")
    assert "all three rights registered, going to merchant-b" in summary
    Oracle(ledger).sync()
    from_model = audit.trace(ledger, str(certificate_id))
    assert from_model.source.startswith("read model")
    assert from_model.events == from_chain.events


def test_a_manifest_with_bad_rows_is_refused_whole_with_each_line(ledger: LedgerContext, tmp_path: Path) -> None:
    manifest = _manifest(tmp_path, [
        _legacy_row(1),
        _legacy_row(2, holder="nobody-at-all"),
        _legacy_row(3, issued="last spring"),
        _legacy_row(4, number="GZ-2021-0001"),
        _legacy_row(5, registration_number="GZDEX2021000000071"),
        _legacy_row(6, registration_number="GZ-2021-0006"),
        {"catalog": "missing.json", "holder": "merchant-b", "number": "X-1", "submitted": "2021-01-01",
         "issued": "2021-02-01", "expiry": "1y"},
    ])
    block = ledger.w3.eth.block_number
    with pytest.raises(ValidationError) as refused:
        import_issued(ledger, manifest, as_="registrar")
    message = str(refused.value)
    assert "manifest.csv line 3: " in message and "nobody-at-all" in message
    assert "manifest.csv line 4: issued 'last spring' is not a time" in message
    assert "manifest.csv line 5: number GZ-2021-0001 is on line 2 too" in message
    assert "manifest.csv line 6: registration number 'GZDEX2021000000071' has check character 1" in message
    assert "manifest.csv line 7: number GZ-2021-0006 is on line 7 too" in message
    assert "manifest.csv line 8: " in message and "missing.json does not exist" in message
    assert message.endswith("nothing was sent, fix the manifest and migrate again")
    assert ledger.w3.eth.block_number == block
    assert _stored(ledger) == {}


def test_a_migration_the_contract_refuses_is_decoded_before_anything_is_sent(
    ledger: LedgerContext, tmp_path: Path
) -> None:
    manifest = _manifest(tmp_path, [_legacy_row(1, issued="2099-01-01")])
    with pytest.raises(ContractRevertError) as refused:
        import_issued(ledger, manifest, as_="registrar")
    assert refused.value.name == "CertificatesInvalidImportDates"
    with pytest.raises(ContractRevertError) as not_registrar:
        import_issued(ledger, _manifest(tmp_path, [_legacy_row(2)]), as_="merchant-a")
    assert not_registrar.value.name == "ConsortiumMissingRole"
    with pytest.raises(ValidationError, match="the header lacks issued, expiry"):
        (tmp_path / "short.csv").write_text("catalog,holder,number,submitted\n")
        import_issued(ledger, tmp_path / "short.csv", as_="registrar")


def test_many_large_batch_calls_all_go_through_the_sender(ledger: LedgerContext) -> None:
    """Forty calls of 250 applications each (10,000 certificates): every call is estimated, sent and mined."""
    from eth_abi.abi import encode as abi_encode
    from eth_utils.crypto import keccak as hash_of

    from ledger.chain.sender import TxRequest

    certificates = ledger.contract("Certificates").address
    registrar = resolve_party(ledger, "registrar")
    selector = hash_of(text="submitBatch(address,(bytes32,uint8,uint64)[])")[:4]
    requests = [
        TxRequest(to=certificates, label=f"batch {batch}", data=selector + abi_encode(
            ["address", "(bytes32,uint8,uint64)[]"],
            [registrar, [(hash_of(text=f"{batch}:{i}"), 7, 0) for i in range(250)]]))
        for batch in range(40)
    ]
    results = ledger.send_batch(requests, as_="merchant-a")
    assert all(result.ok for result in results), [str(r.error) for r in results if not r.ok][:1]
    assert int(ledger.call("Certificates", "certificateCount")) == 40 * 250
