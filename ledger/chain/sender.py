"""Sending transactions: signed here, never by the node.

Every transaction is signed locally with the acting account's key
(eth-account) and sent with ``eth_sendRawTransaction``; nothing relies on
accounts unlocked in the node. Gas is estimated first, so a call the
contract would refuse is reported (decoded, see :mod:`ledger.chain.revert`)
before anything is sent. Fees follow the profile: legacy ``gasPrice`` (``0``
on a free-gas network such as Besu) or EIP-1559 fields from the node.

Nonces are assigned locally by a :class:`NonceManager` (one pending-nonce
read per account, then counting), which is what lets :meth:`Sender.send_batch`
pre-sign a batch and send it concurrently: a batch reports, item by item,
the receipt or the decoded error, so a caller can say which record failed and
what was already done.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import requests
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes
from web3 import AsyncWeb3, Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError, TimeExhausted, TransactionNotFound, Web3RPCError
from web3.types import TxReceipt

from ledger.chain.connect import connect_async, unreachable
from ledger.chain.revert import RevertDecoder, revert_data_of
from ledger.config import Profile
from ledger.errors import LedgerError, TransactionError

__all__ = [
    "BatchResult",
    "FeePolicy",
    "NonceManager",
    "Sender",
    "TxRequest",
]

# Headroom over eth_estimateGas: in a batch, state may move between estimate and execution.
_GAS_MARGIN_PERCENT = 20
# Node messages that mean "this nonce is already taken" (anvil, geth, Besu spellings).
_NONCE_TAKEN = ("nonce too low", "nonce is too low", "replacement transaction underpriced",
                "replacement underpriced", "transaction already imported")
# Node messages that mean "this very transaction is already in the pool".
_ALREADY_KNOWN = ("already known", "known transaction")


@dataclass(frozen=True)
class TxRequest:
    """What to send: a call (``to`` + ``data``), a transfer, or a deployment (``to=None``).

    ``label`` names the record the transaction is about, for reports
    ("certificate DA-2025-0001"). ``gas`` skips estimation when given.
    """

    to: str | None
    data: bytes = b""
    value: int = 0
    gas: int | None = None
    label: str = ""

    @classmethod
    def call(cls, contract: Contract, function: str, *args: Any, value: int = 0, label: str = "") -> TxRequest:
        """A call of ``contract.function(*args)``."""
        data = HexBytes(contract.encode_abi(function, args=list(args)))
        return cls(to=contract.address, data=bytes(data), value=value, label=label or function)

    def fields(self, sender: str) -> dict[str, Any]:
        """The request as JSON-RPC call fields (for eth_estimateGas, eth_call)."""
        fields: dict[str, Any] = {"from": sender, "value": self.value, "data": "0x" + self.data.hex()}
        if self.to is not None:
            fields["to"] = to_checksum_address(self.to)
        return fields


@dataclass
class BatchResult:
    """The outcome of one item of a batch: a receipt, or the error that stopped it."""

    request: TxRequest
    tx_hash: str | None = None
    receipt: TxReceipt | None = None
    error: LedgerError | None = None

    @property
    def ok(self) -> bool:
        return self.receipt is not None and self.error is None


class NonceManager:
    """Assigns nonces locally, per account, safely across threads.

    The account's pending nonce is read once from the node; after that
    nonces are counted here. :meth:`resync` reads it again (after "nonce too
    low", or when a reserved nonce was not used).
    """

    def __init__(self, w3: Web3) -> None:
        self._w3 = w3
        self._next: dict[str, int] = {}
        self._lock = threading.Lock()

    def _pending(self, address: str) -> int:
        return int(self._w3.eth.get_transaction_count(to_checksum_address(address), "pending"))

    def reserve(self, address: str, count: int = 1) -> range:
        """``count`` consecutive nonces for ``address``."""
        key = address.lower()
        with self._lock:
            start = self._next[key] if key in self._next else self._pending(address)
            self._next[key] = start + count
        return range(start, start + count)

    def resync(self, address: str) -> int:
        """Forget the local count and read the node's pending nonce again."""
        key = address.lower()
        with self._lock:
            self._next[key] = self._pending(address)
            return self._next[key]


@dataclass
class FeePolicy:
    """The fee fields of the profile: legacy ``gasPrice`` or EIP-1559 from the node."""

    gas_price: int | None

    def fields(self, w3: Web3) -> dict[str, int]:
        if self.gas_price is not None:
            return {"gasPrice": self.gas_price}
        latest = w3.eth.get_block("latest")
        base = int(latest.get("baseFeePerGas", 0))
        try:
            tip = int(w3.eth.max_priority_fee)
        except (Web3RPCError, ValueError):
            tip = 10**9
        # Twice the base fee survives six full blocks of base-fee growth.
        return {"maxFeePerGas": 2 * base + tip, "maxPriorityFeePerGas": tip}


def _rpc_message(exc: BaseException) -> str:
    response = getattr(exc, "rpc_response", None)
    if isinstance(response, dict) and isinstance(response.get("error"), dict):
        return str(response["error"].get("message", exc))
    return str(exc)


def _matches(message: str, needles: Iterable[str]) -> bool:
    normalized = message.lower().replace("_", " ")
    return any(needle in normalized for needle in needles)


class Sender:
    """Signs, sends and follows transactions for the accounts of one chain."""

    def __init__(
        self,
        w3: Web3,
        profile: Profile,
        decoder: RevertDecoder,
        nonces: NonceManager | None = None,
    ) -> None:
        self.w3 = w3
        self.profile = profile
        self.decoder = decoder
        self.nonces = nonces or NonceManager(w3)
        self.fees = FeePolicy(profile.gas_price)

    # --- reading ----------------------------------------------------------------------------

    def call(self, request: TxRequest, sender: str | None = None, block: int | str = "latest") -> bytes:
        """``eth_call`` of ``request``; a refusal is the decoded ContractRevertError."""
        fields = request.fields(sender or "0x" + "00" * 20)
        try:
            return bytes(self.w3.eth.call(fields, block))  # type: ignore[arg-type]
        except (ContractLogicError, Web3RPCError) as exc:
            raise self._decoded(exc) from None
        except requests.RequestException as exc:
            raise unreachable(self.profile, type(exc).__name__) from None

    def _decoded(self, exc: BaseException) -> LedgerError:
        data = revert_data_of(exc)
        if data is None:
            return TransactionError(f"the node refused the call: {_rpc_message(exc)}")
        return self.decoder.decode(data)

    # --- one transaction --------------------------------------------------------------------

    def estimate(self, request: TxRequest, sender: str) -> int:
        """Gas for ``request`` with headroom; a refusal is raised decoded, and nothing is sent."""
        if request.gas is not None:
            return request.gas
        try:
            estimate = int(self.w3.eth.estimate_gas(request.fields(sender)))  # type: ignore[arg-type]
        except (ContractLogicError, Web3RPCError) as exc:
            raise self._decoded(exc) from None
        except requests.RequestException as exc:
            raise unreachable(self.profile, type(exc).__name__) from None
        return estimate + estimate * _GAS_MARGIN_PERCENT // 100

    def sign(self, account: LocalAccount, request: TxRequest, nonce: int, gas: int,
             fees: dict[str, int]) -> HexBytes:
        """The raw signed transaction."""
        tx: dict[str, Any] = {
            "chainId": self.profile.chain_id,
            "nonce": nonce,
            "gas": gas,
            "value": request.value,
            "data": request.data,
            **fees,
        }
        if request.to is not None:
            tx["to"] = to_checksum_address(request.to)
        signed = account.sign_transaction(tx)
        return HexBytes(signed.raw_transaction)

    def transact(self, account: LocalAccount, request: TxRequest, *, nonce: int | None = None) -> TxReceipt:
        """Send ``request`` as ``account`` and wait for it to be mined (and confirmed).

        A refusal, whether at estimation or on chain, raises the decoded
        :class:`ContractRevertError`. ``nonce`` pins the nonce (for callers
        that predicted it, such as a deployment computing its addresses);
        by default the nonce manager assigns it.
        """
        gas = self.estimate(request, account.address)
        fees = self.fees.fields(self.w3)
        for _ in range(1 if nonce is not None else 3):
            (assigned,) = [nonce] if nonce is not None else self.nonces.reserve(account.address)
            raw = self.sign(account, request, assigned, gas, fees)
            try:
                tx_hash = self.w3.eth.send_raw_transaction(raw)
                break
            except Web3RPCError as exc:
                message = _rpc_message(exc)
                if _matches(message, _ALREADY_KNOWN):
                    tx_hash = Web3.keccak(raw)
                    break
                self.nonces.resync(account.address)
                if nonce is not None or not _matches(message, _NONCE_TAKEN):
                    raise self._send_refused(account.address, request, message) from None
            except requests.RequestException as exc:
                self.nonces.resync(account.address)
                raise unreachable(self.profile, type(exc).__name__) from None
        else:
            raise TransactionError(
                f"could not find a free nonce for {account.address} after 3 tries; "
                "another program is sending from this account at the same time"
            )
        if nonce is not None:
            self.nonces.resync(account.address)
        receipt = self._wait(tx_hash)
        self._check(receipt, account.address, request, gas)
        self._confirm(int(receipt["blockNumber"]))
        return receipt

    def _send_refused(self, address: str, request: TxRequest, message: str) -> TransactionError:
        what = f" ({request.label})" if request.label else ""
        if _matches(message, ("insufficient funds",)):
            return TransactionError(
                f"{address} cannot pay for this transaction{what}: {message}; fund the account "
                "or use a free-gas network profile"
            )
        return TransactionError(f"the node refused the transaction{what}: {message}")

    def _wait(self, tx_hash: bytes) -> TxReceipt:
        try:
            return self.w3.eth.wait_for_transaction_receipt(
                HexBytes(tx_hash), timeout=self.profile.receipt_timeout, poll_latency=0.05
            )
        except TimeExhausted:
            raise TransactionError(
                f"transaction 0x{bytes(tx_hash).hex()} was not mined within "
                f"{self.profile.receipt_timeout:g}s; check the node (`dal chain status`) and look it up later"
            ) from None

    def _check(self, receipt: TxReceipt, sender: str, request: TxRequest, gas: int) -> None:
        if receipt["status"] == 1:
            return
        raise self._failure(receipt, sender, request, gas)

    def _failure(self, receipt: TxReceipt, sender: str, request: TxRequest, gas: int) -> LedgerError:
        """Why a mined transaction failed: replay it on the state before its block."""
        block = max(int(receipt["blockNumber"]) - 1, 0)
        fields = {**request.fields(sender), "gas": gas}
        try:
            self.w3.eth.call(fields, block)  # type: ignore[arg-type]
        except (ContractLogicError, Web3RPCError) as exc:
            return self._decoded(exc)
        tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
        if int(receipt["gasUsed"]) >= gas:
            return TransactionError(f"transaction {tx_hash} ran out of gas ({gas}); send it again with more gas")
        return TransactionError(
            f"transaction {tx_hash} failed on chain, but replaying it succeeds; the state changed in between, "
            "check the record and try again"
        )

    def _confirm(self, block: int) -> None:
        target = block + self.profile.confirmations
        deadline = time.monotonic() + self.profile.receipt_timeout
        while self.profile.confirmations and self.w3.eth.block_number < target:
            if time.monotonic() > deadline:
                raise TransactionError(
                    f"block {block} did not get {self.profile.confirmations} confirmations in time"
                )
            time.sleep(0.2)

    # --- batches ----------------------------------------------------------------------------

    def send_batch(
        self,
        account: LocalAccount,
        requests_: Sequence[TxRequest],
        *,
        concurrency: int = 64,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> list[BatchResult]:
        """Send many transactions from one account concurrently; one result per request, in order.

        Gas is estimated for all, nonces are assigned locally, the
        transactions are pre-signed and sent ``concurrency`` at a time, then
        every receipt is collected. An item that fails (refused at estimation,
        refused by the node, reverted on chain) gets its decoded error and
        does not stop the others. ``on_progress(done, total)`` is called as
        receipts arrive.
        """
        return asyncio.run(
            self.send_batch_async(account, requests_, concurrency=concurrency, on_progress=on_progress)
        )

    async def send_batch_async(
        self,
        account: LocalAccount,
        requests_: Sequence[TxRequest],
        *,
        concurrency: int = 64,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> list[BatchResult]:
        """:meth:`send_batch` for callers already inside an event loop."""
        results = [BatchResult(request) for request in requests_]
        if not results:
            return results
        aw3 = connect_async(self.profile)
        limit = asyncio.Semaphore(max(1, concurrency))
        try:
            await _Batch(self, aw3, limit, account, results, on_progress).run()
        finally:
            await aw3.provider.disconnect()
        return results


class _Batch:
    """One run of :meth:`Sender.send_batch_async` (kept apart to keep its steps small)."""

    def __init__(
        self,
        sender: Sender,
        aw3: AsyncWeb3[Any],
        limit: asyncio.Semaphore,
        account: LocalAccount,
        results: list[BatchResult],
        on_progress: Callable[[int, int], None] | None,
    ) -> None:
        self.sender = sender
        self.aw3 = aw3
        self.limit = limit
        self.account = account
        self.results = results
        self.on_progress = on_progress
        self.gas: dict[int, int] = {}
        self.done = 0

    async def _bounded(self, work: Awaitable[None]) -> None:
        async with self.limit:
            await work

    async def _all(self, works: Iterable[Awaitable[None]]) -> None:
        await asyncio.gather(*(self._bounded(work) for work in works))

    async def run(self) -> None:
        await self._all(self._estimate(i) for i in range(len(self.results)))
        to_send = [i for i in range(len(self.results)) if self.results[i].error is None]
        retry = await self._sign_and_send(to_send)
        if retry:
            # Someone else used some of our nonces: take fresh ones once.
            self.sender.nonces.resync(self.account.address)
            for i in retry:
                self.results[i].error = None
            for _ in await self._sign_and_send(retry):
                self._progress()
        await self._all(self._receipt(i) for i in range(len(self.results)) if self.results[i].tx_hash)
        blocks = [int(r.receipt["blockNumber"]) for r in self.results if r.receipt is not None]
        if blocks:
            await asyncio.to_thread(self.sender._confirm, max(blocks))

    async def _estimate(self, index: int) -> None:
        result = self.results[index]
        if result.request.gas is not None:
            self.gas[index] = result.request.gas
            return
        try:
            estimate = int(await self.aw3.eth.estimate_gas(result.request.fields(self.account.address)))  # type: ignore[arg-type]
        except (ContractLogicError, Web3RPCError) as exc:
            result.error = self.sender._decoded(exc)
            self._progress()
            return
        self.gas[index] = estimate + estimate * _GAS_MARGIN_PERCENT // 100

    async def _sign_and_send(self, indices: list[int]) -> list[int]:
        """Sign and send ``indices`` with consecutive nonces; returns those whose nonce was taken."""
        if not indices:
            return []
        fees = await asyncio.to_thread(self.sender.fees.fields, self.sender.w3)
        nonces = await asyncio.to_thread(self.sender.nonces.reserve, self.account.address, len(indices))
        signed = {
            index: (nonce, self.sender.sign(self.account, self.results[index].request, nonce,
                                             self.gas[index], fees))
            for index, nonce in zip(indices, nonces, strict=True)
        }
        taken: list[int] = []
        gaps: list[int] = []

        async def send(index: int) -> None:
            nonce, raw = signed[index]
            result = self.results[index]
            try:
                result.tx_hash = "0x" + bytes(await self.aw3.eth.send_raw_transaction(raw)).hex()
            except Web3RPCError as exc:
                message = _rpc_message(exc)
                if _matches(message, _ALREADY_KNOWN):
                    result.tx_hash = "0x" + bytes(Web3.keccak(raw)).hex()
                elif _matches(message, _NONCE_TAKEN):
                    taken.append(index)
                    result.error = TransactionError(f"nonce {nonce} was taken by another sender")
                else:
                    result.error = self.sender._send_refused(self.account.address, result.request, message)
                    gaps.append(nonce)
            except Exception as exc:  # noqa: BLE001 - reported per item, the batch goes on
                result.error = TransactionError(f"sending failed: {type(exc).__name__}: {exc}")
                gaps.append(nonce)

        await self._all(send(index) for index in indices)
        for nonce in sorted(gaps):
            await self._fill_gap(nonce, fees)
        for index in indices:
            if self.results[index].error is not None and index not in taken:
                self._progress()
        return sorted(taken)

    async def _fill_gap(self, nonce: int, fees: dict[str, int]) -> None:
        """Use up a nonce whose transaction the node refused, so the later ones can be mined."""
        filler = TxRequest(to=self.account.address, gas=21_000, label="nonce filler")
        raw = self.sender.sign(self.account, filler, nonce, 21_000, fees)
        try:
            await self.aw3.eth.send_raw_transaction(raw)
        except Web3RPCError:
            # The nonce is in use after all (or the node refuses even this): start fresh next time.
            await asyncio.to_thread(self.sender.nonces.resync, self.account.address)

    async def _receipt(self, index: int) -> None:
        result = self.results[index]
        assert result.tx_hash is not None
        deadline = time.monotonic() + self.sender.profile.receipt_timeout
        delay = 0.02
        while True:
            try:
                receipt = await self.aw3.eth.get_transaction_receipt(HexBytes(result.tx_hash))
                break
            except TransactionNotFound:
                if time.monotonic() > deadline:
                    result.error = TransactionError(
                        f"transaction {result.tx_hash} was not mined within "
                        f"{self.sender.profile.receipt_timeout:g}s; look it up later"
                    )
                    self._progress()
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.5)
        result.receipt = receipt
        if receipt["status"] != 1:
            result.error = await asyncio.to_thread(
                self.sender._failure, receipt, self.account.address, result.request, self.gas[index]
            )
        self._progress()

    def _progress(self) -> None:
        self.done += 1
        if self.on_progress is not None:
            self.on_progress(self.done, len(self.results))
