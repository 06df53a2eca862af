"""The `fuzz` marker: long fuzzing runs, skipped unless QATFIX_FUZZ=1."""
from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: long fuzzing run, only with QATFIX_FUZZ=1")
