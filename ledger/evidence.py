"""Evidence a bank keeps: a verification saved with everything needed to re-check it, and that re-check.

:func:`save_evidence` writes one JSON file holding the answer of
:func:`~ledger.verify.verify_certificate` (asked with a proof) and what it was
proven with: the block header, the proofs of every account and storage slot
the reads touched against the header's state root, each contract's address,
code and code hash, every read (contract, calldata, the node's answer), the
events that said what to read, the catalog hash (and a catalog file's, when
one was checked) and the version of the tool that wrote it.

:func:`check_evidence` re-checks such a file with no node at all, using the
proof machinery of :mod:`ledger.verify`:

1. the header must hash to the answer's block hash, and carry its number,
   time and state root;
2. every account proof must lead to that state root, every contract's code
   must hash to its proven code hash, and the code hash the file lists for
   each contract must be that proven one;
3. every storage proof must lead to its account's proven storage root;
4. every read is executed again in a local EVM holding only that proven
   state and must return what the node returned;
5. the answer is composed again from those proven reads (with the same
   events, names and off-chain findings) and must equal the saved answer,
   field by field.

Anything that fails is refused with its reason (:class:`EvidenceError`). What
remains trusted is said with the result: the block header itself (its hash
must be the chain's: compare it with a node you trust or, on a QBFT network,
check its validators' commit seals, which :func:`check_evidence` does when
given the validator set), the names shown beside addresses, and the off-chain
store's catalog finding.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.chain.artifacts import ContractAbi, load_artifact
from ledger.chain.logs import ChainLog
from ledger.errors import LedgerError, ValidationError
from ledger.history import History
from ledger.network.seals import SealCheck, check_seals
from ledger.reader import ChainReader, Read, RecordedCall
from ledger.verify import (
    CatalogCheck,
    ProofError,
    ProvenAccount,
    Verification,
    execute_reads,
    header_matches,
    read_verification,
    verify_account_proof,
    verify_storage_proof,
)

__all__ = [
    "EVIDENCE_FORMAT",
    "IMPLEMENTATION_SLOT",
    "EvidenceCheck",
    "EvidenceError",
    "check_evidence",
    "evidence_document",
    "load_evidence",
    "save_evidence",
]

#: The format name and version written into every evidence file.
EVIDENCE_FORMAT = "dal-verification-evidence/1"


class EvidenceError(LedgerError):
    """Kept evidence does not check out: a proof, the header, a code hash or the answer was altered."""


def _tool_version() -> str:
    try:
        return importlib.metadata.version("data-asset-ledger")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


#: The ERC-1967 storage slot where a proxy keeps the address of its implementation.
IMPLEMENTATION_SLOT = 0x360894A13BA1A3210667C828492DB98DCA3E2076CC3735A920A3CA505D382BBC


def _implementation(witness: Mapping[str, Any], proxy: str) -> str | None:
    """The implementation behind ``proxy``, from the value its storage proof gives its ERC-1967 slot."""
    proof = witness["accounts"].get(proxy, {}).get("storageProof", {}).get(hex(IMPLEMENTATION_SLOT))
    if proof is None:
        return None
    header = witness["header"]
    root = bytes.fromhex(str(header["stateRoot"])[2:])
    account = verify_account_proof(root, proxy, witness["accounts"][proxy]["accountProof"])
    value = verify_storage_proof(account.storage_root, IMPLEMENTATION_SLOT, proof)
    return to_checksum_address(value.to_bytes(32, "big")[12:]) if value else None


def evidence_document(answer: Verification, chain_id: int) -> dict[str, Any]:
    """The evidence of ``answer`` as one JSON-ready document; the answer must have been proven."""
    proof = answer.proof
    if proof is None or answer.reader is None:
        raise ValidationError("only a proven answer can be kept as evidence: verify it with the proof")
    if not proof.verified:
        raise ValidationError(f"the answer could not be proven, so it is not kept as evidence: {proof.failure}")
    reader = answer.reader
    witness = proof.witness
    contracts = {
        call.contract: to_checksum_address(call.address) for call in reader.calls
    }
    accounts = witness["accounts"]

    def code_hash(address: str) -> str:
        return "0x" + bytes(keccak(bytes.fromhex(accounts[address]["code"][2:]))).hex()

    listed: dict[str, dict[str, Any]] = {}
    for name, address in sorted(contracts.items()):
        listed[name] = {"address": address, "code_hash": code_hash(address)}
        implementation = _implementation(proof.witness, address)
        if implementation is not None and implementation in accounts:
            listed[name]["implementation"] = {"address": implementation, "code_hash": code_hash(implementation)}
    summary = answer.summary()
    return {
        "format": EVIDENCE_FORMAT,
        "tool": {"name": "dal", "version": _tool_version()},
        "saved_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "answer": summary,
        "inputs": {
            "certificate": answer.certificate_id,
            "bank": answer.bank,
            "catalog_file": summary["catalog_file"],
            "catalog_check": summary["catalog_check"],
            "events_from": answer.events_source,
        },
        "catalog_hash": answer.catalog_hash,
        "chain_id": chain_id,
        "header": witness["header"],
        "contracts": listed,
        "accounts": accounts,
        "calls": [
            {
                "contract": call.contract,
                "address": call.address,
                "function": call.function,
                "calldata": "0x" + call.calldata.hex(),
                "output": "0x" + call.output.hex(),
            }
            for call in reader.calls
        ],
        "events": [
            {
                "contract": event.contract, "event": event.event, "args": event.plain_args(),
                "block_number": event.block_number, "tx_index": event.tx_index, "log_index": event.log_index,
                "tx_hash": event.tx_hash,
            }
            for event in reader.history(answer.certificate_id).events
        ],
        "names": dict(sorted(answer.names.items())),
    }


def save_evidence(answer: Verification, chain_id: int, path: Path) -> dict[str, Any]:
    """Write the evidence of ``answer`` to ``path`` (whole, or not at all); returns the document."""
    document = evidence_document(answer, chain_id)
    text = json.dumps(document, indent=1, sort_keys=False) + "\n"
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(text)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ValidationError(f"cannot write the evidence to {path}: {exc.strerror or exc}") from None
    return document


def load_evidence(path: Path) -> dict[str, Any]:
    """The evidence document in ``path``; a file that is not one is a :class:`ValidationError`."""
    try:
        document = json.loads(path.read_text())
    except OSError as exc:
        raise ValidationError(f"cannot read the evidence file {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ValidationError(f"{path} is not JSON ({exc}); give a file written by `dal verify --save`") from None
    if not isinstance(document, dict) or document.get("format") != EVIDENCE_FORMAT:
        raise ValidationError(
            f"{path} is not verification evidence of format {EVIDENCE_FORMAT}; give a file written by "
            "`dal verify --save`"
        )
    return document


class _ProvenReader(ChainReader):
    """A :class:`ChainReader` with no node: each read is answered by the kept read it re-executed."""

    def __init__(self, header: Mapping[str, Any], answers: Mapping[tuple[str, bytes], bytes],
                 addresses: Mapping[str, str], events: list[ChainLog], source: str) -> None:
        self.block_number = int(str(header["number"]), 16)
        self.block_hash = str(header["hash"])
        self.block_time = int(str(header["timestamp"]), 16)
        self.state_root = str(header["stateRoot"])
        self._start_reading()
        self._answers = answers
        self._addresses = addresses
        self._bound: dict[str, ContractAbi] = {}
        self._history = History(events=events, block_times={}, source=source)

    def contract(self, name: str) -> ContractAbi:
        if name not in self._addresses:
            raise EvidenceError(f"the answer reads contract {name}, which the evidence does not prove")
        if name not in self._bound:
            self._bound[name] = ContractAbi(to_checksum_address(self._addresses[name]), load_artifact(name).abi)
        return self._bound[name]

    def history(self, certificate_id: int) -> History:
        return self._history

    @property
    def history_source(self) -> str | None:
        return self._history.source

    def prefetch(self, reads: Iterable[Read]) -> None:
        """Nothing to ask ahead: every answer is already here."""

    def _fetch(self, address: str, calldata: bytes, label: str) -> bytes:
        output = self._answers.get((to_checksum_address(address), calldata))
        if output is None:
            raise EvidenceError(f"the answer rests on a read of {label} that the evidence does not hold")
        return output


@dataclass(frozen=True)
class EvidenceCheck:
    """Kept evidence, re-checked offline: the answer it holds, what was checked, and what is still trusted."""

    answer: dict[str, Any]
    block_number: int
    block_hash: str
    state_root: str
    contracts: dict[str, dict[str, Any]]
    accounts: int
    slots: int
    calls: int
    saved_at: str
    tool_version: str
    seals: SealCheck | None
    trusted: list[str]

    @property
    def lendable(self) -> bool:
        return bool(self.answer.get("answer") == "lendable")

    def summary(self) -> dict[str, Any]:
        return {
            "evidence": "holds",
            "answer": self.answer,
            "checked": {
                "block_number": self.block_number,
                "block_hash": self.block_hash,
                "state_root": self.state_root,
                "header_hashes_to_block_hash": True,
                "contracts": self.contracts,
                "accounts_proven": self.accounts,
                "storage_slots_proven": self.slots,
                "reads_re_executed": self.calls,
                "answer_recomposed_from_proven_reads": True,
                "seals": self.seals.as_dict() if self.seals is not None else None,
            },
            "still_trusted": self.trusted,
            "saved_at": self.saved_at,
            "saved_by": f"dal {self.tool_version}",
        }


def _field(document: Mapping[str, Any], key: str, kind: type) -> Any:
    value = document.get(key)
    if not isinstance(value, kind):
        raise EvidenceError(f"the evidence has no valid {key!r}; it is damaged or not written by `dal verify --save`")
    return value


def _hex(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("0x"):
        raise EvidenceError(f"the evidence's {what} is not 0x hex")
    try:
        return bytes.fromhex(value[2:])
    except ValueError:
        raise EvidenceError(f"the evidence's {what} is not 0x hex") from None


def _differences(saved: Any, proven: Any, path: str = "") -> list[str]:
    """Where the saved answer differs from the one composed from the proven reads."""
    if isinstance(saved, dict) and isinstance(proven, dict):
        found: list[str] = []
        for key in sorted(set(saved) | set(proven)):
            found += _differences(saved.get(key), proven.get(key), f"{path}.{key}" if path else key)
        return found
    if isinstance(saved, list) and isinstance(proven, list) and len(saved) == len(proven):
        found = []
        for index, (left, right) in enumerate(zip(saved, proven, strict=True)):
            found += _differences(left, right, f"{path}[{index}]")
        return found
    if saved != proven:
        return [f"{path}: the answer says {json.dumps(saved)}, the proven state gives {json.dumps(proven)}"]
    return []


def _prove_state(document: Mapping[str, Any], state_root: bytes) -> tuple[
    dict[str, ProvenAccount], dict[str, bytes], dict[tuple[str, int], int]
]:
    """The accounts, code and storage the evidence proves under ``state_root``."""
    accounts: dict[str, ProvenAccount] = {}
    codes: dict[str, bytes] = {}
    slots: dict[tuple[str, int], int] = {}
    for raw_address, item in _field(document, "accounts", dict).items():
        address = to_checksum_address(raw_address)
        account = verify_account_proof(state_root, address, list(item.get("accountProof") or []))
        code = _hex(item.get("code"), f"code of {address}")
        if bytes(keccak(code)) != account.code_hash:
            raise EvidenceError(f"the code kept for {address} does not hash to its proven code hash")
        accounts[address], codes[address] = account, code
        for key, proof in dict(item.get("storageProof") or {}).items():
            slot = int(key, 16)
            slots[(address, slot)] = verify_storage_proof(account.storage_root, slot, list(proof))
    for name, contract in _field(document, "contracts", dict).items():
        _check_code_hash(name, contract, accounts)
        address = to_checksum_address(str(contract.get("address")))
        implementation = contract.get("implementation")
        if isinstance(implementation, dict):
            pointer = slots.get((address, IMPLEMENTATION_SLOT), 0)
            if to_checksum_address(pointer.to_bytes(32, "big")[12:]) != to_checksum_address(
                str(implementation.get("address"))
            ):
                raise EvidenceError(f"the implementation the evidence names for contract {name} is not the one its "
                                    "proxy points to in the proven state")
            _check_code_hash(f"{name} (implementation)", implementation, accounts)
    return accounts, codes, slots


def _check_code_hash(name: str, contract: Mapping[str, Any], accounts: Mapping[str, ProvenAccount]) -> None:
    """The code hash the evidence lists for contract ``name`` must be its proven one."""
    address = to_checksum_address(str(contract.get("address")))
    if address not in accounts:
        raise EvidenceError(f"contract {name} at {address} has no account proof in the evidence")
    proven = "0x" + accounts[address].code_hash.hex()
    if str(contract.get("code_hash")).lower() != proven:
        raise EvidenceError(
            f"the code hash of contract {name} in the evidence ({contract.get('code_hash')}) is not its "
            f"proven code hash ({proven})"
        )


def check_evidence(document: Mapping[str, Any], *, validators: Sequence[str] | None = None) -> EvidenceCheck:
    """Re-check kept evidence with no node (see the module's notes); refuses with :class:`EvidenceError`.

    With ``validators`` (the QBFT network's validator set) the block header's commit seals must also come
    from a quorum of them; the header is then no longer taken on trust.
    """
    answer = _field(document, "answer", dict)
    header = _field(document, "header", dict)
    block = _field(answer, "block", dict)
    block_hash = str(block.get("hash"))
    if not header_matches(header, block_hash) or str(header.get("hash")) != block_hash:
        raise EvidenceError(f"the block header kept does not hash to the answer's block hash {block_hash}")
    if str(header.get("stateRoot")) != str(block.get("state_root")):
        raise EvidenceError(
            f"the answer's state root {block.get('state_root')} is not the one of its block ({header.get('stateRoot')})"
        )
    if int(str(header["number"]), 16) != block.get("number"):
        raise EvidenceError(f"the answer's block number {block.get('number')} is not its header's")
    state_root = _hex(header["stateRoot"], "state root")
    try:
        accounts, codes, slots = _prove_state(document, state_root)
    except ProofError as exc:
        raise EvidenceError(str(exc)) from None

    calls = [
        RecordedCall(
            str(item["contract"]), to_checksum_address(str(item["address"])), str(item["function"]),
            _hex(item["calldata"], "calldata"), _hex(item["output"], "output"),
        )
        for item in _field(document, "calls", list)
    ]
    chain_id = int(_field(document, "chain_id", int))
    outputs, unproven = execute_reads(header, chain_id, accounts, codes, slots, calls)
    if unproven:
        address = min(unproven)
        raise EvidenceError(f"the reads touch state of {address} that the evidence does not prove")
    for call, output in zip(calls, outputs, strict=True):
        if output != call.output:
            raise EvidenceError(
                f"{call.contract}.{call.function} returns something else on the proven state than the evidence says"
            )

    inputs = _field(document, "inputs", dict)
    events = [
        ChainLog(str(item["contract"]), str(item["event"]), dict(item["args"]), int(item["block_number"]),
                 int(item["tx_index"]), int(item["log_index"]), str(item["tx_hash"]))
        for item in _field(document, "events", list)
    ]
    reader = _ProvenReader(
        header,
        {(call.address, call.calldata): call.output for call in calls},
        {call.contract: call.address for call in calls},
        events,
        str(inputs.get("events_from") or "chain logs"),
    )
    catalog = dict(inputs.get("catalog_check") or {})
    kept_check = CatalogCheck(str(catalog.get("status")), str(catalog.get("detail")), catalog.get("stored_version"))
    file = inputs.get("catalog_file")
    try:
        recomposed = read_verification(
            reader, int(inputs["certificate"]), {str(k): str(v) for k, v in dict(document.get("names") or {}).items()},
            lambda _onchain: kept_check,
            bank=inputs.get("bank"),
            catalog_file=(str(file["file"]), str(file["hash"])) if isinstance(file, dict) else None,
        )
    except EvidenceError:
        raise
    except LedgerError as exc:
        raise EvidenceError(f"the answer cannot be composed again from the proven reads: {exc}") from None
    proven = recomposed.summary()
    differences = _differences(
        {key: value for key, value in answer.items() if key != "proof"},
        {key: value for key, value in proven.items() if key != "proof"},
    )
    if differences:
        more = f" (and {len(differences) - 1} more)" if len(differences) > 1 else ""
        raise EvidenceError(f"the answer was edited: {differences[0]}{more}")

    seals = None
    if validators is not None:
        try:
            seals = check_seals(header, validators)
        except ValidationError as exc:
            raise EvidenceError(f"the block's seals cannot be checked: {exc}") from None
        if not seals.final:
            raise EvidenceError(
                f"block {seals.number} is not sealed by a quorum of the trusted validators: "
                f"{len(set(seals.trusted_signers))} of {len(seals.trusted)} sealed it, {seals.quorum} are needed"
            )
    header_trust = (
        f"the validator set given: {len(set(seals.trusted_signers))} of its {len(seals.trusted)} validators "
        f"sealed block {seals.number} (quorum {seals.quorum})"
        if seals is not None else
        (
            f"the block header of block {block.get('number')} ({block_hash}): compare that hash with one from a "
            "node you trust, or, on a QBFT network, check its validators' seals (--validators network.json)"
        )
    )
    tool = dict(document.get("tool") or {})
    return EvidenceCheck(
        answer=answer,
        block_number=int(str(header["number"]), 16),
        block_hash=block_hash,
        state_root=str(header["stateRoot"]),
        contracts={str(k): dict(v) for k, v in _field(document, "contracts", dict).items()},
        accounts=len(accounts),
        slots=len(slots),
        calls=len(calls),
        saved_at=str(document.get("saved_at")),
        tool_version=str(tool.get("version")),
        seals=seals,
        trusted=[
            header_trust,
            "the names shown beside addresses (from the members' MemberAdded events and the saver's keystores)",
            (
                "the events that said which holders and pledges to read (the proven state shows none is missing: "
                "each right's holders own all 10000 shares, and the active pledges lock exactly the pledged shares)"
            ),
            f"the off-chain store's catalog finding when saved ({catalog.get('status')})",
        ],
    )
