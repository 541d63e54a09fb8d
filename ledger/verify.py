"""The bank's question: can I lend against this certificate?

:func:`verify_certificate` answers it in one read of the chain, pinned to one
block:

- **genuine**: the certificate exists and was issued; its registrar is an
  active REGISTRAR member; and, when the off-chain store holds its catalog
  entry, the entry's canonical hash equals the catalog hash on chain (a row
  edited after it was written shows up as a mismatch);
- **in force**: issued, not suspended or cancelled, and not expired;
- **who holds what** share of each of the three rights, how much of it is
  pledged and how much may still move;
- which **licences** bind it (live or upcoming, with exclusivity);
- which **pledges** bind it, in priority order per right (rank, pledgee,
  shares, amount, currency, maturity, status);
- what the **asking bank could still take** as security: per holder of the
  holding right, "up to N basis points of the holding right held by M,
  ranking behind K pledges" (none when the asker is not an active bank);
- with a **catalog file**, whether it is the certificate's current version.

The answer is "lendable" when the certificate is genuine, in force, proven
(when asked) and nothing stands in the bank's way; otherwise the reasons are
listed (:attr:`Verification.reasons`). :mod:`ledger.evidence` keeps a proven
answer with its proofs and re-checks it offline.

Every contract read is made at the same block, whose number, hash, time and
state root come with the answer. With ``proof=True`` the answer is also
checked without trusting the node (:func:`prove_reads`):

1. the block header must hash (keccak-256 of its RLP) to the block hash
   (on a QBFT network, in the form QBFT names blocks by: without the
   validators' commit seals and with round 0);
2. the account of every contract the reads ran through is proven against the
   header's state root with ``eth_getProof`` (a Merkle-Patricia proof checked
   here with py-trie), and its code must hash to the proven code hash;
3. every storage slot the reads touched is proven against the proven
   account's storage root (the node's ``eth_createAccessList`` only suggests
   which slots; the accounts and slots step 4 actually loads are taken from
   the local EVM's journal, and any the node did not suggest are proven too,
   and the reads run again, until none is missing);
4. each read is executed again in a local EVM (revm, through pyrevm) holding
   only that proven state, with the block's number and time, and must return
   byte for byte what the node returned.

A bank holding a block hash it trusts (from its own node, or from the
consortium's validators) can therefore rely on the answer without trusting
the node that gave it. The check fails safe: a read that reverts on the
local state leaves no journal to learn its slots from, so a node that hides
slots can make a proof fail, never make a wrong answer pass.

Every field of the answer is read from contract state (a certificate's number
and dates, each pledge's amount, currency and reference, each licence's terms
hash included), so the proof covers all of it. Events serve only to find
what to read: who ever received shares (state is asked for each one's
balance) and which pledges were recorded. They are read through
:mod:`ledger.history`: from the oracle's read model up to its cursor when that
block is still on the chain, and from the chain's logs past it (or entirely,
without a read model); the answer says which. What they found is then held
against state, so an incomplete source cannot shrink the answer unnoticed:
the holders found must own all 10,000 shares of each right, and the active
pledges found must lock exactly the shares each holder has pledged.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import rlp
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from trie.exceptions import BadTrieProof
from trie.hexary import HexaryTrie

from ledger.catalog import entry_from_columns
from ledger.chain.clock import format_time
from ledger.chain.logs import ChainLog
from ledger.context import LedgerContext
from ledger.errors import LedgerError, StoreError, ValidationError
from ledger.hashing import record_hash
from ledger.inputs import resolve_party
from ledger.licences import LicenceView, licence_reads, read_licences
from ledger.network.extra_data import QbftExtraData
from ledger.parties import party_label, party_names
from ledger.pledges import EVENT_FIELDS, PledgeView, pledge_reads, read_pledges
from ledger.reader import ChainReader, Read, RecordedCall, certificate_exists
from ledger.rights import CertificateRights, read_rights, rights_reads
from ledger.types import Right, Role, rights_of

__all__ = [
    "CatalogCheck",
    "CatalogFileCheck",
    "PledgeRoom",
    "ProofError",
    "ProofReport",
    "ProvenAccount",
    "Verification",
    "answer_reads",
    "catalog_file_hash",
    "check_catalog",
    "execute_reads",
    "header_hash",
    "header_matches",
    "prove_reads",
    "read_verification",
    "verify_account_proof",
    "verify_certificate",
    "verify_storage_proof",
]


#: What an answer's proof covers: every field, since each is read from contract state.
PROOF_COVERS = "every field of the answer (each is read from contract state at the block)"


@dataclass(frozen=True)
class CatalogCheck:
    """How the on-chain catalog hash compares with the catalog entry in the off-chain store.

    ``status``: ``matches`` (a stored version hashes to the on-chain hash),
    ``differs`` (the store has the entry, but no version of it hashes to the
    on-chain hash, or a stored row no longer hashes to what it recorded),
    ``not stored`` (the store does not have it) or ``not checked`` (the store
    could not be read).
    """

    status: str
    detail: str
    stored_version: int | None = None


def check_catalog(ctx: LedgerContext, certificate_id: int, onchain_hash: str) -> CatalogCheck:
    """Compare ``onchain_hash`` with the stored catalog entry of ``certificate_id``; reads only."""
    if not ctx.profile.database_exists():
        return CatalogCheck("not stored", "this profile has no off-chain database yet")
    from ledger.store.direct import direct_store  # the store loads only when there is one to read

    try:
        store = direct_store(ctx.profile.database_url)
        entries = store.rows("SELECT id FROM catalog_entries WHERE certificate_id = ?", (store.uint256(certificate_id),))
        if not entries:
            return CatalogCheck("not stored", "the off-chain store has no catalog entry for this certificate")
        versions = store.rows("SELECT * FROM catalog_versions WHERE entry_id = ? ORDER BY version",
                              (entries[0]["id"],))
    except StoreError as exc:
        return CatalogCheck("not checked", f"the off-chain store cannot be read: {exc}")
    try:
        matching = [version for version in versions if version["record_hash"] == onchain_hash]
        if not matching:
            what = (
                f"its latest stored version {versions[-1]['version']} hashes to {versions[-1]['record_hash']}"
                if versions
                else "it has no stored version"
            )
            return CatalogCheck("differs", f"the on-chain catalog hash is {onchain_hash}, but {what}", None)
        version = matching[-1]
        recomputed = "0x" + record_hash(entry_from_columns(version)).hex()
        if recomputed != version["record_hash"]:
            return CatalogCheck(
                "differs",
                f"stored version {version['version']} was edited after it was written: its fields hash to "
                f"{recomputed}, not to the recorded {version['record_hash']}",
                version["version"],
            )
        return CatalogCheck(
            "matches", f"stored version {version['version']} hashes to the on-chain catalog hash", version["version"]
        )
    except LedgerError as exc:
        return CatalogCheck("not checked", f"the stored catalog entry cannot be read: {exc}")
    except Exception as exc:  # noqa: BLE001 - a broken store must not hide the chain's answer
        return CatalogCheck("not checked", f"the off-chain store cannot be read: {type(exc).__name__}: {exc}")


# --- proving an answer against a block's state root ---------------------------------------------------

#: Header fields in the order their RLP list is hashed; later forks append fields, present only when the
#: node reports them (London: base fee; Shanghai: withdrawals; Cancun: blob gas and beacon root; Prague:
#: requests hash).
_HEADER_FIELDS: tuple[str, ...] = (
    "parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom",
    "difficulty", "number", "gasLimit", "gasUsed", "timestamp", "extraData", "mixHash", "nonce",
    "baseFeePerGas", "withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot", "requestsHash",
)
_HEADER_INTEGERS = frozenset(
    {"difficulty", "number", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas", "blobGasUsed", "excessBlobGas"}
)
_EMPTY_CODE_HASH = bytes(keccak(b""))
_BLANK_ROOT = bytes(keccak(rlp.encode(b"")))
# Closing the set of proven slots: each round proves the slots the last local run read without a proof.
_MAX_ROUNDS = 6
_ZERO = "0x" + "00" * 20


class ProofError(LedgerError):
    """A proof the node gave does not check out against the block's state root."""


