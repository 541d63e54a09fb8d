"""The end-to-end scenario (`dal demo`): a data asset from application to a realised pledge, on a fresh chain.

On a fresh local chain: the consortium is set up; a merchant applies with a
catalog entry; the registrar accepts it, publishes it, and issues it after the
notice deadline (the local chain's clock is moved, not slept); the merchant
licenses the development right to a second merchant for a year and transfers
40% of the operation right to a third; a bank verifies the certificate, takes
the merchant's signed consent and records a pledge over the holding right; an
attempt to transfer the pledged shares is refused with the contract's reason;
the loan is repaid and the pledge released; a second pledge passes its
maturity unpaid and is realised at a price agreed with the pledgor (never a
forfeiture), the surplus owed to it. The oracle then anchors the off-chain records
(the catalog entry) on chain as Merkle roots, brings the read model in step
with the chain and reconciles the two; the auditor checks the catalog entry
against its anchor and traces the certificate's history from the read model.

Every step goes through the same library calls the CLI uses, so the scenario
is also an end-to-end check of the ledger. :func:`demo_context` makes the
fresh data home and chain (never the user's own); :func:`run_demo` plays the
scenario on it and returns a :class:`DemoSummary` whose ``checks`` a program
can verify.

It lives with the CLI because it drives both the library and the oracle, and
only the CLI sits above both: ``ledger`` never imports ``oracle`` or ``cli``
(an import-linter contract, checked by ``make lint``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from ledger import audit, certificates
from ledger.books.booking import book_certificate
from ledger.catalog import (
    AcquisitionMethod,
    AppraisedValuation,
    CatalogEntryV2,
    ClaimedRight,
    ClassificationLevel,
    DocumentRef,
    ObjectType,
    ProductForm,
    Restrictions,
    Sample,
    SampleKind,
    UpdateFrequency,
    ValuationMethod,
)
from ledger.chain.clock import DAY, MINUTE, YEAR, advance_time, chain_time
from ledger.chain.node import free_port
from ledger.config import Profile
from ledger.context import LedgerContext
from ledger.errors import ContractRevertError, ValidationError
from ledger.hashing import keccak256
from ledger.inputs import format_amount, resolve_party
from ledger.licences import grant_licence
from ledger.members import DEVELOPMENT_MEMBERS, admit_development_consortium
from ledger.parties import name_of
from ledger.pledges import (
    realise_pledge,
    record_pledge,
    release_pledge,
    show_pledge,
    sign_consent,
    sign_realisation,
)
from ledger.rights import transfer_shares
from ledger.store.anchors import RecordKind
from ledger.verify import verify_certificate
from oracle.books_audit import audit_books
from oracle.service import Oracle

__all__ = ["DEMO_CATALOG", "DEMO_NUMBER", "DEMO_STEPS", "DemoStep", "DemoSummary", "demo_context", "run_demo"]

#: The certificate number the registrar issues in the scenario.
DEMO_NUMBER = "SZDEX-2025-000123"
#: The demo certificate's stable registration number (ISO 7064 MOD 11-2 check character last).
DEMO_REGISTRATION_NUMBER = "SZDEX2025000001235"

#: The catalog entry the merchant applies with.
DEMO_CATALOG = CatalogEntryV2(
    name="Port logistics container movements 2024",
    description="Every container movement through the port's terminals in 2019-2024, de-identified.",
    source="Terminal operating systems of the port group",
    scale="1.2 billion records, 340 GB",
    update_frequency=UpdateFrequency.DAILY,
    format="Parquet",
    coverage="Shenzhen port terminals, 2019-01-01 to 2024-12-31",
    classification_level=ClassificationLevel.IMPORTANT,
    contains_personal_data=False,
    compliance_report=DocumentRef(hash="0x" + "ab" * 32, reference="CR-2025-0042"),
    quality_report=DocumentRef(hash="0x" + "cd" * 32, reference="QR-2025-0017"),
    valuation=AppraisedValuation(amount_minor=1_250_000_000, currency="CNY", method=ValuationMethod.INCOME,
                                 date=dt.date(2025, 3, 31), appraiser="Pengcheng Asset Appraisal Co.",
                                 report_hash="0x" + "ef" * 32),
    object_type=ObjectType.DATA_PRODUCT,
    product_form=ProductForm.DATASET,
    rights_claimed=[ClaimedRight.HOLDING, ClaimedRight.DEVELOPMENT, ClaimedRight.OPERATION],
    acquisition_method=AcquisitionMethod.SELF_GENERATED,
    application_scenarios=["Port capacity planning", "Shipping-line schedule optimisation"],
    scope_of_use="Analysis by licensed logistics companies; no resale of the raw records.",
    restrictions=Restrictions(regions=["Guangdong"], fields=["logistics"], cross_border_restricted=True),
    sample=Sample(kind=SampleKind.SCHEMA, hash="0x" + "5a" * 32),
    storage_location="Port group data centre, Shenzhen",
    registrant_credit_code="91110000MA01000004",
)

_NOTICE_DAYS = 10
_SECOND_LOAN_DAYS = 30
_PLEDGED_SHARES = 6_000  # 60% of the holding right
# What the auditor's trace must show, at least.
_TRACED_EVENTS = {
    "CertificateSubmitted", "CertificateAccepted", "CertificatePublicized", "CertificateIssued", "TransferBatch",
    "TransferSingle", "LicenceGranted", "PledgeRecorded", "PledgeReleased", "PledgeRealised",
}
#: What merchant-a capitalised developing the data asset, in minor units (1,200,000.00 CNY).
_BOOKED_COST = 1_200_000_00
#: How many steps the scenario has (for progress displays).
DEMO_STEPS = 25


@dataclass(frozen=True)
class DemoStep:
    """One step of the scenario: who acted, what they did, and the transaction if one was sent."""

    step: int
    actor: str
    action: str
    detail: str
    tx_hash: str | None = None
    block: int | None = None


@dataclass
class DemoSummary:
    """What the scenario did, and the facts at its end that a program can check."""

    home: str
    rpc_url: str
    certificate_id: int = 0
    number: str | None = None
    steps: list[DemoStep] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every expected outcome came about."""
        return bool(self.checks) and all(self.checks.get("passed", {}).values())


