from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pytest

from qatfix.report import want_color
from qatfix.report.color import paint


@pytest.fixture
def tty() -> Iterator[io.TextIOWrapper]:
    """A real terminal: the slave end of a pseudo-terminal."""
    master, slave = os.openpty()
    stream = os.fdopen(slave, "w")
    try:
        yield stream
    finally:
        stream.close()
        os.close(master)


def test_terminal_gets_color_and_pipe_does_not(tty: io.TextIOWrapper) -> None:
    assert want_color(tty, env={}) is True
    assert want_color(io.StringIO(), env={}) is False


def test_no_color_wins_over_terminal_and_force(tty: io.TextIOWrapper) -> None:
    assert want_color(tty, env={"NO_COLOR": "1"}) is False
    assert want_color(tty, env={"NO_COLOR": "1", "FORCE_COLOR": "1"}) is False


def test_empty_no_color_is_ignored(tty: io.TextIOWrapper) -> None:
    assert want_color(tty, env={"NO_COLOR": ""}) is True


def test_force_color_colours_a_pipe_unless_zero(tty: io.TextIOWrapper) -> None:
    assert want_color(io.StringIO(), env={"FORCE_COLOR": "1"}) is True
    assert want_color(io.StringIO(), env={"FORCE_COLOR": "true"}) is True
    assert want_color(tty, env={"FORCE_COLOR": "0"}) is False
    assert want_color(tty, env={"FORCE_COLOR": ""}) is True


def test_dumb_terminal_and_closed_stream(tty: io.TextIOWrapper) -> None:
    assert want_color(tty, env={"TERM": "dumb"}) is False
    closed = io.StringIO()
    closed.close()
    assert want_color(closed, env={}) is False
    assert want_color(object(), env={}) is False


def test_reads_the_process_environment(tty: io.TextIOWrapper, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert want_color(tty) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert want_color(tty) is True


def test_paint() -> None:
    assert paint("x", "bold", "red", enabled=True) == "\x1b[1;31mx\x1b[0m"
    assert paint("x", "bold", enabled=False) == "x"
    assert paint("", "bold", enabled=True) == ""
