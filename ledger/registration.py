"""Bulk registration: applying for many certificates at once from a folder of catalog files, and a
registrar's migration of the certificates a legacy registry issued.

A merchant with hundreds of data assets does not send hundreds of
applications one by one. :func:`import_catalogs` reads every catalog file of
a folder (or one file), checks them all before anything is sent, and submits
the applications in ``Certificates.submitBatch`` calls of up to
:data:`BATCH_SIZE` applications each (one transaction, all or nothing, with
the events of the single calls), sent through the sender's batch API: nonces
assigned locally, transactions signed locally and sent concurrently, then
every receipt checked.

**Reruns.** An application is recognised as already made when the chain has a
``CertificateSubmitted`` event from the same applicant with the same catalog
hash (the chain is the authority; the store may lag behind). Those records are
skipped, and their catalog entries are saved off chain if the store lacks them,
so a run interrupted between the chain and the database heals on the next
run. Two files with the same catalog hash in one import are refused: a rerun
could not tell them apart.

**Failures.** One batch that fails (the contract refuses one of its records,
the node drops it) does not stop the others; its records are all unsent. The entries of every application that went
through are saved off chain, then a :class:`~ledger.errors.BatchError` names
the record that failed, why, and what was already done; running the same
import again submits only what is missing.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

from ledger.catalog import CatalogEntry, load_catalog_entry
from ledger.certificates import application, catalog_store, save_submitted_entries
from ledger.chain.logs import address_topic
from ledger.chain.sender import Receipt, TxRequest
from ledger.context import LedgerContext
from ledger.errors import BatchError, LedgerError, TransactionError, ValidationError
from ledger.hashing import record_hash, to_hex
from ledger.inputs import parse_moment, resolve_party
from ledger.members import event_log
from ledger.numbers import require_registration_number
from ledger.types import Right

__all__ = [
    "BATCH_SIZE",
    "CATALOG_SUFFIXES",
    "MANIFEST_COLUMNS",
    "MANIFEST_OPTIONAL_COLUMNS",
    "CatalogFile",
    "ImportItem",
    "ImportReport",
    "LegacyCertificate",
    "MigrationReport",
    "catalog_files",
    "import_catalogs",
    "import_issued",
    "read_manifest",
]

#: The file names a catalog entry may have.
CATALOG_SUFFIXES = (".json", ".yaml", ".yml")
# How many problems a refused import lists before summing up the rest.
_PROBLEMS_SHOWN = 10
#: Applications per ``submitBatch`` transaction (about 70,000 gas each: 7 million gas a transaction).
BATCH_SIZE = 100


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


def _refusal(problems: list[str], what_to_do: str) -> ValidationError:
    """Every problem found before sending, in one line (the first few, then how many more)."""
    shown = problems[:_PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    suffix = [f"and {more} more problems"] if more else []
    return ValidationError("; ".join(shown + suffix) + f"; nothing was sent, {what_to_do}")


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
        raise _refusal(problems, "fix the files and import again")
    return files


# submitBatch(address,(bytes32,uint8,uint64)[]) and CertificateSubmitted(...): the one call and the one
# event an import deals in, encoded and decoded here directly (thousands of times per import).
_SUBMIT_BATCH_SELECTOR = keccak(text="submitBatch(address,(bytes32,uint8,uint64)[])")[:4]
_SUBMITTED_TOPIC = keccak(text="CertificateSubmitted(uint256,address,address,bytes32,uint8,uint64)")


def _submit_batch_calldata(registrar: str, applications: list[tuple[bytes, int, int]]) -> bytes:
    return _SUBMIT_BATCH_SELECTOR + abi_encode(["address", "(bytes32,uint8,uint64)[]"], [registrar, applications])


def _event_ids(receipt: Receipt, address: str, topic: bytes) -> list[int]:
    """The ids (first indexed argument) of the ``topic`` logs that ``address`` emitted in ``receipt``, in order."""
    return [
        int.from_bytes(log.topics[1], "big")
        for log in receipt.logs
        if log.address.lower() == address.lower() and log.topics and log.topics[0] == topic
    ]


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
    rights: Sequence[Right] | None = None,
    authorised_until: int | None = None,
    as_: str | None = None,
    concurrency: int | None = None,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Apply for a certificate for every catalog file of ``path`` not yet applied for (a merchant acts).

    Every application claims ``rights`` (all three unless told) and declares ``authorised_until`` (see
    :func:`ledger.certificates.apply`). ``on_progress(done, total)`` follows the batch transactions of this run.
    """
    if concurrency is not None and concurrency < 1:
        raise ValidationError(f"concurrency must be at least 1, not {concurrency}")
    if batch_size < 1:
        raise ValidationError(f"a batch holds at least 1 application, not {batch_size}")
    files = catalog_files(path)
    registrar_address = resolve_party(ledger, registrar, what="registrar")
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
        batches = [pending[start : start + batch_size] for start in range(0, len(pending), batch_size)]
        requests = [
            TxRequest(
                to=certificates_address,
                data=_submit_batch_calldata(
                    registrar_address, [application(item.catalog_hash, rights, authorised_until) for item in batch]
                ),
                label=batch[0].source if len(batch) == 1 else f"{batch[0].source} and {len(batch) - 1} more",
            )
            for batch in batches
        ]
        # One refusal that would hit every record (not a merchant, no such registrar) stops here, unsent.
        ledger.sender.estimate(requests[0], applicant)
        start = time.perf_counter()
        results = ledger.send_batch(requests, as_=as_, concurrency=concurrency, on_progress=on_progress)
        report.seconds = time.perf_counter() - start
        went_through: list[tuple[int, CatalogEntry]] = []
        for batch, result in zip(batches, results, strict=True):
            ids = (_event_ids(result.receipt, certificates_address, _SUBMITTED_TOPIC)
                   if result.ok and result.receipt else [])
            if len(ids) != len(batch):
                error = result.error or TransactionError(
                    f"mined with {len(ids)} CertificateSubmitted events for {len(batch)} applications"
                )
                failed.extend((item.source, error) for item in batch)
                continue
            for item, certificate_id in zip(batch, ids, strict=True):
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


