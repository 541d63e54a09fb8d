"""Turning a contract's refusal into one sentence a user can act on.

Every custom error of every contract ABI in ``ledger/artifacts/`` is indexed
by its 4-byte selector. Revert data, whether it comes from ``eth_call``, from
``eth_estimateGas`` or from replaying a failed transaction, is decoded into a
:class:`~ledger.errors.ContractRevertError` carrying the error's name, its
arguments by name, and a message: the error's template from
:data:`MESSAGES` filled with the arguments, or, for an error without a
template, ``the contract refused: ErrorName(arg=value, ...)``. Solidity's
``Error(string)`` and ``Panic(uint256)`` are decoded too.

Templates use ``str.format`` fields with a few extra format specs:
``{maturity:date}`` (a unix time as a UTC date), ``{at:datetime}``,
``{shares:bp}`` (basis points as a percentage), ``{role:role}`` (a role
id as its name), ``{roles:roles}`` (a role mask as its names) and the names of
the contracts' enums: ``{current:certificate_status}``,
``{pending:certificate_request}``, ``{status:member_status}``,
``{right:right}`` and ``{current:pledge_status}``; ``{name:name}`` (a
``bytes32`` directory name as its text), ``{jurisdiction:jurisdiction}`` (a ``bytes2`` country code) and ``{expectedStates:timelock_states}``
(a timelock's state bitmap as the states' names).
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.exceptions import DecodingError
from eth_utils.abi import collapse_if_tuple
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.chain.artifacts import ARTIFACTS_DIR, iter_artifacts
from ledger.errors import ContractRevertError
from ledger.types import (
    CertificateRequest,
    CertificateStatus,
    MemberStatus,
    PledgeStatus,
    Right,
    Role,
)

__all__ = [
    "MESSAGES",
    "PANIC_REASONS",
    "ErrorSpec",
    "RevertDecoder",
    "render_message",
    "revert_data_of",
]

ERROR_STRING_SELECTOR = keccak(text="Error(string)")[:4]
PANIC_SELECTOR = keccak(text="Panic(uint256)")[:4]

# Error name -> message template. Say what is wrong, then what to do about it.
MESSAGES: dict[str, str] = {
    # OpenZeppelin Contracts errors that the suite inherits.
    "AccessControlUnauthorizedAccount": (
        "{account} does not hold the {neededRole:role} role; ask the consortium admin to grant it"
    ),
    "AccessControlBadConfirmation": "an account can only renounce its own roles",
    "ECDSAInvalidSignature": "the signature is not valid; sign the request again",
    "ECDSAInvalidSignatureLength": "the signature has {length} bytes instead of 65; sign the request again",
    "ECDSAInvalidSignatureS": "the signature is malleable (high s value); sign the request again",
    "ERC1155InsufficientBalance": (
        "{sender} holds {balance:bp} of token {tokenId}, less than the {needed:bp} asked for"
    ),
    "ERC1155MissingApprovalForAll": "{operator} may not move the shares of {owner}; the owner must act",
    "ERC1155InvalidReceiver": "{receiver} cannot receive shares",
    "ERC1155InvalidSender": "{sender} cannot send shares",
    "ERC1155InvalidArrayLength": "{idsLength} token ids were given with {valuesLength} amounts",
    "ReentrancyGuardReentrantCall": "the contract refused a reentrant call",
    "EnforcedPause": "the contract is paused; wait for the consortium admin to resume it",
    "OwnableUnauthorizedAccount": (
        "{account} is not the consortium admin; only the admin does this (act as it with --as)"
    ),
    "OwnableInvalidOwner": "{owner} cannot be the consortium admin; name a real account",
    "InvalidAccountNonce": (
        "{account}'s next signature nonce is {currentNonce}, not the one given; sign the request again"
    ),
    "SafeCastOverflowedUintDowncast": (
        "the value {value} does not fit in {bits} bits; give a smaller number"
    ),
    "StringTooLong": "the text {str!r} is too long for the contract; shorten it",
    "InvalidShortString": "a stored text is not a valid short string; this is a contract bug, report it",
    # Upgrades and the suite's wiring (OpenZeppelin's proxies and initializers, and the suite's own).
    "SuiteUnauthorizedCaller": (
        "{caller} may not write member records; only the Consortium contract does"
    ),
    "SuiteUnauthorizedUpgrade": (
        "{caller} may not upgrade the suite; governance schedules upgrades through the timelock "
        "(`dal chain upgrade`)"
    ),
    "SuiteUnknownContract": (
        "the Consortium's directory lists no {name:name} contract; deploy the suite in order "
        "(`dal chain deploy`)"
    ),
    "SuiteBootstrapUnauthorized": (
        "{caller} did not deploy this bootstrap, so it may not create or upgrade its proxies"
    ),
    "InvalidInitialization": "the contract is already initialised; an initializer runs once",
    "NotInitializing": "this can only run while the contract is being initialised",
    "ERC1967InvalidImplementation": (
        "{implementation} is not a contract that can sit behind the proxy; deploy the implementation first"
    ),
    "ERC1967NonPayable": "the proxy takes no value with an empty initialisation call",
    "ERC1967ProxyUninitialized": "a proxy must be created with an initialisation call",
    "UUPSUnauthorizedCallContext": "upgrades are called on the proxy, not on the implementation",
    "UUPSUnsupportedProxiableUUID": (
        "the new implementation does not speak the proxy's upgrade standard (UUID {slot}); "
        "it cannot be upgraded to"
    ),
    "AddressEmptyCode": "{target} has no code; check the address",
    "FailedCall": "a call the contract made failed without a reason",
    # The governance timelock (OpenZeppelin's TimelockController).
    "TimelockUnexpectedOperationState": (
        "operation {operationId} is not {expectedStates:timelock_states}; "
        "see it with `dal chain upgrade --status`"
    ),
    "TimelockInsufficientDelay": (
        "a delay of {delay} s is shorter than the timelock's minimum of {minDelay} s"
    ),
    "TimelockInvalidOperationLength": (
        "an operation's lists differ in length ({targets} targets, {payloads} payloads, {values} values)"
    ),
    "TimelockUnauthorizedCaller": "{caller} may not call the timelock's own functions; only the timelock does",
    "TimelockUnexecutedPredecessor": "the operation {predecessorId} must run first",
    # Anchors: Merkle roots of off-chain batches.
    "AnchorsRootAlreadyRecorded": (
        "the Merkle root {root} is already anchored; this batch (or an identical one) is on chain already"
    ),
    "AnchorsInvalidRoot": "the zero root cannot be anchored; build the batch's Merkle tree first",
    "AnchorsEmptyBatch": "a batch must hold at least one record, got {count}; anchor a non-empty batch",
    # Consortium: members and roles.
    "ConsortiumNotMember": (
        "{account} is not a member of the consortium; the admin admits it with `dal member add`"
    ),
    "ConsortiumMemberSuspended": (
        "{account} is a suspended member and can do nothing until the admin reinstates it "
        "(`dal member reinstate`)"
    ),
    "ConsortiumMissingRole": (
        "{account} does not hold the {roles:roles} role this needs; act as a member that does, "
        "or ask the admin to grant it"
    ),
    "ConsortiumMemberExists": "{account} is already a member; see it with `dal member show`",
    "ConsortiumIdentityTaken": (
        "identity {identityHash} already belongs to member {account}; an organisation joins once"
    ),
    "ConsortiumInvalidRoles": (
        "role mask {roles} names no known role; use registrar, merchant, bank, auditor or oracle"
    ),
    "ConsortiumInvalidAccount": "{account} cannot be a member; give a real account",
    "ConsortiumInvalidIdentity": "the identity hash must not be zero; give the unified social credit code",
    "ConsortiumMemberNotSuspended": "{account} is not suspended, so there is nothing to reinstate",
    "ConsortiumRenounceDisabled": (
        "governance cannot be renounced; hand it over with transferOwnership and acceptOwnership"
    ),
    "ConsortiumUnauthorizedTimelock": (
        "{caller} is not the governance timelock; upgrades and the directory change only through it"
    ),
    "ConsortiumInvalidTimelock": "{timelock} cannot be the governance timelock; name the timelock contract",
    "ConsortiumInvalidContract": (
        "{account} cannot join the directory as {name:name}: the name must not be empty and the "
        "account must be a contract"
    ),
    "ConsortiumContractExists": "the directory already lists {name:name} at {account}",
    "ConsortiumUnknownContract": "the directory lists no contract named {name:name}",
    "ConsortiumNotReplica": (
        "{account} is not a contract the directory copies member records to; governance registers it first"
    ),
    "ConsortiumInvalidDirectory": (
        "the directory's lists differ in length ({names} names, {accounts} contracts, "
        "{replicaFlags} replica flags)"
    ),
    # Certificates: the lifecycle.
    "CertificatesInvalidBatch": (
        "a batch needs at least one item and lists of equal length (got {length} and {otherLength})"
    ),
    "CertificatesInvalidImportDates": (
        "an imported certificate must be submitted ({submittedAt:date}) no later than it was issued "
        "({issuedAt:date}), and issued no later than today"
    ),
    "CertificatesUnknownCertificate": (
        "certificate {certificateId} does not exist; see the certificates with `dal asset list`"
    ),
    "CertificatesInvalidStatus": (
        "certificate {certificateId} is {current:certificate_status}, but this step needs it "
        "{expected:certificate_status}; see where it stands with `dal asset show {certificateId}`"
    ),
    "CertificatesUnauthorizedRegistrar": (
        "{account} is not the registrar of certificate {certificateId}; only its registrar can do this"
    ),
    "CertificatesUnauthorizedHolder": (
        "{account} is not the holder of certificate {certificateId}: before issue only its applicant acts, after "
        "issue only holders of its leading right (see them with `dal asset show {certificateId}`)"
    ),
    "CertificatesInvalidCatalogHash": "the catalog hash must not be zero; hash the catalog entry",
    "CertificatesInvalidDeadline": (
        "the notice deadline {deadline:datetime} is not in the future; choose a later one"
    ),
    "CertificatesNoticeEnded": (
        "the public notice of certificate {certificateId} ended at {deadline:datetime}; "
        "objections are closed"
    ),
    "CertificatesNoticeNotEnded": (
        "the public notice of certificate {certificateId} runs until {deadline:datetime}; "
        "issue it after that"
    ),
    "CertificatesInvalidNumber": (
        "the number {number!r} is not acceptable: a certificate number has 1 to 64 bytes, and a "
        "cancellation takes none; give --number accordingly"
    ),
    "CertificatesNumberTaken": (
        "number {number!r} already belongs to certificate {certificateId} (numbers are unique across the "
        "consortium); choose another number"
    ),
    "CertificatesInvalidRegistrationNumber": (
        "registration number {registrationNumber!r} is not PREFIX+DIGITS+CHECK with a right ISO 7064 MOD 11-2 "
        "check character; make one with `dal asset number PREFIX DIGITS`"
    ),
    "CertificatesInvalidRights": (
        "rights mask {rights} names no set of rights; claim or grant holding, development and/or operation"
    ),
    "CertificatesRightsNotClaimed": (
        "certificate {certificateId}'s application claimed rights {claimed:rights}, so {granted:rights} cannot be "
        "granted; grant only rights it claimed"
    ),
    "CertificatesInvalidAuthorisation": (
        "the source authorisation's end {authorisedUntil:datetime} is not in the future; give a later date, or "
        "none for data you produced yourself"
    ),
    "CertificatesExpiryBeyondAuthorisation": (
        "the expiry {expiry:datetime} of certificate {certificateId} passes the end of its source authorisation "
        "({authorisedUntil:datetime}); choose an expiry no later than that"
    ),
    "CertificatesNoticeTooShort": (
        "a notice until {deadline:datetime} is shorter than the registrar's minimum (until "
        "{earliest:datetime} at the earliest); publish it for longer"
    ),
    "CertificatesInvalidNoticePeriod": "a minimum notice of {noticeSeconds} seconds is beyond 365 days",
    "CertificatesReasonRequired": (
        "this act on certificate {certificateId} needs a reason (and a refusal a reason code); give --reason"
    ),
    "CertificatesNotUnderReview": (
        "certificate {certificateId} is {current:certificate_status}, not under review: only an application "
        "under review can be refused"
    ),
    "CertificatesAlreadyDisputed": (
        "certificate {certificateId} already has an unresolved registered objection; resolve it first"
    ),
    "CertificatesNotDisputed": "certificate {certificateId} has no registered objection to resolve",
    "CertificatesOwnApplication": (
        "{registrar} is the applicant of certificate {certificateId}; a registrar never reviews its own application, "
        "so name another registrar"
    ),
    "CertificatesUnauthorizedGovernance": "{account} is not governance (the consortium's admin); only it may do this",
    "CertificatesRegistrarNotSuspended": (
        "the registrar {registrar} of certificate {certificateId} is not suspended; its certificates stay with it"
    ),
    "CertificatesClosed": (
        "certificate {certificateId} is {current:certificate_status}, final: there is nothing to reassign"
    ),
    "CertificatesNoMajority": (
        "those asking hold {shares:bp} of certificate {certificateId}'s leading right; more than half is needed: "
        "pass the signed consents of other holders (--consent, from `dal asset consent`)"
    ),
    "CertificatesDuplicateConsent": (
        "{holder}'s consent is given twice, or by the requester itself; pass each other holder's consent once"
    ),
    "CertificatesConsentExpired": "{holder}'s consent expired at {deadline:datetime}; ask for a new one",
    "CertificatesInvalidConsent": (
        "{holder}'s signature does not consent to this request (another request, another requester, or used "
        "already); ask for a consent to this one"
    ),
    "CertificatesInvalidExpiry": (
        "the expiry {expiry:datetime} is not acceptable: it must lie in the future, and for a renewal "
        "after the current expiry"
    ),
    "CertificatesExpired": (
        "certificate {certificateId} expired at {expiry:datetime}; renew it first (`dal asset renew`)"
    ),
    "CertificatesRequestPending": (
        "certificate {certificateId} already has a pending {pending:certificate_request} request; "
        "its registrar must approve or decline it first"
    ),
    "CertificatesNoPendingRequest": (
        "certificate {certificateId} has no pending request to approve or decline"
    ),
    # Rights: shares and licences.
    "RightsUnauthorizedCaller": "{caller} may not call this function of the Rights contract",
    "RightsUnauthorizedOperator": (
        "{operator} cannot move the shares of {owner}; only the owner moves its own shares"
    ),
    "RightsApprovalsDisabled": "approvals are disabled on the ledger: only an owner moves its own shares",
    "RightsInvalidTokenId": "token id {tokenId} names no right of any certificate",
    "RightsInvalidShares": "a transfer must move at least one share (basis point), got {shares}",
    "RightsInvalidBatch": "a batch gave {idsLength} ids with {valuesLength} values; give one value per id",
    "RightsInvalidRecipient": (
        "{to} cannot receive this: it is the sender (or the grantor) itself; name another member"
    ),
    "RightsCertificateNotInForce": (
        "certificate {certificateId} is not in force (not issued, suspended, cancelled or expired); "
        "nothing moves under it until it is"
    ),
    "RightsInsufficientShares": (
        "{owner} holds {balance} shares of the {right:right} right of certificate {certificateId}, "
        "fewer than the {requested} asked for"
    ),
    "RightsSharesPledged": (
        "the shares are pledged to {pledgee} under pledge #{pledgeId} until {maturity:date}: {owner} may "
        "transfer only {transferable} of the {requested} shares of the {right:right} right of certificate "
        "{certificateId}; release the pledge first"
    ),
    "RightsNotLicensable": (
        "the {right:right} right cannot be licensed; license the development or operation right"
    ),
    "RightsNotRightOwner": (
        "{account} owns no shares of the {right:right} right of certificate {certificateId}, "
        "so it cannot license it"
    ),
    "RightsInvalidPeriod": (
        "the licence period {start:date} to {end:date} is empty; choose an end after the start"
    ),
    "RightsLicenceBackdated": (
        "a licence cannot start ({start:datetime}) before it is granted ({grantedAt:datetime}); leave the start "
        "out to start at the grant, or choose a later one"
    ),
    "RightsExclusiveNeedsWholeRight": (
        "{account} owns {shares} of the 10000 shares of the {right:right} right of certificate {certificateId}; "
        "only an owner of the whole right grants an exclusive licence, so grant a non-exclusive one"
    ),
    "RightsLicenceTooDeep": (
        "licence {parentId} is already {maxDepth} levels deep; no sub-licence may be granted under it"
    ),
    "RightsUnknownLicence": (
        "licence {licenceId} does not exist; see the licences with `dal rights licences CERT`"
    ),
    "RightsLicenceRevoked": "licence {licenceId} is revoked; nothing can be granted under it or revoked again",
    "RightsNotLicensee": (
        "{account} is not the licensee of licence {licenceId}, so it cannot sub-license under it"
    ),
    "RightsNotSublicensable": "licence {licenceId} may not be sub-licensed",
    "RightsExclusiveBeyondParent": (
        "licence {parentId} is not exclusive, so a sub-licence under it cannot be exclusive; grant a "
        "non-exclusive one"
    ),
    "RightsPeriodOutsideParent": (
        "the period {start:date} to {end:date} is not within the period of licence {parentId}; shorten it"
    ),
    "RightsExclusiveConflict": (
        "licence {licenceId} overlaps this period and one of the two is exclusive; choose another period "
        "or have licence {licenceId} revoked first"
    ),
    "RightsNotGrantor": (
        "{account} may not revoke licence {licenceId}: only its grantor may (or, once the grantor of a top-level "
        "licence holds none of the right, the owner of more than half of it)"
    ),
    # Compliance: the modules in force and the data they judge by.
    "ComplianceHolderCapExceeded": (
        "the holder-cap module {module} refuses: the {right:right} right of certificate {certificateId} may have "
        "at most {cap} holders and this would add one more; transfer to an existing holder, or ask governance "
        "for a higher cap"
    ),
    "ComplianceJurisdictionNotAllowed": (
        "the jurisdiction module {module} refuses: certificate {certificateId} is restricted for cross-border flows "
        "and {member} ({jurisdiction:jurisdiction}) is not in a jurisdiction its registrar allowed; choose a member "
        "of an allowed jurisdiction, or ask the registrar to allow it (`dal compliance allow`)"
    ),
    "ComplianceQualificationMissing": (
        "the qualification module {module} refuses: certificate {certificateId} contains personal information and "
        "{member} does not hold the {qualification:name} qualification; governance grants it "
        "(`dal compliance qualify`)"
    ),
    "ComplianceUnauthorizedTimelock": (
        "{caller} is not the governance timelock; compliance modules are added and removed only through it "
        "(`dal compliance add-module`, `dal compliance remove-module`)"
    ),
    "ComplianceUnauthorizedGovernance": (
        "{caller} is not governance (the consortium admin); only the admin sets members' jurisdictions and "
        "qualifications (act as it with --as)"
    ),
    "ComplianceUnauthorizedRegistrar": (
        "{account} is not the registrar of certificate {certificateId}; only its registrar sets its compliance "
        "flags and allowed jurisdictions"
    ),
    "ComplianceUnauthorizedCaller": (
        "{caller} may not report movements of shares; only the Rights and Pledges contracts do"
    ),
    "ComplianceInvalidModule": (
        "{module} cannot be a compliance module: it has no code, serves another compliance contract, or declares "
        "no condition; deploy a module for this suite (`dal compliance add-module`)"
    ),
    "ComplianceModuleExists": "compliance module {module} is already in force; see them with `dal compliance list`",
    "ComplianceUnknownModule": "{module} is not a compliance module in force; see them with `dal compliance list`",
    "ComplianceTooManyModules": "at most {max} compliance modules can be in force at once; remove one first",
    "ComplianceInvalidJurisdiction": (
        "{jurisdiction:jurisdiction} is not an ISO 3166-1 alpha-2 code; give two capital letters such as CN"
    ),
    "ComplianceInvalidQualification": "a qualification needs a name, such as PI-PROCESSOR",
    "ComplianceInvalidHolderCount": "a right has between 1 and 10000 holders, not {holders}",
    # Pledges.
    "PledgesUnknownPledge": "pledge {pledgeId} does not exist; list the pledges with `dal pledge list`",
    "PledgesNotActive": (
        "pledge {pledgeId} is {current:pledge_status}, not active; nothing more can be done with it"
    ),
    "PledgesNotPledgee": (
        "{account} is not the pledgee of pledge {pledgeId}; only the bank that took it may act on it"
    ),
    "PledgesInvalidShares": "a pledge must cover between 1 and 10000 shares (basis points), got {shares}",
    "PledgesInvalidAmount": "the secured amount must be greater than zero",
    "PledgesInvalidCurrency": (
        "the currency must be an ISO 4217 code of three capital letters (such as CNY), got {currency}"
    ),
    "PledgesInvalidMaturity": (
        "the maturity {maturity:date} is not acceptable: it must lie in the future (and, for an "
        "extension, after the current maturity)"
    ),
    "PledgesSelfPledge": "{account} cannot take a pledge over its own shares",
    "PledgesSignatureExpired": (
        "the pledgor's signature expired at {deadline:datetime}; ask the pledgor to sign again"
    ),
    "PledgesInvalidNonce": (
        "the signature carries nonce {nonce}, but the next nonce of {pledgor} is {expected}: it was "
        "already used, or another must be used first; ask the pledgor to sign again"
    ),
    "PledgesRankChanged": (
        "the consent was signed to rank behind pledge {signedSenior} (0: none), but {pledgor}'s most recent pledge on "
        "that right is now pledge {currentSenior}: it was used, or another pledge was recorded since; ask the "
        "pledgor for a new consent"
    ),
    "PledgesInvalidSignature": (
        "the signature is not {pledgor}'s over these terms; ask the pledgor to sign again"
    ),
    "PledgesNotMatured": "pledge {pledgeId} matures on {maturity:datetime}; it cannot be realised before",
    "PledgesSeniorPledgeOutstanding": (
        "pledge #{seniorPledgeId} ranks ahead of pledge #{pledgeId} and still claims the shares it "
        "needs; it must be released or realised first"
    ),
    "PledgesInvalidBuyer": (
        "the realised shares cannot go back to the pledgor {buyer}; name the buyer the realising document names"
    ),
    "PledgesInvalidPrice": "a realisation needs a price greater than zero (in minor units), got {price}",
    "PledgesMissingDocument": (
        "a realisation must name the document that fixes its price and buyer (agreement, auction or sale "
        "record, or ruling); give --document"
    ),
    "PledgesUnexpectedSignature": (
        "only a realisation at an agreed price carries the pledgor's signature; drop --consent for this method"
    ),
    "PledgesNotRealised": "pledge {pledgeId} was not realised",
    "PledgesInvalidRegistration": (
        "the pledge's public registration must have a number, a registration time not in the future and a "
        "term ending after it (or none of the three); check --registration, --registered-at and --registration-term"
    ),
    "PledgesActNotConsented": (
        "pledge #{pledgeId} is active over this collateral: its pledgee {pledgee} must first consent to this act "
        "(`dal pledge consent-act {pledgeId} {actHash}`)"
    ),
    "PledgesActivePledgesMismatch": (
        "certificate {certificateId} has {active} active pledge(s) but the act names {named}; name every active "
        "pledge (`dal pledge list {certificateId} --status active`) and ask each pledgee's consent"
    ),
    "PledgesUnorderedPledges": (
        "pledge #{pledgeId} is repeated or out of order; list the active pledges once each, in increasing order"
    ),
    "PledgesNotOnCertificate": (
        "pledge #{pledgeId} is not a pledge on certificate {certificateId}; name that certificate's active pledges"
    ),
    "PledgesUnauthorizedCaller": (
        "{account} may not release pledges with a cancellation; only the Certificates contract does"
    ),
    # Registrations: transfer and licence registrations after issue.
    "RegistrationsUnauthorizedRegistrar": (
        "{account} is not the registrar of certificate {certificateId}; only its registrar registers its transfers "
        "and licences"
    ),
    "RegistrationsInvalidStatus": (
        "certificate {certificateId} is {current:certificate_status}; only an issued or suspended certificate takes "
        "registrations"
    ),
    "RegistrationsInvalidRegistration": (
        "the registration does not fit certificate {certificateId}: a transfer moves 1 to 10000 shares between two "
        "parties in a named transaction, and a revoked licence is not registered"
    ),
    "RegistrationsRightNotGranted": (
        "certificate {certificateId} does not register the {right:right} right; nothing of it exists"
    ),
    "RegistrationsInvalidVoucher": "the voucher number {voucher!r} must have 1 to 64 bytes; give --voucher",
    "RegistrationsVoucherTaken": (
        "voucher number {voucher!r} already belongs to registration {registrationId}; choose another"
    ),
    "RegistrationsAlreadyRegistered": "this was already registered, as registration {registrationId}",
    "RegistrationsUnknownRegistration": "no registration has id {registrationId}",
}

# Panic codes of the Solidity compiler (the language's documented list).
PANIC_REASONS: dict[int, str] = {
    0x00: "a generic compiler panic",
    0x01: "an assertion failed",
    0x11: "an arithmetic overflow or underflow",
    0x12: "a division or modulo by zero",
    0x21: "a value out of range for an enum",
    0x22: "a corrupt storage byte array",
    0x31: "a pop from an empty array",
    0x32: "an array index out of bounds",
    0x41: "too much memory allocated",
    0x51: "a call to an uninitialised internal function",
}

# The contracts' enums, by format spec: value -> name (users' words; "no" request, "not a member").
_ENUM_NAMES: dict[str, tuple[str, ...]] = {
    "certificate_status": tuple(status.label for status in CertificateStatus),
    "certificate_request": ("no", *(request.label for request in list(CertificateRequest)[1:])),
    "member_status": ("not a member", *(status.label for status in list(MemberStatus)[1:])),
    "right": tuple(right.label for right in Right),
    "pledge_status": tuple(status.label for status in PledgeStatus),
}
# OpenZeppelin TimelockController's operation states, by bit of its state bitmap.
_TIMELOCK_STATES: tuple[str, ...] = ("unset", "waiting for its delay", "ready", "done")
# The consortium's role bits (types/Roles.sol).
_ROLE_BITS: tuple[tuple[int, str], ...] = tuple((int(role), str(role.name)) for role in Role)

_ROLE_NAMES: dict[bytes, str] = {bytes(32): "admin"}
for _role in ("ADMIN", "REGISTRAR", "MERCHANT", "BANK", "AUDITOR", "ORACLE", "PROPOSER", "EXECUTOR", "CANCELLER"):
    _ROLE_NAMES[keccak(text=_role)] = _role
    _ROLE_NAMES[keccak(text=f"{_role}_ROLE")] = _role


def _as_bytes(value: Any) -> bytes | None:
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str) and value.startswith("0x"):
        try:
            return bytes.fromhex(value[2:])
        except ValueError:
            return None
    return None


class _MessageFormatter(string.Formatter):
    """``str.format`` with the ledger's extra format specs (``date``, ``bp`` ...)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "date" and isinstance(value, int):
            return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d")
        if format_spec == "datetime" and isinstance(value, int):
            return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        if format_spec == "bp" and isinstance(value, int):
            return f"{value / 100:g}%"
        if format_spec in _ENUM_NAMES and isinstance(value, int):
            names = _ENUM_NAMES[format_spec]
            return names[value] if 0 <= value < len(names) else f"{format_spec} {value}"
        if format_spec == "rights" and isinstance(value, int):
            return ", ".join(right.label for right in Right if value >> int(right) & 1) or "none"
        if format_spec == "roles" and isinstance(value, int):
            return " or ".join(name for bit, name in _ROLE_BITS if value & bit) or f"mask {value}"
        if format_spec == "name":
            raw = _as_bytes(value)
            return raw.rstrip(b"\0").decode(errors="replace") if raw is not None else str(value)
        if format_spec == "jurisdiction":
            raw = _as_bytes(value)
            if raw is None:
                return str(value)
            if not raw.strip(b"\0"):
                return "no jurisdiction recorded"
            text = raw.decode("ascii", errors="replace")
            return text if text.isprintable() else "0x" + raw.hex()
        if format_spec == "timelock_states":
            raw = _as_bytes(value)
            bits = int.from_bytes(raw, "big") if raw is not None else int(value)
            states = [name for bit, name in enumerate(_TIMELOCK_STATES) if bits >> bit & 1]
            return " or ".join(states) or "in any expected state"
        if format_spec == "role":
            raw = _as_bytes(value)
            if raw is not None and raw in _ROLE_NAMES:
                return _ROLE_NAMES[raw]
            return str(value)
        return str(super().format_field(value, format_spec))


