"""Sending transactions: signed here, never by the node.

Every transaction is signed locally with the acting account's key
(eth-account) and sent with ``eth_sendRawTransaction``; nothing relies on
accounts unlocked in the node. Gas is estimated first, so a call the
contract would refuse is reported (decoded, see :mod:`ledger.chain.revert`)
before anything is sent. Fees follow the profile: legacy ``gasPrice`` (``0``
on a free-gas network such as Besu) or EIP-1559 fields from the node.

Nonces are assigned locally by a :class:`NonceManager` (one pending-nonce
read per account, then counting), which is what lets :meth:`Sender.send_batch`
pre-sign a batch and pipeline it: transactions go out in nonce order while
earlier ones are being mined, within a window of unmined ones, and receipts
are collected as they come. A batch reports, item by item, the receipt or the
decoded error, so a caller can say which record failed and what was already
done.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import requests
from aiohttp import ClientError, ClientSession, ClientTimeout, TCPConnector
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes
from web3 import Web3
from web3._utils.method_formatters import receipt_formatter
from web3.contract import Contract
from web3.datastructures import AttributeDict
from web3.exceptions import ContractLogicError, TransactionNotFound, Web3RPCError
from web3.types import TxReceipt

from ledger.chain.connect import unreachable
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

# Seconds without a new receipt after which sending looks for lost transactions and calls on_stall.
_STALL_SECONDS = 1.0
# Headroom over eth_estimateGas: in a batch, state may move between estimate and execution.
_GAS_MARGIN_PERCENT = 20
# Node messages that mean "this nonce is already taken" (anvil, geth, Besu spellings).
_NONCE_TAKEN = ("nonce too low", "nonce is too low", "replacement transaction underpriced",
                "replacement underpriced")
# Node messages that mean "this very transaction is already in the pool".
_ALREADY_KNOWN = ("already known", "known transaction", "already imported")


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
        on_stall: Callable[[], None] | None = None,
    ) -> None:
        """``on_stall`` is called when sent transactions stop being mined for a while.

        Whoever manages the node may use it to get the node going again (the
        local node mines a block: its auto-miner can miss transactions that
        became ready while it was busy). Elsewhere the sender just waits.
        """
        self.w3 = w3
        self.profile = profile
        self.decoder = decoder
        self.nonces = nonces or NonceManager(w3)
        self.fees = FeePolicy(profile.gas_price)
        self.on_stall = on_stall

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
        deadline = time.monotonic() + self.profile.receipt_timeout
        stall_at = time.monotonic() + _STALL_SECONDS
        delay = 0.005
        while True:
            try:
                return self.w3.eth.get_transaction_receipt(HexBytes(tx_hash))
            except TransactionNotFound:
                pass
            now = time.monotonic()
            if now > deadline:
                raise TransactionError(
                    f"transaction 0x{bytes(tx_hash).hex()} was not mined within "
                    f"{self.profile.receipt_timeout:g}s; check the node (`dal chain status`) and look it up later"
                )
            if now > stall_at and self.on_stall is not None:
                self.on_stall()
                stall_at = now + _STALL_SECONDS
            time.sleep(delay)
            delay = min(delay * 2, 0.25)

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
        """Send many transactions from one account, pipelined; one result per request, in order.

        Gas is estimated for all (many calls per JSON-RPC request), nonces
        are assigned locally and the transactions pre-signed; they are then
        sent in nonce order while their receipts are collected, with at most
        ``concurrency`` sent but not yet mined. An item that fails (refused at
        estimation, refused by the node, reverted on chain) gets its decoded
        error and does not stop the others. ``on_progress(done, total)`` is
        called as items finish.
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
        rpc = _RpcSession(self.profile, connections=4)
        try:
            await _Batch(self, rpc, account, results, on_progress, max(1, concurrency)).run()
        finally:
            await rpc.close()
        return results


# A batch reads in JSON-RPC batches (many calls per HTTP request): per-call overhead, not the
# node, is what limits a client, and anvil, geth and Besu (up to --rpc-http-max-batch-size,
# 1024 by default) all answer them. Transactions are sent tx_batch_size per request.
_CALLS_PER_REQUEST = 100

_Answer = dict[str, Any]


class _RpcSession:
    """JSON-RPC batches over one keep-alive HTTP session."""

    def __init__(self, profile: Profile, connections: int) -> None:
        self.profile = profile
        self._session = ClientSession(
            connector=TCPConnector(limit=connections),
            timeout=ClientTimeout(total=profile.timeout),
        )
        self._ids = 0

    async def close(self) -> None:
        await self._session.close()

    async def calls(self, calls: Sequence[tuple[str, list[Any]]]) -> list[_Answer]:
        """Answers (``{"result": ...}`` or ``{"error": ...}``) to ``calls``, in their order."""
        payload = []
        for method, params in calls:
            self._ids += 1
            payload.append({"jsonrpc": "2.0", "id": self._ids, "method": method, "params": params})
        try:
            async with self._session.post(self.profile.rpc_url, json=payload) as response:
                response.raise_for_status()
                answer = await response.json(content_type=None)
        except (ClientError, TimeoutError) as exc:
            raise unreachable(self.profile, type(exc).__name__) from None
        if not isinstance(answer, list):
            message = answer.get("error", {}).get("message") if isinstance(answer, dict) else answer
            raise TransactionError(f"the node refused a batch of {len(calls)} calls: {message}")
        by_id = {item.get("id"): item for item in answer if isinstance(item, dict)}
        missing: _Answer = {"error": {"message": "the node gave no answer to this call"}}
        return [by_id.get(call["id"], missing) for call in payload]


