"""Bulk registration: applying for many certificates at once from a folder of catalog files.

A merchant with hundreds of data assets does not send hundreds of
applications one by one. :func:`import_catalogs` reads every catalog file of
a folder (or one file), checks them all before anything is sent, and submits
the applications through the sender's batch API: nonces assigned locally,
transactions signed locally and sent concurrently, then every receipt checked.

**Reruns.** An application is recognised as already made when the chain has a
``CertificateSubmitted`` event from the same applicant with the same catalog
hash (the chain is the authority; the store may lag behind). Those records are
skipped, and their catalog entries are saved off chain if the store lacks them,
so a run interrupted between the chain and the database heals on the next
run. Two files with the same catalog hash in one import are refused: a rerun
could not tell them apart.

**Failures.** One record that fails (the contract refuses it, the node drops
it) does not stop the others. The entries of every application that went
through are saved off chain, then a :class:`~ledger.errors.BatchError` names
the record that failed, why, and what was already done; running the same
import again submits only what is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

from ledger.catalog import CatalogEntry, load_catalog_entry
from ledger.certificates import catalog_store, save_submitted_entries
from ledger.chain.logs import address_topic
from ledger.chain.sender import Receipt, TxRequest
from ledger.context import LedgerContext
from ledger.errors import BatchError, LedgerError, TransactionError, ValidationError
from ledger.hashing import record_hash, to_hex
from ledger.members import event_log, resolve_address

__all__ = ["CATALOG_SUFFIXES", "CatalogFile", "ImportItem", "ImportReport", "catalog_files", "import_catalogs"]

#: The file names a catalog entry may have.
CATALOG_SUFFIXES = (".json", ".yaml", ".yml")
# How many problems a refused import lists before summing up the rest.
_PROBLEMS_SHOWN = 10


@dataclass(frozen=True)
class CatalogFile:
    """One catalog entry to apply with, and the file it came from."""

    source: str
    entry: CatalogEntry
    catalog_hash: bytes


@dataclass(frozen=True)
class ImportItem:
    """What became of one catalog file: submitted now, or found already submitted."""

    source: str
    certificate_id: int
    catalog_hash: str
    state: str  # "submitted" or "already submitted"
    tx_hash: str | None


@dataclass
class ImportReport:
    """The outcome of an import: one item per catalog file, and how fast the new ones went."""

    applicant: str
    registrar: str
    items: list[ImportItem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def submitted(self) -> int:
        return sum(1 for item in self.items if item.state == "submitted")

    @property
    def skipped(self) -> int:
        return sum(1 for item in self.items if item.state == "already submitted")

    @property
    def transactions_per_second(self) -> float | None:
        return round(self.submitted / self.seconds, 1) if self.submitted and self.seconds > 0 else None


def catalog_files(path: Path) -> list[CatalogFile]:
    """Every catalog entry of ``path`` (a file, or a folder's ``.json``/``.yaml``/``.yml`` files, by name).

    All files are read and checked; every problem is reported at once and
    nothing is returned unless every file is valid.
    """
    if path.is_dir():
        paths = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in CATALOG_SUFFIXES)
        if not paths:
            raise ValidationError(f"{path} holds no catalog files (*.json, *.yaml, *.yml)")
    elif path.is_file():
        paths = [path]
    else:
        raise ValidationError(f"{path} does not exist; give a catalog file or a folder of them")
    files: list[CatalogFile] = []
    problems: list[str] = []
    for source in paths:
        try:
            entry = load_catalog_entry(source)
        except ValidationError as exc:
            problems.extend(str(exc).splitlines())
            continue
        files.append(CatalogFile(str(source), entry, record_hash(entry)))
    seen: dict[bytes, str] = {}
    for item in files:
        if item.catalog_hash in seen:
            problems.append(f"{item.source}: the same catalog entry as {seen[item.catalog_hash]}; keep one of them")
        seen.setdefault(item.catalog_hash, item.source)
    if problems:
        shown = problems[:_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        suffix = [f"and {more} more problems"] if more else []
        raise ValidationError("; ".join(shown + suffix) + "; nothing was sent, fix the files and import again")
    return files


# submit(address,bytes32) and CertificateSubmitted(uint256,address,address,bytes32): the one call and the
# one event an import deals in, encoded and decoded here directly (thousands of times per import).
_SUBMIT_SELECTOR = keccak(text="submit(address,bytes32)")[:4]
_SUBMITTED_TOPIC = keccak(text="CertificateSubmitted(uint256,address,address,bytes32)")


def _submit_calldata(registrar: str, catalog_hash: bytes) -> bytes:
    return _SUBMIT_SELECTOR + abi_encode(["address", "bytes32"], [registrar, catalog_hash])


def _submitted_id(receipt: Receipt, certificates_address: str) -> int | None:
    """The certificate id in the ``CertificateSubmitted`` log of an application's receipt."""
    for log in receipt.logs:
        topics = log.topics
        if log.address.lower() == certificates_address.lower() and topics and topics[0] == _SUBMITTED_TOPIC:
            return int.from_bytes(topics[1], "big")
    return None


def _already_submitted(ledger: LedgerContext, applicant: str) -> dict[bytes, int]:
    """Catalog hash -> certificate id of every application ``applicant`` ever submitted."""
    events = event_log(ledger, "Certificates").fetch(
        [("Certificates", "CertificateSubmitted")], topics=[None, address_topic(applicant)]
    )
    return {bytes(event.args["catalogHash"]): int(event.args["certificateId"]) for event in events}


def _describe_done(submitted: int, skipped: int, ids: list[int]) -> str:
    parts = []
    if submitted:
        listed = ", ".join(map(str, ids[:5])) + (" ..." if len(ids) > 5 else "")
        parts.append(f"{submitted} applications went through in this run (certificates {listed})")
    else:
        parts.append("no application went through in this run")
    if skipped:
        parts.append(f"{skipped} were submitted before")
    return " and ".join(parts)


def import_catalogs(
    ledger: LedgerContext,
    path: Path,
    *,
    registrar: str,
    as_: str | None = None,
    concurrency: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Apply for a certificate for every catalog file of ``path`` not yet applied for (a merchant acts).

    ``on_progress(done, total)`` follows the transactions of this run.
    """
    if concurrency is not None and concurrency < 1:
        raise ValidationError(f"concurrency must be at least 1, not {concurrency}")
    files = catalog_files(path)
    registrar_address = resolve_address(ledger, registrar)
    ledger.deployment  # noqa: B018 - the node and the contracts are reachable
    applicant = ledger.account(as_).address
    catalog_store(ledger)  # opened (created if empty) only once everything else is checked
    report = ImportReport(applicant=applicant, registrar=registrar_address)

    done = _already_submitted(ledger, applicant)
    skipped = [(item, done[item.catalog_hash]) for item in files if item.catalog_hash in done]
    save_submitted_entries(ledger, [(certificate_id, item.entry) for item, certificate_id in skipped])
    pending = [item for item in files if item.catalog_hash not in done]
    results_by_source: dict[str, ImportItem] = {
        item.source: ImportItem(item.source, certificate_id, to_hex(item.catalog_hash), "already submitted", None)
        for item, certificate_id in skipped
    }

    failed: list[tuple[str, LedgerError]] = []
    if pending:
        certificates_address = ledger.contract("Certificates").address
        requests = [
            TxRequest(to=certificates_address, data=_submit_calldata(registrar_address, item.catalog_hash),
                      label=item.source)
            for item in pending
        ]
        # One refusal that would hit every record (not a merchant, no such registrar) stops here, unsent.
        ledger.sender.estimate(requests[0], applicant)
        start = time.perf_counter()
        results = ledger.send_batch(requests, as_=as_, concurrency=concurrency, on_progress=on_progress)
        report.seconds = time.perf_counter() - start
        went_through: list[tuple[int, CatalogEntry]] = []
        for item, result in zip(pending, results, strict=True):
            if not result.ok or result.receipt is None:
                failed.append((item.source, result.error or TransactionError("no receipt")))
                continue
            certificate_id = _submitted_id(result.receipt, certificates_address)
            if certificate_id is None:
                failed.append((item.source, TransactionError("mined without a CertificateSubmitted event")))
                continue
            went_through.append((certificate_id, item.entry))
            results_by_source[item.source] = ImportItem(
                item.source, certificate_id, to_hex(item.catalog_hash), "submitted", result.tx_hash
            )
        save_submitted_entries(ledger, went_through)

    report.items = [results_by_source[item.source] for item in files if item.source in results_by_source]
    if failed:
        source, error = failed[0]
        others = f" ({len(failed) - 1} more records failed too)" if len(failed) > 1 else ""
        new_ids = [item.certificate_id for item in report.items if item.state == "submitted"]
        raise BatchError(
            f"{source} failed: {error}{others}; {_describe_done(report.submitted, report.skipped, new_ids)}; "
            "fix it and run the same import again: what is done is skipped",
            done=[item.source for item in report.items],
            failed=failed,
        )
    return report
