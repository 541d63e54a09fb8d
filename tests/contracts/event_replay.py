"""Rebuild the ledger's whole state from its event logs alone, as ``docs/events.md`` describes it.

This is the reference reader the invariant tests compare with the contracts' own views: it never
calls a contract, it only reads logs (``eth_getLogs``) and, for anchors, the block time of the log's
block.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract import Contract

# Enum values, as the contracts encode them.
MEMBER_ACTIVE, MEMBER_SUSPENDED, MEMBER_RETIRED = 1, 2, 3
FORCED_TRANSFER, RECOVERY = 0, 1
PROPOSAL_PROPOSED, PROPOSAL_EXECUTED, PROPOSAL_CANCELLED = 1, 2, 3
SUBMITTED, RETURNED, ACCEPTED, UNDER_NOTICE, OBJECTED, REJECTED, ISSUED, SUSPENDED, CANCELLED, REFUSED = (
    range(1, 11)
)
NO_REQUEST, CHANGE, RENEWAL, CANCELLATION = range(4)
PLEDGE_ACTIVE, PLEDGE_RELEASED, PLEDGE_REALISED = 1, 2, 3
ZERO_ADDRESS = "0x" + "00" * 20
ZERO_HASH = b"\x00" * 32


@dataclass
class Member:
    status: int
    roles: int
    identity_hash: bytes
    name: str


@dataclass
class Certificate:
    status: int
    holder: str
    registrar: str
    version: int
    catalog_hashes: dict[int, bytes]
    notice_deadline: int = 0
    expiry: int = 0
    number: str = ""
    pending_request: int = NO_REQUEST
    requested_hash: bytes = ZERO_HASH
    requested_expiry: int = 0
    submitted_at: int = 0
    issued_at: int = 0
    imported: bool = False
    rights_claimed: int = 0
    rights_granted: int = 0
    authorised_until: int = 0
    disputed: bool = False
    registration_number: str = ""
    #: Every registration and certificate number it ever carried (they stay taken).
    numbers: list[str] = field(default_factory=list)

    def clear_request(self) -> None:
        self.pending_request, self.requested_hash, self.requested_expiry = NO_REQUEST, ZERO_HASH, 0


@dataclass
class Pledge:
    status: int
    pledgor: str
    pledgee: str
    certificate_id: int
    right: int
    shares: int
    maturity: int
    senior_pledge_id: int
    amount: int
    currency: bytes
    external_ref: bytes
    registered_at: int
    registration_expiry: int
    taken: int = 0
    #: method, buyer, block time, shares, price, surplus, shortfall, document hash
    realisation: tuple[Any, ...] | None = None


@dataclass
class Licence:
    certificate_id: int
    right: int
    grantor: str
    licensee: str
    parent_id: int
    start: int
    end: int
    exclusive: bool
    sublicensable: bool
    terms_hash: bytes
    revoked: bool = False


@dataclass
class Proposal:
    kind: int
    status: int
    proposer: str
    executable_at: int
    document_hash: bytes
    certificate_id: int
    right: int
    source: str
    target: str
    shares: int
    #: certificate ids, licence ids, pledge ids, qualifications (a recovery's scope)
    scope: tuple[list[int], list[int], list[int], list[bytes]] = ([], [], [], [])


@dataclass
class LedgerState:
    """Everything the events say."""

    admin: str = ZERO_ADDRESS
    members: dict[str, Member] = field(default_factory=dict)
    certificates: dict[int, Certificate] = field(default_factory=dict)
    #: (certificate, right, owner) -> shares
    balances: dict[tuple[int, int, str], int] = field(default_factory=lambda: defaultdict(int))
    #: (certificate, right, owner) -> shares under active pledges
    pledged: dict[tuple[int, int, str], int] = field(default_factory=lambda: defaultdict(int))
    #: (certificate, right, owner) -> most recent pledge id
    last_pledge: dict[tuple[int, int, str], int] = field(default_factory=lambda: defaultdict(int))
    pledges: dict[int, Pledge] = field(default_factory=dict)
    licences: dict[int, Licence] = field(default_factory=dict)
    #: root -> (kind, count, batch reference, block time)
    anchors: dict[bytes, tuple[bytes, int, bytes, int]] = field(default_factory=dict)
    #: (pledge, act hash) the pledgee consented to
    act_consents: set[tuple[int, bytes]] = field(default_factory=set)
    #: pledge ids in the order their PledgeRecorded events came
    recorded_order: list[int] = field(default_factory=list)
    timelock: str = ZERO_ADDRESS
    #: the Consortium's directory: name -> contract
    directory: dict[bytes, str] = field(default_factory=dict)
    #: proxy address -> its current implementation (ERC-1967 ``Upgraded``)
    implementations: dict[str, str] = field(default_factory=dict)
    #: the compliance modules in force, in order: (module, conditions)
    compliance_modules: list[tuple[str, int]] = field(default_factory=list)
    #: member -> jurisdiction (two bytes; zero: none)
    jurisdictions: dict[str, bytes] = field(default_factory=dict)
    #: (member, qualification) -> held
    qualifications: dict[tuple[str, bytes], bool] = field(default_factory=dict)
    #: certificate -> (cross-border restricted, contains personal information)
    compliance_flags: dict[int, tuple[bool, bool]] = field(default_factory=dict)
    #: (certificate, jurisdiction) -> allowed while restricted
    allowed_jurisdictions: dict[tuple[int, bytes], bool] = field(default_factory=dict)
    #: (certificate, right) -> holders set by governance
    holder_counts: dict[tuple[int, int], int] = field(default_factory=dict)
    #: due process: the delay of new proposals, and every proposal
    due_process_delay: int = 0
    proposals: dict[int, Proposal] = field(default_factory=dict)


class EventReplay:
    """Applies the suite's logs, in (block, log index) order, to a :class:`LedgerState`."""

    def __init__(self, w3: Web3, contracts: dict[str, Contract]) -> None:
        self.w3 = w3
        self.contracts = contracts
        self.addresses = [contract.address for contract in contracts.values()]
        self.by_topic: dict[bytes, tuple[str, str]] = {}
        for name, contract in contracts.items():
            for item in contract.abi:
                if item.get("type") == "event":
                    types = ",".join(_canonical(entry) for entry in item["inputs"])
                    self.by_topic[keccak(text=f"{item['name']}({types})")] = (name, item["name"])
        self.state = LedgerState()
        self.next_block = 0
        self._block_times: dict[int, int] = {}
        #: (transaction, certificate, right) of SharesMoved events whose movement is still to come
        self._announced: list[tuple[bytes, int, int]] = []

    def fork(self) -> EventReplay:
        """An independent copy, to restart from the same point."""
        clone = copy.copy(self)
        clone.state = copy.deepcopy(self.state)
        clone._announced = list(self._announced)
        # Blocks from here on are mined again after a revert, with other times: forget them.
        clone._block_times = {number: time for number, time in self._block_times.items() if number < self.next_block}
        return clone

    def catch_up(self) -> int:
        """Apply every log up to the latest block; returns how many logs were applied."""
        latest = self.w3.eth.block_number
        if latest < self.next_block:
            return 0
        logs = self.w3.eth.get_logs(
            {  # type: ignore[typeddict-item]
                "fromBlock": self.next_block,
                "toBlock": latest,
                "address": self.addresses,
            }
        )
        for log in sorted(logs, key=lambda entry: (entry["blockNumber"], entry["logIndex"])):
            self.apply(log)
        assert not self._announced, f"SharesMoved without a movement: {self._announced}"
        self.next_block = latest + 1
        return len(logs)

    def block_time(self, log: Any) -> int:
        number = int(log["blockNumber"])
        if number not in self._block_times:
            self._block_times[number] = int(self.w3.eth.get_block(number)["timestamp"])
        return self._block_times[number]

    def apply(self, log: Any) -> None:
        contract_name, event_name = self.by_topic[bytes(log["topics"][0])]
        args = dict(self.contracts[contract_name].events[event_name]().process_log(log)["args"])
        handler = getattr(self, f"_on_{event_name}", None)
        if handler is None:
            raise AssertionError(f"no rebuild rule for {contract_name}.{event_name}")
        handler(args, log)

    # -- Upgrades and governance --------------------------------------------------------------------

    def _on_Upgraded(self, args: dict[str, Any], log: Any) -> None:
        self.state.implementations[log["address"]] = args["implementation"]

    def _on_Initialized(self, args: dict[str, Any], log: Any) -> None:
        pass

    def _on_TimelockChanged(self, args: dict[str, Any], log: Any) -> None:
        self.state.timelock = args["timelock"]

    def _on_ContractRegistered(self, args: dict[str, Any], log: Any) -> None:
        self.state.directory[bytes(args["name"])] = args["account"]

    def _on_ContractRemoved(self, args: dict[str, Any], log: Any) -> None:
        del self.state.directory[bytes(args["name"])]

    def _on_ReplicaSeeded(self, args: dict[str, Any], log: Any) -> None:
        pass

    # -- Consortium --------------------------------------------------------------------------------

    def _on_OwnershipTransferred(self, args: dict[str, Any], log: Any) -> None:
        self.state.admin = args["newOwner"]

    def _on_OwnershipTransferStarted(self, args: dict[str, Any], log: Any) -> None:
        pass

    def _on_MemberAdded(self, args: dict[str, Any], log: Any) -> None:
        self.state.members[args["account"]] = Member(
            MEMBER_ACTIVE, args["roles"], bytes(args["identityHash"]), args["name"]
        )

    def _on_MemberRolesChanged(self, args: dict[str, Any], log: Any) -> None:
        self.state.members[args["account"]].roles = args["roles"]

    def _on_MemberSuspended(self, args: dict[str, Any], log: Any) -> None:
        self.state.members[args["account"]].status = MEMBER_SUSPENDED

    def _on_MemberReinstated(self, args: dict[str, Any], log: Any) -> None:
        self.state.members[args["account"]].status = MEMBER_ACTIVE

    def _on_MemberRecovered(self, args: dict[str, Any], log: Any) -> None:
        lost = self.state.members[args["from"]]
        self.state.members[args["to"]] = Member(lost.status, args["roles"], bytes(args["identityHash"]), lost.name)
        lost.status = MEMBER_RETIRED

    # -- Certificates ------------------------------------------------------------------------------

    def _certificate(self, args: dict[str, Any]) -> Certificate:
        return self.state.certificates[args["certificateId"]]

    def _on_CertificateSubmitted(self, args: dict[str, Any], log: Any) -> None:
        self.state.certificates[args["certificateId"]] = Certificate(
            SUBMITTED,
            args["applicant"],
            args["registrar"],
            1,
            {1: bytes(args["catalogHash"])},
            submitted_at=self.block_time(log),
            rights_claimed=args["rights"],
            authorised_until=args["authorisedUntil"],
        )

    def _on_CertificateImported(self, args: dict[str, Any], log: Any) -> None:
        self.state.certificates[args["certificateId"]] = Certificate(
            ISSUED,
            args["holder"],
            args["registrar"],
            1,
            {1: bytes(args["catalogHash"])},
            expiry=args["expiry"],
            number=args["number"],
            registration_number=args["registrationNumber"],
            submitted_at=args["submittedAt"],
            issued_at=args["issuedAt"],
            imported=True,
            rights_claimed=7,
            rights_granted=7,
            numbers=[args["registrationNumber"], args["number"]] if args["registrationNumber"] else [args["number"]],
        )

    def _on_CertificateReturned(self, args: dict[str, Any], log: Any) -> None:
        self._certificate(args).status = RETURNED

    def _on_CertificateResubmitted(self, args: dict[str, Any], log: Any) -> None:
        certificate = self._certificate(args)
        certificate.status = SUBMITTED
        certificate.catalog_hashes[1] = bytes(args["catalogHash"])

    def _on_CertificateAccepted(self, args: dict[str, Any], log: Any) -> None:
        self._certificate(args).status = ACCEPTED

    def _on_CertificatePublicized(self, args: dict[str, Any], log: Any) -> None:
        certificate = self._certificate(args)
        certificate.status, certificate.notice_deadline = UNDER_NOTICE, args["noticeDeadline"]

    def _on_CertificateObjected(self, args: dict[str, Any], log: Any) -> None:
        self._certificate(args).status = OBJECTED

    def _on_CertificateObjectionResolved(self, args: dict[str, Any], log: Any) -> None:
        certificate = self._certificate(args)
        certificate.status, certificate.notice_deadline = UNDER_NOTICE, args["noticeDeadline"]

    def _on_CertificateRejected(self, args: dict[str, Any], log: Any) -> None:
        self._certificate(args).status = REJECTED

    def _on_CertificateIssued(self, args: dict[str, Any], log: Any) -> None:
        certificate = self._certificate(args)
        certificate.status, certificate.expiry, certificate.number = (
            ISSUED,
            args["expiry"],
            args["number"],
        )
        certificate.registration_number = args["registrationNumber"]
        certificate.rights_granted = args["rights"]
        certificate.numbers += [args["registrationNumber"], args["number"]]
        certificate.issued_at = self.block_time(log)

    def _on_CertificateRefused(self, args: dict[str, Any], log: Any) -> None:
        self._certificate(args).status = REFUSED

    def _on_CertificateDisputed(self, args: dict[str, Any], log: Any) -> None:
        self._certificate(args).disputed = True

    def _on_CertificateDisputeResolved(self, args: dict[str, Any], log: Any) -> None:
        self._certificate(args).disputed = False

    def _on_CertificateReassigned(self, args: dict[str, Any], log: Any) -> None:
        self._certificate(args).registrar = args["to"]

    def _on_CertificateChangeRequested(self, args: dict[str, Any], log: Any) -> None:
        certificate = self._certificate(args)
        certificate.pending_request, certificate.requested_hash = CHANGE, bytes(args["catalogHash"])

    def _on_CertificateRenewalRequested(self, args: dict[str, Any], log: Any) -> None:
        certificate = self._certificate(args)
        certificate.pending_request, certificate.requested_expiry = RENEWAL, args["expiry"]

    def _on_CertificateCancellationRequested(self, args: dict[str, Any], log: Any) -> None:
        certificate = self._certificate(args)
        certificate.pending_request, certificate.requested_hash = (
            CANCELLATION,
            bytes(args["reasonHash"]),
        )

    def _on_CertificateRequestDeclined(self, args: dict[str, Any], log: Any) -> None:
        self._certificate(args).clear_request()

    def _on_CertificateChanged(self, args: dict[str, Any], log: Any) -> None:
        certificate = self._certificate(args)
        certificate.version = args["version"]
        certificate.catalog_hashes[args["version"]] = bytes(args["catalogHash"])
        certificate.number = args["number"]
        certificate.numbers.append(args["number"])
        certificate.clear_request()

    def _on_CertificateRenewed(self, args: dict[str, Any], log: Any) -> None:
        certificate = self._certificate(args)
        certificate.expiry = args["expiry"]
        certificate.number = args["number"]
        certificate.numbers.append(args["number"])
        certificate.clear_request()

    def _on_CertificateSuspended(self, args: dict[str, Any], log: Any) -> None:
        self._certificate(args).status = SUSPENDED

    def _on_CertificateReinstated(self, args: dict[str, Any], log: Any) -> None:
        self._certificate(args).status = ISSUED

    def _on_CertificateCancelled(self, args: dict[str, Any], log: Any) -> None:
        certificate = self._certificate(args)
        certificate.status = CANCELLED
        certificate.clear_request()

    # -- Rights ------------------------------------------------------------------------------------

    def _on_SharesMoved(self, args: dict[str, Any], log: Any) -> None:
        self._announced.append((bytes(log["transactionHash"]), args["certificateId"], args["right"]))

    def _move(self, source: str, target: str, token_id: int, value: int, log: Any) -> None:
        certificate_id, right = token_id >> 2, token_id & 3
        # Every movement is announced by a SharesMoved of its certificate and right earlier in its transaction,
        # so a reader that asks for a certificate's SharesMoved finds every transaction moving its shares.
        announced = (bytes(log["transactionHash"]), certificate_id, right)
        assert announced in self._announced, f"a movement of {certificate_id}/{right} without SharesMoved"
        self._announced.remove(announced)
        if source != ZERO_ADDRESS:
            self.state.balances[(certificate_id, right, source)] -= value
        self.state.balances[(certificate_id, right, target)] += value

    def _on_TransferSingle(self, args: dict[str, Any], log: Any) -> None:
        self._move(args["from"], args["to"], args["id"], args["value"], log)

    def _on_TransferBatch(self, args: dict[str, Any], log: Any) -> None:
        for token_id, value in zip(args["ids"], args["values"], strict=True):
            self._move(args["from"], args["to"], token_id, value, log)

    def _on_LicenceGranted(self, args: dict[str, Any], log: Any) -> None:
        self.state.licences[args["licenceId"]] = Licence(
            args["certificateId"],
            args["right"],
            args["grantor"],
            args["licensee"],
            args["parentId"],
            args["start"],
            args["end"],
            args["exclusive"],
            args["sublicensable"],
            bytes(args["termsHash"]),
        )

    def _on_PositionRecovered(self, args: dict[str, Any], log: Any) -> None:
        # The shares moved with the TransferSingle events before; the pledged shares and chain heads move here.
        for right in range(3):
            source = (args["certificateId"], right, args["from"])
            target = (args["certificateId"], right, args["to"])
            for table in (self.state.pledged, self.state.last_pledge):
                if source in table:
                    table[target] = table.pop(source)

    def _on_LicenceRecovered(self, args: dict[str, Any], log: Any) -> None:
        licence = self.state.licences[args["licenceId"]]
        if licence.grantor == args["from"]:
            licence.grantor = args["to"]
        else:
            licence.licensee = args["to"]

    def _on_LicenceRevoked(self, args: dict[str, Any], log: Any) -> None:
        # Revocation is lazy: one event, and the views answer "revoked" for the whole subtree.
        self.state.licences[args["licenceId"]].revoked = True

    # -- Pledges -----------------------------------------------------------------------------------

    def _on_PledgeRecorded(self, args: dict[str, Any], log: Any) -> None:
        pledge = Pledge(
            PLEDGE_ACTIVE,
            args["pledgor"],
            args["pledgee"],
            args["certificateId"],
            args["right"],
            args["shares"],
            args["maturity"],
            args["seniorPledgeId"],
            args["amount"],
            bytes(args["currency"]),
            bytes(args["externalRef"]),
            args["registeredAt"],
            args["registrationExpiry"],
        )
        self.state.pledges[args["pledgeId"]] = pledge
        key = (pledge.certificate_id, pledge.right, pledge.pledgor)
        self.state.pledged[key] += pledge.shares
        self.state.last_pledge[key] = args["pledgeId"]
        self.state.recorded_order.append(args["pledgeId"])

    def _end(self, pledge_id: int, status: int) -> Pledge:
        pledge = self.state.pledges[pledge_id]
        pledge.status = status
        self.state.pledged[(pledge.certificate_id, pledge.right, pledge.pledgor)] -= pledge.shares
        return pledge

    def _on_PledgeReleased(self, args: dict[str, Any], log: Any) -> None:
        self._end(args["pledgeId"], PLEDGE_RELEASED)

    def _on_PledgeRealised(self, args: dict[str, Any], log: Any) -> None:
        pledge = self._end(args["pledgeId"], PLEDGE_REALISED)
        pledge.taken = args["shares"]
        block_time = int(self.w3.eth.get_block(log["blockNumber"])["timestamp"])
        pledge.realisation = (
            args["method"], args["buyer"], block_time, args["shares"], args["price"], args["surplus"],
            args["shortfall"], bytes(args["documentHash"]),
        )

    def _on_PledgeActConsented(self, args: dict[str, Any], log: Any) -> None:
        self.state.act_consents.add((args["pledgeId"], bytes(args["actHash"])))

    def _on_PledgeExtended(self, args: dict[str, Any], log: Any) -> None:
        self.state.pledges[args["pledgeId"]].maturity = args["maturity"]

    def _on_PledgeRecovered(self, args: dict[str, Any], log: Any) -> None:
        pledge = self.state.pledges[args["pledgeId"]]
        if pledge.pledgor == args["from"]:
            pledge.pledgor = args["to"]
        else:
            pledge.pledgee = args["to"]

    # -- Due process -------------------------------------------------------------------------------

    def _on_DueProcessDelayChanged(self, args: dict[str, Any], log: Any) -> None:
        self.state.due_process_delay = args["delay"]

    def _on_ForcedTransferProposed(self, args: dict[str, Any], log: Any) -> None:
        self.state.proposals[args["proposalId"]] = Proposal(
            FORCED_TRANSFER, PROPOSAL_PROPOSED, args["proposer"], args["executableAt"], bytes(args["documentHash"]),
            args["certificateId"], args["right"], args["from"], args["to"], args["shares"],
        )

    def _on_RecoveryProposed(self, args: dict[str, Any], log: Any) -> None:
        scope = args["scope"]
        self.state.proposals[args["proposalId"]] = Proposal(
            RECOVERY, PROPOSAL_PROPOSED, args["proposer"], args["executableAt"], bytes(args["documentHash"]), 0, 0,
            args["lostAccount"], args["newAccount"], 0,
            (list(scope["certificateIds"]), list(scope["licenceIds"]), list(scope["pledgeIds"]),
             [bytes(item) for item in scope["qualifications"]]),
        )

    def _on_DueProcessExecuted(self, args: dict[str, Any], log: Any) -> None:
        self.state.proposals[args["proposalId"]].status = PROPOSAL_EXECUTED

    def _on_DueProcessCancelled(self, args: dict[str, Any], log: Any) -> None:
        self.state.proposals[args["proposalId"]].status = PROPOSAL_CANCELLED

    # -- Anchors -----------------------------------------------------------------------------------

    def _on_AnchorRecorded(self, args: dict[str, Any], log: Any) -> None:
        block_time = int(self.w3.eth.get_block(log["blockNumber"])["timestamp"])
        self.state.anchors[bytes(args["root"])] = (
            bytes(args["kind"]),
            args["count"],
            bytes(args["batchRef"]),
            block_time,
        )


    # -- Compliance --------------------------------------------------------------------------------

    def _on_ComplianceModuleAdded(self, args: dict[str, Any], log: Any) -> None:
        self.state.compliance_modules.append((args["module"], args["conditions"]))

    def _on_ComplianceModuleRemoved(self, args: dict[str, Any], log: Any) -> None:
        self.state.compliance_modules = [
            entry for entry in self.state.compliance_modules if entry[0] != args["module"]
        ]

    def _on_MemberJurisdictionSet(self, args: dict[str, Any], log: Any) -> None:
        self.state.jurisdictions[args["member"]] = bytes(args["jurisdiction"])

    def _on_QualificationGranted(self, args: dict[str, Any], log: Any) -> None:
        self.state.qualifications[(args["member"], bytes(args["qualification"]))] = True

    def _on_QualificationRevoked(self, args: dict[str, Any], log: Any) -> None:
        self.state.qualifications[(args["member"], bytes(args["qualification"]))] = False

    def _on_CertificateFlagsSet(self, args: dict[str, Any], log: Any) -> None:
        self.state.compliance_flags[args["certificateId"]] = (
            args["crossBorderRestricted"], args["containsPersonalInformation"]
        )

    def _on_CertificateJurisdictionAllowed(self, args: dict[str, Any], log: Any) -> None:
        self.state.allowed_jurisdictions[(args["certificateId"], bytes(args["jurisdiction"]))] = args["allowed"]

    def _on_HolderCountSet(self, args: dict[str, Any], log: Any) -> None:
        self.state.holder_counts[(args["certificateId"], args["right"])] = args["holders"]


