"""Transactions signed by the ledger's signer are byte for byte those eth-account signs."""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_utils import to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.chain.signing import TransactionSigner, UnsignedTransaction

KEY = bytes.fromhex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
ACCOUNT = Account.from_key(KEY)
SIGNER = TransactionSigner(KEY)

_quantity = st.integers(min_value=0, max_value=2**256 - 1)
_common = {
    "chain_id": st.integers(min_value=1, max_value=2**32),
    "nonce": st.integers(min_value=0, max_value=2**64 - 2),
    "gas": st.integers(min_value=21_000, max_value=2**63 - 1),
    "to": st.one_of(st.just(b""), st.binary(min_size=20, max_size=20)),
    "value": _quantity,
    "data": st.binary(max_size=300),
}


def _eth_account_fields(tx: UnsignedTransaction) -> dict[str, Any]:
    fields: dict[str, Any] = {"chainId": tx.chain_id, "nonce": tx.nonce, "gas": tx.gas, "value": tx.value,
                              "data": tx.data}
    if tx.to:
        fields["to"] = to_checksum_address(tx.to)
    if tx.gas_price is not None:
        fields["gasPrice"] = tx.gas_price
    else:
        fields["maxFeePerGas"] = tx.max_fee_per_gas
        fields["maxPriorityFeePerGas"] = tx.max_priority_fee_per_gas
    return fields


@settings(max_examples=60, deadline=None)
@given(st.builds(UnsignedTransaction, gas_price=_quantity, **_common))
def test_a_legacy_transaction_is_signed_as_eth_account_signs_it(tx: UnsignedTransaction) -> None:
    assert SIGNER.sign(tx) == bytes(ACCOUNT.sign_transaction(_eth_account_fields(tx)).raw_transaction)


@settings(max_examples=60, deadline=None)
@given(st.builds(UnsignedTransaction, max_fee_per_gas=_quantity, max_priority_fee_per_gas=_quantity, **_common))
def test_a_dynamic_fee_transaction_is_signed_as_eth_account_signs_it(tx: UnsignedTransaction) -> None:
    assert SIGNER.sign(tx) == bytes(ACCOUNT.sign_transaction(_eth_account_fields(tx)).raw_transaction)


def test_a_transaction_without_fees_is_refused() -> None:
    tx = UnsignedTransaction(chain_id=1, nonce=0, gas=21_000, to=b"\x01" * 20, value=0, data=b"")
    try:
        SIGNER.sign(tx)
    except ValueError as exc:
        assert "gas_price" in str(exc)
    else:
        raise AssertionError("signed a transaction without fees")
