"""Property-based stateful tests: random sequences of ledger operations against a reference model.

Every operation is predicted by a small model of the rules (success, or the name of the error that
must refuse it), then sent as a real transaction; the outcome must match. After every step:
- the shares of every right of every certificate sum to 10,000;
- pledged shares never moved except by realisation;
- a certificate that was not in force changed no share;
- pledge priorities are strictly ordered (recording order, and each senior link points to an earlier
  pledge of the same pledgor on the same right);
- the state rebuilt from the event logs alone equals the contracts' own views, and the model's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from contract_harness import (
    BANK,
    DAY,
    DEVELOPMENT,
    HOLDERS,
    HOLDING,
    OPERATION,
    ORACLE,
    REGISTRAR,
    SIGNERS,
    TOTAL_SHARES,
    YEAR,
    Ledger,
    rpc,
)
from eth_utils.crypto import keccak
from event_replay import EventReplay, ViewBatch, compare_with_contracts
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from web3.contract.contract import ContractFunction

from ledger.chain.artifacts import DEPLOYED_CONTRACTS, load_artifact
from ledger.chain.compiler import TESTING_ARTIFACTS_DIR
from ledger.chain.deploy import implementation_of

HALF_DAY = DAY // 2
ISSUED, SUSPENDED, CANCELLED = 7, 8, 9
ACTIVE, RELEASED, REALISED = 1, 2, 3
CHANGE, CANCELLATION = 1, 3  # CertificateRequest
TOTAL = 10_000

SHARE_OWNERS = ["merchant_a", "merchant_b", "merchant_c", "bank", "bank_b"]
OUTSIDERS = ["auditor", "stranger"]
BANKS = ["bank", "bank_b"]
TOGGLED_MEMBERS = ["merchant_b", "bank_b"]


@dataclass
class PledgeModel:
    pledgor: str
    pledgee: str
    certificate: int
    right: int
    shares: int
    maturity: int
    senior: int
    status: int = ACTIVE


@dataclass
class LicenceModel:
    certificate: int
    right: int
    grantor: str
    start: int
    end: int
    exclusive: bool
    revoked: bool = False


@dataclass
class Model:
    """What the rules say the ledger holds."""

    active: dict[str, bool]
    status: dict[int, int]
    expiry: dict[int, int]
    holder: dict[int, str]
    balances: dict[tuple[int, int, str], int] = field(default_factory=lambda: defaultdict(int))
    pledged: dict[tuple[int, int, str], int] = field(default_factory=lambda: defaultdict(int))
    last_pledge: dict[tuple[int, int, str], int] = field(default_factory=lambda: defaultdict(int))
    pledges: dict[int, PledgeModel] = field(default_factory=dict)
    licences: dict[int, LicenceModel] = field(default_factory=dict)
    disputed: dict[int, bool] = field(default_factory=dict)
    #: (pledge, act hash) pairs whose pledgee consented to the act.
    act_consents: set[tuple[int, bytes]] = field(default_factory=set)

    def role_error(self, name: str, mask: int) -> str | None:
        roles = SIGNERS[name][1]
        if roles == 0:
            return "ConsortiumNotMember"
        if not self.active.get(name, True):
            return "ConsortiumMemberSuspended"
        if roles & mask == 0:
            return "ConsortiumMissingRole"
        return None

    def in_force(self, certificate: int, now: int) -> bool:
        return self.status[certificate] == ISSUED and now < self.expiry[certificate]

    def may_revoke(self, licence_id: int) -> str | None:
        """Who may revoke a top-level licence: its grantor while it holds shares of the right, else the owner of
        more than half of the right (the licensor's position follows the right)."""
        licence = self.licences[licence_id]
        if self.balances[(licence.certificate, licence.right, licence.grantor)] > 0:
            return licence.grantor
        return next(
            (owner for owner in SHARE_OWNERS
             if self.balances[(licence.certificate, licence.right, owner)] * 2 > TOTAL),
            None,
        )


def model_from_events(replay: EventReplay, ledger: Ledger) -> Model:
    """The model of the state the events describe (the starting point of every example)."""
    state = replay.state
    name_of = {address: name for name, address in ledger.accounts.items()}
    model = Model(
        active={
            name: state.members[address].status == 1 if address in state.members else True
            for name, address in ledger.accounts.items()
        },
        status={cid: certificate.status for cid, certificate in state.certificates.items()},
        expiry={cid: certificate.expiry for cid, certificate in state.certificates.items()},
        holder={
            cid: name_of[certificate.holder] for cid, certificate in state.certificates.items()
        },
    )
    for (cid, right, owner), shares in state.balances.items():
        model.balances[(cid, right, name_of[owner])] = shares
    for (cid, right, owner), shares in state.pledged.items():
        model.pledged[(cid, right, name_of[owner])] = shares
    for (cid, right, owner), pledge_id in state.last_pledge.items():
        model.last_pledge[(cid, right, name_of[owner])] = pledge_id
    for pledge_id, pledge in state.pledges.items():
        model.pledges[pledge_id] = PledgeModel(
            name_of[pledge.pledgor],
            name_of[pledge.pledgee],
            pledge.certificate_id,
            pledge.right,
            pledge.shares,
            pledge.maturity,
            pledge.senior_pledge_id,
            pledge.status,
        )
    model.act_consents = set(state.act_consents)
    for licence_id, licence in state.licences.items():
        model.licences[licence_id] = LicenceModel(
            licence.certificate_id,
            licence.right,
            name_of[licence.grantor],
            licence.start,
            licence.end,
            licence.exclusive,
            licence.revoked,
        )
    return model


@dataclass
class Context:
    """What every example starts from: a snapshot with two issued certificates, and their rebuilt
    events."""

    ledger: Ledger
    certificates: list[int]
    base_time: int
    snapshot: str
    replay: EventReplay
    #: contract name -> (its first implementation, its second edition), both deployed
    editions: dict[str, tuple[str, str]]


CONTEXT: Context | None = None
#: How often each operation succeeded or was refused with each error, over the whole run.
OUTCOMES: Counter[str] = Counter()


class LedgerMachine(RuleBasedStateMachine):
    """Random sequences of transfers, pledges, realisation, licences, lifecycle steps and time."""

    def __init__(self) -> None:
        super().__init__()
        assert CONTEXT is not None
        self.ctx = CONTEXT
        self.ledger = CONTEXT.ledger
        rpc(self.ledger.w3, "evm_revert", [CONTEXT.snapshot])
        CONTEXT.snapshot = rpc(self.ledger.w3, "evm_snapshot", [])
        self.replay = CONTEXT.replay.fork()
        self.model = model_from_events(self.replay, self.ledger)
        self.enforced_keys: set[tuple[int, int, str]] = set()
        self.previous: tuple[dict[Any, int], dict[Any, int], dict[int, bool]] | None = None
        self.upgrades = 0
        self.changes = 0

    # -- sending -----------------------------------------------------------------------------------

    def now(self) -> int:
        return self.ledger.now()

    def attempt(self, call: ContractFunction, sender: str, predicted: str | None) -> bool:
        """Send ``call``; its outcome (success, or the error's name) must be ``predicted``."""
        ledger = self.ledger
        tx_hash = call.transact({"from": ledger.address(sender), "gas": 3_000_000})
        receipt = ledger.w3.eth.wait_for_transaction_receipt(tx_hash)
        outcome = (
            None if receipt["status"] == 1 else ledger.decode(ledger.replayed_revert(receipt))[0]
        )
        assert outcome == predicted, (
            f"{call.fn_name} by {sender}: got {outcome}, model predicted {predicted}"
        )
        OUTCOMES[f"{call.fn_name}: {outcome or 'ok'}"] += 1
        return outcome is None

    # -- shares ------------------------------------------------------------------------------------

    def _owner(self, data: st.DataObject, cid: int, right: int, everyone: list[str]) -> str:
        """Mostly a member holding shares of the right, sometimes anyone (to reach the refusals)."""
        holding = [name for name in SHARE_OWNERS if self.model.balances[(cid, right, name)] > 0]
        if holding and data.draw(st.integers(0, 4)) > 0:
            return data.draw(st.sampled_from(holding))
        return data.draw(st.sampled_from(everyone))

    def _amount(self, data: st.DataObject, available: int) -> int:
        """Mostly an amount within ``available``, sometimes any (zero and too many included)."""
        if available > 0 and data.draw(st.integers(0, 3)) > 0:
            return data.draw(st.integers(1, available))
        return data.draw(st.integers(0, TOTAL + 1))

    @rule(data=st.data(), index=st.integers(0, 1), right=st.integers(0, 2))
    def transfer(self, data: st.DataObject, index: int, right: int) -> None:
        self._transfer(data, index, right, erc1155=False)

    @rule(data=st.data(), index=st.integers(0, 1), right=st.integers(0, 2))
    def safe_transfer(self, data: st.DataObject, index: int, right: int) -> None:
        self._transfer(data, index, right, erc1155=True)

    def _transfer(self, data: st.DataObject, index: int, right: int, erc1155: bool) -> None:
        """A transfer registration, through the ledger's own function or ERC-1155's
        safeTransferFrom."""
        m = self.model
        cid = self.ctx.certificates[index]
        sender = self._owner(data, cid, right, SHARE_OWNERS)
        recipient = data.draw(st.sampled_from(SHARE_OWNERS + OUTSIDERS))
        key = (cid, right, sender)
        balance, pledged = m.balances[key], m.pledged[key]
        shares = self._amount(
            data, balance - min(balance, pledged) if data.draw(st.booleans()) else balance
        )
        error = m.role_error(sender, HOLDERS) or m.role_error(recipient, HOLDERS)
        if error is None and recipient == sender:
            error = "RightsInvalidRecipient"
        elif error is None and shares == 0:
            error = "RightsInvalidShares"
        elif error is None and not m.in_force(cid, self.now()):
            error = "RightsCertificateNotInForce"
        elif error is None and balance < shares:
            error = "RightsInsufficientShares"
        elif error is None and shares > balance - min(balance, pledged):
            error = "RightsSharesPledged"
        rights, to = self.ledger.rights.functions, self.ledger.address(recipient)
        if erc1155:
            call = rights.safeTransferFrom(
                self.ledger.address(sender), to, cid * 4 + right, shares, b""
            )
        else:
            call = rights.transferShares(cid, right, to, shares)
        if self.attempt(call, sender, error):
            m.balances[key] -= shares
            m.balances[(cid, right, recipient)] += shares

    # -- pledges -----------------------------------------------------------------------------------

    @rule(
        data=st.data(),
        index=st.integers(0, 1),
        right=st.integers(0, 2),
        maturity_days=st.sampled_from([1, 5, 20]),
    )
    def pledge(self, data: st.DataObject, index: int, right: int, maturity_days: int) -> None:
        m = self.model
        cid = self.ctx.certificates[index]
        pledgor = self._owner(data, cid, right, SHARE_OWNERS)
        pledgee = data.draw(st.sampled_from(BANKS * 3 + ["merchant_c"]))
        key = (cid, right, pledgor)
        shares = self._amount(data, m.balances[key])
        maturity = self.now() + maturity_days * DAY + HALF_DAY
        error = m.role_error(pledgee, BANK) or m.role_error(pledgor, HOLDERS)
        if error is None and pledgor == pledgee:
            error = "PledgesSelfPledge"
        elif error is None and not 0 < shares <= TOTAL:
            error = "PledgesInvalidShares"
        elif error is None and not m.in_force(cid, self.now()):
            error = "RightsCertificateNotInForce"
        elif error is None and m.balances[key] < shares:
            error = "RightsInsufficientShares"
        ledger = self.ledger
        terms = ledger.pledge_terms(pledgor, cid, right=right, shares=shares, maturity=maturity)
        senior = ledger.last_pledge(terms)
        deadline = self.now() + DAY
        signature = ledger.consent_signature(pledgor, pledgee, terms, senior, deadline)
        if self.attempt(
            ledger.pledges.functions.recordPledge(terms, senior, deadline, signature), pledgee, error
        ):
            pledge_id = len(m.pledges) + 1
            m.pledges[pledge_id] = PledgeModel(
                pledgor, pledgee, cid, right, shares, maturity, m.last_pledge[key]
            )
            m.last_pledge[key] = pledge_id
            m.pledged[key] += shares

    def _pledge_and_caller(self, data: st.DataObject) -> tuple[int, str]:
        """Mostly an active pledge and its pledgee; sometimes any id and any bank (to reach the
        refusals)."""
        active = [pid for pid, pledge in self.model.pledges.items() if pledge.status == ACTIVE]
        if active and data.draw(st.integers(0, 4)) > 0:
            pledge_id = data.draw(st.sampled_from(active))
            return pledge_id, self.model.pledges[pledge_id].pledgee
        return data.draw(st.integers(1, len(self.model.pledges) + 1)), data.draw(
            st.sampled_from(BANKS + ["merchant_a"])
        )

    def _as_pledgee(self, pledge_id: int, caller: str) -> str | None:
        m = self.model
        error = m.role_error(caller, BANK)
        if error is None and pledge_id not in m.pledges:
            return "PledgesUnknownPledge"
        if error is None and m.pledges[pledge_id].pledgee != caller:
            return "PledgesNotPledgee"
        if error is None and m.pledges[pledge_id].status != ACTIVE:
            return "PledgesNotActive"
        return error

    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        pledge_id, caller = self._pledge_and_caller(data)
        error = self._as_pledgee(pledge_id, caller)
        if self.attempt(self.ledger.pledges.functions.releasePledge(pledge_id), caller, error):
            pledge = self.model.pledges[pledge_id]
            pledge.status = RELEASED
            self.model.pledged[(pledge.certificate, pledge.right, pledge.pledgor)] -= pledge.shares

    @rule(data=st.data(), extra_days=st.integers(1, 90))
    def extend(self, data: st.DataObject, extra_days: int) -> None:
        pledge_id, caller = self._pledge_and_caller(data)
        error = self._as_pledgee(pledge_id, caller)
        pledge = self.model.pledges.get(pledge_id)
        new_maturity = (pledge.maturity if pledge else self.now()) + extra_days * DAY
        if error is None and pledge is not None:
            error = self.model.role_error(pledge.pledgor, HOLDERS)  # both parties act in an extension
        if error is None and new_maturity <= self.now():
            error = "PledgesInvalidMaturity"
        ledger = self.ledger
        pledgor = pledge.pledgor if pledge else "merchant_a"
        nonce = int(ledger.pledges.functions.nonces(ledger.address(pledgor)).call())
        deadline = self.now() + DAY
        signature = ledger.extension_signature(pledgor, pledge_id, new_maturity, nonce, deadline)
        call = ledger.pledges.functions.extendPledge(
            pledge_id, new_maturity, nonce, deadline, signature
        )
        if self.attempt(call, caller, error):
            assert pledge is not None
            pledge.maturity = new_maturity

    @rule(data=st.data(), price=st.integers(0, 10**12))
    def realise(self, data: st.DataObject, price: int) -> None:
        m = self.model
        pledge_id, caller = self._pledge_and_caller(data)
        recipient = (
            caller
            if data.draw(st.booleans())
            else data.draw(st.sampled_from(SHARE_OWNERS + OUTSIDERS))
        )
        pledge = m.pledges.get(pledge_id)
        if pledge and self.now() < pledge.maturity and data.draw(st.booleans()):
            # Let the pledge mature first (half a day past maturity, clear of every other deadline).
            self.ledger.advance(pledge.maturity + HALF_DAY - self.now())
        error = self._as_pledgee(pledge_id, caller)
        taken = 0
        if error is None:
            pledge = m.pledges[pledge_id]
            key = (pledge.certificate, pledge.right, pledge.pledgor)
            if self.now() < pledge.maturity:
                error = "PledgesNotMatured"
            elif recipient == pledge.pledgor:
                error = "PledgesInvalidBuyer"
            elif recipient != caller and m.role_error(recipient, HOLDERS):
                error = m.role_error(recipient, HOLDERS)
            elif price == 0:
                error = "PledgesInvalidPrice"
            else:
                senior_shares, nearest, senior_id = 0, 0, pledge.senior
                while senior_id:
                    senior = m.pledges[senior_id]
                    if senior.status == ACTIVE:
                        senior_shares += senior.shares
                        nearest = nearest or senior_id
                    senior_id = senior.senior
                available = max(m.balances[key] - senior_shares, 0)
                taken = pledge.shares
                if available < pledge.shares:
                    if nearest:
                        error = "PledgesSeniorPledgeOutstanding"
                    taken = available
                # Expired or suspended, the collateral can still be realised; cancelled, it is gone.
                if error is None and m.status[pledge.certificate] not in (ISSUED, SUSPENDED):
                    error = "RightsCertificateNotInForce"
        # Sold at auction: no signature, a price and the record's hash.
        call = self.ledger.pledges.functions.realisePledge(
            pledge_id, (1, self.ledger.address(recipient), price, b"\x05" * 32), 0, 0, b""
        )
        if self.attempt(call, caller, error):
            pledge = m.pledges[pledge_id]
            key = (pledge.certificate, pledge.right, pledge.pledgor)
            pledge.status = REALISED
            m.pledged[key] -= pledge.shares
            m.balances[key] -= taken
            m.balances[(pledge.certificate, pledge.right, recipient)] += taken
            self.enforced_keys.add(key)

    # -- time, certificates and members ------------------------------------------------------------

    @rule(days=st.one_of(st.integers(1, 7), st.integers(1, 45)))
    def advance(self, days: int) -> None:
        self.ledger.advance(days * DAY)

    def _certificate_act(self, data: st.DataObject, cid: int, act: int, requested: bytes) -> tuple[list[int], str | None]:
        """The pledges a change or cancellation of ``cid`` names (mostly all the active ones, sometimes one
        short), each pledgee consenting first or not; and the refusal the pledges bring, if any."""
        m = self.model
        active = sorted(pid for pid, pledge in m.pledges.items() if pledge.certificate == cid and pledge.status == ACTIVE)
        named = active if not active or data.draw(st.integers(0, 4)) > 0 else active[:-1]
        if named and data.draw(st.integers(0, 3)) > 0:
            act_hash = bytes(self.ledger.certificates.functions.certificateActHash(cid, act, requested).call())
            for pledge_id in named:
                pledgee = m.pledges[pledge_id].pledgee
                consent = self.ledger.pledges.functions.consentToAct(pledge_id, act_hash)
                if self.attempt(consent, pledgee, m.role_error(pledgee, BANK)):
                    m.act_consents.add((pledge_id, act_hash))
        if len(named) != len(active):
            return named, "PledgesActivePledgesMismatch"
        act_hash = bytes(self.ledger.certificates.functions.certificateActHash(cid, act, requested).call())
        if any((pledge_id, act_hash) not in m.act_consents for pledge_id in named):
            return named, "PledgesActNotConsented"
        return named, None

    @rule(data=st.data(), index=st.integers(0, 1), action=st.sampled_from(["suspend", "reinstate", "cancel"]))
    def certificate_step(self, data: st.DataObject, index: int, action: str) -> None:
        cid = self.ctx.certificates[index]
        if action == "cancel" and index == 0:
            action = "suspend"  # the first certificate stays alive, so that shares keep moving
        status = self.model.status[cid]
        c = self.ledger.certificates.functions
        if action == "suspend":
            error, call, after = (
                (None if status == ISSUED else "CertificatesInvalidStatus"),
                c.suspend(cid, b"\x01" * 32),
                SUSPENDED,
            )
        elif action == "reinstate":
            error, call, after = (
                (None if status == SUSPENDED else "CertificatesInvalidStatus"),
                c.reinstate(cid),
                ISSUED,
            )
        else:
            # The pledgee of every active pledge consents to the cancellation, which releases the pledges.
            named: list[int] = []
            error = None if status in (ISSUED, SUSPENDED) else "CertificatesInvalidStatus"
            if error is None:
                named, error = self._certificate_act(data, cid, CANCELLATION, b"\x02" * 32)
            call, after = c.cancel(cid, b"\x02" * 32, named), CANCELLED
        if self.attempt(call, "registrar", error):
            self.model.status[cid] = after
            for pledge_id in named if action == "cancel" else []:
                pledge = self.model.pledges[pledge_id]
                pledge.status = RELEASED
                self.model.pledged[(pledge.certificate, pledge.right, pledge.pledgor)] -= pledge.shares

    @rule(data=st.data(), index=st.integers(0, 1), who=st.sampled_from(SHARE_OWNERS), label=st.integers(0, 1_000))
    def change(self, data: st.DataObject, index: int, who: str, label: int) -> None:
        """The certificate follows its holders: only a holder of more than half of the holding right
        (asking alone here) applies for a change; the registrar approves it under a new number once the
        pledgee of every active pledge consented, else declines it."""
        m = self.model
        cid = self.ctx.certificates[index]
        held = m.balances[(cid, HOLDING, who)]
        error = m.role_error(who, HOLDERS)
        if error is None and held == 0:
            error = "CertificatesUnauthorizedHolder"
        elif error is None and m.status[cid] != ISSUED:
            error = "CertificatesInvalidStatus"
        elif error is None and self.now() >= m.expiry[cid]:
            error = "CertificatesExpired"
        elif error is None and held * 2 <= TOTAL_SHARES:
            error = "CertificatesNoMajority"
        c = self.ledger.certificates.functions
        catalog = keccak(text=f"catalog {cid} {label}")
        if self.attempt(c.requestChange(cid, catalog, []), who, error):
            self.changes += 1
            named, refused = self._certificate_act(data, cid, CHANGE, catalog)
            if not self.attempt(c.approveRequest(cid, f"CHANGE-{cid}-{self.changes}", named), "registrar", refused):
                self.attempt(c.declineRequest(cid, keccak(text="no consent")), "registrar", None)

    @rule(index=st.integers(0, 1))
    def dispute(self, index: int) -> None:
        """An objection registered after issue (异议登记) flags the certificate, whatever else happens, until the
        registrar resolves it; it is lodged only on an issued or suspended certificate."""
        m = self.model
        cid = self.ctx.certificates[index]
        c = self.ledger.certificates.functions
        if m.disputed.get(cid, False):
            if self.attempt(c.resolveDispute(cid, keccak(text="resolved")), "registrar", None):
                m.disputed[cid] = False
            return
        error = None if m.status[cid] in (ISSUED, SUSPENDED) else "CertificatesInvalidStatus"
        objector = self.ledger.address("merchant_c")
        if self.attempt(c.lodgeObjection(cid, objector, keccak(text="objection")), "registrar", error):
            m.disputed[cid] = True

    @rule(code=st.integers(1, 4))
    def refuse_application(self, code: int) -> None:
        """A fresh application refused at review (不予登记) is final; the replay rebuilds it as refused."""
        c = self.ledger.certificates.functions
        self.changes += 1
        application = (keccak(text=f"refused {self.changes}"), 7, 0)
        if self.attempt(c.submit(self.ledger.address("registrar"), application), "merchant_a", None):
            certificate_id = int(c.certificateCount().call())
            self.attempt(c.refuse(certificate_id, code, keccak(text="refused")), "registrar", None)
            self.attempt(c.accept(certificate_id), "registrar", "CertificatesInvalidStatus")

    @rule(name=st.sampled_from(TOGGLED_MEMBERS))
    def toggle_member(self, name: str) -> None:
        c = self.ledger.consortium.functions
        address = self.ledger.address(name)
        if self.model.active[name]:
            self.attempt(c.suspendMember(address, b"\x03" * 32), "admin", None)
        else:
            self.attempt(c.reinstateMember(address), "admin", None)
        self.model.active[name] = not self.model.active[name]

    # -- licences ----------------------------------------------------------------------------------

    @rule(
        data=st.data(),
        index=st.integers(0, 1),
        right=st.integers(1, 2),
        start_day=st.integers(0, 60),
        length_days=st.integers(1, 60),
        exclusive=st.booleans(),
    )
    def grant_licence(
        self,
        data: st.DataObject,
        index: int,
        right: int,
        start_day: int,
        length_days: int,
        exclusive: bool,
    ) -> None:
        grantor = self._owner(data, self.ctx.certificates[index], right, SHARE_OWNERS)
        licensee = data.draw(st.sampled_from(SHARE_OWNERS + ["auditor"]))
        m = self.model
        cid = self.ctx.certificates[index]
        start = self.ctx.base_time + start_day * DAY
        end = start + length_days * DAY + HALF_DAY
        if start < self.now() + HALF_DAY and data.draw(st.booleans()):
            start = 0  # from the grant itself
        error = m.role_error(grantor, HOLDERS)
        if error is None and not m.in_force(cid, self.now()):
            error = "RightsCertificateNotInForce"
        elif error is None and m.balances[(cid, right, grantor)] == 0:
            error = "RightsNotRightOwner"
        elif error is None and exclusive and m.balances[(cid, right, grantor)] != TOTAL:
            error = "RightsExclusiveNeedsWholeRight"
        elif error is None and m.role_error(licensee, HOLDERS):
            error = m.role_error(licensee, HOLDERS)
        elif error is None and licensee == grantor:
            error = "RightsInvalidRecipient"
        elif error is None and start != 0 and start < self.now():
            error = "RightsLicenceBackdated"
        elif error is None and end <= max(start, self.now()):
            error = "RightsInvalidPeriod"
        elif error is None and m.pledged[(cid, right, grantor)] > 0:
            error = "PledgesActNotConsented"  # no pledgee consented to this licence
        elif error is None:
            for licence in m.licences.values():
                if licence.certificate != cid or licence.right != right or licence.revoked:
                    continue
                if start < licence.end and licence.start < end and (exclusive or licence.exclusive):
                    error = "RightsExclusiveConflict"
                    break
        terms = (self.ledger.address(licensee), keccak(text="terms"), start, end, exclusive, False)
        if self.attempt(
            self.ledger.rights.functions.grantLicence(cid, right, terms), grantor, error
        ):
            granted_at = int(self.ledger.w3.eth.get_block("latest")["timestamp"])
            m.licences[len(m.licences) + 1] = LicenceModel(
                cid, right, grantor, start or granted_at, end, exclusive
            )

    @rule(data=st.data())
    def revoke_licence(self, data: st.DataObject) -> None:
        m = self.model
        live = [lid for lid, licence in m.licences.items() if not licence.revoked]
        if live and data.draw(st.integers(0, 3)) > 0:
            licence_id = data.draw(st.sampled_from(live))
            caller = m.may_revoke(licence_id) or m.licences[licence_id].grantor
        else:
            licence_id = data.draw(st.integers(1, len(m.licences) + 1))
            caller = data.draw(st.sampled_from(SHARE_OWNERS))
        error = m.role_error(caller, HOLDERS)
        if error is None and licence_id not in m.licences:
            error = "RightsUnknownLicence"
        elif error is None and m.may_revoke(licence_id) != caller:
            error = "RightsNotGrantor"
        elif error is None and m.licences[licence_id].revoked:
            error = "RightsLicenceRevoked"
        if self.attempt(
            self.ledger.rights.functions.revokeLicence(licence_id, b"\x04" * 32), caller, error
        ):
            m.licences[licence_id].revoked = True

    # -- governance --------------------------------------------------------------------------------

    @rule(name=st.sampled_from(DEPLOYED_CONTRACTS))
    def upgrade(self, name: str) -> None:
        """Governance switches a contract between its two editions through the timelock (a day's
        delay): every record stays, and the events still rebuild everything."""
        proxy = self.ledger.contracts[name]
        first, second = self.ctx.editions[name]
        target = second if implementation_of(self.ledger.w3, proxy.address) == first else first
        self.upgrades += 1
        self.ledger.govern(
            [proxy.functions.upgradeToAndCall(target, b"")], salt=keccak(text=f"upgrade {self.upgrades}")
        )
        assert implementation_of(self.ledger.w3, proxy.address) == target
        OUTCOMES[f"upgrade {name}: ok"] += 1

    # -- compliance data ---------------------------------------------------------------------------

    @rule(
        caller=st.sampled_from(["admin", "admin", "registrar", "merchant_a"]),
        member=st.sampled_from(SHARE_OWNERS),
        code=st.sampled_from([b"CN", b"DE", b"\0\0", b"c1"]),
        qualification=st.sampled_from([b"PI".ljust(32, b"\0"), b"\0" * 32]),
        act=st.sampled_from(["jurisdiction", "grant", "revoke"]),
    )
    def member_compliance(self, caller: str, member: str, code: bytes, qualification: bytes, act: str) -> None:
        """Governance sets a member's jurisdiction or qualifications; the events rebuild them."""
        compliance = self.ledger.contracts["Compliance"].functions
        account = self.ledger.address(member)
        error = None if caller == "admin" else "ComplianceUnauthorizedGovernance"
        if act == "jurisdiction":
            if error is None and code == b"c1":
                error = "ComplianceInvalidJurisdiction"
            call = compliance.setJurisdiction(account, code)
        else:
            if error is None and qualification == b"\0" * 32:
                error = "ComplianceInvalidQualification"
            function = compliance.grantQualification if act == "grant" else compliance.revokeQualification
            call = function(account, qualification)
        self.attempt(call, caller, error)

    @rule(
        index=st.integers(0, 1),
        caller=st.sampled_from(["registrar", "registrar", "registrar_b", "merchant_a", "suspended"]),
        flags=st.tuples(st.booleans(), st.booleans()),
        code=st.sampled_from([b"CN", b"DE", b"\0\0"]),
        allow=st.booleans(),
    )
    def certificate_compliance(
        self, index: int, caller: str, flags: tuple[bool, bool], code: bytes, allow: bool
    ) -> None:
        """A certificate's registrar flags it and allows jurisdictions; nobody else does."""
        cid = self.ctx.certificates[index]
        compliance = self.ledger.contracts["Compliance"].functions
        error = self.model.role_error(caller, REGISTRAR)
        if error is None and caller != "registrar":
            error = "ComplianceUnauthorizedRegistrar"
        if code == b"\0\0":
            self.attempt(compliance.setCertificateFlags(cid, *flags), caller, error)
            return
        self.attempt(compliance.setJurisdictionAllowed(cid, code, allow), caller, error)

    # -- anchors -----------------------------------------------------------------------------------

    @rule(label=st.integers(0, 10**9), count=st.integers(1, 100_000))
    def anchor(self, label: int, count: int) -> None:
        root = keccak(text=f"root {label} {count} {len(self.replay.state.anchors)}")
        self.attempt(
            self.ledger.anchors.functions.anchor(b"kind".ljust(32, b"\x00"), root, count, root),
            "oracle",
            None,
        )

    # -- invariants --------------------------------------------------------------------------------

    @invariant()
    def events_rebuild_the_contracts_view_and_the_rules_hold(self) -> None:
        replay = self.replay
        replay.catch_up()
        holders = [self.ledger.address(name) for name in SHARE_OWNERS + OUTSIDERS]
        differences = compare_with_contracts(replay, holders)
        assert differences == [], "\n".join(differences)
        state = replay.state
        address = self.ledger.address

        # The model agrees with the events.
        for key, shares in list(self.model.balances.items()):
            assert state.balances.get((key[0], key[1], address(key[2])), 0) == shares, key
        for key, shares in list(self.model.pledged.items()):
            assert state.pledged.get((key[0], key[1], address(key[2])), 0) == shares, key
        assert {pid: p.status for pid, p in state.pledges.items()} == {
            pid: p.status for pid, p in self.model.pledges.items()
        }

        # Every right of every certificate sums to 10,000.
        totals: dict[tuple[int, int], int] = defaultdict(int)
        for (cid, right, _), shares in state.balances.items():
            assert shares >= 0
            totals[(cid, right)] += shares
        for cid in self.ctx.certificates:
            for right in range(3):
                assert totals[(cid, right)] == TOTAL

        # Pledge priorities are strictly ordered.
        assert state.recorded_order == sorted(state.recorded_order)
        assert len(set(state.recorded_order)) == len(state.recorded_order)
        for pledge_id, pledge in state.pledges.items():
            if pledge.senior_pledge_id:
                senior = state.pledges[pledge.senior_pledge_id]
                assert pledge.senior_pledge_id < pledge_id
                assert (senior.certificate_id, senior.right, senior.pledgor) == (
                    pledge.certificate_id,
                    pledge.right,
                    pledge.pledgor,
                )

        # Compared with the previous step: pledged shares moved only by realisation, and nothing
        # moved under a certificate that was not in force.
        balances = dict(state.balances)
        pledged = dict(state.pledged)
        views = ViewBatch(self.ledger.w3, self.ledger.contracts)
        for cid in self.ctx.certificates:
            views.add("Certificates", "isInForce", cid)
        in_force = dict(zip(self.ctx.certificates, views.execute(), strict=True))
        if self.previous is not None:
            before, pledged_before, in_force_before = self.previous
            enforced = {(cid, right, address(name)) for cid, right, name in self.enforced_keys}
            for key in set(before) | set(balances):
                old, new = before.get(key, 0), balances.get(key, 0)
                if key not in enforced:
                    assert new >= min(old, pledged_before.get(key, 0)), (
                        f"pledged shares of {key} moved"
                    )
                if not in_force_before[key[0]]:
                    assert new == old, (
                        f"shares of {key} moved while the certificate was not in force"
                    )
        self.previous = (balances, pledged, in_force)
        self.enforced_keys = set()


def second_edition(ledger: Ledger, name: str) -> str:
    """Deploy the second edition of contract ``name``'s implementation; its address."""
    artifact = load_artifact(f"{name}V2", TESTING_ARTIFACTS_DIR)
    factory = ledger.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    args = () if name == "Consortium" else (ledger.consortium.address,)
    return str(ledger.send(factory.constructor(*args), "admin", gas=8_000_000)["contractAddress"])


def test_random_operation_sequences_keep_every_invariant(ledger: Ledger) -> None:
    global CONTEXT
    c1 = ledger.issue(holder="merchant_a", expiry_in=5 * YEAR)
    c2 = ledger.issue(holder="merchant_b", expiry_in=40 * DAY + HALF_DAY)
    # Some shares already split, a senior and a junior pledge over the same shares, and a licence.
    r = ledger.rights.functions
    ledger.send(
        r.transferShares(c1, DEVELOPMENT, ledger.address("merchant_c"), 3_000), "merchant_a"
    )
    ledger.send(r.transferShares(c1, HOLDING, ledger.address("bank"), 2_000), "merchant_a")
    now = ledger.now()
    # An exclusive licence needs the whole right: granted before the operation right is split.
    ledger.send(
        r.grantLicence(
            c2,
            OPERATION,
            (ledger.address("merchant_c"), keccak(text="base licence"), 0, now + 30 * DAY + HALF_DAY, True, False),
        ),
        "merchant_b",
    )
    ledger.send(r.transferShares(c2, OPERATION, ledger.address("merchant_a"), 5_000), "merchant_b")
    ledger.record_pledge(
        "merchant_a", "bank", c1, right=DEVELOPMENT, shares=4_000, maturity=now + 3 * DAY + HALF_DAY
    )
    ledger.record_pledge(
        "merchant_a", "bank_b", c1, right=DEVELOPMENT, shares=5_000, maturity=now + DAY + HALF_DAY
    )
    editions = {name: (implementation_of(ledger.w3, contract.address), second_edition(ledger, name))
                for name, contract in ledger.contracts.items()}
    replay = EventReplay(ledger.w3, ledger.contracts)
    replay.catch_up()
    CONTEXT = Context(ledger, [c1, c2], ledger.now(), rpc(ledger.w3, "evm_snapshot", []), replay, editions)
    try:
        run_state_machine_as_test(
            LedgerMachine,
            settings=settings(
                max_examples=20,
                stateful_step_count=15,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                derandomize=True,
            ),
        )
    finally:
        CONTEXT = None
    print("\n".join(f"{count:5d}  {outcome}" for outcome, count in sorted(OUTCOMES.items())))
    # The sequences are not vacuous: shares moved and pledges were recorded (which operations
    # succeed depends on the generated sequences; the unit tests prove each one on its own).
    moved = sum(
        OUTCOMES[f"{name}: ok"] for name in ("transferShares", "safeTransferFrom", "realisePledge")
    )
    assert moved > 0, f"no share moved: {OUTCOMES}"
    assert OUTCOMES["recordPledge: ok"] > 0, f"no pledge was recorded: {OUTCOMES}"
    assert sum(count for outcome, count in OUTCOMES.items() if outcome.startswith("upgrade")) > 0, (
        f"no upgrade ran: {OUTCOMES}"
    )


def test_the_rebuild_from_events_matches_a_fresh_suite(ledger: Ledger) -> None:
    """The event reader itself: members and a certificate with a pledge and a licence, rebuilt and
    compared."""
    certificate_id = ledger.issue()
    ledger.record_pledge("merchant_a", "bank", certificate_id, shares=2_000)
    now = ledger.now()
    ledger.send(
        ledger.rights.functions.grantLicence(
            certificate_id,
            2,
            (ledger.address("merchant_b"), keccak(text="t"), 0, now + DAY, False, False),
        ),
        "merchant_a",
    )
    replay = EventReplay(ledger.w3, ledger.contracts)
    assert replay.catch_up() > 0
    holders = [ledger.address(name) for name in SHARE_OWNERS]
    assert compare_with_contracts(replay, holders) == []
    assert replay.state.members[ledger.address("oracle")].roles == ORACLE
    assert replay.state.members[ledger.address("registrar")].roles == REGISTRAR
