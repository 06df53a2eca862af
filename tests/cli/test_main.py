"""The dispatcher: top-level flags, help, unknown commands."""
from __future__ import annotations

import pytest

from qatfix import __version__
from qatfix.cli.main import SUBCOMMANDS, main


def test_version_prints_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"qatfix {__version__}"


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(f"    {name} " in out for name in SUBCOMMANDS)


def test_no_arguments_prints_help_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert "COMMAND" in capsys.readouterr().out


def test_a_subcommand_help_is_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["explain", "--help"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith("usage: qatfix explain")


def test_unknown_top_level_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--bogus"]) == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err