def demo_context(home: Path, like: Profile | None = None) -> LedgerContext:
    """A local-profile context on an empty data home ``home``, with its own node on a free port.

    Nothing of the user's environment is used (no ``DAL_*`` settings), so the
    demo never touches the user's chain, keystores or database. With ``like``
    (a network's profile) the local chain and the client are set up the way
    that network is: its chain id, its gas price, proof-of-authority block
    headers and its ``eth_getLogs`` window: a rehearsal of the network's
    settings before going live.
    """
    home.mkdir(parents=True, exist_ok=True)
    if any(home.iterdir()):
        raise ValidationError(f"the demo needs an empty data home, and {home} is not empty; give a new folder")
    env = {"DAL_HOME": str(home), "DAL_RPC_URL": f"http://127.0.0.1:{free_port()}"}
    if like is not None:
        env.update({
            "DAL_CHAIN_ID": str(like.chain_id),
            "DAL_POA": str(like.poa).lower(),
            "DAL_GAS_PRICE": "auto" if like.gas_price is None else str(like.gas_price),
            "DAL_LOG_RANGE": str(like.log_range),
        })
    return LedgerContext.load("local", env=env)


def _shares(ledger: LedgerContext, certificate_id: int, right: int) -> dict[str, int]:
    """The named members' shares of ``right`` (only non-zero holdings)."""
    holdings = {}
    for name in ("merchant-a", "merchant-b", "merchant-c", "bank", "bank-b"):
        shares = int(ledger.call("Rights", "sharesOf", certificate_id, right, resolve_party(ledger, name)))
        if shares:
            holdings[name] = shares
    return holdings


