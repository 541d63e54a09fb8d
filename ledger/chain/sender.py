"""Sending transactions: signed here, never by the node.

Every transaction is signed locally with the acting account's key
(:mod:`ledger.chain.signing`) and sent with ``eth_sendRawTransaction``; nothing relies on
accounts unlocked in the node. Gas is estimated first, so a call the
contract would refuse is reported (decoded, see :mod:`ledger.chain.revert`)
before anything is sent. Fees follow the profile: legacy ``gasPrice`` (``0``
on a free-gas network such as Besu) or EIP-1559 fields from the node.

Nonces are assigned locally by a :class:`NonceManager` (one pending-nonce
read per account, then counting), which is what lets :meth:`Sender.send_batch`
pipeline a batch: transactions are signed just ahead of sending and go out in
nonce order while earlier ones are being mined, within a window of unmined
ones sized from a target rate and the chain's measured block time (see
:meth:`Sender.window`), and receipts are collected once blocks took them. A
batch reports, item by item, a lean :class:`Receipt` or the decoded error, so
a caller can say which record failed and what was already done.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import statistics
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import requests
from aiohttp import ClientError, ClientSession, ClientTimeout, TCPConnector
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError, TransactionNotFound, Web3RPCError
from web3.types import TxReceipt

from ledger.chain.revert import RevertDecoder, revert_data_of
from ledger.chain.rpc import unreachable
from ledger.config import Profile
from ledger.errors import LedgerError, TransactionError

if TYPE_CHECKING:
    from ledger.chain.signing import TransactionSigner

__all__ = [
    "DEFAULT_TARGET_RATE",
    "BatchResult",
    "ChainTiming",
    "FeePolicy",
    "NonceManager",
    "Receipt",
    "ReceiptLog",
    "Sender",
    "TxRequest",
    "gas_with_margin",
]

# Seconds without a new receipt after which sending looks for lost transactions and calls on_stall;
# on a chain that mines at an interval, at least this many block times.
_STALL_SECONDS = 1.0
_STALL_BLOCKS = 2.5
# Headroom over eth_estimateGas: in a batch, state may move between estimate and execution.
_GAS_MARGIN_PERCENT = 20
# The rate, in transactions per second, that a batch's window of unmined transactions is sized for.
DEFAULT_TARGET_RATE = 1000.0
# The window's bounds: below the floor a batch waits on round trips, above the ceiling on the pool.
_MIN_WINDOW = 64
_MAX_WINDOW = 10_000
# Beyond this many blocks' worth of gas, unmined transactions only wait in the node's pool.
_WINDOW_BLOCKS = 3
# Seconds from a block to its receipts being seen here (polling, a round trip), on top of the block time.
_RECEIPT_LAG = 0.25
# The block time is the median interval over this many recent blocks, measured again after this long.
_BLOCK_SAMPLE = 16
_MIN_INTERVALS = 4
# Blocks seen closer together than this (seconds) are mined on demand, one per transaction or so.
_ON_DEMAND = 0.1
_TIMING_TTL = 60.0
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


def gas_with_margin(estimate: int) -> int:
    """The gas to send with for an ``eth_estimateGas`` answer: the estimate plus its margin."""
    return estimate + estimate * _GAS_MARGIN_PERCENT // 100


@dataclass(frozen=True, slots=True)
class ReceiptLog:
    """One log of a receipt: the emitting contract, its topics and data."""

    address: str
    topics: tuple[bytes, ...]
    data: bytes


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a batch keeps of a transaction's receipt: what callers use, nothing more."""

    tx_hash: str
    block_number: int
    status: int
    gas_used: int
    logs: tuple[ReceiptLog, ...]

    @classmethod
    def from_rpc(cls, raw: dict[str, Any]) -> Receipt:
        """The receipt from an ``eth_getTransactionReceipt`` answer (hex quantities)."""
        return cls(
            tx_hash=str(raw["transactionHash"]),
            block_number=int(raw["blockNumber"], 16),
            status=int(raw.get("status") or "0x0", 16),
            gas_used=int(raw["gasUsed"], 16),
            logs=tuple(
                ReceiptLog(
                    address=str(log["address"]),
                    topics=tuple(bytes.fromhex(topic[2:]) for topic in log["topics"]),
                    data=bytes.fromhex(str(log["data"])[2:]),
                )
                for log in raw.get("logs") or ()
            ),
        )