def header_hash(header: Mapping[str, Any], *, qbft: bool = False) -> bytes:
    """keccak-256 of the RLP of a block header as ``eth_getBlockByNumber`` returns it (hex fields).

    With ``qbft`` the header is hashed the way a QBFT chain names its blocks: after genesis, ``extraData``
    (the RLP list vanity, validators, vote, round, commit seals) is hashed with round 0 and no commit seals,
    since those differ between the copies of a block that validators circulate.
    """
    fields: list[Any] = []
    for name in _HEADER_FIELDS:
        if name not in header or header[name] is None:
            break
        value = str(header[name])
        fields.append(int(value, 16) if name in _HEADER_INTEGERS else bytes.fromhex(value[2:]))
    if qbft and int(str(header["number"]), 16) > 0:
        extra = _HEADER_FIELDS.index("extraData")
        fields[extra] = _qbft_extra_data_for_hash(fields[extra])
    return bytes(keccak(rlp.encode(fields)))


def _qbft_extra_data_for_hash(extra_data: bytes) -> bytes:
    try:
        return QbftExtraData.decode(extra_data).for_block_hash().encode()
    except ValidationError as exc:
        raise ProofError(f"the block header does not decode: {exc}") from None


def header_matches(header: Mapping[str, Any], block_hash: str) -> bool:
    """Whether the header hashes to ``block_hash``, in the standard form or in QBFT's."""
    if "0x" + header_hash(header).hex() == block_hash:
        return True
    try:
        return "0x" + header_hash(header, qbft=True).hex() == block_hash
    except ProofError:
        return False


def _nodes(proof: Sequence[str]) -> list[Any]:
    return [rlp.decode(bytes.fromhex(str(node)[2:])) for node in proof]


def _from_proof(root: bytes, key: bytes, proof: Sequence[str], what: str) -> bytes:
    try:
        return bytes(HexaryTrie.get_from_proof(root, key, _nodes(proof)))  # type: ignore[no-untyped-call]
    except (BadTrieProof, rlp.exceptions.DecodingError, ValueError, KeyError) as exc:
        raise ProofError(f"the proof of {what} does not lead to the root 0x{root.hex()}: {exc}") from None


@dataclass(frozen=True)
class ProvenAccount:
    """An account as proven against a state root."""

    nonce: int
    balance: int
    storage_root: bytes
    code_hash: bytes


def verify_account_proof(state_root: bytes, address: str, proof: Sequence[str]) -> ProvenAccount:
    """The account of ``address`` that ``proof`` (``accountProof`` of ``eth_getProof``) proves under
    ``state_root``; an absent account is the empty account. Raises :class:`ProofError`."""
    key = bytes(keccak(bytes.fromhex(to_checksum_address(address)[2:])))
    encoded = _from_proof(state_root, key, proof, f"account {address}")
    if not encoded:
        return ProvenAccount(0, 0, _BLANK_ROOT, _EMPTY_CODE_HASH)
    nonce, balance, storage_root, code_hash = rlp.decode(encoded)
    return ProvenAccount(
        int.from_bytes(nonce, "big"), int.from_bytes(balance, "big"), bytes(storage_root), bytes(code_hash)
    )


