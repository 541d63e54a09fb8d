"""Certificates: applying with a catalog entry, the registrar's review, issue, and the steps after it."""

from __future__ import annotations

from pathlib import Path

import pytest
from eth_utils.crypto import keccak
from sqlalchemy import func
from sqlmodel import Session, select
from workflow_chain import (  # noqa: F401 - fixtures
    CATALOG,
    WorkflowChain,
    _pledge,
    build_history,
    chain_snapshot_fixture,
    ledger_fixture,
    workflow_chain_fixture,
    write_catalog,
)

from ledger import certificates
from ledger.catalog import load_catalog_entry
from ledger.chain.clock import DAY, YEAR, advance_time, chain_time
from ledger.context import LedgerContext
from ledger.errors import ContractRevertError, NotFoundError, ValidationError
from ledger.hashing import record_hash, to_hex
from ledger.inputs import resolve_party
from ledger.members import parse_roles
from ledger.numbers import registration_number
from ledger.registration import import_catalogs
from ledger.store.catalog import CatalogRecord, CatalogVersion


def _revert(error: pytest.ExceptionInfo[ContractRevertError]) -> tuple[str, dict[str, object]]:
    return error.value.name, error.value.args_by_name


def _stored(ledger: LedgerContext, certificate_id: int) -> list[CatalogVersion]:
    with Session(certificates.catalog_store(ledger)) as session:
        record = session.exec(select(CatalogRecord).where(CatalogRecord.certificate_id == certificate_id)).one()
        return list(
            session.exec(select(CatalogVersion).where(CatalogVersion.entry_id == record.id)
                         .order_by(CatalogVersion.version))  # type: ignore[arg-type]
        )


def _row_count(ledger: LedgerContext) -> int:
    with Session(certificates.catalog_store(ledger)) as session:
        return int(session.exec(select(func.count()).select_from(CatalogVersion)).one())


def _apply(ledger: LedgerContext, tmp_path: Path, name: str = "Port logistics", holder: str = "merchant-a") -> int:
    path = write_catalog(tmp_path, f"{name}.json", name=name)
    return certificates.apply(ledger, path, registrar="registrar", as_=holder).certificate.certificate_id


def _under_notice(ledger: LedgerContext, tmp_path: Path, notice: int = 7 * DAY, **kwargs: str) -> int:
    certificate_id = _apply(ledger, tmp_path, **kwargs)
    certificates.accept(ledger, str(certificate_id), as_="registrar")
    certificates.publicize(ledger, str(certificate_id), notice_seconds=notice, as_="registrar")
    return certificate_id


def _registration(certificate_id: int) -> str:
    return registration_number("SZDEX", f"2025{certificate_id:08d}")