def _canonical(entry: dict[str, Any]) -> str:
    if entry["type"].startswith("tuple"):
        inner = ",".join(_canonical(component) for component in entry["components"])
        return f"({inner}){entry['type'][5:]}"
    return str(entry["type"])


class ViewBatch:
    """Contract view calls encoded with eth-abi and sent as one JSON-RPC batch (fast enough to run
    every step)."""

    def __init__(self, w3: Web3, contracts: dict[str, Contract]) -> None:
        self.w3 = w3
        self.contracts = contracts
        self.functions: dict[tuple[str, str], tuple[bytes, list[str], list[str]]] = {}
        for name, contract in contracts.items():
            for item in contract.abi:
                if item.get("type") == "function":
                    inputs = [_canonical(entry) for entry in item["inputs"]]
                    outputs = [_canonical(entry) for entry in item["outputs"]]
                    selector = keccak(text=f"{item['name']}({','.join(inputs)})")[:4]
                    self.functions[(name, item["name"])] = (selector, inputs, outputs)
        self.requests: list[tuple[str, str, tuple[Any, ...]]] = []

    def add(self, contract: str, function: str, *args: Any) -> None:
        self.requests.append((contract, function, args))

    def execute(self) -> list[Any]:
        batch = []
        for contract, function, args in self.requests:
            selector, inputs, _ = self.functions[(contract, function)]
            data = "0x" + (selector + abi_encode(inputs, list(args))).hex()
            batch.append(
                ("eth_call", [{"to": self.contracts[contract].address, "data": data}, "latest"])
            )
        responses = self.w3.provider.make_batch_request(batch)  # type: ignore[attr-defined]
        results = []
        for (contract, function, _), response in zip(self.requests, responses, strict=True):
            if "error" in response:
                raise AssertionError(f"{contract}.{function} failed: {response['error']}")
            outputs = self.functions[(contract, function)][2]
            values = abi_decode(outputs, bytes.fromhex(response["result"][2:]))
            results.append(values[0] if len(values) == 1 else list(values))
        self.requests = []
        return results


