"""The harness of the contract tests: signers named for their role, and :class:`Ledger`, which sends
transactions by signer name, asserts refusals by their exact custom error and arguments, moves chain
time, and walks a certificate through its lifecycle.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils.abi import collapse_if_tuple
from eth_utils.crypto import keccak
from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD
from web3.types import TxReceipt

from ledger.consent import (
    CONSENT_TYPES,
    DOMAIN_NAME,
    DOMAIN_VERSION,
    EXTENSION_TYPES,
    REALISATION_TYPES,
)
from ledger.holders import REQUEST_CONSENT_TYPES, REQUEST_DOMAIN_NAME, REQUEST_DOMAIN_VERSION
from ledger.numbers import registration_number

Account.enable_unaudited_hdwallet_features()

MNEMONIC = "test test test test test test test test test test test junk"

REGISTRAR, MERCHANT, BANK, AUDITOR, ORACLE = 1, 2, 4, 8, 16
ALL_ROLES = REGISTRAR | MERCHANT | BANK | AUDITOR | ORACLE
HOLDERS = MERCHANT | BANK

# Right and status enums, as the contracts encode them.
HOLDING, DEVELOPMENT, OPERATION = 0, 1, 2
RIGHTS = (HOLDING, DEVELOPMENT, OPERATION)
AGREED_PRICE, AUCTION, SALE, COURT_RULING = 0, 1, 2, 3
ALL_RIGHTS = 7
TOTAL_SHARES = 10_000

#: Signer name -> (index in the development mnemonic, roles; 0 = not a member).
SIGNERS: dict[str, tuple[int, int]] = {
    "admin": (0, 0),
    "registrar": (1, REGISTRAR),
    "merchant_a": (2, MERCHANT),
    "merchant_b": (3, MERCHANT),
    "merchant_c": (4, MERCHANT),
    "bank": (5, BANK),
    "bank_b": (6, BANK),
    "auditor": (7, AUDITOR),
    "oracle": (8, ORACLE),
    "stranger": (9, 0),
    # Beyond anvil's ten funded accounts: the node impersonates them.
    "registrar_b": (30, REGISTRAR),
    "suspended": (31, ALL_ROLES),
    # Never admitted: the new addresses of key recoveries.
    "replacement": (32, 0),
    "replacement_b": (33, 0),
}

YEAR = 365 * 24 * 3600
DAY = 24 * 3600


def signer_key(index: int) -> LocalAccount:
    account: LocalAccount = Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return account


def identity_of(name: str) -> bytes:
    """The identity hash the fixtures give the member called ``name``."""
    return keccak(text=f"USCC:{name}")


@dataclass(frozen=True)
class ErrorSpec:
    """A custom error as the ABIs declare it."""

    name: str
    types: tuple[str, ...]
    names: tuple[str, ...]


def error_index(abis: Sequence[list[dict[str, Any]]]) -> dict[bytes, ErrorSpec]:
    index: dict[bytes, ErrorSpec] = {}
    for abi in abis:
        for item in abi:
            if item.get("type") != "error":
                continue
            types = tuple(collapse_if_tuple(entry) for entry in item["inputs"])
            selector = keccak(text=f"{item['name']}({','.join(types)})")[:4]
            index[selector] = ErrorSpec(
                item["name"], types, tuple(entry["name"] for entry in item["inputs"])
            )
    return index


@dataclass
class Ledger:
    """The deployed suite and the helpers every contract test uses."""

    w3: Web3
    contracts: dict[str, Contract]
    accounts: dict[str, ChecksumAddress]
    keys: dict[str, LocalAccount]
    errors: dict[bytes, ErrorSpec]
    #: The governance timelock (kept apart from the contracts of the suite).
    timelock: Contract | None = None
    _numbers: Iterator[int] = field(default_factory=lambda: iter(range(1, 1_000_000)))

    # -- contracts ---------------------------------------------------------------------------------

    @property
    def consortium(self) -> Contract:
        return self.contracts["Consortium"]

    @property
    def certificates(self) -> Contract:
        return self.contracts["Certificates"]

    @property
    def rights(self) -> Contract:
        return self.contracts["Rights"]

    @property
    def pledges(self) -> Contract:
        return self.contracts["Pledges"]

    @property
    def anchors(self) -> Contract:
        return self.contracts["Anchors"]

    @property
    def registrations(self) -> Contract:
        return self.contracts["Registrations"]

    @property
    def due_process(self) -> Contract:
        return self.contracts["DueProcess"]

    def address(self, who: str) -> ChecksumAddress:
        """The address of signer ``who`` (or ``who`` itself when it is an address)."""
        return self.accounts[who] if who in self.accounts else Web3.to_checksum_address(who)

    def name_of(self, address: str) -> str:
        """The signer name of ``address`` (the address itself when no signer has it)."""
        wanted = Web3.to_checksum_address(address)
        return next((name for name, known in self.accounts.items() if known == wanted), wanted)

    # -- transactions ------------------------------------------------------------------------------

    def send(self, call: ContractFunction, sender: str, gas: int = 5_000_000) -> TxReceipt:
        """Mine ``call`` from ``sender`` and return the receipt; fail the test with the decoded
        error if it reverts."""
        tx_hash = call.transact({"from": self.address(sender), "gas": gas})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash)
        if receipt["status"] != 1:
            data = self.replayed_revert(receipt)
            what = getattr(call, "fn_name", "creation")
            raise AssertionError(f"{what} from {sender} reverted: {self.describe(data)}")
        return receipt

    def replayed_revert(self, receipt: TxReceipt) -> bytes:
        """The revert data of a mined, failed transaction (from the node's call tracer)."""
        trace = self.w3.provider.make_request(  # type: ignore[arg-type]
            "debug_traceTransaction",
            [receipt["transactionHash"].to_0x_hex(), {"tracer": "callTracer"}],
        )["result"]
        return bytes(HexBytes(trace.get("output", "0x")))

    def revert_data(self, call: ContractFunction, sender: str) -> bytes:
        """The revert data of ``call`` from ``sender`` against the latest state; fails if it does
        not revert."""
        try:
            if hasattr(call, "call"):
                call.call({"from": self.address(sender)})
            else:  # a constructor: simulate the creation
                self.w3.eth.call({"from": self.address(sender), "data": call.data_in_transaction})
        except ContractLogicError as exc:
            data = exc.data
            if isinstance(data, dict):
                data = data.get("data", "0x")
            return bytes(HexBytes(data or "0x"))
        raise AssertionError(f"{getattr(call, 'fn_name', 'creation')} from {sender} did not revert")

    def decode(self, data: bytes) -> tuple[str, tuple[Any, ...]]:
        """A custom error's name and arguments."""
        spec = self.errors.get(data[:4])
        if spec is None:
            return ("<unknown>", (data.hex(),))
        values = abi_decode(list(spec.types), data[4:])
        return spec.name, tuple(_normalise(value) for value in values)

    def describe(self, data: bytes) -> str:
        name, args = self.decode(data)
        return f"{name}{args}"

    def reverts(self, call: ContractFunction, sender: str, error: str, *args: Any) -> None:
        """Assert that ``call`` from ``sender`` reverts with exactly ``error(*args)``."""
        name, actual = self.decode(self.revert_data(call, sender))
        expected = tuple(
            _normalise(self.address(arg) if _is_signer(arg, self) else arg) for arg in args
        )
        assert (name, actual) == (error, expected), (
            f"expected {error}{expected}, got {name}{actual}"
        )

    def events(self, receipt: TxReceipt, contract: str, event: str) -> list[dict[str, Any]]:
        """The decoded ``event`` logs of ``contract`` in ``receipt``, as dicts of arguments."""
        source = self.contracts[contract]
        logs = source.events[event]().process_receipt(receipt, errors=DISCARD)
        return [{key: _normalise(value) for key, value in log["args"].items()} for log in logs]

    # -- governance --------------------------------------------------------------------------------

    def schedule(self, calls: list[ContractFunction], salt: bytes, delay: int) -> tuple[Any, ...]:
        """Governance (the admin) schedules ``calls`` as one timelock operation; returns the
        operation's arguments for :meth:`execute`."""
        assert self.timelock is not None
        targets = [call.address for call in calls]
        payloads = [call._encode_transaction_data() for call in calls]
        operation = (targets, [0] * len(calls), payloads, b"\x00" * 32, salt)
        self.send(self.timelock.functions.scheduleBatch(*operation, delay), "admin")
        return operation

    def execute(self, operation: tuple[Any, ...]) -> TxReceipt:
        """Governance executes a scheduled timelock operation whose delay has passed."""
        assert self.timelock is not None
        return self.send(self.timelock.functions.executeBatch(*operation), "admin")

    def govern(self, calls: list[ContractFunction], salt: bytes = b"\x01" * 32) -> TxReceipt:
        """Schedule ``calls`` through the timelock, wait its delay, execute them."""
        assert self.timelock is not None
        delay = self.timelock.functions.getMinDelay().call()
        operation = self.schedule(calls, salt, delay)
        self.advance(delay)
        return self.execute(operation)

    # -- time --------------------------------------------------------------------------------------

    @staticmethod
    def struct(call: ContractFunction) -> dict[str, Any]:
        """A view's one struct answer, keyed by the names of the struct's fields in the ABI."""
        (output,) = call.abi["outputs"]
        names = [component["name"] for component in output["components"]]
        return dict(zip(names, call.call(), strict=True))

    def now(self) -> int:
        """The timestamp of the latest block."""
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def advance(self, seconds: int) -> None:
        """Move chain time forward by ``seconds`` and mine a block."""
        self.w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
        self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    # -- lifecycle shortcuts -----------------------------------------------------------------------

    def submit(
        self,
        holder: str = "merchant_a",
        registrar: str = "registrar",
        catalog: bytes | None = None,
        rights: int = ALL_RIGHTS,
        authorised_until: int = 0,
    ) -> int:
        """Submit an application claiming ``rights`` and return the certificate id."""
        catalog = catalog or keccak(text=f"catalog-{next(self._numbers)}")
        receipt = self.send(
            self.certificates.functions.submit(
                self.address(registrar), (catalog, rights, authorised_until)
            ),
            holder,
        )
        return int(self.events(receipt, "Certificates", "CertificateSubmitted")[0]["certificateId"])

    def registration_number(self) -> str:
        """A fresh, well-formed registration number (check character included)."""
        return registration_number("TEST", f"{2026_0000_0000 + next(self._numbers):012d}")

    def issue_terms(
        self, expiry: int, rights: int = ALL_RIGHTS, number: str | None = None
    ) -> tuple[str, str, int, int]:
        """An ``IssueTerms`` tuple: a fresh registration number, ``number`` (or a fresh one)."""
        number = f"DEX-CERT-{next(self._numbers):06d}" if number is None else number
        return (self.registration_number(), number, expiry, rights)

    def under_notice(
        self, holder: str = "merchant_a", registrar: str = "registrar", notice: int = 7 * DAY
    ) -> int:
        """A certificate accepted and published, its notice running for ``notice`` seconds."""
        certificate_id = self.submit(holder, registrar)
        self.send(self.certificates.functions.accept(certificate_id), registrar)
        self.send(
            self.certificates.functions.publicize(certificate_id, self.now() + notice), registrar
        )
        return certificate_id

    def issue(
        self,
        holder: str = "merchant_a",
        registrar: str = "registrar",
        expiry_in: int = 5 * YEAR,
        number: str | None = None,
        rights: int = ALL_RIGHTS,
    ) -> int:
        """A certificate issued to ``holder`` (a one-minute notice, then time moves past it)."""
        certificate_id = self.under_notice(holder, registrar, notice=60)
        self.advance(61)
        number = number or f"DEX-{certificate_id:06d}-{next(self._numbers)}"
        terms = self.issue_terms(self.now() + expiry_in, rights, number)
        self.send(self.certificates.functions.issue(certificate_id, terms), registrar)
        return certificate_id

    def request_consent(
        self,
        holder: str,
        requester: str,
        certificate_id: int,
        request: int,
        requested_hash: bytes = b"\x00" * 32,
        requested_expiry: int = 0,
        deadline: int | None = None,
        nonce: int | None = None,
        signer: str | None = None,
    ) -> tuple[str, int, bytes]:
        """``holder``'s ``HolderConsent`` tuple to ``requester``'s request on the certificate, signed by
        ``signer`` (default: the holder itself; the owner of a contract wallet signs for it)."""
        deadline = deadline if deadline is not None else self.now() + DAY
        if nonce is None:
            nonce = int(self.certificates.functions.requestNonce(certificate_id).call())
        message = {
            "holder": self.address(holder),
            "requester": self.address(requester),
            "certificateId": certificate_id,
            "request": request,
            "requestedHash": requested_hash,
            "requestedExpiry": requested_expiry,
            "nonce": nonce,
            "deadline": deadline,
        }
        domain = {
            "name": REQUEST_DOMAIN_NAME,
            "version": REQUEST_DOMAIN_VERSION,
            "chainId": self.w3.eth.chain_id,
            "verifyingContract": self.certificates.address,
        }
        signed = self.keys[signer or holder].sign_typed_data(
            domain, {"CertificateRequestConsent": REQUEST_CONSENT_TYPES}, message
        )
        return (self.address(holder), deadline, bytes(signed.signature))

    def shares(self, certificate_id: int, right: int, owner: str) -> int:
        return int(
            self.rights.functions.sharesOf(certificate_id, right, self.address(owner)).call()
        )

    # -- pledges -----------------------------------------------------------------------------------

    def consent_signature(
        self, signer: str, pledgee: str, terms: tuple[Any, ...], senior: int, deadline: int
    ) -> bytes:
        """``signer``'s EIP-712 signature of a ``PledgeConsent`` (terms as the ``PledgeTerms``
        tuple, whose pledgor the consent names), ranking behind pledge ``senior`` (0 for none)."""
        (pledgor, certificate_id, right, shares, amount, currency, maturity, external_ref, registered_at,
         registration_expiry) = terms
        message = {
            "pledgor": self.address(pledgor),
            "pledgee": self.address(pledgee),
            "certificateId": certificate_id,
            "right": right,
            "shares": shares,
            "amount": amount,
            "currency": currency,
            "maturity": maturity,
            "externalRef": external_ref,
            "registeredAt": registered_at,
            "registrationExpiry": registration_expiry,
            "seniorPledgeId": senior,
            "deadline": deadline,
        }
        return self._sign(signer, "PledgeConsent", CONSENT_TYPES, message)

    def extension_signature(
        self, pledgor: str, pledge_id: int, new_maturity: int, nonce: int, deadline: int
    ) -> bytes:
        """The pledgor's EIP-712 signature of a ``PledgeExtension``."""
        message = {
            "pledgeId": pledge_id,
            "newMaturity": new_maturity,
            "nonce": nonce,
            "deadline": deadline,
        }
        return self._sign(pledgor, "PledgeExtension", EXTENSION_TYPES, message)

    def realisation_signature(
        self, pledgor: str, pledge_id: int, buyer: str, price: int, document: bytes, nonce: int, deadline: int
    ) -> bytes:
        """The pledgor's EIP-712 signature of a ``PledgeRealisation`` (an agreed price)."""
        message = {
            "pledgeId": pledge_id,
            "buyer": self.address(buyer),
            "price": price,
            "documentHash": document,
            "nonce": nonce,
            "deadline": deadline,
        }
        return self._sign(pledgor, "PledgeRealisation", REALISATION_TYPES, message)

    def realise(
        self,
        pledge_id: int,
        pledgee: str,
        buyer: str | None = None,
        price: int = 6_000_000_00,
        method: int = AUCTION,
        document: bytes = b"\x11" * 32,
    ) -> Any:
        """Realise a matured pledge by auction (no signature) or at an agreed price (the pledgor's signature)."""
        buyer = buyer or pledgee
        if method == AGREED_PRICE:
            pledgor = self.name_of(self.pledges.functions.pledge(pledge_id).call()[1])
            nonce = int(self.pledges.functions.nonces(self.address(pledgor)).call())
            deadline = self.now() + DAY
            signature = self.realisation_signature(pledgor, pledge_id, buyer, price, document, nonce, deadline)
        else:
            nonce, deadline, signature = 0, 0, b""
        terms = (method, self.address(buyer), price, document)
        return self.send(
            self.pledges.functions.realisePledge(pledge_id, terms, nonce, deadline, signature), pledgee
        )

    # -- due process -------------------------------------------------------------------------------

    def propose_forced_transfer(
        self,
        certificate_id: int,
        right: int,
        giver: str,
        receiver: str,
        shares: int,
        document: bytes = b"\x0c" * 32,
        registrar: str = "registrar",
    ) -> int:
        """A registrar proposes a forced transfer; its proposal id."""
        receipt = self.send(
            self.due_process.functions.proposeForcedTransfer(
                certificate_id, right, self.address(giver), self.address(receiver), shares, document
            ),
            registrar,
        )
        return int(self.events(receipt, "DueProcess", "ForcedTransferProposed")[0]["proposalId"])

    def propose_recovery(
        self,
        lost: str,
        new: str,
        scope: tuple[list[int], list[int], list[int], list[bytes]] = ([], [], [], []),
        document: bytes = b"\x0d" * 32,
        registrar: str = "registrar",
    ) -> int:
        """A registrar proposes a key recovery of ``lost`` to ``new``; its proposal id."""
        receipt = self.send(
            self.due_process.functions.proposeRecovery(self.address(lost), self.address(new), document, scope),
            registrar,
        )
        return int(self.events(receipt, "DueProcess", "RecoveryProposed")[0]["proposalId"])

    def execute_after_delay(self, proposal_id: int) -> TxReceipt:
        """Wait until the proposal may run, then governance executes it."""
        executable_at = int(self.due_process.functions.proposal(proposal_id).call()[3])
        if self.now() < executable_at:
            self.advance(executable_at - self.now())
        return self.send(self.due_process.functions.execute(proposal_id), "admin")

    def _sign(
        self, signer: str, primary: str, types: list[dict[str, str]], message: dict[str, Any]
    ) -> bytes:
        domain = {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": self.w3.eth.chain_id,
            "verifyingContract": self.pledges.address,
        }
        signed = self.keys[signer].sign_typed_data(domain, {primary: types}, message)
        return bytes(signed.signature)

    def pledge_terms(
        self,
        pledgor: str,
        certificate_id: int,
        right: int = DEVELOPMENT,
        shares: int = 6_000,
        amount: int = 5_000_000_00,
        currency: bytes = b"CNY",
        maturity: int | None = None,
        external_ref: bytes = b"\x00" * 32,
        registered_at: int = 0,
        registration_expiry: int = 0,
    ) -> tuple[Any, ...]:
        """A ``PledgeTerms`` tuple (maturity defaults to a year from now)."""
        maturity = maturity if maturity is not None else self.now() + YEAR
        return (
            self.address(pledgor),
            certificate_id,
            right,
            shares,
            amount,
            currency,
            maturity,
            external_ref,
            registered_at,
            registration_expiry,
        )

    def last_pledge(self, pledge_terms: tuple[Any, ...]) -> int:
        """The pledgor's most recent pledge on the terms' right (what a new consent ranks behind)."""
        pledgor, certificate_id, right = pledge_terms[:3]
        return int(self.rights.functions.lastPledgeOf(certificate_id, right, pledgor).call())

    def record_pledge(self, pledgor: str, pledgee: str, certificate_id: int, **terms: Any) -> int:
        """Record a pledge with a fresh consent and return its id."""
        pledge_terms = self.pledge_terms(pledgor, certificate_id, **terms)
        senior = self.last_pledge(pledge_terms)
        deadline = self.now() + DAY
        signature = self.consent_signature(pledgor, pledgee, pledge_terms, senior, deadline)
        receipt = self.send(
            self.pledges.functions.recordPledge(pledge_terms, senior, deadline, signature), pledgee
        )
        return int(self.events(receipt, "Pledges", "PledgeRecorded")[0]["pledgeId"])



def _is_signer(value: Any, ledger: Ledger) -> bool:
    return isinstance(value, str) and value in ledger.accounts


def _normalise(value: Any) -> Any:
    """Comparable plain values: checksum addresses, bytes, tuples."""
    if isinstance(value, str) and Web3.is_address(value):
        return Web3.to_checksum_address(value)
    if isinstance(value, HexBytes | bytearray):
        return bytes(value)
    if isinstance(value, list | tuple):
        return tuple(_normalise(item) for item in value)
    return value


def as_me(value: Any, address: str) -> Any:
    """``value`` (a view's answer) with ``address`` written as "ME" wherever it appears, lists and tuples
    included: so that the answers about one member's records compare with those about another's."""
    if isinstance(value, str) and value == address:
        return "ME"
    if isinstance(value, list | tuple):
        return [as_me(item, address) for item in value]
    return value


def rpc(w3: Web3, method: str, params: list[Any]) -> Any:
    response = w3.provider.make_request(method, params)  # type: ignore[arg-type]
    if "error" in response:
        raise RuntimeError(f"{method} failed: {response['error']}")
    return response.get("result")
