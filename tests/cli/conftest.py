"""Fixtures of the CLI tests: a clean environment and a data home per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No DAL_* setting of the machine running the tests leaks into them."""
    for name in list(os.environ):
        if name.startswith("DAL_"):
            monkeypatch.delenv(name)
    yield


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty data home."""
    path = tmp_path / "dal-home"
    path.mkdir()
    return path
