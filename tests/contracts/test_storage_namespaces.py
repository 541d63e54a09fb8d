"""Every ERC-7201 namespace of the suite sits at the slot its name derives, and no two share one."""

from __future__ import annotations

import re

from eth_utils.crypto import keccak

from ledger.chain.compiler import PROJECT_ROOT

LOCATION = re.compile(r"@custom:storage-location erc7201:([\w.]+)")
CONSTANT = re.compile(r"keccak256\(\"([\w.]+)\"\)\) - 1\)\) & ~bytes32\(uint256\(0xff\)\)\s*\n\s*bytes32 private constant \w+ =\s*(0x[0-9a-f]{64});")


def erc7201_slot(namespace: str) -> int:
    """``keccak256(abi.encode(uint256(keccak256(namespace)) - 1)) & ~bytes32(uint256(0xff))``."""
    inner = int.from_bytes(keccak(text=namespace), "big") - 1
    return int.from_bytes(keccak(inner.to_bytes(32, "big")), "big") & ~0xFF


def test_every_namespace_constant_is_the_slot_its_name_derives() -> None:
    sources = [path for path in (PROJECT_ROOT / "contracts").rglob("*.sol") if "testing" not in path.parts]
    namespaces: dict[str, str] = {}
    for path in sources:
        text = path.read_text()
        declared = LOCATION.findall(text)
        constants = dict(CONSTANT.findall(text))
        assert sorted(declared) == sorted(constants), f"{path.name}: each namespace needs its slot constant"
        for namespace, slot in constants.items():
            assert int(slot, 16) == erc7201_slot(namespace), f"{path.name}: {namespace}"
            assert namespace.startswith("dataassetledger.storage.")
            assert namespace not in namespaces, f"{namespace} is used by {namespaces.get(namespace)} too"
            namespaces[namespace] = path.name
    assert sorted(namespaces) == [
        f"dataassetledger.storage.{name}"
        for name in (
            "Anchors", "Certificates", "Compliance", "Consortium", "Pledges", "Registrations", "Rights",
            "SuiteContract",
        )
    ]
