"""An exchange's volume: many applications submitted, reviewed, published and issued in one call,
and certificates of a legacy registry imported. A batch is all or nothing, and emits exactly the
events of the single calls."""

from __future__ import annotations

from typing import Any

from contract_harness import DAY, MERCHANT, REGISTRAR, YEAR, Ledger
from eth_utils.crypto import keccak
from web3.logs import DISCARD
from web3.types import TxReceipt

from ledger.numbers import registration_number

SUBMITTED, ACCEPTED, UNDER_NOTICE, ISSUED = 1, 3, 4, 7


def catalogs(count: int, label: str = "batch") -> list[bytes]:
    return [keccak(text=f"{label} {index}") for index in range(count)]


def applications(count: int, label: str = "batch") -> list[tuple[bytes, int, int]]:
    """``Application`` tuples claiming the three rights, with no authorisation end declared."""
    return [(catalog, 7, 0) for catalog in catalogs(count, label)]


def suite_events(ledger: Ledger, receipt: TxReceipt) -> list[tuple[str, dict[str, Any]]]:
    """Every event of the Certificates and Rights contracts in ``receipt``, in log order."""
    found = []
    for name in ("Certificates", "Rights"):
        contract = ledger.contracts[name]
        for item in contract.abi:
            if item.get("type") != "event":
                continue
            for log in contract.events[item["name"]]().process_receipt(receipt, errors=DISCARD):
                if log["address"] == contract.address:
                    found.append((log["logIndex"], log["event"], dict(log["args"])))
    return [(event, args) for _, event, args in sorted(found, key=lambda entry: entry[0])]


