"""Members: admission by the admin, suspension and reinstatement, identities, roles and names."""

from __future__ import annotations

import pytest
from eth_utils.crypto import keccak
from hypothesis import given
from hypothesis import strategies as st
from workflow_chain import chain_snapshot_fixture, ledger_fixture, workflow_chain_fixture  # noqa: F401

from ledger.context import LedgerContext
from ledger.errors import ContractRevertError, NotFoundError, ValidationError
from ledger.inputs import resolve_party
from ledger.members import (
    DEVELOPMENT_MEMBERS,
    Role,
    add_member,
    admin_address,
    identity_from,
    list_members,
    parse_roles,
    reinstate_member,
    role_names,
    show_member,
    suspend_member,
    uscc_identity_hash,
)

# The worked example of GB 32100-2015's check character; and an unfunded account of the public mnemonic.
EXAMPLE_USCC = "91350100M000100Y43"
NEWCOMER = "0x2546BcD3c84621e976D8185a91A922aE77ECEc30"  # development mnemonic, index 16


def test_the_identity_of_a_unified_social_credit_code_is_the_keccak_of_its_prefixed_form() -> None:
    assert uscc_identity_hash(EXAMPLE_USCC) == keccak(text="USCC:" + EXAMPLE_USCC)
    assert uscc_identity_hash(" 91350100m000100y43 ") == keccak(text="USCC:" + EXAMPLE_USCC)


def test_a_code_with_a_wrong_check_character_is_refused_naming_the_right_one() -> None:
    with pytest.raises(ValidationError, match="its check character is '4', the first 17 characters give '3'"):
        uscc_identity_hash("91350100M000100Y44")


_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def _with_check_character(body: str) -> str:
    total = sum(_CHARSET.index(char) * weight for char, weight in zip(body, _WEIGHTS, strict=True))
    return body + _CHARSET[(31 - total % 31) % 31]


@given(
    body=st.text(alphabet=_CHARSET, min_size=17, max_size=17),
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from(_CHARSET),
)
def test_every_code_with_its_check_character_is_accepted_and_any_one_typo_is_caught(
    body: str, position: int, replacement: str
) -> None:
    code = _with_check_character(body)
    assert uscc_identity_hash(code) == keccak(text="USCC:" + code)
    typo = code[:position] + replacement + code[position + 1:]
    if typo != code:
        with pytest.raises(ValidationError, match="is not a valid unified social credit code"):
            uscc_identity_hash(typo)


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100YI3", "not a code at all!"])
def test_a_malformed_code_is_refused(code: str) -> None:
    with pytest.raises(ValidationError, match="is not a unified social credit code"):
        uscc_identity_hash(code)


def test_an_identity_is_given_once_as_a_code_or_as_a_hash() -> None:
    assert identity_from(identity_hash="0x" + "12" * 32) == bytes.fromhex("12" * 32)
    with pytest.raises(ValidationError, match="give the member's identity once"):
        identity_from(uscc=EXAMPLE_USCC, identity_hash="0x" + "12" * 32)
    with pytest.raises(ValidationError, match="must not be zero"):
        identity_from(identity_hash="0x" + "00" * 32)


def test_roles_are_parsed_by_name_and_named_back() -> None:
    assert parse_roles("registrar, Bank") == Role.REGISTRAR | Role.BANK
    assert role_names(Role.MERCHANT | Role.AUDITOR) == ["merchant", "auditor"]
    with pytest.raises(ValidationError, match="unknown role 'lender'"):
        parse_roles("merchant,lender")
    with pytest.raises(ValidationError, match="no role given"):
        parse_roles(" , ")


def test_an_address_is_an_account_name_or_a_checksummed_address(ledger: LedgerContext) -> None:
    merchant = ledger.keystore.info("merchant-a").address
    assert resolve_party(ledger, "merchant-a") == merchant
    assert resolve_party(ledger, merchant.lower()) == merchant
    wrong_case = merchant[:2] + merchant[2:].swapcase()
    with pytest.raises(ValidationError, match="has a wrong checksum"):
        resolve_party(ledger, wrong_case)
    with pytest.raises(ValidationError, match="it must be 0x and 40 hex digits"):
        resolve_party(ledger, "0x1234")
    with pytest.raises(NotFoundError, match="no account or member named 'nobody'"):
        resolve_party(ledger, "nobody")