def verify_storage_proof(storage_root: bytes, slot: int, proof: Sequence[str]) -> int:
    """The value of storage ``slot`` that ``proof`` proves under ``storage_root`` (0 when absent)."""
    if storage_root == _BLANK_ROOT and not proof:
        return 0
    key = bytes(keccak(slot.to_bytes(32, "big")))
    encoded = _from_proof(storage_root, key, proof, f"storage slot {slot:#x}")
    return int.from_bytes(rlp.decode(encoded), "big") if encoded else 0


@dataclass(frozen=True)
class ProofReport:
    """How an answer was checked against the state root of its block, and whether it held."""

    verified: bool
    block_number: int
    block_hash: str
    state_root: str
    header_verified: bool
    accounts: dict[str, str]  # address -> contract name (or "")
    slots: int
    calls: int
    rounds: int
    failure: str | None = None
    #: What the proof was checked with (the header, the account and storage proofs, the code), for
    #: :mod:`ledger.evidence` to keep; not part of the summary.
    witness: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def summary(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "block_number": self.block_number,
            "block_hash": self.block_hash,
            "state_root": self.state_root,
            "header_hashes_to_block_hash": self.header_verified,
            "accounts_proven": [
                {"address": address, "contract": name or None} for address, name in sorted(self.accounts.items())
            ],
            "storage_slots_proven": self.slots,
            "reads_re_executed": self.calls,
            "rounds": self.rounds,
            "failure": self.failure,
        }