def test_a_batch_walks_many_applications_through_review_with_the_single_calls_events(
    ledger: Ledger,
) -> None:
    c = ledger.certificates.functions
    registrar = ledger.address("registrar")
    receipt = ledger.send(c.submitBatch(registrar, applications(3)), "merchant_a")
    first = ledger.events(receipt, "Certificates", "CertificateSubmitted")[0]["certificateId"]
    ids = [first, first + 1, first + 2]
    assert ledger.events(receipt, "Certificates", "CertificateSubmitted") == [
        {"certificateId": cid, "applicant": ledger.address("merchant_a"), "registrar": registrar,
         "catalogHash": catalog, "rights": 7, "authorisedUntil": 0}
        for cid, catalog in zip(ids, catalogs(3), strict=True)
    ]
    assert c.certificateCount().call() == ids[-1]

    receipt = ledger.send(c.acceptBatch(ids), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificateAccepted") == [{"certificateId": cid} for cid in ids]
    deadline = ledger.now() + 10 * DAY
    receipt = ledger.send(c.publicizeBatch(ids, deadline), "registrar")
    assert ledger.events(receipt, "Certificates", "CertificatePublicized") == [
        {"certificateId": cid, "noticeDeadline": deadline} for cid in ids
    ]
    ledger.advance(10 * DAY)
    expiry = ledger.now() + 3 * YEAR
    numbers = [f"BATCH-{cid}" for cid in ids]
    batch = ledger.send(c.issueBatch(ids, [ledger.issue_terms(expiry, number=n) for n in numbers]), "registrar")

    # The same issue, one by one, on a twin application: the same events, in the same order.
    single_id = ledger.submit()
    ledger.send(c.accept(single_id), "registrar")
    ledger.send(c.publicize(single_id, ledger.now() + 60), "registrar")
    ledger.advance(61)
    single = ledger.send(c.issue(single_id, ledger.issue_terms(expiry, number="SINGLE-1")), "registrar")
    # CertificateIssued, then the minting: one SharesMoved per right granted and the TransferBatch
    assert [name for name, _ in suite_events(ledger, single)] == [
        "CertificateIssued", "SharesMoved", "SharesMoved", "SharesMoved", "TransferBatch"
    ]
    events = suite_events(ledger, batch)
    assert [name for name, _ in events] == [name for name, _ in suite_events(ledger, single)] * 3
    issued = [args for name, args in events if name == "CertificateIssued"]
    assert [(args["certificateId"], args["number"]) for args in issued] == list(zip(ids, numbers, strict=True))
    for cid in ids:
        record = ledger.struct(c.certificate(cid))
        assert (record["status"], record["number"], record["expiry"]) == (ISSUED, f"BATCH-{cid}", expiry)
        assert [ledger.shares(cid, right, "merchant_a") for right in range(3)] == [10_000] * 3


def test_a_batch_is_all_or_nothing_and_fails_with_its_first_refused_item(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    registrar = ledger.address("registrar")
    ids = [ledger.submit(), ledger.submit()]
    ledger.send(c.accept(ids[1]), "registrar")
    count = c.certificateCount().call()
    # The second item is already accepted: nothing of the batch happens.
    ledger.reverts(c.acceptBatch(ids), "registrar", "CertificatesInvalidStatus", ids[1], ACCEPTED, SUBMITTED)
    assert ledger.struct(c.certificate(ids[0]))["status"] == SUBMITTED
    ledger.reverts(
        c.submitBatch(registrar, [(keccak(text="fine"), 7, 0), (b"\x00" * 32, 7, 0)]), "merchant_a",
        "CertificatesInvalidCatalogHash", b"\x00" * 32,
    )
    assert c.certificateCount().call() == count
    ledger.reverts(c.publicizeBatch([ids[1], ids[0]], ledger.now() + DAY), "registrar",
                   "CertificatesInvalidStatus", ids[0], SUBMITTED, ACCEPTED)
    ledger.reverts(c.publicizeBatch([ids[1]], ledger.now()), "registrar", "CertificatesInvalidDeadline", ledger.now())
    # Another registrar's application in the batch.
    other = ledger.submit(registrar="registrar_b")
    ledger.reverts(c.acceptBatch([ids[0], other]), "registrar", "CertificatesUnauthorizedRegistrar", other, "registrar")


def test_empty_batches_and_lists_of_different_lengths_are_refused(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    registrar = ledger.address("registrar")
    ledger.reverts(c.submitBatch(registrar, []), "merchant_a", "CertificatesInvalidBatch", 0, 0)
    ledger.reverts(c.acceptBatch([]), "registrar", "CertificatesInvalidBatch", 0, 0)
    ledger.reverts(c.publicizeBatch([], ledger.now() + DAY), "registrar", "CertificatesInvalidBatch", 0, 0)
    ledger.reverts(c.importIssued([]), "registrar", "CertificatesInvalidBatch", 0, 0)
    cid = ledger.under_notice(notice=60)
    ledger.advance(61)
    later = ledger.now() + YEAR
    ledger.reverts(c.issueBatch([], []), "registrar", "CertificatesInvalidBatch", 0, 0)
    two = [ledger.issue_terms(later, number="A"), ledger.issue_terms(later, number="B")]
    ledger.reverts(c.issueBatch([cid], two), "registrar", "CertificatesInvalidBatch", 1, 2)


def test_batch_callers_need_the_role_of_the_single_calls(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    registrar = ledger.address("registrar")
    ledger.reverts(c.submitBatch(registrar, applications(1)), "registrar", "ConsortiumMissingRole", "registrar", MERCHANT)
    ledger.reverts(c.submitBatch(ledger.address("auditor"), applications(1)), "merchant_a",
                   "ConsortiumMissingRole", "auditor", REGISTRAR)
    ledger.reverts(c.importIssued([legacy(ledger)]), "merchant_a", "ConsortiumMissingRole", "merchant_a", REGISTRAR)
    ledger.reverts(c.submitBatch(registrar, applications(1)), "suspended", "ConsortiumMemberSuspended", "suspended")


def legacy(ledger: Ledger, holder: str = "merchant_b", number: str = "LEGACY-2020-000001", **changes: Any) -> tuple:
    fields = {
        "holder": ledger.address(holder),
        "catalogHash": keccak(text=number),
        "number": number,
        "registrationNumber": "",
        "submittedAt": ledger.now() - 3 * YEAR,
        "issuedAt": ledger.now() - 2 * YEAR,
        "expiry": ledger.now() + YEAR,
    } | changes
    return tuple(fields.values())


def test_a_registrar_imports_certificates_a_legacy_registry_issued(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    items = [legacy(ledger, number="LEGACY-2020-000001"), legacy(ledger, "merchant_c", "LEGACY-2020-000002")]
    receipt = ledger.send(c.importIssued(items), "registrar")
    imported = ledger.events(receipt, "Certificates", "CertificateImported")
    first = imported[0]["certificateId"]
    assert imported == [
        {"certificateId": first + index, "registrar": ledger.address("registrar"), "holder": item[0],
         "catalogHash": item[1], "number": item[2], "registrationNumber": item[3], "submittedAt": item[4],
         "issuedAt": item[5], "expiry": item[6]}
        for index, item in enumerate(items)
    ]
    record = ledger.struct(c.certificate(first))
    assert (record["status"], record["imported"], record["number"], record["submittedAt"], record["issuedAt"]) == (
        ISSUED, True, "LEGACY-2020-000001", items[0][4], items[0][5]
    )
    assert record["registrar"] == ledger.address("registrar")
    assert c.isInForce(first).call()
    assert c.certificateByNumber("LEGACY-2020-000002").call() == first + 1
    assert (record["rightsClaimed"], record["rightsGranted"], record["registrationNumber"]) == (7, 7, "")
    assert [ledger.shares(first + 1, right, "merchant_c") for right in range(3)] == [10_000] * 3
    # Imported certificates live like any other: shares move.
    ledger.send(ledger.rights.functions.transferShares(first, 0, ledger.address("merchant_a"), 100), "merchant_b")


def test_an_imported_certificate_keeps_the_registration_number_the_legacy_registry_gave(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    registration = registration_number("GZDEX", "202100000042")
    receipt = ledger.send(
        c.importIssued([legacy(ledger, number="LEGACY-R-1", registrationNumber=registration)]), "registrar"
    )
    (imported,) = ledger.events(receipt, "Certificates", "CertificateImported")
    assert imported["registrationNumber"] == registration
    certificate_id = imported["certificateId"]
    assert ledger.struct(c.certificate(certificate_id))["registrationNumber"] == registration
    # The registration number is reserved across the consortium like any other number.
    assert c.certificateByNumber(registration).call() == certificate_id
    ledger.reverts(c.importIssued([legacy(ledger, number="LEGACY-R-2", registrationNumber=registration)]),
                   "registrar", "CertificatesNumberTaken", registration, certificate_id)
    wrong_check = registration[:-1] + ("0" if registration[-1] != "0" else "1")
    ledger.reverts(c.importIssued([legacy(ledger, number="LEGACY-R-3", registrationNumber=wrong_check)]),
                   "registrar", "CertificatesInvalidRegistrationNumber", wrong_check)


def test_an_import_refuses_bad_dates_taken_numbers_and_holders_who_may_not_hold(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    now = ledger.now()
    ledger.send(c.importIssued([legacy(ledger, number="TAKEN-1")]), "registrar")
    cases = [
        (legacy(ledger, submittedAt=now - YEAR, issuedAt=now - 2 * YEAR), "CertificatesInvalidImportDates",
         (now - YEAR, now - 2 * YEAR)),
        (legacy(ledger, issuedAt=now + DAY), "CertificatesInvalidImportDates", (now - 3 * YEAR, now + DAY)),
        (legacy(ledger, expiry=now), "CertificatesInvalidExpiry", (now,)),
        (legacy(ledger, number=""), "CertificatesInvalidNumber", ("",)),
        (legacy(ledger, catalogHash=b"\x00" * 32), "CertificatesInvalidCatalogHash", (b"\x00" * 32,)),
        (legacy(ledger, number="TAKEN-1"), "CertificatesNumberTaken",
         ("TAKEN-1", c.certificateCount().call())),
        (legacy(ledger, "bank"), "ConsortiumMissingRole", ("bank", MERCHANT)),
        (legacy(ledger, "stranger"), "ConsortiumNotMember", ("stranger",)),
    ]
    for item, error, args in cases:
        ledger.reverts(c.importIssued([legacy(ledger, number="FINE-1"), item]), "registrar", error, *args)
    # Two items of one batch cannot share a number either.
    ledger.reverts(
        c.importIssued([legacy(ledger, number="TWICE"), legacy(ledger, number="TWICE")]), "registrar",
        "CertificatesNumberTaken", "TWICE", c.certificateCount().call() + 1,
    )
