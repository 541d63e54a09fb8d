"""The ledger as workflows see it: one profile's chain, contracts, accounts and sender.

A :class:`LedgerContext` ties together the resolved profile, the node's
JSON-RPC connection (:attr:`LedgerContext.rpc`, for reading), the web3 client
(:attr:`LedgerContext.w3`, for signing and sending), the deployed suite's
contracts, the keystores and the transaction sender, and makes each of them
only when first needed: listing accounts touches no chain, reading a
certificate unlocks no key, and a question that only reads imports neither
web3 nor eth-account (the modules of the write path are imported by the
members that need them).

On the ``local`` profile it also looks after the development setup: the
node is started when something needs the chain, the development
consortium's keystores exist, and the suite is deployed (and recorded in the
deployments file) when the chain has none. On every other profile nothing is
started or deployed implicitly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from eth_utils.address import to_checksum_address

from ledger.chain.artifacts import ContractAbi, load_artifact
from ledger.chain.deployments import DeployFunction, Deployment, DeploymentsFile, is_live
from ledger.chain.node import LocalNode, node_for, rpc_ready
from ledger.chain.revert import RevertDecoder
from ledger.chain.rpc import JsonRpc
from ledger.chain.views import as_web3_returns, decode_output, encode_call, view_call
from ledger.config import Profile, load_profile
from ledger.errors import AccountError, ConfigError, NodeUnavailableError
from ledger.types import CertificateRecord, MemberRecord

if TYPE_CHECKING:  # the write path: web3, keystores, the sender (imported by the members that use them)
    from eth_account.signers.local import LocalAccount
    from web3 import Web3
    from web3.contract import Contract
    from web3.types import TxReceipt

    from ledger.accounts import Keystore, PasswordPrompt
    from ledger.chain.sender import BatchResult, Sender, TxRequest

__all__ = ["LOCAL_DEPLOYER", "ChainStatus", "LedgerContext"]

# On the local profile the development account that deploys and administers the suite.
LOCAL_DEPLOYER = "admin"


@dataclass(frozen=True)
class ChainStatus:
    """What `dal chain status` reports: where the chain is and what is deployed on it."""

    profile: str
    rpc_url: str
    chain_id: int
    node: str  # "running", "stopped" (local node), "reachable" or "unreachable" (remote network)
    pid: int | None
    block: int | None
    database: str
    home: str
    contracts: dict[str, str]
    deployment_block: int | None
    contracts_live: bool | None
    problem: str | None = None  # why the node is unreachable, and what to check


def _default_deploy_function() -> DeployFunction:
    # Imported here: it pulls in the compiler tooling, which most commands never need.
    from ledger.chain.deploy import deploy_suite

    function: DeployFunction = deploy_suite
    return function


class LedgerContext:
    """Config, chain client, contracts, accounts and sender of one profile, made on first use.

    ``acting_as`` is the account that signs when a call does not name one
    (the CLI's ``--as``). ``prompt`` asks for a keystore password when the
    environment has none (the CLI passes a hidden terminal prompt).
    """

    def __init__(
        self,
        profile: Profile,
        *,
        acting_as: str | None = None,
        prompt: PasswordPrompt | None = None,
        env: Mapping[str, str] | None = None,
        deploy: DeployFunction | None = None,
    ) -> None:
        self.profile = profile
        self.acting_as = acting_as
        self._prompt = prompt
        self._env = os.environ if env is None else env
        self._deploy = deploy
        self._unlocked: dict[str, LocalAccount] = {}
        self._contracts: dict[tuple[str, str], Contract] = {}

    @classmethod
    def load(cls, profile_name: str | None = None, **options: Any) -> LedgerContext:
        """The context of the named profile (else ``DAL_PROFILE``, the file's default, ``local``)."""
        env = options.get("env")
        return cls(load_profile(profile_name, env=env), **options)

    # --- accounts ---------------------------------------------------------------------------

    @cached_property
    def keystore(self) -> Keystore:
        """The data home's keystores; on the local profile, with the development consortium."""
        from ledger.accounts import Keystore

        keystore = Keystore(self.profile.keystore_dir)
        if self.profile.managed_node:
            keystore.create_development_accounts(local_profile=True)
        return keystore

    def account(self, name: str | None = None) -> LocalAccount:
        """The unlocked account ``name`` (default: the acting account)."""
        name = name or self.acting_as
        if name is None:
            raise AccountError("no account to act as: name one with --as NAME (see `dal account list`)")
        if name not in self._unlocked:
            self._unlocked[name] = self.keystore.unlock_with(
                name, allow_development=self.profile.managed_node, env=self._env, prompt=self._prompt
            )
        return self._unlocked[name]

    def address_of(self, name: str | None = None) -> str:
        """The address of account ``name`` (default: the acting account), without unlocking it."""
        name = name or self.acting_as
        if name is None:
            raise AccountError("no account to act as: name one with --as NAME (see `dal account list`)")
        return self.keystore.info(name).address

    # --- the chain --------------------------------------------------------------------------

    @property
    def node(self) -> LocalNode | None:
        """The managed node (local profile), else ``None``."""
        return node_for(self.profile) if self.profile.managed_node else None

    def node_running(self) -> bool:
        """Whether the profile's node answers (without starting anything)."""
        return rpc_ready(self.profile.rpc_url, timeout=min(self.profile.timeout, 2.0))

    @cached_property
    def rpc(self) -> JsonRpc:
        """The profile's node over plain JSON-RPC, for reading; the local node is started if it is not running."""
        node = self.node
        if node is not None:
            node.ensure_running()
        return JsonRpc(self.profile)

    @cached_property
    def w3(self) -> Web3:
        """A web3 client of the profile's node, for signing and sending; the local node is started if it is not
        running."""
        from ledger.chain.connect import connect

        node = self.node
        if node is not None:
            node.ensure_running()
        return connect(self.profile)

    def status(self) -> ChainStatus:
        """The chain's state, without starting or deploying anything.

        A stopped local node is reported as such, and so is an unreachable
        remote node, with what to check.
        """
        node = self.node
        pid = node.running_pid() if node is not None else None
        recorded = self.recorded_deployment()
        block: int | None = None
        live: bool | None = None
        problem: str | None = None
        if node is not None and not self.node_running():
            state = "stopped"
        else:
            try:
                rpc = JsonRpc(self.profile)
                block = int(rpc.request("eth_blockNumber", []), 16)
                live = is_live(rpc, recorded) if recorded is not None else None
                state = "running" if node is not None else "reachable"
            except NodeUnavailableError as exc:
                state, problem = "unreachable", str(exc)
        return ChainStatus(
            profile=self.profile.name,
            rpc_url=self.profile.rpc_url,
            chain_id=self.profile.chain_id,
            node=state,
            pid=pid,
            block=block,
            database=self.profile.public_database_url(),
            home=str(self.profile.home),
            contracts=dict(recorded.addresses) if recorded else {},
            deployment_block=recorded.block if recorded else None,
            contracts_live=live,
            problem=problem,
        )

    @cached_property
    def deployments(self) -> DeploymentsFile:
        return DeploymentsFile(self.profile.deployments_file)

    def recorded_deployment(self) -> Deployment | None:
        """The deployment recorded for the profile's chain, live or not (no chain needed)."""
        return self.deployments.get(self.profile.chain_id)

    @cached_property
    def deployment(self) -> Deployment:
        """The suite on this chain; on the local profile it is deployed if missing."""
        self.rpc  # noqa: B018 - reach the node before taking the lock
        with self.deployments.exclusive():
            recorded = self.deployments.get(self.profile.chain_id)
            if recorded is not None and is_live(self.rpc, recorded):
                return recorded
            if not self.profile.managed_node:
                state = "no code at the recorded addresses" if recorded else "no deployment recorded"
                raise ConfigError(
                    f"the ledger contracts are not on chain {self.profile.chain_id} ({state} in "
                    f"{self.deployments.path}); deploy them with `dal chain deploy --as NAME`"
                )
            return self._deploy_now(self.account(LOCAL_DEPLOYER), None)

    def deploy(self, as_: str | None = None, admin: str | None = None) -> Deployment:
        """Deploy the suite as ``as_`` (default: acting account), administered by ``admin``, and record it."""
        deployer = self.account(as_)
        self.w3  # noqa: B018 - reach the node before taking the lock
        with self.deployments.exclusive():
            deployment = self._deploy_now(deployer, admin)
        self.__dict__["deployment"] = deployment
        return deployment

    def _deploy_now(self, deployer: LocalAccount, admin: str | None) -> Deployment:
        from ledger.chain.deployments import deploy_and_record

        deploy = self._deploy or _default_deploy_function()
        return deploy_and_record(self.sender, self.deployments, deploy, deployer, admin or deployer.address)

    def contract_abi(self, name: str) -> ContractAbi:
        """The deployed contract ``name``'s address and shipped ABI (what reading needs; no web3)."""
        return ContractAbi(str(to_checksum_address(self.deployment.address(name))), load_artifact(name).abi)

    def contract(self, name: str) -> Contract:
        """The deployed contract ``name`` (for example ``Certificates``) as a web3 contract, for sending."""
        deployed = self.contract_abi(name)
        # Building a web3 contract from its ABI takes tens of milliseconds: keep one per address.
        cached = self._contracts.get((name, deployed.address))
        if cached is None:
            cached = self.w3.eth.contract(address=to_checksum_address(deployed.address), abi=deployed.abi)
            self._contracts[(name, deployed.address)] = cached
        return cached

    # --- reading and sending ----------------------------------------------------------------

    @cached_property
    def decoder(self) -> RevertDecoder:
        return RevertDecoder.from_artifacts()

    @cached_property
    def sender(self) -> Sender:
        from ledger.chain.sender import Sender

        node = self.node
        return Sender(self.w3, self.profile, self.decoder, on_stall=node.mine_pending if node else None)

    def call(self, contract: str, function: str, *args: Any, block: int | str = "latest") -> Any:
        """A view call at ``block`` (a number or a tag), its outputs as a web3 contract call returns them (structs
        as tuples, arrays as lists); a refusal is the decoded :class:`~ledger.errors.ContractRevertError`.
        Plain JSON-RPC (:mod:`ledger.chain.views`): reading imports no web3."""
        deployed = self.contract_abi(contract)
        calldata, entry = encode_call(deployed, function, args)
        output = view_call(self.rpc, self.decoder, deployed.address, calldata, block, f"{contract}.{function}")
        return as_web3_returns(entry, decode_output(entry, output))

    def certificate(self, certificate_id: int, *, block: int | str = "latest") -> CertificateRecord:
        """The stored certificate, typed (a refusal is the decoded error, as for :meth:`call`)."""
        return CertificateRecord.from_abi(self.call("Certificates", "certificate", certificate_id, block=block))

    def member(self, account: str, *, block: int | str = "latest") -> MemberRecord:
        """The Consortium's record of ``account``, typed (status NONE for a stranger)."""
        return MemberRecord.from_abi(self.call("Consortium", "member", account, block=block))

    def request(self, contract: str, function: str, *args: Any, value: int = 0, label: str = "") -> TxRequest:
        """A transaction request calling ``contract.function(*args)``."""
        from ledger.chain.sender import TxRequest

        return TxRequest.call(self.contract(contract), function, *args, value=value, label=label)

    def transact(self, request: TxRequest, *, as_: str | None = None) -> TxReceipt:
        """Send one transaction as ``as_`` (default: acting account) and wait for it."""
        return self.sender.transact(self.account(as_), request)

    def send(self, contract: str, function: str, *args: Any, as_: str | None = None, value: int = 0) -> TxReceipt:
        """Call ``contract.function(*args)`` in a transaction and wait for it."""
        return self.transact(self.request(contract, function, *args, value=value), as_=as_)

    def send_batch(
        self,
        requests: Sequence[TxRequest],
        *,
        as_: str | None = None,
        concurrency: int | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> list[BatchResult]:
        """Send many transactions concurrently; one result (receipt or decoded error) per request."""
        return self.sender.send_batch(
            self.account(as_), requests, concurrency=concurrency, on_progress=on_progress
        )