class _Prover:
    """Proves and re-executes the recorded reads of one :class:`ChainReader`."""

    def __init__(self, ctx: LedgerContext, reader: ChainReader, header: Mapping[str, Any]) -> None:
        self.ctx = ctx
        self.reader = reader
        self.header = header
        self.block_tag = hex(reader.block_number)
        self.state_root = bytes.fromhex(str(header["stateRoot"])[2:])
        self.accounts: dict[str, ProvenAccount] = {}
        self.codes: dict[str, bytes] = {}
        self.slots: dict[tuple[str, int], int] = {}
        #: address -> {"accountProof": [...], "storageProof": {slot (0x hex): [...]}}, as the node gave them.
        self.proofs: dict[str, dict[str, Any]] = {}
        #: (address, calldata) of a read -> the node's answer to its eth_createAccessList, asked in a batch.
        self.access_lists: dict[tuple[str, bytes], Mapping[str, Any]] = {}

    def witness(self) -> dict[str, Any]:
        """The header and every proof and code checked, in JSON form."""
        return {
            "header": dict(self.header),
            "accounts": {
                address: {
                    "accountProof": list(self.proofs[address]["accountProof"]),
                    "code": "0x" + self.codes.get(address, b"").hex(),
                    "storageProof": dict(self.proofs[address]["storageProof"]),
                }
                for address in sorted(self.accounts)
            },
        }

    def batch(self, calls: Sequence[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
        """The node's answers to ``calls``, asked in one JSON-RPC batch."""
        return self.ctx.rpc.batch(calls)

    @staticmethod
    def result(method: str, answer: Mapping[str, Any]) -> Any:
        """The result of one answer of a batch; a refusal is a :class:`ProofError`."""
        if "error" in answer:
            error = answer["error"]
            message = error.get("message", error) if isinstance(error, dict) else error
            raise ProofError(f"the node refused {method}: {message}")
        return answer.get("result")

    def hinted(self, call: RecordedCall) -> dict[str, set[int]]:
        """The accounts and slots the node says ``call`` touches (a hint: what is read is traced later), from
        its answer to the access-list request asked with the others (see :func:`prove_reads`)."""
        wanted: dict[str, set[int]] = {to_checksum_address(call.address): set()}
        answer = self.access_lists.get((call.address, call.calldata))
        if answer is None:
            answer = self.batch([_access_list_request(call, self.block_tag)])[0]
        try:
            listed = self.result("eth_createAccessList", answer)
        except ProofError:
            return wanted  # a node without eth_createAccessList: the trace finds the slots, in more rounds
        for entry in (listed or {}).get("accessList", []):
            keys = wanted.setdefault(to_checksum_address(entry["address"]), set())
            keys.update(int(key, 16) for key in entry.get("storageKeys", []))
        return wanted

    def prove(self, wanted: Mapping[str, Iterable[int]]) -> None:
        """Fetch (in one batch) and check the proofs of the accounts and slots of ``wanted`` not yet proven."""
        todo: list[tuple[str, list[int]]] = []
        for address, keys in wanted.items():
            missing = sorted(key for key in keys if (address, key) not in self.slots)
            if address not in self.accounts or missing:
                todo.append((address, missing))
        if not todo:
            return
        calls: list[tuple[str, list[Any]]] = [
            ("eth_getProof", [address, ["0x" + key.to_bytes(32, "big").hex() for key in missing], self.block_tag])
            for address, missing in todo
        ]
        codes = [address for address, _missing in todo if address not in self.codes]
        calls += [("eth_getCode", [address, self.block_tag]) for address in codes]
        answers = self.batch(calls)
        code_answers = dict(zip(codes, answers[len(todo):], strict=True))
        for (address, missing), proof_answer in zip(todo, answers[:len(todo)], strict=True):
            answer = self.result("eth_getProof", proof_answer)
            account = verify_account_proof(self.state_root, address, answer["accountProof"])
            claimed = bytes.fromhex(str(answer["storageHash"])[2:])
            if claimed != account.storage_root and account.code_hash != _EMPTY_CODE_HASH:
                raise ProofError(f"the node's storage root of {address} differs from the proven one")
            self.accounts[address] = account
            kept = self.proofs.setdefault(address, {"storageProof": {}})
            kept["accountProof"] = [str(node) for node in answer["accountProof"]]
            if address not in self.codes:
                code = bytes.fromhex(str(self.result("eth_getCode", code_answers[address]))[2:])
                if bytes(keccak(code)) != account.code_hash:
                    raise ProofError(f"the code the node returned for {address} does not hash to the proven code hash")
                self.codes[address] = code
            proofs = {int(item["key"], 16): item for item in answer.get("storageProof", [])}
            for key in missing:
                if key not in proofs:
                    raise ProofError(f"the node gave no proof of storage slot {key:#x} of {address}")
                value = verify_storage_proof(account.storage_root, key, proofs[key]["proof"])
                if value != int(str(proofs[key]["value"]), 16):
                    raise ProofError(f"the node's value of storage slot {key:#x} of {address} is not the proven one")
                self.slots[(address, key)] = value
                kept["storageProof"][hex(key)] = [str(node) for node in proofs[key]["proof"]]

    def execute(self) -> tuple[list[bytes | None], dict[str, set[int]]]:
        """Run every recorded read on the proven state; the outputs, and the slots read that lack a proof."""
        return execute_reads(
            self.header, self.ctx.profile.chain_id, self.accounts, self.codes, self.slots, self.reader.calls
        )


def _access_list_request(call: RecordedCall, block_tag: str) -> tuple[str, list[Any]]:
    """The ``eth_createAccessList`` request of a read: which accounts and slots the node says it touches."""
    return "eth_createAccessList", [{"from": _ZERO, "to": call.address, "data": "0x" + call.calldata.hex()}, block_tag]


def execute_reads(
    header: Mapping[str, Any],
    chain_id: int,
    accounts: Mapping[str, ProvenAccount],
    codes: Mapping[str, bytes],
    slots: Mapping[tuple[str, int], int],
    calls: Sequence[RecordedCall],
) -> tuple[list[bytes | None], dict[str, set[int]]]:
    """Run ``calls`` in a local EVM (revm) holding only the proven state, with the block's number and time.

    Returns each call's output (``None`` when it reverts or halts) and the accounts and storage slots the
    calls read that are not among the proven ones.
    """
    from pyrevm import EVM, AccountInfo, BlockEnv, CfgEnv, Env

    block = BlockEnv(
        number=int(str(header["number"]), 16),
        timestamp=int(str(header["timestamp"]), 16),
        basefee=int(str(header.get("baseFeePerGas") or "0x0"), 16),
        gas_limit=int(str(header["gasLimit"]), 16),
        coinbase=to_checksum_address(str(header["miner"])),
    )
    evm = EVM(env=Env(cfg=CfgEnv(chain_id=chain_id), block=block), spec_id="CANCUN")
    for address, account in accounts.items():
        evm.insert_account_info(address, AccountInfo(nonce=account.nonce, code=codes.get(address) or None))
        evm.set_balance(address, account.balance)
    for (address, key), value in slots.items():
        evm.insert_account_storage(address, key, value)
    outputs: list[bytes | None] = []
    for call in calls:
        try:
            outputs.append(bytes(evm.message_call(
                caller="0x" + "00" * 20, to=call.address, calldata=call.calldata, is_static=True
            )))
        except Exception:  # noqa: BLE001 - a revert or halt is a mismatch, reported by the caller
            outputs.append(None)
    unproven: dict[str, set[int]] = {}
    for address, keys in _journal_reads(evm.journal_str).items():
        missing = {key for key in keys if (address, key) not in slots}
        if address not in accounts or missing:
            unproven[address] = missing
    return outputs, unproven


# An account in revm's journal, as pyrevm shows it: ``0x..: Account { info: AccountInfo { .. }, storage: { 5:
# StorageSlot { .. }, .. }, status: ..``; storage keys are printed in decimal.
_JOURNAL_ACCOUNT = re.compile(
    r"(0x[0-9a-fA-F]{40}): Account \{ info: AccountInfo \{.*?\}, storage: \{(.*?)\}, status", re.DOTALL
)
_JOURNAL_SLOT = re.compile(r"(\d+): StorageSlot")


def _journal_reads(journal: str) -> dict[str, set[int]]:
    """Every account the local EVM loaded, with the storage slots it read (from revm's journal)."""
    reads: dict[str, set[int]] = {}
    for match in _JOURNAL_ACCOUNT.finditer(journal):
        keys = reads.setdefault(to_checksum_address(match.group(1)), set())
        keys.update(int(key) for key in _JOURNAL_SLOT.findall(match.group(2)))
    if not reads:
        raise ProofError("the local EVM's journal cannot be read, so the reads cannot be checked; update pyrevm")
    return reads


def prove_reads(ctx: LedgerContext, reader: ChainReader) -> ProofReport:
    """Check every read of ``reader`` against the state root of its block (see the module's notes)."""
    # The header and the node's access lists of every read, in one batch.
    block_tag = hex(reader.block_number)
    access_lists = [_access_list_request(call, block_tag) for call in reader.calls]
    answers = ctx.rpc.batch([("eth_getBlockByNumber", [block_tag, False]), *access_lists])
    header: dict[str, Any] = dict(answers[0].get("result") or {})
    names = {str(to_checksum_address(address)): name for name, address in ctx.deployment.addresses.items()}

    def report(verified: bool, prover: _Prover | None, rounds: int, failure: str | None) -> ProofReport:
        return ProofReport(
            verified=verified,
            block_number=reader.block_number,
            block_hash=reader.block_hash,
            state_root=reader.state_root,
            header_verified=prover is not None,
            accounts={address: names.get(address, "") for address in (prover.accounts if prover else {})},
            slots=len(prover.slots) if prover else 0,
            calls=len(reader.calls) if prover else 0,
            rounds=rounds,
            failure=failure,
            witness=prover.witness() if prover is not None and verified else {},
        )

    if not header or not header_matches(header, reader.block_hash):
        failure = f"the header of block {reader.block_number} does not hash to its block hash {reader.block_hash}"
        return report(False, None, 0, failure)
    prover = _Prover(ctx, reader, header)
    rounds = 0
    try:
        prover.access_lists = {
            (call.address, call.calldata): answer for call, answer in zip(reader.calls, answers[1:], strict=True)
        }
        wanted: dict[str, set[int]] = {}
        for call in reader.calls:
            for address, keys in prover.hinted(call).items():
                wanted.setdefault(address, set()).update(keys)
        while True:
            rounds += 1
            prover.prove(wanted)
            outputs, wanted = prover.execute()
            if not wanted:
                break
            if rounds >= _MAX_ROUNDS:
                raise ProofError(f"the reads still touch unproven state after {rounds} rounds")
        for call, output in zip(reader.calls, outputs, strict=True):
            if output != call.output:
                raise ProofError(
                    f"{call.contract}.{call.function} returns something else on the proven state than the node said"
                )
    except ProofError as exc:
        return report(False, prover, rounds, str(exc))
    return report(True, prover, rounds, None)


@dataclass(frozen=True)
class CatalogFileCheck:
    """A catalog file (``dal verify --catalog FILE``) held against the certificate's current catalog hash."""

    file: str
    file_hash: str
    matches: bool


@dataclass(frozen=True)
class PledgeRoom:
    """What a bank could still take as security from one holder of the holding right.

    ``shares`` are the holder's shares of the holding right not pledged yet; a new pledge over them would
    rank behind the ``ranking_behind`` active pledges on the holding right (``behind_yours`` of them the
    asking bank's own).
    """

    owner: str
    shares: int
    ranking_behind: int
    behind_yours: int

    def sentence(self, names: Mapping[str, str]) -> str:
        yours = f" ({self.behind_yours} of them yours)" if self.behind_yours else ""
        return (
            f"up to {self.shares} basis points of the holding right held by {party_label(self.owner, names)}, "
            f"ranking behind {self.ranking_behind} pledge{'' if self.ranking_behind == 1 else 's'}{yours}"
        )


@dataclass(frozen=True)
class Verification:
    """The answer to "can I lend against this certificate?", at one block."""

    certificate_id: int
    number: str | None
    status: str
    in_force: bool
    expiry: int
    holder: str
    registrar: str
    registrar_active: bool
    version: int
    catalog_hash: str
    catalog: CatalogCheck
    rights: CertificateRights
    licences: list[LicenceView]
    pledges: list[PledgeView]
    block_number: int
    block_hash: str
    block_time: int
    state_root: str
    reads: int
    events_source: str = "chain logs"
    problems: list[str] = field(default_factory=list)
    proof: ProofReport | None = None
    names: dict[str, str] = field(default_factory=dict)
    bank: str | None = None
    bank_active: bool | None = None
    catalog_file: CatalogFileCheck | None = None
    #: What stands in the asking bank's way although the certificate is genuine.
    obstacles: list[str] = field(default_factory=list)
    #: The reader the answer was read with: its recorded calls and events are what evidence keeps.
    reader: ChainReader | None = field(default=None, compare=False, repr=False)
    #: The registration law: the stable registration number, the rights registered (only those exist),
    #: whether an objection registered after issue is pending, and each transfer and licence with whether
    #: the registrar registered it.
    registration_number: str | None = None
    rights_registered: tuple[str, ...] = ()
    disputed: bool = False
    registrations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def genuine(self) -> bool:
        """Issued by an active registrar, with a catalog entry that does not contradict the chain."""
        return not self.problems

    @property
    def lendable(self) -> bool:
        """Genuine, in force, proven when a proof was asked for, and nothing stands in the asking bank's way
        (a share of the holding right left to pledge, the asker an active bank, the catalog file matching)."""
        proven = self.proof is None or self.proof.verified
        return self.genuine and self.in_force and proven and not self.obstacles

    @property
    def reasons(self) -> list[str]:
        """Why the answer is "not lendable", one sentence each (none when it is lendable)."""
        reasons = list(self.problems)
        if not self.in_force:
            expired = self.status == "issued" and 0 < self.expiry <= self.block_time
            reasons.append(
                f"the certificate is not in force: it expired on {format_time(self.expiry)}" if expired
                else f"the certificate is not in force: it is {self.status.replace('_', ' ')}"
            )
        return reasons + self.obstacles

    @property
    def warnings(self) -> list[str]:
        """What a bank's lawyer should know although it does not make the answer "not lendable": active pledges
        not publicly registered, and pledges whose rank on chain differs from the order of their public
        registration, which is what priority follows in law (Civil Code art. 414)."""
        names = self.names
        found: list[str] = []
        active = self.binding_pledges()
        for pledge in active:
            if pledge.registered_at == 0:
                found.append(
                    f"pledge #{pledge.pledge_id} to {party_label(pledge.pledgee, names)} carries no public "
                    "registration (中登网): a pledge over a right is created by its registration (art. 443)"
                )
        for right in Right:
            registered = [pledge for pledge in active if pledge.right == right and pledge.registered_at]
            for earlier, later in itertools.pairwise(registered):
                if later.registered_at < earlier.registered_at:
                    found.append(
                        f"on the {right.label} right, pledge #{later.pledge_id} ranks behind pledge "
                        f"#{earlier.pledge_id} on chain but was publicly registered first "
                        f"({format_time(later.registered_at)} against {format_time(earlier.registered_at)}); "
                        "in law priority follows the public registration (art. 414)"
                    )
        return found

    def binding_pledges(self) -> list[PledgeView]:
        """The active pledges, per right in priority order (rank 1 first)."""
        active = [pledge for pledge in self.pledges if pledge.status == "active"]
        return sorted(active, key=lambda pledge: (int(pledge.right), pledge.rank or 0, pledge.pledge_id))

    def binding_licences(self) -> list[LicenceView]:
        """The licences that are live now or start later (not revoked, not ended)."""
        return [licence for licence in self.licences if licence.state in ("live", "upcoming")]

    def licences_granted(self, right: Right, owner: str) -> list[int]:
        """The licences in force over ``right`` that ``owner`` granted."""
        return [
            licence.licence_id for licence in self.licences
            if licence.state == "live" and licence.right == right and licence.grantor == owner
        ]

    def room(self) -> list[PledgeRoom]:
        """What the asking bank (or any new pledgee) could still take as security, per holder of the holding
        right; nothing while the certificate is not in force or the asker is not an active bank."""
        if not self.in_force or self.bank_active is False:
            return []
        ahead = [pledge for pledge in self.binding_pledges() if pledge.right == Right.HOLDING]
        yours = sum(1 for pledge in ahead if self.bank is not None and pledge.pledgee == self.bank)
        return [
            PledgeRoom(holding.owner, holding.shares - holding.pledged, len(ahead), yours)
            for holding in self.rights.holdings(Right.HOLDING)
            if holding.shares > holding.pledged
        ]

    def summary(self) -> dict[str, Any]:
        """The answer as one JSON-ready document (what `dal verify --json` prints)."""
        names = self.names
        licences = self.binding_licences()
        return {
            "certificate": self.certificate_id,
            "number": self.number,
            "answer": "lendable" if self.lendable else "not lendable",
            "genuine": self.genuine,
            "in_force": self.in_force,
            "problems": self.problems,
            "reasons": self.reasons,
            "warnings": self.warnings,
            "status": self.status,
            "expiry": format_time(self.expiry) if self.expiry else None,
            "holder": party_label(self.holder, names),
            "registrar": party_label(self.registrar, names),
            "registrar_active": self.registrar_active,
            "registration_number": self.registration_number,
            "rights_registered": list(self.rights_registered),
            "disputed": self.disputed,
            "transfers": self.registrations.get("transfers", []),
            "licence_registrations": self.registrations.get("licences", []),
            "catalog_version": self.version,
            "catalog_hash": self.catalog_hash,
            "catalog_check": {
                "status": self.catalog.status,
                "detail": self.catalog.detail,
                "stored_version": self.catalog.stored_version,
            },
            "catalog_file": None if self.catalog_file is None else {
                "file": self.catalog_file.file,
                "hash": self.catalog_file.file_hash,
                "matches": self.catalog_file.matches,
            },
            "rights": [
                {
                    "right": item.right.label,
                    "total_shares": item.total,
                    "holders": [
                        {
                            "owner": party_label(holding.owner, names),
                            "address": holding.owner,
                            "shares": holding.shares,
                            "percent": holding.percent,
                            "free": holding.shares - holding.pledged,
                            "pledged": holding.pledged,
                            "licensed": holding.shares if self.licences_granted(item.right, holding.owner) else 0,
                            "licences": self.licences_granted(item.right, holding.owner),
                            "transferable": holding.transferable,
                        }
                        for holding in item.holdings
                    ],
                    "pledges": [
                        pledge.pledge_id for pledge in self.binding_pledges() if pledge.right == item.right
                    ],
                    "licences_in_force": [
                        licence.licence_id for licence in licences
                        if licence.right == item.right and licence.state == "live"
                    ],
                    "exclusive_licence": any(
                        licence.exclusive for licence in licences
                        if licence.right == item.right and licence.state == "live"
                    ),
                }
                for item in self.rights.rights
            ],
            "licences": [licence.row(names) for licence in licences],
            "pledges": [_stored_terms(pledge, names) for pledge in self.binding_pledges()],
            "ended_pledges": [
                _stored_terms(pledge, names) for pledge in self.pledges if pledge.status != "active"
            ],
            "security": {
                "for_bank": party_label(self.bank, names) if self.bank else None,
                "bank_active": self.bank_active,
                "room": [
                    {
                        "holder": party_label(room.owner, names),
                        "address": room.owner,
                        "shares": room.shares,
                        "ranking_behind": room.ranking_behind,
                        "behind_yours": room.behind_yours,
                        "sentence": room.sentence(names),
                    }
                    for room in self.room()
                ],
            },
            "block": {
                "number": self.block_number,
                "hash": self.block_hash,
                "time": format_time(self.block_time),
                "state_root": self.state_root,
                "reads": self.reads,
                "events_from": self.events_source,
            },
            "proof": self.proof.summary() if self.proof is not None else None,
            "proof_covers": PROOF_COVERS,
        }


def _registrations(events: Sequence[Any], certificate_id: int, names: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Each transfer of shares between members and each licence granted, with whether the registrar
    registered it (转移登记 / 许可登记) and under which voucher."""
    from ledger.history import transfer_items

    transfer_vouchers: dict[tuple[str, str, str, int, int], str] = {}
    licence_vouchers: dict[int, str] = {}
    for event in events:
        if event.event == "TransferRegistered":
            key = ("0x" + bytes(event.args["movement"]).hex(), to_checksum_address(event.args["from"]),
                   to_checksum_address(event.args["to"]), int(event.args["right"]), int(event.args["shares"]))
            transfer_vouchers[key] = str(event.args["voucher"])
        elif event.event == "LicenceRegistered":
            licence_vouchers[int(event.args["licenceId"])] = str(event.args["voucher"])
    transfers: list[dict[str, Any]] = []
    licences: list[dict[str, Any]] = []
    for event in events:
        if event.event in ("TransferSingle", "TransferBatch") and int(event.args["from"], 16) != 0:
            sender, recipient = to_checksum_address(event.args["from"]), to_checksum_address(event.args["to"])
            for right, shares in transfer_items(event, certificate_id):
                voucher = transfer_vouchers.get((event.tx_hash, sender, recipient, right, shares))
                transfers.append({
                    "transaction": event.tx_hash, "from": party_label(sender, names),
                    "to": party_label(recipient, names), "right": Right(right).label, "shares": shares,
                    "registered": voucher is not None, "voucher": voucher,
                })
        elif event.event == "LicenceGranted":
            licence_id = int(event.args["licenceId"])
            voucher = licence_vouchers.get(licence_id)
            licences.append({"licence": licence_id, "registered": voucher is not None, "voucher": voucher})
    return {"transfers": transfers, "licences": licences}


def _stored_terms(pledge: PledgeView, names: Mapping[str, str]) -> dict[str, Any]:
    """A pledge as the bank's answer gives it: its stored terms only, every one provable."""
    return {key: value for key, value in pledge.row(names).items() if key not in EVENT_FIELDS}


def _unmatched_pledges(
    rights: CertificateRights, pledges: Sequence[PledgeView], names: Mapping[str, str], source: str
) -> list[str]:
    """Holdings whose pledged shares (contract state) differ from the active pledges found in the events.

    The contract locks exactly the shares of a holder's active pledges, so a pledge that the events
    read leave out (an incomplete read model or node) shows up here rather than vanishing from the
    answer.
    """
    problems = []
    for item in rights.rights:
        for holding in item.holdings:
            found = sum(
                pledge.shares for pledge in pledges
                if pledge.status == "active" and pledge.right == item.right and pledge.pledgor == holding.owner
            )
            if found != holding.pledged:
                problems.append(
                    f"{party_label(holding.owner, names)} has {holding.pledged} shares of the {item.right.label} "
                    f"right pledged, but the active pledges found in the events ({source}) lock {found}"
                )
    return problems


def catalog_file_hash(path: Path) -> str:
    """The canonical hash (0x hex) of the catalog entry in ``path``; a bad file is a ValidationError."""
    from ledger.catalog import load_catalog_entry

    return "0x" + record_hash(load_catalog_entry(path)).hex()


def answer_reads(certificate_id: int, events: Sequence[ChainLog], bank: str | None) -> list[Read]:
    """Every read :func:`read_verification` makes, found from the certificate's events: asked in one batch.

    The registrar and the current catalog version come from contract state, which is read in the same
    batch; they are taken here from the events (the registrar the certificate was submitted to, the last
    version a change made). Should state say otherwise, the reads it implies are made on their own.
    """
    registrar = None
    version = 1
    for event in events:
        if event.event in ("CertificateSubmitted", "CertificateIssued"):
            registrar = to_checksum_address(event.args["registrar"])
        elif event.event == "CertificateChanged":
            version = int(event.args["version"])
    reads = rights_reads(certificate_id, events) + licence_reads(certificate_id, events) + pledge_reads(events)
    reads.append(("Certificates", "catalogHashAt", (certificate_id, version)))
    if registrar is not None:
        reads.append(("Consortium", "isActive", (registrar, int(Role.REGISTRAR))))
    if bank is not None:
        reads.append(("Consortium", "isActive", (bank, int(Role.BANK))))
    return reads


def read_verification(
    reader: ChainReader,
    certificate_id: int,
    names: dict[str, str],
    catalog_check: Callable[[str], CatalogCheck],
    *,
    bank: str | None = None,
    catalog_file: tuple[str, str] | None = None,
) -> Verification:
    """The answer composed from ``reader``'s reads alone (the node's, or the proven ones of kept evidence).

    ``catalog_check`` gives the off-chain store's finding on the on-chain catalog hash; ``bank`` the asking bank's address; ``catalog_file`` the
    name and canonical hash of a catalog file to hold against the certificate's current catalog hash.
    """
    reader.prefetch(answer_reads(certificate_id, reader.history(certificate_id).events, bank))
    record = certificate_exists(reader, certificate_id)
    status = record.status.key
    in_force = bool(reader.call("Certificates", "isInForce", certificate_id))
    registrar = record.registrar
    registrar_active = bool(reader.call("Consortium", "isActive", registrar, int(Role.REGISTRAR)))
    version = record.version
    catalog_hash = record.catalog_hash
    catalog = catalog_check(catalog_hash)
    version_hash = "0x" + bytes(reader.call("Certificates", "catalogHashAt", certificate_id, version)).hex()
    rights = read_rights(reader, certificate_id, names)
    licences = read_licences(reader, certificate_id)
    pledges = read_pledges(reader, certificate_id)
    bank_active = bool(reader.call("Consortium", "isActive", bank, int(Role.BANK))) if bank else None

    problems: list[str] = []
    if status not in ("issued", "suspended", "cancelled"):
        problems.append(f"certificate {certificate_id} was never issued: it is {status.replace('_', ' ')}")
    if not registrar_active:
        problems.append(f"its registrar {party_label(registrar, names)} is not an active REGISTRAR member")
    if version_hash != catalog_hash:
        problems.append(
            f"the catalog hash of version {version} ({version_hash}) differs from the certificate's ({catalog_hash})"
        )
    if catalog.status == "differs":
        problems.append(f"the stored catalog entry does not match the chain: {catalog.detail}")
    obstacles: list[str] = []
    file_check = None
    if catalog_file is not None:
        file_check = CatalogFileCheck(catalog_file[0], catalog_file[1], catalog_file[1] == catalog_hash)
        if not file_check.matches:
            obstacles.append(
                f"the catalog file {catalog_file[0]} hashes to {catalog_file[1]}, not to the catalog hash of the "
                f"certificate's current version {version} ({catalog_hash})"
            )
    source = reader.history_source or "chain logs"
    registered = tuple(right.label for right in rights_of(record.rights_granted))
    for item in rights.rights:
        if item.right.label not in registered:
            if item.total:
                problems.append(f"the {item.right.label} right was not registered, yet {item.total} shares of it exist")
            continue
        if status in ("issued", "suspended") and item.total != 10_000:
            problems.append(
                f"the shares of the {item.right.label} right found sum to {item.total}, not 10000; "
                f"the events read ({source}) are incomplete"
            )
    problems += _unmatched_pledges(rights, pledges, names, source)
    if bank is not None and not bank_active:
        obstacles.append(f"{party_label(bank, names)} is not an active BANK member, so it cannot take a pledge")
    answer = Verification(
        certificate_id=certificate_id,
        number=record.number or None,
        status=status,
        in_force=in_force,
        expiry=record.expiry,
        holder=record.holder,
        registrar=registrar,
        registrar_active=registrar_active,
        version=version,
        catalog_hash=catalog_hash,
        catalog=catalog,
        rights=rights,
        licences=licences,
        pledges=pledges,
        block_number=reader.block_number,
        block_hash=reader.block_hash,
        block_time=reader.block_time,
        state_root=reader.state_root,
        reads=len(reader.calls),
        events_source=source,
        problems=problems,
        names=names,
        bank=bank,
        bank_active=bank_active,
        catalog_file=file_check,
        obstacles=obstacles,
        reader=reader,
        registration_number=record.registration_number or None,
        rights_registered=registered if status in ("issued", "suspended", "cancelled") else (),
        disputed=record.disputed,
        registrations=_registrations(reader.history(certificate_id).events, certificate_id, names),
    )
    if record.disputed:
        obstacles.append(
            "an objection to the certificate is registered (异议登记) and not yet resolved: its registrar holds "
            "the objection's file"
        )
    if in_force and bank_active is not False and not answer.room():
        obstacles.append("no share of the holding right is left to pledge: every holder's shares are pledged")
    return answer


def verify_certificate(
    ctx: LedgerContext,
    certificate_id: int,
    *,
    block: int | str | None = None,
    proof: bool = False,
    bank: str | None = None,
    acting: str | None = None,
    catalog_file: Path | None = None,
) -> Verification:
    """Answer "can I lend against ``certificate_id``?" at ``block`` (default: the latest).

    ``block`` may be a block hash the bank already trusts: the answer is then
    read at that block, and with ``proof`` it is proven against that hash.
    ``bank`` (an account name or address) is the bank asking: the answer says
    what it could still take as security and how many pledges would rank
    ahead. Without ``bank``, the answer is for ``acting`` (the acting
    account) when that is an active bank, else for any new pledgee.
    ``catalog_file`` is held against the certificate's current catalog
    hash.

    An unknown certificate is a :class:`~ledger.errors.NotFoundError`; a bad
    catalog file a :class:`~ledger.errors.ValidationError`; every other
    finding (not issued, suspended, expired, an inactive registrar, a catalog
    mismatch, nothing left to pledge, a failed proof) is part of the answer.
    """
    names = party_names(ctx)
    file = (catalog_file.name, catalog_file_hash(catalog_file)) if catalog_file is not None else None
    asker = resolve_party(ctx, bank, what="bank") if bank is not None else None
    if asker is None and acting is not None:
        account = resolve_party(ctx, acting, what="acting account")
        asker = account if ctx.call("Consortium", "isActive", account, int(Role.BANK)) else None
    reader = ChainReader(ctx, block)
    answer = read_verification(
        reader, certificate_id, names, lambda onchain: check_catalog(ctx, certificate_id, onchain),
        bank=asker, catalog_file=file,
    )
    if not proof:
        return answer
    report = prove_reads(ctx, reader)
    problems = list(answer.problems)
    if not report.verified:
        problems.append(f"the answer could not be proven: {report.failure}")
    return replace(answer, proof=report, problems=problems, reads=len(reader.calls))