_FORMATTER = _MessageFormatter()


def _generic(name: str, args: Mapping[str, Any]) -> str:
    rendered = ", ".join(f"{key}={value}" for key, value in args.items())
    return f"the contract refused: {name}({rendered})"


def render_message(name: str, args: Mapping[str, Any], templates: Mapping[str, str] = MESSAGES) -> str:
    """The sentence for error ``name`` with ``args``: its template, else the generic form."""
    template = templates.get(name)
    if template is None:
        return _generic(name, args)
    try:
        return _FORMATTER.vformat(template, (), dict(args))
    except (KeyError, IndexError, ValueError, TypeError):
        # A template that no longer matches the error's arguments must not hide the error.
        return _generic(name, args)


def _normalise(abi_type: str, value: Any) -> Any:
    """Decoded values in the forms users read: checksum addresses, 0x hex bytes."""
    if abi_type.endswith("]"):
        inner = abi_type[: abi_type.rindex("[")]
        return [_normalise(inner, item) for item in value]
    if abi_type == "address":
        return to_checksum_address(value)
    if abi_type.startswith("bytes") and isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple):
        return list(value)
    return value


class ErrorSpec:
    """One custom error: its name, parameter names and ABI types, and selector."""

    def __init__(self, entry: Mapping[str, Any], contract: str) -> None:
        self.name: str = str(entry["name"])
        inputs: list[Mapping[str, Any]] = list(entry.get("inputs", []))
        self.types: list[str] = [collapse_if_tuple(dict(item)) for item in inputs]
        self.arg_names: list[str] = [str(item.get("name") or f"arg{i}") for i, item in enumerate(inputs)]
        self.signature = f"{self.name}({','.join(self.types)})"
        self.selector: bytes = keccak(text=self.signature)[:4]
        self.contracts: set[str] = {contract}

    def decode_args(self, payload: bytes) -> dict[str, Any]:
        values = abi_decode(self.types, payload)
        return {
            name: _normalise(abi_type, value)
            for name, abi_type, value in zip(self.arg_names, self.types, values, strict=True)
        }