def _when(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")


def run_demo(ledger: LedgerContext, on_step: Callable[[DemoStep], None] | None = None) -> DemoSummary:
    """Play the scenario on ``ledger`` (a fresh local chain); ``on_step`` hears each step as it ends."""
    if not ledger.profile.managed_node:
        raise ValidationError("the demo runs on a fresh local chain only; run `dal demo` without --profile")
    summary = DemoSummary(home=str(ledger.profile.home), rpc_url=ledger.profile.rpc_url)

    def step(actor: str, action: str, detail: str, tx_hash: str | None = None, block: int | None = None) -> None:
        done = DemoStep(len(summary.steps) + 1, actor, action, detail, tx_hash, block)
        summary.steps.append(done)
        if on_step is not None:
            on_step(done)

    ledger.deployment  # noqa: B018 - starts the node and deploys the suite
    admitted = admit_development_consortium(ledger, as_="admin")
    step("admin", "sets up the consortium",
         f"admitted {len(admitted)} members: " + ", ".join(f"{m.local_name} ({'/'.join(m.roles)})" for m in admitted))

    applied = certificates.apply(ledger, DEMO_CATALOG, registrar="registrar", as_="merchant-a")
    cid = applied.certificate.certificate_id
    ref = str(cid)
    summary.certificate_id = cid
    step("merchant-a", "applies", f"applied for certificate {cid} with the catalog entry '{DEMO_CATALOG.name}' "
         f"(hash {applied.certificate.catalog_hash}), kept off chain", applied.tx_hash, applied.block)

    accepted = certificates.accept(ledger, ref, as_="registrar")
    step("registrar", "accepts", f"accepted application {cid} for review", accepted.tx_hash, accepted.block)

    published = certificates.publicize(ledger, ref, notice_seconds=_NOTICE_DAYS * DAY, as_="registrar")
    deadline = published.certificate.notice_deadline
    step("registrar", "publishes", f"published it for objections for {_NOTICE_DAYS} days, until "
         f"{deadline:%Y-%m-%d %H:%M} UTC" if deadline else "published it", published.tx_hash, published.block)

    now = advance_time(ledger.w3, ledger.profile, _NOTICE_DAYS * DAY + MINUTE)
    step("local chain", "moves its clock", f"moved the chain's clock {_NOTICE_DAYS} days ahead, to {_when(now)}; "
         "no objection was raised")

    issued = certificates.issue(ledger, ref, registration_number=DEMO_REGISTRATION_NUMBER, number=DEMO_NUMBER,
                                expiry=chain_time(ledger.w3) + 5 * YEAR, as_="registrar")
    summary.number = DEMO_NUMBER
    expiry = issued.certificate.expiry
    step("registrar", "issues", f"issued certificate {cid} as {DEMO_NUMBER} under registration number "
         f"{DEMO_REGISTRATION_NUMBER}, in force until "
         f"{expiry:%Y-%m-%d}; merchant-a holds all of its three rights" if expiry else "issued it",
         issued.tx_hash, issued.block)

    now = chain_time(ledger.w3)
    terms = bytes(keccak(text="Development licence: analytics of container movements, no resale."))
    licence = grant_licence(ledger, cid, "development", "merchant-b", terms, end=now + YEAR,
                            as_="merchant-a")
    step("merchant-a", "licenses", f"licensed the development right to merchant-b for a year "
         f"(licence {licence.licence.licence_id}, non-exclusive)", licence.written.tx_hash, licence.written.block)

    moved = transfer_shares(ledger, cid, "operation", "merchant-c", 4_000, as_="merchant-a")
    step("merchant-a", "transfers", f"transferred 40% of the operation right to merchant-c: merchant-a holds "
         f"{moved.sender_shares_after / 100:g}%, merchant-c {moved.recipient_shares_after / 100:g}%",
         moved.written.tx_hash, moved.written.block)

    today = dt.datetime.fromtimestamp(chain_time(ledger.w3), dt.UTC).date()
    booked = book_certificate(ledger, cid, cost=_BOOKED_COST, on=today, life="5y", as_="merchant-a")
    step("merchant-a", "books the asset", f"put certificate {cid} on its balance sheet as an intangible data "
         f"resource (无形资产—数据资源) of {_BOOKED_COST / 100:,.2f} CNY, development cost capitalised and ready "
         f"for use on {today:%Y-%m-%d}, amortised straight-line over 5 years: {len(booked.entries)} journal "
         "entries")
    oracle = Oracle(ledger)
    merchant = ledger.address_of("merchant-a")
    books_before = audit_books(oracle, merchant)
    step("auditor", "checks the books", f"checked merchant-a's books against the chain: {len(books_before.cards)} "
         f"asset card(s), {'no drift' if books_before.ok else '; '.join(books_before.drift)}")

    checked = verify_certificate(ledger, cid)
    step("bank", "verifies", f"checked {DEMO_NUMBER} before lending: "
         f"{'genuine' if checked.genuine else 'NOT genuine'}, {'in force' if checked.in_force else 'NOT in force'}, "
         f"{len(checked.binding_pledges())} pledges ahead, {len(checked.binding_licences())} licence(s) binding: "
         f"{'lendable' if checked.lendable else 'not lendable'}")

    maturity = chain_time(ledger.w3) + YEAR
    registered = chain_time(ledger.w3)
    consent = sign_consent(ledger, cid, "holding", _PLEDGED_SHARES, "bank", "5000000.00", "CNY", maturity,
                           reference="04523456000123456789", registered_at=registered,
                           registration_expiry=maturity + YEAR, as_="merchant-a")
    step("merchant-a", "consents", "signed its consent to pledge 60% of the holding right to bank for "
         f"5,000,000.00 CNY until {_when(maturity)} (EIP-712 typed data, ranking first)")
    first = record_pledge(ledger, consent, as_="bank")
    first_id = first.pledge.pledge_id
    step("bank", "records a pledge", f"recorded pledge {first_id} with that signature, rank 1 on the holding right",
         first.written.tx_hash, first.written.block)

    refusal: dict[str, Any] = {}
    try:
        transfer_shares(ledger, cid, "holding", "merchant-b", 5_000, as_="merchant-a")
    except ContractRevertError as refused:
        refusal = {"error": refused.name, "message": str(refused)}
        step("merchant-a", "is refused", f"tried to transfer 50% of the holding right to merchant-b: {refused}")
    else:
        step("merchant-a", "transfers", "transferred pledged shares: the ledger should have refused this")

    released = release_pledge(ledger, first_id, as_="bank")
    step("bank", "releases", f"the loan was repaid: released pledge {first_id}, the shares are free again",
         released.written.tx_hash, released.written.block)

    maturity = chain_time(ledger.w3) + _SECOND_LOAN_DAYS * DAY
    consent = sign_consent(ledger, cid, "holding", _PLEDGED_SHARES, "bank", "3000000.00", "CNY", maturity,
                           reference="04523456000123459876", registered_at=chain_time(ledger.w3),
                           registration_expiry=maturity + YEAR, as_="merchant-a")
    second = record_pledge(ledger, consent, as_="bank")
    second_id = second.pledge.pledge_id
    step("bank", "records a second pledge", f"recorded pledge {second_id} over 60% of the holding right for "
         f"3,000,000.00 CNY, due {_when(maturity)}", second.written.tx_hash, second.written.block)

    now = advance_time(ledger.w3, ledger.profile, _SECOND_LOAN_DAYS * DAY + DAY)
    step("local chain", "moves its clock", f"moved the chain's clock to {_when(now)}: pledge {second_id} matured "
         "unpaid")

    agreement = "0x" + keccak256(f"price agreement for pledge {second_id}: 3,600,000.00 CNY".encode()).hex()
    agreed = sign_realisation(ledger, second_id, buyer="bank", price="3600000.00", document=agreement,
                              as_="merchant-a")
    step("merchant-a", "agrees a price", f"after default, agreed with bank to convert the pledged shares at "
         f"3,600,000.00 CNY (折价), signing the agreement {agreement[:10]}...")
    realising = realise_pledge(ledger, second_id, method="agreed-price", consent=agreed, as_="bank")
    holding = _shares(ledger, cid, 0)
    realised = realising.pledge.realisation
    step("bank", "realises", f"realised pledge {second_id} at the agreed price: the pledged shares went to bank, "
         f"which now holds {holding.get('bank', 0) / 100:g}% of the holding right; a surplus of "
         f"{format_amount(realised.surplus if realised else 0, 'CNY')} CNY is owed to merchant-a (art. 438)",
         realising.written.tx_hash, realising.written.block)

    batches = oracle.anchor()
    step("oracle", "anchors off-chain records", "; ".join(
        f"{batch.count} {batch.kind.replace('-', ' ')} record(s) under Merkle root {batch.root}" for batch in batches
    ) or "nothing was waiting to be anchored", batches[-1].tx_hash if batches else None,
        batches[-1].block_number if batches else None)

    synced = oracle.sync()
    step("oracle", "indexes the chain", f"brought the read model to block {synced.cursor} of {synced.head}: "
         f"{synced.events} events in {synced.windows} window(s), in one database transaction each")

    entry = oracle.verify_hash(applied.certificate.catalog_hash)  # found by the hash on the certificate ...
    if entry.kind is not None and entry.record_id is not None:
        entry = oracle.verify_stored(entry.kind, entry.record_id)  # ... and its stored fields hashed again
    step("auditor", "checks the catalog entry", f"the stored catalog entry hashes to {entry.record_hash}, the "
         f"certificate's catalog hash; it is {'anchored' if entry.anchored else 'NOT anchored'} under root "
         f"{entry.root}, its proof {'holds' if entry.proof_valid else 'FAILS'} on chain, and it is "
         f"{'unchanged' if entry.unchanged else 'CHANGED'} since")

    drifts = oracle.reconcile()
    step("oracle", "reconciles", "no drift between the off-chain store and the chain" if not drifts else
         f"{len(drifts)} drift(s): " + "; ".join(f"{drift.kind}: {drift.subject}" for drift in drifts))

    books_after = audit_books(oracle, merchant)
    step("auditor", "checks the books again", "checked merchant-a's books after the realisation: " + (
        "; ".join(books_after.drift) if books_after.drift else "no drift (the realised holding went unnoticed)"))

    traced = audit.trace(ledger, DEMO_NUMBER)
    step("auditor", "traces", f"traced {DEMO_NUMBER}: {len(traced.events)} events from the application to the "
         f"realisation, each with its block, time and transaction (read from the {traced.source})")

    final = certificates.show(ledger, ref)
    first_status = show_pledge(ledger, first_id).status
    second_status = show_pledge(ledger, second_id).status
    operation = _shares(ledger, cid, 2)
    summary.checks = {
        "members_admitted": sorted(m.local_name or m.account for m in admitted),
        "certificate": {"id": cid, "number": DEMO_NUMBER, "status": final.status, "in_force": final.in_force,
                        "catalog_stored": final.catalog_stored},
        "licence": {"id": licence.licence.licence_id, "right": "development",
                    "licensee": name_of(ledger, licence.licence.licensee)},
        "operation_shares": operation,
        "verified": {"genuine": checked.genuine, "in_force": checked.in_force, "lendable": checked.lendable},
        "pledged_transfer_refused": refusal,
        "pledges": {str(first_id): first_status, str(second_id): second_status},
        "holding_shares": holding,
        "anchored": [{"kind": batch.kind, "count": batch.count, "root": batch.root} for batch in batches],
        "read_model": {"cursor": synced.cursor, "head": synced.head, "events": synced.events},
        "catalog_entry": entry.as_dict(),
        "drift": [drift.as_dict() for drift in drifts],
        "books": {"card": booked.card.id, "entries": len(booked.entries), "drift_before": books_before.drift,
                  "drift_after": books_after.drift},
        "trace_source": traced.source,
        "trace_events": len(traced.events),
        "trace": [f"{event.event}: {event.summary}" for event in traced.events],
    }
    summary.checks["passed"] = {
        "consortium": len(admitted) == len(DEVELOPMENT_MEMBERS),
        "issued_in_force": final.status == "issued" and final.in_force,
        "licence_granted": licence.licence.licence_id == 1,
        "operation_split": operation == {"merchant-a": 6_000, "merchant-c": 4_000},
        "verified_lendable": checked.lendable,
        "pledged_transfer_refused": refusal.get("error") == "RightsSharesPledged",
        "first_pledge_released": first_status == "released",
        "second_pledge_realised": second_status == "realised",
        "realised_shares_moved": holding == {"merchant-a": 10_000 - _PLEDGED_SHARES, "bank": _PLEDGED_SHARES},
        "surplus_owed_to_pledgor": realised is not None and realised.surplus == 60_000_000,
        "catalog_anchored": any(batch.kind == RecordKind.CATALOG_VERSION.value for batch in batches),
        "read_model_in_step": synced.cursor == synced.head,
        "catalog_entry_proven_unchanged": entry.ok and entry.unchanged is True,
        "no_drift": not drifts,
        "books_match_the_chain": books_before.ok,
        "books_flag_the_realised_holding": any("realised" in line for line in books_after.drift),
        "history_traced": _TRACED_EVENTS <= {event.event for event in traced.events},
        "trace_from_read_model": traced.source.startswith("read model"),
    }
    return summary
