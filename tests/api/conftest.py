"""Fixtures of the API tests: a clean environment (the served ledger is in :mod:`served`)."""

from __future__ import annotations

from dal_environment import clean_environment  # noqa: F401 - a fixture, used by name
from workflow_chain import workflow_chain_fixture  # noqa: F401 - a fixture, used by name