@dataclass
class BatchResult:
    """The outcome of one item of a batch: a receipt, or the error that stopped it."""

    request: TxRequest
    tx_hash: str | None = None
    receipt: Receipt | None = None
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

    def release(self, address: str, unused: range) -> None:
        """Give back the unused end of a reservation (the count goes back unless more was reserved since)."""
        key = address.lower()
        with self._lock:
            if unused and self._next.get(key) == unused.stop:
                self._next[key] = unused.start
                return
        if unused:
            self.resync(address)

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


@dataclass(frozen=True)
class ChainTiming:
    """The chain's pace as measured from its recent blocks."""

    block_time: float  # seconds between blocks (median); 0 when blocks come with every transaction
    gas_limit: int  # the latest block's gas limit
    measured_at: float  # time.monotonic() of the measurement
    intervals: int = _BLOCK_SAMPLE  # how many block intervals the median is of

    @classmethod
    def of(cls, timestamps: Sequence[int], gas_limit: int) -> ChainTiming:
        """The timing of blocks with ``timestamps`` (consecutive, oldest first)."""
        intervals = [later - earlier for earlier, later in itertools.pairwise(timestamps)]
        block_time = float(statistics.median(intervals)) if intervals else 0.0
        return cls(block_time=max(block_time, 0.0), gas_limit=gas_limit, measured_at=time.monotonic(),
                   intervals=len(intervals))

    @property
    def stall_after(self) -> float:
        """Seconds without a mined transaction after which sending counts as stalled."""
        return max(_STALL_SECONDS, _STALL_BLOCKS * self.block_time)


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
        target_rate: float = DEFAULT_TARGET_RATE,
    ) -> None:
        """``on_stall`` is called when sent transactions stop being mined for a while.

        Whoever manages the node may use it to get the node going again (the
        local node mines a block: its auto-miner can miss transactions that
        became ready while it was busy). It is used only on a profile whose
        node the ledger manages; on any other network the sender just waits.
        ``target_rate`` (transactions per second) sizes the window of unmined
        transactions of a batch, see :meth:`window`.
        """
        self.w3 = w3
        self.profile = profile
        self.decoder = decoder
        self.nonces = nonces or NonceManager(w3)
        self.fees = FeePolicy(profile.gas_price)
        self.on_stall = on_stall if profile.managed_node else None
        self.target_rate = target_rate
        self._timing: ChainTiming | None = None
        self._timing_lock = threading.Lock()
        self._signers: dict[str, TransactionSigner] = {}

    # --- the chain's pace -------------------------------------------------------------------

    def timing(self, *, refresh: bool = False) -> ChainTiming:
        """The chain's block time and gas limit, measured over its last blocks.

        A measurement is kept for a minute, unless the chain was too young
        to tell (fewer than four blocks after the first).
        """
        with self._timing_lock:
            stale = (self._timing is None or time.monotonic() - self._timing.measured_at > _TIMING_TTL
                     or self._timing.intervals < _MIN_INTERVALS)
            if refresh or stale:
                self._timing = self._measure()
            assert self._timing is not None
            return self._timing

    def _measure(self) -> ChainTiming:
        try:
            latest = self.w3.eth.get_block("latest")
            head = int(latest["number"])
            earlier: list[Any] = []
            if head > 0:
                calls = [("eth_getBlockByNumber", [hex(n), False]) for n in range(max(0, head - _BLOCK_SAMPLE), head)]
                earlier = list(self.w3.provider.make_batch_request(calls))  # type: ignore[attr-defined]
        except requests.RequestException as exc:
            raise unreachable(self.profile, type(exc).__name__) from None
        timestamps = [int(answer["result"]["timestamp"], 16) for answer in earlier if answer.get("result")]
        timestamps.append(int(latest["timestamp"]))
        return ChainTiming.of(timestamps, int(latest["gasLimit"]))

    def window(self, gas_per_transaction: int, timing: ChainTiming | None = None) -> int:
        """How many sent but unmined transactions a batch keeps, to reach the target rate.

        Transactions sent during one block interval wait for the next block,
        and a slot frees only when the account's mined nonce passes it, so the
        window holds ``target_rate`` x (block time + lag of seeing it)
        transactions, with half again as headroom. More than three blocks'
        worth of gas would only wait in the node's pool, so that caps it; 64
        and 10,000 bound it. On a chain that mines a block per transaction
        (a development node), a transaction waits only for its own block,
        and a long queue only slows the node down: 64.
        """
        timing = timing or self.timing()
        if timing.block_time == 0:
            return _MIN_WINDOW
        wanted = math.ceil(self.target_rate * (timing.block_time + _RECEIPT_LAG) * 1.5)
        per_block = max(1, timing.gas_limit // max(gas_per_transaction, 21_000))
        return max(_MIN_WINDOW, min(wanted, _WINDOW_BLOCKS * per_block, _MAX_WINDOW))

    def gas_budget(self, share: float = 1.0) -> int:
        """The largest gas estimate a call may have to fit ``share`` of a block, margin included.

        A batch call (many records in one transaction) is sent with its
        estimate plus a margin (:func:`gas_with_margin`); a node refuses a
        transaction whose gas exceeds the block gas limit. So a caller that
        chooses how many records go into one call keeps each call's estimate
        at or under this budget.
        """
        if not 0 < share <= 1:
            raise ValueError(f"share must be in (0, 1], not {share}")
        limit = int(self.timing().gas_limit * share)
        return limit * 100 // (100 + _GAS_MARGIN_PERCENT)

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
        return gas_with_margin(estimate)

    def sign(self, account: LocalAccount, request: TxRequest, nonce: int, gas: int,
             fees: dict[str, int]) -> HexBytes:
        """The raw signed transaction."""
        from ledger.chain.signing import (  # only for commands that sign
            TransactionSigner,
            UnsignedTransaction,
        )

        signer = self._signers.get(account.address)
        if signer is None:
            signer = self._signers[account.address] = TransactionSigner(bytes(account.key))
        to = bytes.fromhex(request.to[2:]) if request.to is not None else b""
        if len(to) not in (0, 20):
            raise TransactionError(f"{request.to} is not a 20-byte address")
        return HexBytes(signer.sign(UnsignedTransaction(
            chain_id=self.profile.chain_id, nonce=nonce, gas=gas, to=to, value=request.value, data=request.data,
            gas_price=fees.get("gasPrice"), max_fee_per_gas=fees.get("maxFeePerGas"),
            max_priority_fee_per_gas=fees.get("maxPriorityFeePerGas"),
        )))

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
        if receipt["status"] != 1:
            raise self._failure(int(receipt["blockNumber"]), "0x" + bytes(receipt["transactionHash"]).hex(),
                                int(receipt["gasUsed"]), account.address, request, gas)
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
        quiet_since = time.monotonic()
        stall_after = self._timing.stall_after if self._timing else _STALL_SECONDS
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
            if now - quiet_since > stall_after and self.on_stall is not None:
                # Only now is the block time worth measuring: between blocks of an interval-mining chain,
                # a second without a receipt is no stall.
                stall_after = self.timing().stall_after
                if now - quiet_since > stall_after:
                    self.on_stall()
                    quiet_since = now
            time.sleep(delay)
            delay = min(delay * 2, 0.25)

    def _failure(self, block_number: int, tx_hash: str, gas_used: int, sender: str, request: TxRequest,
                 gas: int) -> LedgerError:
        """Why a mined transaction failed: replay it on the state before its block."""
        block = max(block_number - 1, 0)
        fields = {**request.fields(sender), "gas": gas}
        try:
            self.w3.eth.call(fields, block)  # type: ignore[arg-type]
        except (ContractLogicError, Web3RPCError) as exc:
            return self._decoded(exc)
        if gas_used >= gas:
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
        concurrency: int | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> list[BatchResult]:
        """Send many transactions from one account, pipelined; one result per request, in order.

        Gas is found for every item just ahead of its sending (many calls per
        JSON-RPC request; see ``_Batch._estimating``) and nonces are assigned
        locally; each transaction is signed just before it is sent, in nonce
        order, ``tx_batch_size`` per request (the profile's: a node that runs
        the calls of one request concurrently gets one), while the account's
        mined nonce tells which ones blocks took; their receipts are read
        when that delays no sending.
        At most ``concurrency`` are sent but not yet mined (by default
        :meth:`window`, from the target rate and the measured block time).
        An item that fails (refused at estimation, refused by the node,
        reverted on chain) gets its decoded error and does not stop the
        others. ``on_progress(done, total)`` is called as items finish.
        """
        return asyncio.run(
            self.send_batch_async(account, requests_, concurrency=concurrency, on_progress=on_progress)
        )

    async def send_batch_async(
        self,
        account: LocalAccount,
        requests_: Sequence[TxRequest],
        *,
        concurrency: int | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> list[BatchResult]:
        """:meth:`send_batch` for callers already inside an event loop."""
        results = [BatchResult(request) for request in requests_]
        if not results:
            return results
        rpc = _RpcSession(self.profile, connections=4)
        try:
            await _Batch(self, rpc, account, results, on_progress, concurrency).run()
        finally:
            await rpc.close()
        return results


# A batch reads in JSON-RPC batches (many calls per HTTP request): per-call overhead, not the
# node, is what limits a client, and anvil, geth and Besu (up to --rpc-http-max-batch-size,
# 1024 by default) all answer them. Transactions are sent tx_batch_size per request.
_CALLS_PER_REQUEST = 100
_FIRST_ESTIMATES = 10
# Seconds between looks at the account's mined nonce while transactions are unmined (at most).
_POLL_MIN = 0.005
_POLL_MAX = 0.1

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
        """Answers (``{"result": ...}`` or ``{"error": ...}``) to ``calls``, in their order.

        Calls go in JSON-RPC batches of at most :data:`_REQUEST_BYTES` of
        parameters each (a node refuses a larger request whole: batch calls
        carry hundreds of records each). A node that refuses a request as a
        whole gives each of its calls its refusal as the answer.
        """
        answers: list[_Answer] = []
        chunk: list[tuple[str, list[Any]]] = []
        size = 0
        for method, params in calls:
            weight = len(json.dumps(params, default=str))
            if chunk and size + weight > _REQUEST_BYTES:
                answers += await self._request(chunk)
                chunk, size = [], 0
            chunk.append((method, params))
            size += weight
        if chunk:
            answers += await self._request(chunk)
        return answers

    async def _request(self, calls: Sequence[tuple[str, list[Any]]]) -> list[_Answer]:
        """One JSON-RPC batch request of ``calls``; their answers in order."""
        payload = []
        for method, params in calls:
            self._ids += 1
            payload.append({"jsonrpc": "2.0", "id": self._ids, "method": method, "params": params})
        try:
            async with self._session.post(self.profile.rpc_url, json=payload) as response:
                if response.status >= 500 or response.status in (401, 403, 404):
                    response.raise_for_status()
                answer = await response.json(content_type=None)
        except (ClientError, TimeoutError) as exc:
            raise unreachable(self.profile, type(exc).__name__) from None
        except ValueError:
            answer = {"error": {"message": f"the node answered HTTP {response.status} without JSON"}}
        if not isinstance(answer, list):
            error = answer.get("error") if isinstance(answer, dict) else None
            message = error.get("message", error) if isinstance(error, dict) else error or answer
            refused: _Answer = {"error": {"message": f"the node refused a request of {len(calls)} calls: {message}"}}
            return [refused] * len(calls)
        by_id = {item.get("id"): item for item in answer if isinstance(item, dict)}
        missing: _Answer = {"error": {"message": "the node gave no answer to this call"}}
        return [by_id.get(call["id"], missing) for call in payload]


#: The most parameter bytes one JSON-RPC batch request carries (nodes cap request bodies).
_REQUEST_BYTES = 256 * 1024


def _error_message(answer: _Answer) -> str:
    error = answer.get("error")
    return str(error.get("message", error)) if isinstance(error, dict) else str(error)


class _Batch:
    """One run of :meth:`Sender.send_batch_async`: estimate, then sign, send and collect together."""

    def __init__(
        self,
        sender: Sender,
        rpc: _RpcSession,
        account: LocalAccount,
        results: list[BatchResult],
        on_progress: Callable[[int, int], None] | None,
        concurrency: int | None,
    ) -> None:
        self.sender = sender
        self.rpc = rpc
        self.account = account
        self.results = results
        self.on_progress = on_progress
        self.concurrency = concurrency
        self.window = max(1, concurrency or _MIN_WINDOW)
        self.timing: ChainTiming | None = None
        self.gas: dict[int, int] = {}
        self.gas_high = 0  # the most gas of any item so far: what sizes the window
        self.kind_gas: dict[tuple[str | None, bytes], int] = {}  # the highest estimate of each kind of call
        self.next_block: int | None = None  # the first block whose receipts were not read yet
        self.unmined = 0  # sent, and not below the account's mined nonce at the last look
        self.waiting = False  # the sending waits for room in the window
        self.nonce: dict[int, int] = {}
        self.raw: dict[int, str] = {}
        self.sent_at: dict[int, float] = {}
        self.pending: dict[int, str] = {}
        self.taken: list[int] = []
        self.freed = asyncio.Event()
        self.progress_times: list[float] = []
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
        # Estimates go ahead of the sending, a request of them at a time, so neither waits for all of the other.
        estimates = self._estimating(list(range(len(self.results))))
        self.timing = await asyncio.to_thread(self.sender.timing)
        _, head = await self._chain_position()
        self.next_block = head + 1 if head is not None else None
        taken = await self._pipeline(estimates)
        if taken:
            # Someone else used some of our nonces: take fresh ones, once.
            await asyncio.to_thread(self.sender.nonces.resync, self.account.address)
            for index in taken:
                self.results[index].error = None
            for _ in await self._pipeline([(taken, None)]):
                self._progress()
        blocks = [r.receipt.block_number for r in self.results if r.receipt is not None]
        if blocks:
            await asyncio.to_thread(self.sender._confirm, max(blocks))

    # --- estimating -------------------------------------------------------------------------

    def _refusal(self, answer: _Answer) -> LedgerError:
        data = revert_data_of(answer.get("error"))
        if data is None:
            return TransactionError(f"the node refused the call: {_error_message(answer)}")
        return self.sender.decoder.decode(data)

    def _estimating(self, indices: list[int]) -> list[tuple[list[int], asyncio.Task[None] | None]]:
        """The items in chunks, each with the task finding its gas, one request of them at a time.

        The first item of each kind of call (the same contract and
        function) gets ``eth_estimateGas``; the others are run once with
        ``eth_call`` at that estimate plus its margin: when the call succeeds
        within that gas, the transaction will too, on the same state, and a
        refusal comes back decoded just the same. One execution instead of
        the node's search over gas limits. A call that needs more gas than
        its kind's estimate is estimated on its own.
        """
        limit = asyncio.Semaphore(1)  # one request at a time keeps ahead of the sending without crowding it out

        async def estimate(chunk: list[int]) -> None:
            needed = []
            for index in chunk:
                request = self.results[index].request
                if request.gas is not None:
                    self.gas[index] = request.gas
                else:
                    needed.append(index)
            if not needed:
                return
            async with limit:
                known = [i for i in needed if _kind(self.results[i].request) in self.kind_gas]
                fresh = [i for i in needed if _kind(self.results[i].request) not in self.kind_gas]
                answers = await self.rpc.calls([self._trial(i) for i in known] + [self._estimate(i) for i in fresh])
                again = []
                for index, answer in zip(known, answers, strict=False):
                    if "result" in answer:
                        self.gas[index] = gas_with_margin(self.kind_gas[_kind(self.results[index].request)])
                    elif revert_data_of(answer.get("error")) is not None:
                        self._refused(index, answer)
                    else:
                        again.append(index)  # out of its kind's gas, or no reason given: a full estimate
                if again:
                    answers = answers[len(known):] + await self.rpc.calls([self._estimate(i) for i in again])
                    fresh = fresh + again
                else:
                    answers = answers[len(known):]
            for index, answer in zip(fresh, answers, strict=True):
                if "result" in answer:
                    estimate = int(answer["result"], 16)
                    kind = _kind(self.results[index].request)
                    self.kind_gas[kind] = max(self.kind_gas.get(kind, 0), estimate)
                    self.gas[index] = gas_with_margin(estimate)
                else:
                    self._refused(index, answer)

        # A small first request, so that sending starts at once.
        bounds = [0, *range(_FIRST_ESTIMATES, len(indices), _CALLS_PER_REQUEST), len(indices)]
        chunks = [indices[low:high] for low, high in itertools.pairwise(bounds) if high > low]
        return [(chunk, asyncio.create_task(estimate(chunk))) for chunk in chunks]

    def _estimate(self, index: int) -> tuple[str, list[Any]]:
        return "eth_estimateGas", [_rpc_fields(self.results[index].request, self.account.address)]

    def _trial(self, index: int) -> tuple[str, list[Any]]:
        request = self.results[index].request
        gas = gas_with_margin(self.kind_gas[_kind(request)])
        return "eth_call", [{**_rpc_fields(request, self.account.address), "gas": hex(gas)}, "latest"]

    def _refused(self, index: int, answer: _Answer) -> None:
        self.results[index].error = self._refusal(answer)
        self._progress()

    # --- sending and collecting -------------------------------------------------------------

    async def _pipeline(self, chunks: list[tuple[list[int], asyncio.Task[None] | None]]) -> list[int]:
        """Send the chunks' items with consecutive nonces, in order, and collect their receipts.

        Each chunk is sent once its gas is estimated; an item refused at
        estimation takes no nonce. Returns the items whose nonce another
        sender had taken.
        """
        total = sum(len(chunk) for chunk, _ in chunks)
        if not total:
            return []
        fees = await asyncio.to_thread(self.sender.fees.fields, self.sender.w3)
        nonces = await asyncio.to_thread(self.sender.nonces.reserve, self.account.address, total)
        used = 0
        self.taken = []
        sending_done = asyncio.Event()
        collector = asyncio.create_task(self._collect(sending_done))
        try:
            for chunk, estimating in chunks:
                if estimating is not None:
                    await estimating
                ready = [index for index in chunk if self.results[index].error is None]
                for index in ready:
                    self.nonce[index] = nonces[used]
                    used += 1
                if ready:
                    self.gas_high = max(self.gas_high, *(self.gas[i] for i in ready))
                    self._size_window()
                await self._send(ready, fees)
        finally:
            sending_done.set()
            self.freed.set()
            if used < total:
                await asyncio.to_thread(self.sender.nonces.release, self.account.address, nonces[used:])
        await collector
        return self.taken

    def _sign(self, index: int, fees: dict[str, int]) -> str:
        raw = self.sender.sign(self.account, self.results[index].request, self.nonce[index], self.gas[index], fees)
        self.raw[index] = "0x" + bytes(raw).hex()
        return self.raw[index]

    async def _send(self, indices: list[int], fees: dict[str, int]) -> None:
        """Sign and send request after request, so the node sees the nonces in order (see ``tx_batch_size``)."""
        size = self.sender.profile.tx_batch_size
        position = 0
        while position < len(indices):
            room = self.window - self.unmined
            if room <= 0:
                self.freed.clear()
                self.waiting = True
                await self.freed.wait()
                self.waiting = False
                continue
            chunk = indices[position : position + min(size, room)]
            position += len(chunk)
            answers = await self.rpc.calls([("eth_sendRawTransaction", [self._sign(i, fees)]) for i in chunk])
            gaps = [self.nonce[i] for i, answer in zip(chunk, answers, strict=True) if not self._sent(i, answer)]
            if gaps:
                await self._fill_gaps(gaps, fees)

    def _sent(self, index: int, answer: _Answer) -> bool:
        """Record the node's answer to one send; False when its nonce is left unused."""
        result = self.results[index]
        if "result" in answer:
            result.tx_hash = str(answer["result"])
        elif _matches(_error_message(answer), _ALREADY_KNOWN):
            result.tx_hash = "0x" + bytes(Web3.keccak(hexstr=self.raw[index])).hex()
        elif _matches(_error_message(answer), _NONCE_TAKEN):
            self.taken.append(index)
            result.error = TransactionError(f"nonce {self.nonce[index]} was taken by another sender")
            return True  # the nonce is used: no gap to fill
        else:
            result.error = self.sender._send_refused(self.account.address, result.request, _error_message(answer))
            self._progress()
            return False
        self.pending[index] = result.tx_hash
        self.sent_at[index] = time.monotonic()
        self.unmined += 1
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

    async def _chain_position(self) -> tuple[int | None, int | None]:
        """The account's mined nonce and the head block's number (None where the node did not say)."""
        answers = await self.rpc.calls([("eth_getTransactionCount", [self.account.address, "latest"]),
                                        ("eth_blockNumber", [])])
        return tuple(  # type: ignore[return-value]
            int(answer["result"], 16) if isinstance(answer.get("result"), str) else None for answer in answers
        )

    async def _collect(self, sending_done: asyncio.Event) -> None:
        """Follow the account's mined nonce, freeing the window; fetch the receipts of what it passed.

        One call per look tells what was mined, so receipts are asked for
        only once they exist, however large the window. Reading receipts
        costs a node more than taking transactions (about half a millisecond
        each on anvil), so they are read when that delays no sending: after
        the last send, while the sending waits for room, or once twice a
        window of them has piled up.
        """
        assert self.timing is not None
        progress_at = time.monotonic()
        mined = -1
        delay = _POLL_MIN
        while self.pending or not sending_done.is_set():
            if not self.pending:
                await asyncio.sleep(_POLL_MIN)
                progress_at = time.monotonic()
                continue
            now_mined, head = await self._chain_position()
            if now_mined is not None:
                self.unmined = sum(1 for i in self.pending if self.nonce[i] >= now_mined)
                if self.unmined < self.window:
                    self.freed.set()
            due = [i for i in self.pending if now_mined is None or self.nonce[i] < now_mined]
            if not (sending_done.is_set() or self.waiting or len(due) >= 2 * self.window):
                due = []
            found = 0
            if due and head is not None:
                found += await self._block_receipts(head)
                due = [i for i in due if i in self.pending]
            if due:
                found += await self._receipts(due)
            now = time.monotonic()
            if found or (now_mined is not None and now_mined > mined):
                mined = now_mined if now_mined is not None else mined
                self._observe(now)
                progress_at, delay = now, _POLL_MIN
            elif now - progress_at > self.timing.stall_after:
                await self._rebroadcast_lost()
                if self.sender.on_stall is not None:
                    await asyncio.to_thread(self.sender.on_stall)
                progress_at = now
            self._expire(now)
            await asyncio.sleep(delay)
            delay = min(delay * 2, _POLL_MAX)

    def _observe(self, now: float) -> None:
        """Note that a block took some of the batch; correct the block time if blocks come faster.

        The block time read from past blocks overstates it on a node that
        mines on demand (after an idle spell); blocks seen during the batch
        tell the truth, and the window and stall time follow them.
        """
        assert self.timing is not None
        self.progress_times.append(now)
        if len(self.progress_times) < 4:
            return
        recent = self.progress_times[-9:]
        observed = statistics.median(b - a for a, b in itertools.pairwise(recent))
        if observed < self.timing.block_time / 2:
            # Blocks faster than ten a second come with the transactions themselves (a development node).
            self.timing = replace(self.timing, block_time=observed if observed >= _ON_DEMAND else 0.0)
            self._size_window()

    def _size_window(self) -> None:
        if self.concurrency is None and self.gas_high:
            self.window = self.sender.window(self.gas_high, self.timing)

    async def _block_receipts(self, head: int) -> int:
        """Settle what the blocks up to ``head`` took, one ``eth_getBlockReceipts`` per block; how many.

        A request per block rather than per transaction, whatever the
        window. A node without the method is asked per transaction instead.
        """
        if self.next_block is None or head < self.next_block:
            return 0
        blocks = list(range(self.next_block, head + 1))
        answers = await self._calls([("eth_getBlockReceipts", [hex(number)]) for number in blocks])
        if any(not isinstance(answer.get("result"), list) for answer in answers):
            self.next_block = None  # not answered: receipts by transaction from now on
            return 0
        self.next_block = head + 1
        by_hash = {self.pending[i]: i for i in self.pending}
        return await self._settle_found(
            (by_hash.get(raw.get("transactionHash")), raw) for answer in answers for raw in answer["result"]
        )

    async def _receipts(self, indices: list[int]) -> int:
        """Settle those of ``indices`` that have a receipt; how many did."""
        answers = await self._calls([("eth_getTransactionReceipt", [self.pending[i]]) for i in indices])
        return await self._settle_found(zip(indices, (answer.get("result") for answer in answers), strict=True))

    async def _settle_found(self, found: Iterable[tuple[int | None, Any]]) -> int:
        """Settle the pending items among ``found`` (item, raw receipt or None); how many."""
        settled = 0
        for index, raw in found:
            if index is not None and isinstance(raw, dict) and index in self.pending:
                del self.pending[index]
                settled += 1
                await self._settle(index, Receipt.from_rpc(raw))
        if settled:
            self.freed.set()
        return settled

    def _expire(self, now: float) -> None:
        """Give up on transactions not mined within the profile's receipt timeout."""
        timeout = self.sender.profile.receipt_timeout
        for index in [i for i in self.pending if now - self.sent_at[i] > timeout]:
            tx_hash = self.pending.pop(index)
            self.freed.set()
            self.results[index].error = TransactionError(
                f"transaction {tx_hash} was not mined within {timeout:g}s; look it up later"
            )
            self._progress()

    async def _rebroadcast_lost(self) -> None:
        """Send again the transactions the node no longer knows.

        A node may drop a transaction it accepted (pool eviction on a busy
        network), and one lost nonce blocks every later one; so whenever
        nothing is mined for a while, the batch looks for lost transactions.
        One the node refuses as "nonce too low" lost its nonce to another
        transaction from the same account: it is sent again with a fresh one.
        """
        indices = sorted(self.pending, key=self.nonce.__getitem__)
        known = await self._calls([("eth_getTransactionByHash", [self.pending[i]]) for i in indices])
        lost = [i for i, answer in zip(indices, known, strict=True) if answer.get("result") is None]
        if not lost:
            return
        answers = await self.rpc.calls([("eth_sendRawTransaction", [self.raw[i]]) for i in lost])
        for index, answer in zip(lost, answers, strict=True):
            if "error" in answer and _matches(_error_message(answer), _NONCE_TAKEN):
                del self.pending[index]
                self.freed.set()
                self.taken.append(index)
                self.results[index].error = TransactionError(f"nonce {self.nonce[index]} was taken by another sender")

    async def _settle(self, index: int, receipt: Receipt) -> None:
        result = self.results[index]
        result.receipt = receipt
        if receipt.status != 1:
            result.error = await asyncio.to_thread(
                self.sender._failure, receipt.block_number, receipt.tx_hash, receipt.gas_used,
                self.account.address, result.request, self.gas[index],
            )
        self._progress()

    def _progress(self) -> None:
        self.done += 1
        if self.on_progress is not None:
            self.on_progress(self.done, len(self.results))


def _kind(request: TxRequest) -> tuple[str | None, bytes]:
    """What calls of the same kind share: the contract (or a creation) and the function selector."""
    return (request.to.lower() if request.to else None), request.data[:4]


def _rpc_fields(request: TxRequest, sender: str) -> dict[str, Any]:
    """``request`` as raw JSON-RPC call fields (hex quantities)."""
    fields: dict[str, Any] = {"from": sender, "value": hex(request.value), "data": "0x" + request.data.hex()}
    if request.to is not None:
        fields["to"] = to_checksum_address(request.to)
    return fields
