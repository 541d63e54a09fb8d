"""A fixture shared by the test folders that run `dal`: no DAL_* setting of the machine leaks into a test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No DAL_* setting of the machine running the tests leaks into them."""
    for name in list(os.environ):
        if name.startswith("DAL_"):
            monkeypatch.delenv(name)
    yield