def compare_with_contracts(
    replay: EventReplay, holders: list[str], members: bool = True
) -> list[str]:
    """Every difference between the rebuilt state and the contracts' views, read in one JSON-RPC
    batch."""
    state = replay.state
    views = ViewBatch(replay.w3, replay.contracts)
    owners = sorted(set(holders) | {key[2] for key in state.balances})
    share_keys = [
        (certificate_id, right, owner)
        for certificate_id in sorted(state.certificates)
        for right in range(3)
        for owner in owners
    ]
    expected: list[tuple[str, Any]] = []

    def check(label: str, contract: str, function: str, args: tuple[Any, ...], value: Any) -> None:
        views.add(contract, function, *args)
        expected.append((label, value))

    check("admin", "Consortium", "admin", (), state.admin)
    check("timelock", "Consortium", "timelock", (), state.timelock)
    for name, account in state.directory.items():
        check(f"directory {name!r}", "Consortium", "contractOf", (name,), account)
    check("directory names", "Consortium", "contractNames", (), list(state.directory))
    if members:
        for account, member in state.members.items():
            check(
                f"member {account}",
                "Consortium",
                "member",
                (account,),
                [member.status, member.roles, member.identity_hash],
            )
            for name in ("Certificates", "Rights", "Pledges", "Anchors", "Compliance", "Registrations", "DueProcess"):
                check(
                    f"{name} copy of member {account}",
                    name,
                    "replicatedMember",
                    (account,),
                    [member.status, member.roles],
                )
    for certificate_id, certificate in state.certificates.items():
        check(
            f"certificate {certificate_id}",
            "Certificates",
            "certificate",
            (certificate_id,),
            [
                certificate.status,
                certificate.holder,
                certificate.registrar,
                certificate.version,
                certificate.catalog_hashes[certificate.version],
                certificate.notice_deadline,
                certificate.expiry,
                certificate.pending_request,
                certificate.requested_hash,
                certificate.requested_expiry,
                certificate.number,
                certificate.submitted_at,
                certificate.issued_at,
                certificate.imported,
                certificate.rights_claimed,
                certificate.rights_granted,
                certificate.authorised_until,
                certificate.disputed,
                certificate.registration_number,
            ],
        )
        for version, catalog_hash in certificate.catalog_hashes.items():
            check(
                f"certificate {certificate_id} v{version}",
                "Certificates",
                "catalogHashAt",
                (certificate_id, version),
                catalog_hash,
            )
        for number in certificate.numbers:
            check(
                f"number {number}",
                "Certificates",
                "certificateByNumber",
                (number,),
                certificate_id,
            )
    if share_keys:
        check(
            "balances",
            "Rights",
            "balanceOfBatch",
            ([key[2] for key in share_keys], [key[0] * 4 + key[1] for key in share_keys]),
            [state.balances.get(key, 0) for key in share_keys],
        )
    for key in share_keys:
        check(f"pledged {key}", "Rights", "pledgedSharesOf", key, state.pledged.get(key, 0))
        check(f"last pledge {key}", "Rights", "lastPledgeOf", key, state.last_pledge.get(key, 0))
    for pledge_id, pledge in state.pledges.items():
        check(
            f"pledge {pledge_id}",
            "Pledges",
            "pledge",
            (pledge_id,),
            [
                pledge.status,
                pledge.pledgor,
                pledge.pledgee,
                pledge.certificate_id,
                pledge.right,
                pledge.shares,
                pledge.maturity,
                pledge.senior_pledge_id,
                pledge.amount,
                pledge.currency,
                pledge.external_ref,
                pledge.registered_at,
                pledge.registration_expiry,
            ],
        )
        if pledge.realisation is not None:
            check(f"realisation {pledge_id}", "Pledges", "realisation", (pledge_id,), list(pledge.realisation))
    for pledge_id, act in sorted(state.act_consents):
        check(f"consent {pledge_id} {act.hex()}", "Pledges", "actConsented", (pledge_id, act), True)
    check("pledge count", "Pledges", "pledgeCount", (), len(state.pledges))
    for certificate_id in sorted(state.certificates):
        active = sum(
            1 for pledge in state.pledges.values()
            if pledge.certificate_id == certificate_id and pledge.status == PLEDGE_ACTIVE
        )
        check(f"active pledges of {certificate_id}", "Pledges", "activePledgeCount", (certificate_id,), active)
    for licence_id, licence in state.licences.items():
        check(
            f"licence {licence_id}",
            "Rights",
            "licence",
            (licence_id,),
            [
                licence.certificate_id,
                licence.right,
                licence.grantor,
                licence.licensee,
                licence.parent_id,
                licence.start,
                licence.end,
                licence.exclusive,
                licence.sublicensable,
                _revoked_in_line(state, licence_id),
                licence.terms_hash,
            ],
        )
    check("licence count", "Rights", "licenceCount", (), len(state.licences))
    for root, (_, _, _, block_time) in state.anchors.items():
        check(f"anchor {root.hex()}", "Anchors", "anchoredAt", (root,), block_time)

    if "Compliance" in replay.contracts:
        check("compliance modules", "Compliance", "modules", (), [list(entry) for entry in state.compliance_modules])
        in_force = 0
        for _, conditions in state.compliance_modules:
            in_force |= conditions
        check("conditions in force", "Compliance", "conditionsInForce", (), in_force)
        # The Rights contract's copy, made at deployment and whenever the modules change.
        check("the Rights contract's copy of the conditions", "Rights", "complianceConditions", (), in_force)
        for account, code in state.jurisdictions.items():
            check(f"jurisdiction of {account}", "Compliance", "jurisdictionOf", (account,), code)
        for (account, qualification), held in state.qualifications.items():
            check(f"qualification {qualification!r} of {account}", "Compliance", "hasQualification",
                  (account, qualification), held)
        for certificate_id in state.certificates:
            flags = state.compliance_flags.get(certificate_id, (False, False))
            check(f"compliance flags of {certificate_id}", "Compliance", "certificateFlags", (certificate_id,),
                  list(flags))
        for (certificate_id, code), allowed in state.allowed_jurisdictions.items():
            check(f"jurisdiction {code!r} for {certificate_id}", "Compliance", "isJurisdictionAllowed",
                  (certificate_id, code), allowed)
        for (certificate_id, right), count in state.holder_counts.items():
            check(f"holders of {certificate_id}/{right}", "Compliance", "holderCount", (certificate_id, right),
                  count)

    if "DueProcess" in replay.contracts:
        check("due-process delay", "DueProcess", "delay", (), state.due_process_delay)
        check("proposal count", "DueProcess", "proposalCount", (), len(state.proposals))
        for proposal_id, proposal in state.proposals.items():
            check(
                f"proposal {proposal_id}",
                "DueProcess",
                "proposal",
                (proposal_id,),
                [proposal.kind, proposal.status, proposal.proposer, proposal.executable_at, proposal.document_hash,
                 proposal.certificate_id, proposal.right, proposal.source, proposal.target, proposal.shares],
            )
            check(f"scope of {proposal_id}", "DueProcess", "recoveryScope", (proposal_id,), list(proposal.scope))

    differences = []
    for (label, value), actual in zip(expected, views.execute(), strict=True):
        if _plain(actual) != _plain(value):
            differences.append(f"{label}: contract says {actual!r}, events say {value!r}")
    return differences


def _revoked_in_line(state: LedgerState, licence_id: int) -> bool:
    """Whether a licence or any of its ancestors was revoked (a licence is in force only while they are)."""
    while licence_id:
        licence = state.licences[licence_id]
        if licence.revoked:
            return True
        licence_id = licence.parent_id
    return False


def _plain(value: Any) -> Any:
    """Comparable plain values: lists, bytes, lower-case addresses."""
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str) and len(value) == 42 and value.startswith("0x"):
        return value.lower()
    return value