# --- a registrar's migration from a legacy registry ------------------------------------------------

#: The columns of a migration manifest, in order.
MANIFEST_COLUMNS = ("catalog", "holder", "number", "submitted", "issued", "expiry")
#: The column a manifest may add: the stable registration number, with its check character (empty: none).
MANIFEST_OPTIONAL_COLUMNS = ("registration_number",)


@dataclass(frozen=True)
class LegacyCertificate:
    """One row of a migration manifest, checked: the certificate a legacy registry issued."""

    line: int
    catalog: CatalogFile
    holder: str
    number: str
    registration_number: str
    submitted_at: int
    issued_at: int
    expiry: int


@dataclass
class MigrationReport:
    """The outcome of a migration: each row imported now, or found imported before."""

    registrar: str
    items: list[ImportItem] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return sum(1 for item in self.items if item.state == "imported")

    @property
    def skipped(self) -> int:
        return sum(1 for item in self.items if item.state == "already imported")


def read_manifest(ledger: LedgerContext, manifest: Path) -> list[LegacyCertificate]:
    """The rows of a migration manifest (CSV with a header: catalog, holder, number, submitted, issued,
    expiry, and optionally registration_number), every one checked before anything is sent.

    ``catalog`` is a catalog file, relative to the manifest's folder; ``holder`` an account name or
    address; the dates are written as everywhere in ``dal`` (``2021-03-01``, or a date and time).
    Every problem is reported at once, with its line.
    """
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValidationError(f"{manifest} cannot be read ({exc.strerror}); give a CSV manifest") from None
    rows = list(csv.DictReader(text.splitlines()))
    header = tuple(rows[0].keys()) if rows else tuple(next(csv.reader(text.splitlines()), []))
    missing = [column for column in MANIFEST_COLUMNS if column not in header]
    if missing:
        raise ValidationError(
            f"{manifest}: the header lacks {', '.join(missing)}; it must name {', '.join(MANIFEST_COLUMNS)}"
        )
    if not rows:
        raise ValidationError(f"{manifest} lists no certificate; add one row per certificate")
    now = int(ledger.w3.eth.get_block("latest")["timestamp"])
    found: list[LegacyCertificate] = []
    problems: list[str] = []
    numbers: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        where = f"{manifest.name} line {line}"
        try:
            catalog = catalog_files(manifest.parent / (row["catalog"] or "").strip())[0]
            item = LegacyCertificate(
                line=line,
                catalog=catalog,
                holder=resolve_party(ledger, (row["holder"] or "").strip(), what="holder"),
                number=(row["number"] or "").strip(),
                registration_number=(row.get("registration_number") or "").strip(),
                submitted_at=parse_moment(row["submitted"] or "", now, what="submitted"),
                issued_at=parse_moment(row["issued"] or "", now, what="issued"),
                expiry=parse_moment(row["expiry"] or "", now, what="expiry"),
            )
        except LedgerError as exc:
            problems.append(f"{where}: {str(exc).split('; nothing was sent')[0]}")
            continue
        if not item.number:
            problems.append(f"{where}: the number is empty; give the number the legacy registry issued")
        if item.registration_number:
            try:
                require_registration_number(item.registration_number)
            except ValidationError as exc:
                problems.append(f"{where}: {exc}")
        # Registration and certificate numbers share one namespace across the consortium.
        for number in filter(None, (item.number, item.registration_number)):
            if number in numbers:
                problems.append(f"{where}: number {number} is on line {numbers[number]} too")
            numbers.setdefault(number, line)
        found.append(item)
    if problems:
        raise _refusal(problems, "fix the manifest and migrate again")
    return found