def _wrong_check(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def _issued(ledger: LedgerContext, tmp_path: Path, number: str = "SZDEX-2025-0001", **kwargs: str) -> int:
    certificate_id = _under_notice(ledger, tmp_path, notice=DAY, **kwargs)
    advance_time(ledger.w3, ledger.profile, DAY + 1)
    expiry = chain_time(ledger.w3) + 5 * YEAR
    certificates.issue(ledger, str(certificate_id), registration_number=_registration(certificate_id), number=number,
                       expiry=expiry, as_="registrar")
    return certificate_id


def test_applying_puts_the_catalog_hash_on_chain_and_the_entry_off_chain(
    ledger: LedgerContext, tmp_path: Path
) -> None:
    path = write_catalog(tmp_path)
    result = certificates.apply(ledger, path, registrar="registrar", as_="merchant-a")
    view = result.certificate
    digest = to_hex(record_hash(load_catalog_entry(path)))
    assert result.action == "applied"
    assert view.status == "submitted"
    assert view.holder == resolve_party(ledger, "merchant-a")
    assert view.registrar == resolve_party(ledger, "registrar")
    assert (view.version, view.catalog_hash, view.number, view.in_force) == (1, digest, None, False)
    assert (view.name, view.catalog_stored) == (CATALOG["name"], True)
    [stored] = _stored(ledger, view.certificate_id)
    assert (stored.version, stored.record_hash, stored.name) == (1, digest, CATALOG["name"])


def test_a_malformed_catalog_file_sends_nothing_and_writes_nothing(ledger: LedgerContext, tmp_path: Path) -> None:
    path = write_catalog(tmp_path, update_frequency="hourly", classification_level=None)
    block = ledger.w3.eth.block_number
    with pytest.raises(ValidationError) as refused:
        certificates.apply(ledger, path, registrar="registrar", as_="merchant-a")
    assert "field 'update_frequency': expected one of" in str(refused.value)
    assert "field 'classification_level'" in str(refused.value)
    assert ledger.w3.eth.block_number == block
    assert _row_count(ledger) == 0


def test_only_a_merchant_applies_and_a_refusal_writes_nothing(ledger: LedgerContext, tmp_path: Path) -> None:
    block = ledger.w3.eth.block_number
    with pytest.raises(ContractRevertError) as refused:
        certificates.apply(ledger, write_catalog(tmp_path), registrar="registrar", as_="bank")
    assert _revert(refused) == (
        "ConsortiumMissingRole", {"account": resolve_party(ledger, "bank"), "roles": parse_roles("merchant")}
    )
    assert ledger.w3.eth.block_number == block
    assert _row_count(ledger) == 0


def test_an_application_names_an_active_registrar(ledger: LedgerContext, tmp_path: Path) -> None:
    with pytest.raises(ContractRevertError) as refused:
        certificates.apply(ledger, write_catalog(tmp_path), registrar="merchant-b", as_="merchant-a")
    assert _revert(refused) == (
        "ConsortiumMissingRole", {"account": resolve_party(ledger, "merchant-b"), "roles": 1}
    )


def test_the_review_goes_through_notice_objection_and_issue(ledger: LedgerContext, tmp_path: Path) -> None:
    certificate_id = _under_notice(ledger, tmp_path)
    ref = str(certificate_id)
    objected = certificates.object_to(ledger, ref, reason="the data set includes third-party data", as_="auditor")
    assert objected.certificate.status == "objected"
    resolved = certificates.resolve_objection(ledger, ref, reason="source shown", notice_seconds=2 * DAY,
                                              as_="registrar")
    assert resolved.certificate.status == "under notice"
    assert resolved.certificate.notice_deadline is not None

    with pytest.raises(ContractRevertError) as early:
        certificates.issue(ledger, ref, registration_number=_registration(int(ref)), number="SZDEX-2025-0007", expiry=chain_time(ledger.w3) + YEAR,
                           as_="registrar")
    deadline = int(resolved.certificate.notice_deadline.timestamp())
    assert _revert(early) == ("CertificatesNoticeNotEnded", {"certificateId": certificate_id, "deadline": deadline})
    assert "runs until" in str(early.value)

    advance_time(ledger.w3, ledger.profile, 2 * DAY + 1)
    expiry = chain_time(ledger.w3) + 5 * YEAR
    issued = certificates.issue(ledger, ref, registration_number=_registration(int(ref)), number="SZDEX-2025-0007", expiry=expiry, as_="registrar")
    view = issued.certificate
    assert (view.status, view.in_force, view.number) == ("issued", True, "SZDEX-2025-0007")
    assert view.expiry is not None and int(view.expiry.timestamp()) == expiry
    shares = ledger.call("Rights", "sharesOf", certificate_id, 0, resolve_party(ledger, "merchant-a"))
    assert shares == 10_000


def test_an_objection_after_the_notice_is_refused(ledger: LedgerContext, tmp_path: Path) -> None:
    certificate_id = _under_notice(ledger, tmp_path, notice=DAY)
    deadline = chain_time(ledger.w3) + DAY
    advance_time(ledger.w3, ledger.profile, 2 * DAY)
    with pytest.raises(ContractRevertError) as refused:
        certificates.object_to(ledger, str(certificate_id), reason="late", as_="auditor")
    name, args = _revert(refused)
    assert name == "CertificatesNoticeEnded"
    assert args["certificateId"] == certificate_id
    assert abs(int(str(args["deadline"])) - deadline) <= 2


def test_a_rejected_application_is_final(ledger: LedgerContext, tmp_path: Path) -> None:
    certificate_id = _under_notice(ledger, tmp_path)
    certificates.object_to(ledger, str(certificate_id), reason="not theirs", as_="merchant-b")
    rejected = certificates.reject(ledger, str(certificate_id), reason="ownership not shown", as_="registrar")
    assert rejected.certificate.status == "rejected"
    with pytest.raises(ContractRevertError) as refused:
        certificates.resolve_objection(ledger, str(certificate_id), reason="late", as_="registrar")
    assert _revert(refused) == (
        "CertificatesInvalidStatus", {"certificateId": certificate_id, "current": 6, "expected": 5}
    )


def test_accepting_twice_names_the_status_it_is_in(ledger: LedgerContext, tmp_path: Path) -> None:
    certificate_id = _apply(ledger, tmp_path)
    certificates.accept(ledger, str(certificate_id), as_="registrar")
    with pytest.raises(ContractRevertError) as refused:
        certificates.accept(ledger, str(certificate_id), as_="registrar")
    assert _revert(refused) == (
        "CertificatesInvalidStatus", {"certificateId": certificate_id, "current": 3, "expected": 1}
    )
    assert str(refused.value).startswith(f"certificate {certificate_id} is accepted, but this step needs it submitted")


def test_a_resubmission_replaces_version_one_off_chain_as_on_chain(ledger: LedgerContext, tmp_path: Path) -> None:
    certificate_id = _apply(ledger, tmp_path)
    certificates.return_for_correction(ledger, str(certificate_id), reason="scale missing units", as_="registrar")
    corrected = write_catalog(tmp_path, "corrected.json", name="Port logistics", scale="1.2 billion rows")
    with pytest.raises(ContractRevertError) as refused:
        certificates.resubmit(ledger, str(certificate_id), corrected, as_="merchant-b")
    assert _revert(refused) == (
        "CertificatesUnauthorizedHolder",
        {"certificateId": certificate_id, "account": resolve_party(ledger, "merchant-b")},
    )
    result = certificates.resubmit(ledger, str(certificate_id), corrected, as_="merchant-a")
    digest = to_hex(record_hash(load_catalog_entry(corrected)))
    assert (result.certificate.status, result.certificate.version, result.certificate.catalog_hash) == (
        "submitted", 1, digest
    )
    [stored] = _stored(ledger, certificate_id)
    assert (stored.version, stored.record_hash, stored.scale) == (1, digest, "1.2 billion rows")


def test_a_change_is_stored_as_the_next_version_and_takes_effect_when_approved(
    ledger: LedgerContext, tmp_path: Path
) -> None:
    certificate_id = _issued(ledger, tmp_path)
    ref = str(certificate_id)
    declined_entry = write_catalog(tmp_path, "v2a.json", name="Port logistics", scale="2 billion records")
    certificates.request_change(ledger, ref, declined_entry, as_="merchant-a")
    declined = certificates.decline(ledger, ref, reason="valuation report missing", as_="registrar")
    assert (declined.certificate.version, declined.certificate.pending_request) == (1, None)

    second = write_catalog(tmp_path, "v2b.json", name="Port logistics", scale="2.1 billion records")
    requested = certificates.request_change(ledger, ref, second, as_="merchant-a")
    assert requested.certificate.pending_request == "change"
    approved = certificates.approve(ledger, ref, number="SZDEX-2025-0001-2", as_="registrar")
    assert approved.certificate.number == "SZDEX-2025-0001-2"
    assert approved.certificate.registration_number == _registration(certificate_id)
    digest = to_hex(record_hash(load_catalog_entry(second)))
    assert (approved.action, approved.certificate.version, approved.certificate.catalog_hash) == (
        "changed", 2, digest
    )
    assert approved.certificate.catalog_stored
    versions = _stored(ledger, certificate_id)
    assert [(v.version, v.scale) for v in versions] == [(1, CATALOG["scale"]), (2, "2.1 billion records")]
    for version in versions:
        on_chain = ledger.call("Certificates", "catalogHashAt", certificate_id, version.version)
        assert to_hex(bytes(on_chain)) == version.record_hash


def test_a_change_to_the_same_entry_is_refused_before_sending(ledger: LedgerContext, tmp_path: Path) -> None:
    certificate_id = _issued(ledger, tmp_path)
    block = ledger.w3.eth.block_number
    same = write_catalog(tmp_path, "same.json", name="Port logistics")
    with pytest.raises(ValidationError, match="is the same as version 1"):
        certificates.request_change(ledger, str(certificate_id), same, as_="merchant-a")
    assert ledger.w3.eth.block_number == block


def test_a_renewal_moves_the_expiry_once_approved(ledger: LedgerContext, tmp_path: Path) -> None:
    certificate_id = _issued(ledger, tmp_path)
    new_expiry = chain_time(ledger.w3) + 10 * YEAR
    certificates.request_renewal(ledger, str(certificate_id), expiry=new_expiry, as_="merchant-a")
    with pytest.raises(ContractRevertError) as pending:
        certificates.request_renewal(ledger, str(certificate_id), expiry=new_expiry + 1, as_="merchant-a")
    assert _revert(pending) == ("CertificatesRequestPending", {"certificateId": certificate_id, "pending": 2})
    with pytest.raises(ValidationError, match="give the new certificate number"):
        certificates.approve(ledger, str(certificate_id), as_="registrar")
    renewed = certificates.approve(ledger, str(certificate_id), number="SZDEX-2025-0001-R", as_="registrar")
    assert renewed.action == "renewed"
    assert renewed.certificate.expiry is not None and int(renewed.certificate.expiry.timestamp()) == new_expiry


def test_a_suspended_certificate_is_not_in_force_until_reinstated(ledger: LedgerContext, tmp_path: Path) -> None:
    certificate_id = _issued(ledger, tmp_path)
    suspended = certificates.suspend(ledger, str(certificate_id), reason="ownership dispute", as_="registrar")
    assert (suspended.certificate.status, suspended.certificate.in_force) == ("suspended", False)
    reinstated = certificates.reinstate(ledger, str(certificate_id), as_="registrar")
    assert (reinstated.certificate.status, reinstated.certificate.in_force) == ("issued", True)


def test_the_holder_applies_for_cancellation_and_the_registrar_cancels(
    ledger: LedgerContext, tmp_path: Path
) -> None:
    first = _issued(ledger, tmp_path, number="N-1", name="first")
    requested = certificates.cancel(ledger, str(first), reason="asset retired", as_="merchant-a")
    assert (requested.action, requested.certificate.pending_request) == ("cancellation requested", "cancellation")
    approved = certificates.approve(ledger, str(first), as_="registrar")
    assert (approved.action, approved.certificate.status) == ("cancelled", "cancelled")

    second = _issued(ledger, tmp_path, number="N-2", name="second")
    cancelled = certificates.cancel(ledger, str(second), reason="court order", as_="registrar")
    assert (cancelled.action, cancelled.certificate.status) == ("cancelled", "cancelled")
    with pytest.raises(ContractRevertError) as refused:
        certificates.cancel(ledger, str(second), reason="no", as_="bank")
    assert _revert(refused) == (
        "CertificatesUnauthorizedHolder", {"certificateId": second, "account": resolve_party(ledger, "bank")}
    )


def test_a_pledged_certificate_is_cancelled_once_its_pledgee_consents_and_the_pledge_ends_with_it(
    ledger: LedgerContext, tmp_path: Path
) -> None:
    from ledger.pledges import active_pledge_ids, consent_to_act, show_pledge

    certificate_id = _issued(ledger, tmp_path, number="P-1", name="pledged")
    ref = str(certificate_id)
    _pledge(ledger, certificate_id, 4_000, maturity=chain_time(ledger.w3) + YEAR)
    [pledge_id] = active_pledge_ids(ledger, certificate_id)
    # The registrar's cancellation names the active pledge by itself; the contract refuses it without consent.
    with pytest.raises(ContractRevertError) as refused:
        certificates.cancel(ledger, ref, reason="court order", as_="registrar")
    act = certificates.certificate_act_hash(ledger, ref, certificates.CertificateRequest.CANCELLATION,
                                            reason="court order")
    assert _revert(refused) == (
        "PledgesActNotConsented",
        {"pledgeId": pledge_id, "pledgee": resolve_party(ledger, "bank"), "actHash": act},
    )
    assert f"pledge #{pledge_id} is active over this collateral" in str(refused.value)
    assert f"dal pledge consent-act {pledge_id} {act}" in str(refused.value)
    assert certificates.show(ledger, ref).status == "issued"

    consent_to_act(ledger, pledge_id, act, as_="bank")
    cancelled = certificates.cancel(ledger, ref, reason="court order", as_="registrar")
    assert (cancelled.action, cancelled.certificate.status) == ("cancelled", "cancelled")
    assert show_pledge(ledger, pledge_id).status == "released"
    assert active_pledge_ids(ledger, certificate_id) == []


def test_a_pledged_certificate_is_changed_once_its_pledgee_consents(ledger: LedgerContext, tmp_path: Path) -> None:
    from ledger.pledges import active_pledge_ids, consent_to_act, show_pledge

    certificate_id = _issued(ledger, tmp_path, number="P-2", name="pledged")
    ref = str(certificate_id)
    _pledge(ledger, certificate_id, 4_000, maturity=chain_time(ledger.w3) + YEAR)
    [pledge_id] = active_pledge_ids(ledger, certificate_id)
    changed_entry = write_catalog(tmp_path, "changed.json", name="pledged", scale="3 billion records")
    certificates.request_change(ledger, ref, changed_entry, as_="merchant-a")
    act = certificates.certificate_act_hash(ledger, ref, certificates.CertificateRequest.CHANGE, catalog=changed_entry)
    with pytest.raises(ContractRevertError) as refused:
        certificates.approve(ledger, ref, number="P-2-B", as_="registrar")
    assert _revert(refused) == (
        "PledgesActNotConsented",
        {"pledgeId": pledge_id, "pledgee": resolve_party(ledger, "bank"), "actHash": act},
    )
    consent_to_act(ledger, pledge_id, act, as_="bank")
    approved = certificates.approve(ledger, ref, number="P-2-B", as_="registrar")
    assert (approved.action, approved.certificate.version) == ("changed", 2)
    assert show_pledge(ledger, pledge_id).status == "active"
    with pytest.raises(ValidationError, match="a renewal needs none"):
        certificates.certificate_act_hash(ledger, ref, certificates.CertificateRequest.RENEWAL)


def test_a_number_is_issued_once_across_the_consortium(ledger: LedgerContext, tmp_path: Path) -> None:
    first = _issued(ledger, tmp_path, number="SZDEX-1", name="first")
    second = _under_notice(ledger, tmp_path, notice=DAY, name="second")
    advance_time(ledger.w3, ledger.profile, DAY + 1)
    with pytest.raises(ContractRevertError) as refused:
        certificates.issue(ledger, str(second), registration_number=_registration(second), number="SZDEX-1",
                           expiry=chain_time(ledger.w3) + YEAR, as_="registrar")
    assert _revert(refused) == ("CertificatesNumberTaken", {"number": "SZDEX-1", "certificateId": first})
    with pytest.raises(ValidationError, match="has check character"):
        certificates.issue(ledger, str(second), registration_number=_wrong_check(_registration(second)), number="N",
                           expiry=chain_time(ledger.w3) + YEAR, as_="registrar")


def test_a_certificate_is_named_by_id_by_registrar_and_number_or_by_a_unique_number(
    ledger: LedgerContext, tmp_path: Path
) -> None:
    certificate_id = _issued(ledger, tmp_path, number="SZDEX-2025-0042")
    registrar = resolve_party(ledger, "registrar")
    for ref in (str(certificate_id), "SZDEX-2025-0042", "registrar:SZDEX-2025-0042", f"{registrar}:SZDEX-2025-0042",
                _registration(certificate_id)):
        assert certificates.resolve(ledger, ref) == certificate_id
    assert certificates.show(ledger, "SZDEX-2025-0042").number == "SZDEX-2025-0042"
    with pytest.raises(NotFoundError, match="certificate 99 does not exist"):
        certificates.resolve(ledger, "99")
    with pytest.raises(NotFoundError, match="no certificate carries number 'SZDEX-404'"):
        certificates.resolve(ledger, "SZDEX-404")
    with pytest.raises(NotFoundError, match="no certificate carries number 'X-1'"):
        certificates.resolve(ledger, "registrar:X-1")
    with pytest.raises(NotFoundError, match="which registrar merchant-a does not manage"):
        certificates.resolve(ledger, "merchant-a:SZDEX-2025-0042")


def test_certificates_are_listed_by_holder_registrar_and_status(ledger: LedgerContext, tmp_path: Path) -> None:
    issued = _issued(ledger, tmp_path, name="issued one")
    submitted = _apply(ledger, tmp_path, name="submitted one", holder="merchant-b")
    every = [view.certificate_id for view in certificates.list_certificates(ledger)]
    assert every == [issued, submitted]
    by_holder = certificates.list_certificates(ledger, holder="merchant-b")
    assert [(view.certificate_id, view.name) for view in by_holder] == [(submitted, "submitted one")]
    assert [v.certificate_id for v in certificates.list_certificates(ledger, status="issued")] == [issued]
    assert [v.certificate_id for v in certificates.list_certificates(ledger, registrar="registrar")] == every
    with pytest.raises(ValidationError, match="unknown status 'lost'"):
        certificates.list_certificates(ledger, status="lost")


def test_reasons_are_recorded_by_hash(ledger: LedgerContext, tmp_path: Path) -> None:
    certificate_id = _apply(ledger, tmp_path)
    result = certificates.return_for_correction(ledger, str(certificate_id), reason="scale missing",
                                                as_="registrar")
    receipt = ledger.w3.eth.get_transaction_receipt(result.tx_hash)  # type: ignore[arg-type]
    [event] = ledger.contract("Certificates").events.CertificateReturned().process_receipt(receipt)
    assert bytes(event["args"]["reasonHash"]) == keccak(text="scale missing")


def test_applications_are_stored_on_sqlite_and_postgresql_alike(
    workflow_chain: WorkflowChain, chain_snapshot: None, empty_database_url: str, tmp_path: Path
) -> None:
    ledger = workflow_chain.context(empty_database_url)
    result = certificates.apply(ledger, write_catalog(tmp_path), registrar="registrar", as_="merchant-a")
    folder = tmp_path / "more"
    folder.mkdir()
    for index in range(3):
        write_catalog(folder, f"more-{index}.json", name=f"More {index}")
    report = import_catalogs(ledger, folder, registrar="registrar", as_="merchant-a")
    ids = [result.certificate.certificate_id] + [item.certificate_id for item in report.items]
    for certificate_id in ids:
        [stored] = _stored(ledger, certificate_id)
        on_chain = ledger.call("Certificates", "certificate", certificate_id)
        assert stored.record_hash == to_hex(bytes(on_chain[4]))
    assert [view.name for view in certificates.list_certificates(ledger)] == [
        CATALOG["name"], "More 0", "More 1", "More 2"
    ]


def test_the_same_entry_applied_for_twice_by_one_applicant_is_refused_while_pending(
    ledger: LedgerContext, tmp_path: Path,
) -> None:
    path = write_catalog(tmp_path)
    first = certificates.apply(ledger, path, registrar="registrar", as_="merchant-a").certificate.certificate_id
    block = ledger.w3.eth.block_number
    with pytest.raises(ValidationError, match=(
        f"this catalog entry was already applied for as certificate {first}, which is submitted; "
        f"follow it with `dal asset show {first}`"
    )):
        certificates.apply(ledger, path, registrar="registrar", as_="merchant-a")
    assert ledger.w3.eth.block_number == block  # nothing was sent
    # Another applicant may apply with the same entry (the registrar decides between them).
    other = certificates.apply(ledger, path, registrar="registrar", as_="merchant-b").certificate
    assert other.certificate_id == first + 1


def test_the_same_entry_may_be_applied_for_again_once_the_first_is_rejected(
    ledger: LedgerContext, tmp_path: Path,
) -> None:
    path = write_catalog(tmp_path)
    first = certificates.apply(ledger, path, registrar="registrar", as_="merchant-a").certificate.certificate_id
    certificates.accept(ledger, str(first), as_="registrar")
    certificates.publicize(ledger, str(first), notice_seconds=DAY, as_="registrar")
    certificates.object_to(ledger, str(first), reason="source unclear", as_="auditor")
    certificates.reject(ledger, str(first), reason="incomplete", as_="registrar")
    again = certificates.apply(ledger, path, registrar="registrar", as_="merchant-a").certificate
    assert again.certificate_id == first + 1 and again.status == "submitted"


def test_a_notice_period_beyond_a_year_is_refused(ledger: LedgerContext, tmp_path: Path) -> None:
    cid = certificates.apply(ledger, write_catalog(tmp_path), registrar="registrar", as_="merchant-a") \
        .certificate.certificate_id
    certificates.accept(ledger, str(cid), as_="registrar")
    block = ledger.w3.eth.block_number
    with pytest.raises(ValidationError, match="a notice period of 366 days is beyond the ceiling of 365 days"):
        certificates.publicize(ledger, str(cid), notice_seconds=366 * DAY, as_="registrar")
    assert ledger.w3.eth.block_number == block
    assert certificates.publicize(ledger, str(cid), notice_seconds=365 * DAY, as_="registrar").certificate.status \
        == "under notice"


def test_a_holder_finds_every_certificate_where_it_holds_shares_of_any_right(
    ledger: LedgerContext, tmp_path: Path,
) -> None:
    cid = build_history(ledger, tmp_path)["certificate"]
    listed = {name: [view.certificate_id for view in certificates.list_certificates(ledger, holder=name)]
              for name in ("merchant-a", "merchant-c", "bank", "merchant-b")}
    assert cid in listed["merchant-a"]  # the applicant, holder of record
    assert cid in listed["merchant-c"]  # 40% of the operation right, by transfer
    assert cid in listed["bank"]  # the holding shares it took by enforcing its pledge
    assert cid not in listed["merchant-b"]  # a licensee holds no shares
    by_registrar = certificates.list_certificates(ledger, holder="merchant-c", registrar="merchant-b")
    assert by_registrar == []
