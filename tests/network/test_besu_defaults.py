"""dal's defaults for a Besu network agree with Besu's own.

``--rpc-max-logs-range`` was added in Besu 22.10.3 with a default of 1000 blocks and raised to
5000 in 23.1.2 ("Increase default from 1000 to 5000 for `--rpc-max-logs-range` #5209", Besu's
CHANGELOG.md; the option's declaration in ``ApiConfigurationOptions`` reads ``rpcMaxLogsRange =
5000L``). A profile's ``log_range`` must not exceed the node's cap, or every window of the indexer
is refused.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from ledger.config import Profile
from ledger.network.compose import BESU_VERSION
from ledger.network.layout import NetworkPlan

BESU_MAX_LOGS_RANGE_DEFAULT = 5000  # since Besu 23.1.2
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "config.example.toml"


def test_the_default_log_range_is_besus_default_rpc_max_logs_range() -> None:
    assert Profile.__dataclass_fields__["log_range"].default == BESU_MAX_LOGS_RANGE_DEFAULT
    assert NetworkPlan.__dataclass_fields__["log_range"].default == BESU_MAX_LOGS_RANGE_DEFAULT
    with EXAMPLE.open("rb") as handle:
        example = tomllib.load(handle)
    assert example["profiles"]["besu"]["log_range"] == BESU_MAX_LOGS_RANGE_DEFAULT


def test_the_pinned_besu_release_has_that_default() -> None:
    year, month = (int(part) for part in BESU_VERSION.split(".")[:2])
    assert (year, month) >= (23, 1)
    assert BESU_VERSION != "23.1.0" and BESU_VERSION != "23.1.1"