def test_the_development_consortium_is_listed_with_names_roles_and_local_accounts(ledger: LedgerContext) -> None:
    members = {member.local_name: member for member in list_members(ledger)}
    assert set(DEVELOPMENT_MEMBERS) <= set(members)
    registrar = members["registrar"]
    assert registrar.roles == ["registrar"]
    assert registrar.status == "active"
    assert registrar.name == DEVELOPMENT_MEMBERS["registrar"][0]
    assert registrar.identity_hash == "0x" + keccak(text="DEV:registrar").hex()


def test_the_admin_admits_a_member_with_its_code_and_roles(ledger: LedgerContext) -> None:
    member = add_member(
        ledger, NEWCOMER, name="  Guangzhou  Data Exchange ", roles=parse_roles("registrar,auditor"),
        identity=uscc_identity_hash(EXAMPLE_USCC), as_="admin",
    )
    assert member.account == NEWCOMER
    assert member.name == "Guangzhou Data Exchange"
    assert member.roles == ["registrar", "auditor"]
    assert member.status == "active"
    assert member.identity_hash == "0x" + uscc_identity_hash(EXAMPLE_USCC).hex()
    assert show_member(ledger, NEWCOMER.lower()) == member


def test_only_the_admin_admits_members(ledger: LedgerContext) -> None:
    with pytest.raises(ContractRevertError) as refused:
        add_member(ledger, NEWCOMER, name="X", roles=Role.MERCHANT, identity=b"\x01" * 32, as_="registrar")
    assert refused.value.name == "OwnableUnauthorizedAccount"
    assert refused.value.args_by_name == {"account": resolve_party(ledger, "registrar")}
    assert "is not the consortium admin" in str(refused.value)


def test_an_identity_joins_once(ledger: LedgerContext) -> None:
    taken = keccak(text="DEV:merchant-a")
    with pytest.raises(ContractRevertError) as refused:
        add_member(ledger, NEWCOMER, name="Copy", roles=Role.MERCHANT, identity=taken, as_="admin")
    assert refused.value.name == "ConsortiumIdentityTaken"
    assert refused.value.args_by_name == {
        "identityHash": "0x" + taken.hex(), "account": resolve_party(ledger, "merchant-a")
    }


def test_a_member_is_admitted_once(ledger: LedgerContext) -> None:
    with pytest.raises(ContractRevertError) as refused:
        add_member(ledger, "bank", name="Again", roles=Role.BANK, identity=b"\x02" * 32, as_="admin")
    assert (refused.value.name, refused.value.args_by_name) == (
        "ConsortiumMemberExists", {"account": resolve_party(ledger, "bank")}
    )


def test_a_suspended_member_can_do_nothing_until_reinstated(ledger: LedgerContext) -> None:
    suspended = suspend_member(ledger, "merchant-b", reason="licence under review", as_="admin")
    assert suspended.status == "suspended"
    assert suspended.suspension_reason_hash == "0x" + keccak(text="licence under review").hex()
    with pytest.raises(ContractRevertError) as refused:
        suspend_member(ledger, "merchant-b", reason="again", as_="admin")
    assert (refused.value.name, refused.value.args_by_name) == (
        "ConsortiumMemberSuspended", {"account": resolve_party(ledger, "merchant-b")}
    )
    reinstated = reinstate_member(ledger, "merchant-b", as_="admin")
    assert reinstated.status == "active"
    assert reinstated.suspension_reason_hash is None


def test_reinstating_an_active_member_is_refused(ledger: LedgerContext) -> None:
    with pytest.raises(ContractRevertError) as refused:
        reinstate_member(ledger, "bank", as_="admin")
    assert (refused.value.name, refused.value.args_by_name) == (
        "ConsortiumMemberNotSuspended", {"account": resolve_party(ledger, "bank")}
    )


def test_showing_an_address_that_is_no_member_says_so(ledger: LedgerContext) -> None:
    with pytest.raises(NotFoundError, match="is not a member of the consortium"):
        show_member(ledger, NEWCOMER)


def test_the_admin_is_the_deploying_development_account(ledger: LedgerContext) -> None:
    assert admin_address(ledger) == resolve_party(ledger, "admin")