class RevertDecoder:
    """Decodes revert data against every custom error it has been given."""

    def __init__(self, templates: Mapping[str, str] = MESSAGES) -> None:
        self._by_selector: dict[bytes, ErrorSpec] = {}
        self.templates = templates

    @classmethod
    def from_artifacts(cls, directory: Any = ARTIFACTS_DIR) -> RevertDecoder:
        """A decoder for every contract in the package's artifacts."""
        decoder = cls()
        for artifact in iter_artifacts(directory):
            decoder.add_abi(artifact.abi, artifact.name)
        return decoder

    @classmethod
    def from_abis(cls, abis: Mapping[str, Iterable[Mapping[str, Any]]]) -> RevertDecoder:
        """A decoder for the given ABIs, by contract name."""
        decoder = cls()
        for contract, abi in abis.items():
            decoder.add_abi(abi, contract)
        return decoder

    def add_abi(self, abi: Iterable[Mapping[str, Any]], contract: str) -> None:
        """Index the custom errors of one contract's ABI."""
        for entry in abi:
            if entry.get("type") != "error":
                continue
            spec = ErrorSpec(entry, contract)
            known = self._by_selector.get(spec.selector)
            if known is not None and known.signature == spec.signature:
                known.contracts.add(contract)
            elif known is None:
                self._by_selector[spec.selector] = spec

    @property
    def errors(self) -> dict[str, ErrorSpec]:
        """Every indexed error by signature."""
        return {spec.signature: spec for spec in self._by_selector.values()}

    def decode(self, data: bytes | str | None) -> ContractRevertError:
        """The :class:`ContractRevertError` that revert ``data`` stands for."""
        raw = _as_bytes(data) if data is not None else b""
        if raw is None:
            raw = b""
        if not raw:
            return ContractRevertError(
                "the contract refused without giving a reason", name="Revert", args={}
            )
        selector, payload = raw[:4], raw[4:]
        try:
            if selector == ERROR_STRING_SELECTOR:
                (reason,) = abi_decode(["string"], payload)
                return ContractRevertError(f"the contract refused: {reason}", "Error", {"message": reason})
            if selector == PANIC_SELECTOR:
                (code,) = abi_decode(["uint256"], payload)
                what = PANIC_REASONS.get(code, "an unknown panic")
                return ContractRevertError(
                    f"the contract stopped on {what} (panic {code:#04x}); this is a contract bug, report it",
                    "Panic",
                    {"code": code},
                )
            spec = self._by_selector.get(selector)
            if spec is not None:
                args = spec.decode_args(payload)
                return ContractRevertError(render_message(spec.name, args, self.templates), spec.name, args)
        except (DecodingError, ValueError, OverflowError):
            pass
        hex_selector = "0x" + selector.hex()
        return ContractRevertError(
            f"the contract refused with an error this ledger does not know ({hex_selector}); "
            "update the ledger's contract artifacts",
            "UnknownError",
            {"selector": hex_selector, "data": "0x" + raw.hex()},
        )


def revert_data_of(error: Any) -> str | None:
    """The revert data carried by a failed call: a web3 exception or a JSON-RPC error object.

    ``None`` when ``error`` is not a revert (a connection failure, a nonce
    problem ...). Nodes differ in where they put the data: ``data`` as a hex
    string, or nested as ``data.data``/``data.result``; anvil and Besu use
    the first.
    """
    data = getattr(error, "data", None)
    if isinstance(data, str) and data.startswith("0x"):
        return data
    response = getattr(error, "rpc_response", None)
    if isinstance(response, Mapping):
        error = response.get("error")
    if isinstance(error, Mapping):
        inner = error.get("data")
        if isinstance(inner, str) and inner.startswith("0x"):
            return inner
        if isinstance(inner, Mapping):
            for key in ("data", "result"):
                nested = inner.get(key)
                if isinstance(nested, str) and nested.startswith("0x"):
                    return nested
        message = str(error.get("message", ""))
        if "revert" in message.lower():
            return "0x"
    return None