def _error_message(answer: _Answer) -> str:
    error = answer.get("error")
    return str(error.get("message", error)) if isinstance(error, dict) else str(error)


class _Batch:
    """One run of :meth:`Sender.send_batch_async`: estimate, sign, then send and collect together."""

    def __init__(
        self,
        sender: Sender,
        rpc: _RpcSession,
        account: LocalAccount,
        results: list[BatchResult],
        on_progress: Callable[[int, int], None] | None,
        in_flight: int,
    ) -> None:
        self.sender = sender
        self.rpc = rpc
        self.account = account
        self.results = results
        self.on_progress = on_progress
        self.in_flight = in_flight
        self.gas: dict[int, int] = {}
        self.raw: dict[int, str] = {}
        self.sent_at: dict[int, float] = {}
        self.pending: dict[int, str] = {}
        self.done = 0

    async def _calls(self, calls: list[tuple[str, list[Any]]]) -> list[_Answer]:
        """Answers to any number of calls, ``_CALLS_PER_REQUEST`` per request, a few requests at once."""
        limit = asyncio.Semaphore(4)

        async def part(chunk: list[tuple[str, list[Any]]]) -> list[_Answer]:
            async with limit:
                return await self.rpc.calls(chunk)

        chunks = [calls[i : i + _CALLS_PER_REQUEST] for i in range(0, len(calls), _CALLS_PER_REQUEST)]
        answers = await asyncio.gather(*(part(chunk) for chunk in chunks))
        return [answer for chunk_answers in answers for answer in chunk_answers]

    async def run(self) -> None:
        await self._estimate()
        taken = await self._pipeline([i for i, result in enumerate(self.results) if result.error is None])
        if taken:
            # Someone else used some of our nonces: take fresh ones, once.
            await asyncio.to_thread(self.sender.nonces.resync, self.account.address)
            for index in taken:
                self.results[index].error = None
            for _ in await self._pipeline(taken):
                self._progress()
        blocks = [int(r.receipt["blockNumber"]) for r in self.results if r.receipt is not None]
        if blocks:
            await asyncio.to_thread(self.sender._confirm, max(blocks))

    # --- estimating -------------------------------------------------------------------------

    def _refusal(self, answer: _Answer) -> LedgerError:
        data = revert_data_of(answer.get("error"))
        if data is None:
            return TransactionError(f"the node refused the call: {_error_message(answer)}")
        return self.sender.decoder.decode(data)

    async def _estimate(self) -> None:
        needed = []
        for index, result in enumerate(self.results):
            if result.request.gas is not None:
                self.gas[index] = result.request.gas
            else:
                needed.append(index)
        sender = self.account.address
        calls = [("eth_estimateGas", [_rpc_fields(self.results[i].request, sender)]) for i in needed]
        for index, answer in zip(needed, await self._calls(calls), strict=True):
            if "result" in answer:
                estimate = int(answer["result"], 16)
                self.gas[index] = estimate + estimate * _GAS_MARGIN_PERCENT // 100
            else:
                self.results[index].error = self._refusal(answer)
                self._progress()

    # --- sending and collecting -------------------------------------------------------------

    async def _pipeline(self, indices: list[int]) -> list[int]:
        """Sign ``indices`` with consecutive nonces, send them in order and collect their receipts.

        Returns the items whose nonce another sender had taken.
        """
        if not indices:
            return []
        fees = await asyncio.to_thread(self.sender.fees.fields, self.sender.w3)
        nonces = await asyncio.to_thread(self.sender.nonces.reserve, self.account.address, len(indices))
        for index, nonce in zip(indices, nonces, strict=True):
            raw = self.sender.sign(self.account, self.results[index].request, nonce, self.gas[index], fees)
            self.raw[index] = "0x" + bytes(raw).hex()
        window = asyncio.Semaphore(self.in_flight)
        sending_done = asyncio.Event()
        taken: list[int] = []
        collector = asyncio.create_task(self._collect(window, sending_done))
        try:
            await self._send(indices, list(nonces), fees, window, taken)
        finally:
            sending_done.set()
        await collector
        return taken

    async def _send(
        self, indices: list[int], nonces: list[int], fees: dict[str, int], window: asyncio.Semaphore,
        taken: list[int],
    ) -> None:
        """Send request after request, so the node sees the nonces in order (see ``tx_batch_size``)."""
        size = min(self.sender.profile.tx_batch_size, self.in_flight)
        for start in range(0, len(indices), size):
            chunk = list(zip(indices[start : start + size], nonces[start : start + size], strict=True))
            for _ in chunk:
                await window.acquire()
            answers = await self.rpc.calls([("eth_sendRawTransaction", [self.raw[i]]) for i, _ in chunk])
            gaps: list[int] = []
            for (index, nonce), answer in zip(chunk, answers, strict=True):
                if not self._sent(index, nonce, answer, taken):
                    window.release()
                    if index not in taken:
                        gaps.append(nonce)
            if gaps:
                await self._fill_gaps(gaps, fees)

    def _sent(self, index: int, nonce: int, answer: _Answer, taken: list[int]) -> bool:
        """Record the node's answer to one send; True when the transaction is on its way."""
        result = self.results[index]
        if "result" in answer:
            result.tx_hash = str(answer["result"])
        elif _matches(_error_message(answer), _ALREADY_KNOWN):
            result.tx_hash = "0x" + bytes(Web3.keccak(hexstr=self.raw[index])).hex()
        elif _matches(_error_message(answer), _NONCE_TAKEN):
            taken.append(index)
            result.error = TransactionError(f"nonce {nonce} was taken by another sender")
            return False
        else:
            result.error = self.sender._send_refused(self.account.address, result.request, _error_message(answer))
            self._progress()
            return False
        self.pending[index] = result.tx_hash
        self.sent_at[index] = time.monotonic()
        return True

    async def _fill_gaps(self, nonces: list[int], fees: dict[str, int]) -> None:
        """Use up nonces whose transactions the node refused, so that the later ones can be mined."""
        filler = TxRequest(to=self.account.address, gas=21_000, label="nonce filler")
        calls = [
            ("eth_sendRawTransaction", ["0x" + bytes(self.sender.sign(self.account, filler, n, 21_000, fees)).hex()])
            for n in sorted(nonces)
        ]
        if any("error" in answer for answer in await self.rpc.calls(calls)):
            # The node refuses even a plain transfer here: start from its view next time.
            await asyncio.to_thread(self.sender.nonces.resync, self.account.address)

    async def _collect(self, window: asyncio.Semaphore, sending_done: asyncio.Event) -> None:
        """Poll receipts of what was sent until everything sent is settled, freeing the window."""
        progress_at = time.monotonic()
        delay = 0.002
        while self.pending or not sending_done.is_set():
            if not self.pending:
                await asyncio.sleep(delay)
                continue
            indices = list(self.pending)
            answers = await self._calls([("eth_getTransactionReceipt", [self.pending[i]]) for i in indices])
            found = 0
            for index, answer in zip(indices, answers, strict=True):
                if answer.get("result") is not None:
                    del self.pending[index]
                    window.release()
                    found += 1
                    await self._settle(index, AttributeDict.recursive(receipt_formatter(answer["result"])))
            now = time.monotonic()
            if found:
                progress_at, delay = now, 0.002
            elif now - progress_at > _STALL_SECONDS:
                await self._rebroadcast_lost()
                if self.sender.on_stall is not None:
                    await asyncio.to_thread(self.sender.on_stall)
                progress_at = now
            self._expire(window, now)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.25)

    def _expire(self, window: asyncio.Semaphore, now: float) -> None:
        """Give up on transactions not mined within the profile's receipt timeout."""
        timeout = self.sender.profile.receipt_timeout
        for index in [i for i in self.pending if now - self.sent_at[i] > timeout]:
            tx_hash = self.pending.pop(index)
            window.release()
            self.results[index].error = TransactionError(
                f"transaction {tx_hash} was not mined within {timeout:g}s; look it up later"
            )
            self._progress()

    async def _rebroadcast_lost(self) -> None:
        """Send again the transactions the node no longer knows.

        A node may drop a transaction it accepted (pool eviction on a busy
        network), and one lost nonce blocks every later one; so whenever
        receipts stop coming, the batch looks for lost transactions.
        """
        indices = sorted(self.pending)
        known = await self._calls([("eth_getTransactionByHash", [self.pending[i]]) for i in indices])
        lost = [i for i, answer in zip(indices, known, strict=True) if answer.get("result") is None]
        if lost:
            await self.rpc.calls([("eth_sendRawTransaction", [self.raw[i]]) for i in lost])

    async def _settle(self, index: int, receipt: Any) -> None:
        result = self.results[index]
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


def _rpc_fields(request: TxRequest, sender: str) -> dict[str, Any]:
    """``request`` as raw JSON-RPC call fields (hex quantities)."""
    fields: dict[str, Any] = {"from": sender, "value": hex(request.value), "data": "0x" + request.data.hex()}
    if request.to is not None:
        fields["to"] = to_checksum_address(request.to)
    return fields
