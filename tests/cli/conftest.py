"""Fixtures of the CLI tests: a clean environment and a data home per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from dal_environment import clean_environment  # noqa: F401 - a fixture, used by name


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty data home."""
    path = tmp_path / "dal-home"
    path.mkdir()
    return path
