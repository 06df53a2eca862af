"""The same bad inputs through `python -m qatfix` in a fresh process: nothing but one error line
reaches stderr (no traceback from any layer, including argument decoding)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.helpers import assert_out, error_line, run_module, snapshot, write

FILES = {
    "malformed": (b"epoch: [1, 2\nuse_gpu: true\n", 2),
    "binary": (bytes(range(256)) * 4, None),
    "invalid_utf8": (b"epoch: 1\nname: \xff\xfe\n", 2),
    "empty": (b"", None),
    "list": (b"- 1\n- 2\n", None),
    "cycle": (b"_BASE_: ['cycle.yml']\n", None),
}


@pytest.mark.parametrize("name", sorted(FILES))
@pytest.mark.parametrize("argv", [("check",), ("resolve", "--format", "json"),
                                  ("check", "--apply"), ("resolve", "--blame")],
                         ids=["check", "json", "apply", "blame"])
def test_no_traceback_reaches_stderr(tmp_path: Path, name: str, argv: tuple[str, ...]) -> None:
    content, line = FILES[name]
    path = write(tmp_path / f"{name}.yml", content)
    before = snapshot(tmp_path)
    run = run_module(*argv, str(path))
    error_line(run, path, line)
    assert_out(run, argv[0])
    assert snapshot(tmp_path) == before


def _run_bytes(*argv: bytes | str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "qatfix", *argv], capture_output=True,
                          timeout=120, env={**os.environ, "NO_COLOR": "1", **env})


@pytest.mark.parametrize("argv", [
    ("resolve", "{config}", "-o", b"epoch=\xff"),
    ("check", "{config}", "-o", b"epoch=caf\xe9"),
    ("set", "{config}", "epoch", b"\xff\xfe"),
], ids=["resolve_option", "check_option", "set_value"])
def test_undecodable_command_line_bytes(tmp_path: Path, argv: tuple[bytes | str, ...]) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates; they are refused as text."""
    config = write(tmp_path / "model.yml", "epoch: 1\n")
    before = snapshot(tmp_path)
    done = _run_bytes(*(str(config) if a == "{config}" else a for a in argv))
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.decode("utf-8", "replace").splitlines()
    assert line.startswith("qatfix: error: ") and "invalid UTF-8" in line
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("encoding", ["utf-8:strict", "ascii:strict"])
@pytest.mark.parametrize("argv", [("check",), ("resolve", "--format", "json"), ("resolve",)],
                         ids=["check", "json", "yaml"])
def test_a_config_path_that_is_not_utf8_is_printed_not_fatal(
        tmp_path: Path, encoding: str, argv: tuple[str, ...]) -> None:
    """Even where stdout is strict (a UTF-8 locale other than C.UTF-8), the name that is printed
    (in a finding, or as `filename`) does not stop the run."""
    name = os.fsencode(tmp_path) + b"/caf\xe9.yml"
    with open(name, "wb") as handle:
        handle.write(b"architecture: YOLOv3\nepoch: 1\nepoch: 2\n")
    done = _run_bytes(*argv, name, PYTHONIOENCODING=encoding)
    assert b"Traceback" not in done.stderr
    assert done.returncode == (1 if argv == ("check",) else 0), done.stderr
    # as the bytes it was on a UTF-8 stdout, escaped otherwise (and always in YAML's quotes)
    assert any(shown in done.stdout for shown in (b"caf\xe9", b"caf\\udce9"))
