"""`qatfix explain`: every code has the four sections."""
from __future__ import annotations

import pytest

from qatfix.cli.explain import catalogue
from qatfix.cli.main import main


@pytest.mark.parametrize("code", sorted(catalogue()))
def test_every_code_is_explained(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", code.lower()]) == 0
    out = capsys.readouterr().out
    assert out.startswith(code)
    for section in ("What it checks:", "Why it matters:", "Fix safety:"):
        assert section in out


def test_listing_and_unknown_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == sorted(catalogue())
    assert main(["explain", "QF999"]) == 2
