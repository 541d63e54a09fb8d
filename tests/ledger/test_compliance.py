"""Compliance from the library: modules put in force and taken out through the timelock, their settings read
back, the data they judge by set by governance and registrars, and planned transfers checked without sending."""

from __future__ import annotations

import pytest

from ledger.compliance import (
    add_module,
    allow_jurisdiction,
    certificate_compliance,
    check_transfer,
    grant_qualification,
    member_compliance,
    modules_in_force,
    remove_module,
    set_certificate_flags,
    set_jurisdiction,
    sync_holder_counts,
)
from ledger.context import LedgerContext
from ledger.errors import ContractRevertError, ValidationError
from ledger.inputs import parse_jurisdiction, parse_qualification
from ledger.rights import Right, transfer_shares
from ledger.types import ComplianceCondition
from tests.finance.support import (  # noqa: F401 - fixtures
    FinanceChain,
    chain_fixture,
    finance_chain_fixture,
    issued_certificate,
    ledger_fixture,
)


def test_a_holder_cap_put_in_force_refuses_a_new_holder_in_one_sentence(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    assert modules_in_force(ledger) == []
    accepted = check_transfer(ledger, certificate_id, "holding", "merchant-a", "merchant-b", 1_000)
    assert (accepted.recipient_shares_before, accepted.sender_shares_after) == (0, 9_000)

    added = add_module(ledger, "holder-cap", {"holding": 1, "operation": 4}, as_="admin")
    assert added.timelock.state == "executed"  # the local profile's timelock has no delay
    (module,) = modules_in_force(ledger)
    assert (module.address, module.kind, module.conditions) == (added.module, "holder-cap", ["holder change"])
    assert module.settings == {"holding cap": 1, "development cap": "none", "operation cap": 4}

    with pytest.raises(ContractRevertError) as refused:
        check_transfer(ledger, certificate_id, "holding", "merchant-a", "merchant-b", 1_000)
    assert refused.value.name == "ComplianceHolderCapExceeded"
    assert str(refused.value) == (
        f"the holder-cap module {added.module} refuses: the holding right of certificate {certificate_id} may have "
        "at most 1 holders and this would add one more; transfer to an existing holder, or ask governance for a "
        "higher cap"
    )
    # All the shares at once: the sender leaves as the recipient arrives, and the count stays at one.
    check_transfer(ledger, certificate_id, Right.HOLDING, "merchant-a", "merchant-b", 10_000)
    check_transfer(ledger, certificate_id, "development", "merchant-a", "merchant-b", 1_000)

    removed = remove_module(ledger, added.module, as_="admin")
    assert (removed.module, removed.timelock.state) == (added.module, "executed")
    assert modules_in_force(ledger) == []
    check_transfer(ledger, certificate_id, "holding", "merchant-a", "merchant-b", 1_000)


def test_jurisdiction_and_qualification_rules_name_the_member_and_the_reason(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    place = add_module(ledger, "jurisdiction", as_="admin").module
    skill = add_module(ledger, "qualification", {"qualification": "PI-PROCESSOR"}, as_="admin").module
    assert [(m.kind, m.settings) for m in modules_in_force(ledger)] == [
        ("jurisdiction", {}), ("qualification", {"qualification": "PI-PROCESSOR"})
    ]
    set_jurisdiction(ledger, "merchant-b", "cn", as_="admin")
    set_jurisdiction(ledger, "merchant-c", "US", as_="admin")
    grant_qualification(ledger, "merchant-b", "PI-PROCESSOR", as_="admin")
    set_certificate_flags(
        ledger, certificate_id, cross_border_restricted=True, contains_personal_information=True, as_="registrar"
    )
    allow_jurisdiction(ledger, certificate_id, "CN", as_="registrar")
    state = certificate_compliance(ledger, certificate_id)
    assert (state.cross_border_restricted, state.contains_personal_information) == (True, True)
    assert state.holders == {"holding": 1, "development": 1, "operation": 1}
    assert member_compliance(ledger, "merchant-b", ["PI-PROCESSOR", "AUDITOR"])["qualifications"] == {
        "PI-PROCESSOR": True, "AUDITOR": False
    }

    check_transfer(ledger, certificate_id, "operation", "merchant-a", "merchant-b", 500)
    with pytest.raises(ContractRevertError) as refused:
        check_transfer(ledger, certificate_id, "operation", "merchant-a", "merchant-c", 500)
    assert refused.value.name == "ComplianceJurisdictionNotAllowed"
    assert str(refused.value).startswith(
        f"the jurisdiction module {place} refuses: certificate {certificate_id} is restricted for cross-border flows "
        "and merchant-c (0x"
    )
    assert "(US) is not in a jurisdiction its registrar allowed" in str(refused.value)
    with pytest.raises(ContractRevertError) as refused:
        check_transfer(ledger, certificate_id, "operation", "merchant-a", "bank", 500)
    assert "bank (0x" in str(refused.value) and "(no jurisdiction recorded)" in str(refused.value)

    set_jurisdiction(ledger, "merchant-c", "CN", as_="admin")
    with pytest.raises(ContractRevertError) as refused:
        check_transfer(ledger, certificate_id, "operation", "merchant-a", "merchant-c", 500)
    assert refused.value.name == "ComplianceQualificationMissing"
    assert f"the qualification module {skill} refuses" in str(refused.value)
    assert "does not hold the PI-PROCESSOR qualification" in str(refused.value)
    grant_qualification(ledger, "merchant-c", "PI-PROCESSOR", as_="admin")
    check_transfer(ledger, certificate_id, "operation", "merchant-a", "merchant-c", 500)
    grant_qualification(ledger, "merchant-c", "PI-PROCESSOR", revoke=True, as_="admin")
    with pytest.raises(ContractRevertError):
        check_transfer(ledger, certificate_id, "operation", "merchant-a", "merchant-c", 500)


def test_the_check_also_simulates_the_transfer_itself(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    with pytest.raises(ValidationError, match="holds 0 shares of the holding right"):
        check_transfer(ledger, certificate_id, "holding", "merchant-b", "merchant-c", 1)
    with pytest.raises(ContractRevertError) as refused:
        check_transfer(ledger, certificate_id, "holding", "merchant-a", "merchant-a", 1)
    assert refused.value.name == "RightsInvalidRecipient"
    transfer_shares(ledger, certificate_id, "holding", "merchant-b", 100, as_="merchant-a")
    assert check_transfer(ledger, certificate_id, "holding", "merchant-a", "merchant-b", 1).recipient_shares_before == 100


def test_only_governance_and_registrars_act_and_bad_input_is_refused_first(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    with pytest.raises(ContractRevertError) as refused:
        set_jurisdiction(ledger, "merchant-b", "CN", as_="merchant-a")
    assert refused.value.name == "ComplianceUnauthorizedGovernance"
    with pytest.raises(ContractRevertError) as refused:
        set_certificate_flags(
            ledger, certificate_id, cross_border_restricted=True, contains_personal_information=False, as_="admin"
        )
    assert refused.value.name == "ConsortiumNotMember"
    with pytest.raises(ContractRevertError) as refused:
        add_module(ledger, "jurisdiction", as_="merchant-a")
    assert refused.value.name == "AccessControlUnauthorizedAccount"
    assert modules_in_force(ledger) == []
    for bad in ("C", "C1", "CHN", ""):
        with pytest.raises(ValidationError, match="ISO 3166-1 alpha-2"):
            parse_jurisdiction(bad)
    with pytest.raises(ValidationError, match="longer than 32 bytes"):
        parse_qualification("Q" * 33)
    with pytest.raises(ValidationError, match="unknown module kind"):
        add_module(ledger, "whitelist", as_="admin")
    with pytest.raises(ValidationError, match="at least one cap"):
        add_module(ledger, "holder-cap", {"holding": 0}, as_="admin")
    with pytest.raises(ValidationError, match="needs the qualification"):
        add_module(ledger, "qualification", as_="admin")
    with pytest.raises(ValidationError, match="not a compliance module in force"):
        remove_module(ledger, ledger.address_of("merchant-a"), as_="admin")
    assert ComplianceCondition.ALWAYS.labels == ["always"]


def test_holder_counts_are_brought_in_step_with_the_shares_on_chain(ledger: LedgerContext) -> None:
    certificate_id = issued_certificate(ledger)
    # No module counts holders: the transfers pay nothing for counting, and the counts stand still.
    transfer_shares(ledger, certificate_id, "operation", "merchant-b", 100, as_="merchant-a")
    transfer_shares(ledger, certificate_id, "operation", "merchant-c", 100, as_="merchant-a")
    shown = certificate_compliance(ledger, certificate_id)
    assert (shown.holders["operation"], shown.holders_counted) == (1, False)
    synced = sync_holder_counts(ledger, as_="admin")
    assert synced.changes == [{"certificate": certificate_id, "right": "operation", "counted": 1, "holders": 3}]
    assert synced.timelock is not None and synced.timelock.state == "executed"
    assert certificate_compliance(ledger, certificate_id).holders == {"holding": 1, "development": 1, "operation": 3}
    assert sync_holder_counts(ledger, [certificate_id], as_="admin") == type(synced)([], None)


def test_the_first_module_that_counts_holders_comes_into_force_with_the_counts_re_synced(
    ledger: LedgerContext,
) -> None:
    certificate_id = issued_certificate(ledger)
    transfer_shares(ledger, certificate_id, "holding", "merchant-b", 100, as_="merchant-a")
    jurisdiction = add_module(ledger, "jurisdiction", as_="admin")
    assert jurisdiction.holder_counts == []  # it does not count holders
    added = add_module(ledger, "holder-cap", {"holding": 2}, as_="admin")
    assert added.holder_counts == [{"certificate": certificate_id, "right": "holding", "counted": 1, "holders": 2}]
    assert added.timelock.state == "executed"
    shown = certificate_compliance(ledger, certificate_id)
    assert (shown.holders["holding"], shown.holders_counted) == (2, True)
    # Counted from then on: a third holder is refused, and the count follows the shares.
    with pytest.raises(ContractRevertError) as refused:
        check_transfer(ledger, certificate_id, "holding", "merchant-a", "merchant-c", 100)
    assert refused.value.name == "ComplianceHolderCapExceeded"
    transfer_shares(ledger, certificate_id, "operation", "merchant-c", 100, as_="merchant-a")
    assert certificate_compliance(ledger, certificate_id).holders["operation"] == 2
    # A second module that counts finds the counts kept: nothing to re-sync.
    assert add_module(ledger, "holder-cap", {"development": 5}, as_="admin").holder_counts == []

