"""View calls without web3: encoded and decoded with eth-abi against the shipped ABIs, sent as plain JSON-RPC.

Every read of contract state goes through here, whether one read of the
latest block (:meth:`ledger.context.LedgerContext.call`) or an answer's
reads pinned to one block (:class:`ledger.reader.ChainReader`). eth-abi
encodes the arguments directly (web3's encoding of the same call costs about
a millisecond, and importing web3 costs more than a short command's whole
answer); arguments eth-abi does not take as they are (hex text for bytes, an
overloaded function's name) are encoded by web3, imported only then and with
no connection. A refusal is the decoded custom error
(:class:`~ledger.errors.ContractRevertError`), as for a transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_abi.exceptions import EncodingError
from eth_utils.abi import collapse_if_tuple, function_abi_to_4byte_selector
from hexbytes import HexBytes

from ledger.chain.artifacts import ContractAbi
from ledger.chain.logs import checksum
from ledger.chain.revert import RevertDecoder, revert_data_of
from ledger.chain.rpc import JsonRpc, RpcError
from ledger.errors import TransactionError

__all__ = ["ZERO_ADDRESS", "as_plain", "as_web3_returns", "decode_output", "encode_call", "view_call"]

#: The sender of every view call.
ZERO_ADDRESS = checksum("0x" + "00" * 20)

#: A function's selector, input types and ABI entry; ``None`` for an overloaded name.
_Function = tuple[bytes, list[str], Mapping[str, Any]] | None
# id(abi list) -> (the list, its functions by name): the shipped ABIs are loaded once per process.
_FUNCTIONS: dict[int, tuple[list[dict[str, Any]], dict[str, _Function]]] = {}


def _functions(abi: list[dict[str, Any]]) -> dict[str, _Function]:
    known = _FUNCTIONS.get(id(abi))
    if known is not None and known[0] is abi:
        return known[1]
    grouped: dict[str, list[dict[str, Any]]] = {}
    for entry in abi:
        if entry.get("type") == "function":
            grouped.setdefault(str(entry["name"]), []).append(entry)
    functions: dict[str, _Function] = {
        name: None if len(entries) != 1 else (
            bytes(function_abi_to_4byte_selector(entries[0])),  # type: ignore[arg-type]
            [collapse_if_tuple(dict(item)) for item in entries[0].get("inputs", [])],
            entries[0],
        )
        for name, entries in grouped.items()
    }
    _FUNCTIONS[id(abi)] = (abi, functions)
    return functions


def encode_call(contract: ContractAbi, function: str, args: Sequence[Any]) -> tuple[bytes, Mapping[str, Any]]:
    """The calldata of ``contract.function(*args)`` and the function's ABI entry."""
    known = _functions(contract.abi).get(function)
    if known is not None:
        selector, types, entry = known
        try:
            return selector + abi_encode(types, list(args)), entry
        except (EncodingError, TypeError, ValueError):
            pass  # arguments web3 would first convert (hex text for bytes, ...)
    from eth_utils.address import to_checksum_address
    from web3 import Web3

    bound = Web3().eth.contract(address=to_checksum_address(contract.address), abi=contract.abi)
    fn = bound.functions[function](*args)
    return bytes(HexBytes(fn._encode_transaction_data())), fn.abi


def _output_types(entry: Mapping[str, Any]) -> list[str]:
    return [collapse_if_tuple(dict(item)) for item in entry.get("outputs", [])]


def decode_output(entry: Mapping[str, Any], output: bytes) -> tuple[Any, ...]:
    """The values ``output`` holds, as eth-abi decodes them."""
    return tuple(abi_decode(_output_types(entry), output))


def _shaped(abi_type: str, components: Sequence[Mapping[str, Any]] | None, value: Any, as_dicts: bool) -> Any:
    """``value`` of ``abi_type`` with arrays as lists, addresses checksummed, and structs as dicts by field name
    (``as_dicts``) or as tuples (as web3 returns them)."""
    if abi_type.endswith("]"):
        inner = abi_type[: abi_type.rindex("[")]
        return [_shaped(inner, components, item, as_dicts) for item in value]
    if abi_type == "tuple" and components is not None:
        fields = [
            (str(part["name"]), _shaped(str(part["type"]), part.get("components"), item, as_dicts))
            for part, item in zip(components, value, strict=True)
        ]
        return dict(fields) if as_dicts else tuple(field for _, field in fields)
    if abi_type == "address":
        return checksum(value)
    return value


def _outputs(entry: Mapping[str, Any], values: Sequence[Any], as_dicts: bool) -> list[Any]:
    outputs = list(entry.get("outputs", []))
    return [
        _shaped(str(item["type"]), item.get("components"), value, as_dicts)
        for item, value in zip(outputs, values, strict=True)
    ]


def as_plain(entry: Mapping[str, Any], values: Sequence[Any]) -> Any:
    """Decoded outputs in plain Python: structs as dicts by field name, arrays as lists, addresses checksummed;
    one value alone, several as a tuple."""
    plain = _outputs(entry, values, as_dicts=True)
    return plain[0] if len(plain) == 1 else tuple(plain)


def as_web3_returns(entry: Mapping[str, Any], values: Sequence[Any]) -> Any:
    """Decoded outputs as a web3 contract call returns them: structs as tuples, arrays as lists, addresses
    checksummed; one value alone, several as a list."""
    shaped = _outputs(entry, values, as_dicts=False)
    return shaped[0] if len(shaped) == 1 else shaped


def view_call(
    rpc: JsonRpc, decoder: RevertDecoder, address: str, calldata: bytes, block: int | str, label: str
) -> bytes:
    """What the node answers to ``calldata`` sent to ``address`` at ``block`` (a number or a tag such as
    ``"latest"``); a refusal is the decoded custom error."""
    call = {"from": ZERO_ADDRESS, "to": address, "value": "0x0", "data": "0x" + calldata.hex()}
    try:
        return bytes(HexBytes(rpc.request("eth_call", [call, hex(block) if isinstance(block, int) else block])))
    except RpcError as exc:
        data = revert_data_of(exc.error)
        if data is None:
            raise TransactionError(f"the node refused the call {label}: {exc.message}") from None
        raise decoder.decode(data) from None