_IMPORTED_TOPIC = keccak(
    text="CertificateImported(uint256,address,address,bytes32,string,string,uint64,uint64,uint64)"
)


def import_issued(
    ledger: LedgerContext,
    manifest: Path,
    *,
    as_: str | None = None,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int, int], None] | None = None,
) -> MigrationReport:
    """Import the certificates a legacy registry issued, as listed in ``manifest`` (a registrar acts).

    Each becomes an issued certificate of this ledger, marked imported, with its number and dates, its
    three rights minted to its holder, and its catalog entry stored off chain. They go in
    ``Certificates.importIssued`` calls of up to ``batch_size`` each, all or nothing per call. A row
    whose number the registrar already holds on chain is skipped, so a rerun imports only what is
    missing.
    """
    if batch_size < 1:
        raise ValidationError(f"a batch holds at least 1 certificate, not {batch_size}")
    rows = read_manifest(ledger, manifest)
    registrar = ledger.account(as_).address
    catalog_store(ledger)
    report = MigrationReport(registrar=registrar)
    by_line: dict[int, ImportItem] = {}
    pending: list[LegacyCertificate] = []
    already: list[tuple[int, CatalogEntry]] = []
    taken: list[str] = []
    for row in rows:
        held = int(ledger.call("Certificates", "certificateByNumber", row.number))
        other = (int(ledger.call("Certificates", "certificateByNumber", row.registration_number))
                 if row.registration_number and not held else 0)
        if held and ledger.certificate(held).registrar != registrar:
            taken.append(f"{manifest.name} line {row.line}: number {row.number} belongs to certificate {held} of "
                         "another registrar (numbers are unique across the consortium)")
        elif other:
            taken.append(f"{manifest.name} line {row.line}: registration number {row.registration_number} belongs "
                         f"to certificate {other} (numbers are unique across the consortium)")
        elif held:
            already.append((held, row.catalog.entry))
            by_line[row.line] = ImportItem(row.catalog.source, held, to_hex(row.catalog.catalog_hash),
                                           "already imported", None)
        else:
            pending.append(row)
    if taken:
        raise _refusal(taken, "renumber those rows and migrate again")
    save_submitted_entries(ledger, already)

    failed: list[tuple[str, LedgerError]] = []
    if pending:
        certificates = ledger.contract("Certificates")
        batches = [pending[start : start + batch_size] for start in range(0, len(pending), batch_size)]
        requests = [
            TxRequest.call(
                certificates, "importIssued",
                [(row.holder, row.catalog.catalog_hash, row.number, row.registration_number, row.submitted_at,
                  row.issued_at, row.expiry)
                 for row in batch],
                label=f"{manifest.name} lines {batch[0].line}-{batch[-1].line}",
            )
            for batch in batches
        ]
        # A refusal of the first batch (not a registrar, a bad row) stops here, unsent.
        ledger.sender.estimate(requests[0], registrar)
        results = ledger.send_batch(requests, as_=as_, on_progress=on_progress)
        went_through: list[tuple[int, CatalogEntry]] = []
        for batch, result in zip(batches, results, strict=True):
            ids = (_event_ids(result.receipt, certificates.address, _IMPORTED_TOPIC)
                   if result.ok and result.receipt else [])
            if len(ids) != len(batch):
                error = result.error or TransactionError(
                    f"mined with {len(ids)} CertificateImported events for {len(batch)} certificates"
                )
                failed.extend((f"{manifest.name} line {row.line}", error) for row in batch)
                continue
            for row, certificate_id in zip(batch, ids, strict=True):
                went_through.append((certificate_id, row.catalog.entry))
                by_line[row.line] = ImportItem(row.catalog.source, certificate_id,
                                               to_hex(row.catalog.catalog_hash), "imported", result.tx_hash)
        save_submitted_entries(ledger, went_through)

    report.items = [by_line[row.line] for row in rows if row.line in by_line]
    if failed:
        where, error = failed[0]
        others = f" ({len(failed) - 1} more rows failed too)" if len(failed) > 1 else ""
        raise BatchError(
            f"{where} failed: {error}{others}; {report.imported} certificates were imported in this run and "
            f"{report.skipped} before; fix it and migrate again: what is done is skipped",
            done=[item.source for item in report.items],
            failed=failed,
        )
    return report
