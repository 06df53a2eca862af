"""Inputs built to exhaust time or memory: a 50 MB file, a dense file under the size limit,
alias bombs ("billion laughs") and 10,000-deep nesting.

They must be refused quickly, before being parsed in full or expanded: these tests finishing
within the suite's normal run is the bound on time (no timing asserts); the fresh-process runs
also cap the address space, so an expansion would fail them rather than swap.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from qatfix.config.loader import MAX_FILE_BYTES, MAX_VALUES
from tests.hostile.helpers import (
    assert_out, assert_unchanged, commands, error_line, run_cli, run_module, snapshot, write,
)

MEMORY_LIMIT = 512 * 1024 * 1024


def alias_bomb() -> str:
    """10 levels of 10 aliases: 10**10 strings once expanded."""
    lines = ["epoch: 1", "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def merge_bomb() -> str:
    """The same through `<<` merge keys, which PyYAML flattens."""
    lines = ["epoch: 1", "m0: &m0 {k: 1}"]
    for level in range(1, 10):
        lines.append(f"m{level}: &m{level}")
        lines.append("  <<: [" + ", ".join([f"*m{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


DEEP = {
    "flow_lists": "epoch: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "flow_maps": "epoch: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
    "block_lists": "epoch:\n" + "- " * 10_000 + "x\n",
    "mixed": "epoch: " + "[{a: " * 5_000 + "1" + "}]" * 5_000 + "\n",
}


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 50 MB config: one long plain scalar, so it would even parse if it were let through."""
    path = tmp_path_factory.mktemp("huge") / "huge.yml"
    with open(path, "wb") as handle:
        handle.write(b"epoch: 1\nname: ")
        handle.write(b"x" * (50 * 1024 * 1024))
        handle.write(b"\n")
    return path


@pytest.mark.parametrize("command", ["check", "resolve", "apply", "set"])
def test_a_50_mb_file_is_refused_before_parsing(huge: Path, capsys: pytest.CaptureFixture[str],
                                                 command: str) -> None:
    assert huge.stat().st_size > MAX_FILE_BYTES
    before = snapshot(huge.parent)
    run = run_cli(capsys, *commands(str(huge))[command])
    error_line(run, huge, None, r"refuses YAML files over 10,485,760 bytes")
    assert_unchanged(before, huge.parent)


@pytest.mark.parametrize("command", ["check", "resolve", "apply", "set"])
def test_a_dense_file_under_the_size_limit_is_refused_at_the_value_limit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    path = write(tmp_path / "dense.yml", "epoch:\n" + "  - [1, 2, 3, {b: c}]\n" * 50_000)
    assert path.stat().st_size < MAX_FILE_BYTES
    before = snapshot(tmp_path)
    run = run_cli(capsys, *commands(str(path))[command])
    # the root, `epoch` and its list come first, then 7 values a line
    expected_line = None if command == "set" else MAX_VALUES // 7 + 2
    error_line(run, path, expected_line, rf"more than {MAX_VALUES:,} values in this file")
    assert_unchanged(before, tmp_path)


@pytest.mark.parametrize("bomb", [alias_bomb, merge_bomb], ids=["aliases", "merge_keys"])
@pytest.mark.parametrize("command", ["check", "resolve", "apply", "set"])
def test_an_alias_bomb_is_refused_without_expanding_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], bomb: Callable[[], str],
        command: str) -> None:
    path = write(tmp_path / "bomb.yml", bomb())
    before = snapshot(tmp_path)
    run = run_cli(capsys, *commands(str(path))[command])
    error_line(run, path, None, r"through aliases \(an alias bomb\)")
    assert_unchanged(before, tmp_path)


@pytest.mark.parametrize("bomb", [alias_bomb, merge_bomb], ids=["aliases", "merge_keys"])
@pytest.mark.parametrize("argv", [("check",), ("resolve", "--format", "json"),
                                  ("resolve", "--blame"), ("resolve", "--format", "yaml")],
                         ids=["check", "json", "blame", "yaml"])
def test_an_alias_bomb_in_a_fresh_process_with_capped_memory(
        tmp_path: Path, bomb: Callable[[], str], argv: tuple[str, ...]) -> None:
    path = write(tmp_path / "bomb.yml", bomb())
    run = run_module(*argv, str(path), memory_limit=MEMORY_LIMIT)
    error_line(run, path, None, "alias bomb")
    assert_out(run, argv[0])


def test_an_alias_bomb_in_a_base_file_names_the_base(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = write(tmp_path / "_base_" / "bomb.yml", alias_bomb())
    config = write(tmp_path / "model.yml", "_BASE_: ['_base_/bomb.yml']\nepoch: 2\n")
    run = run_cli(capsys, "resolve", str(config), "--format", "json")
    error_line(run, base, None, "alias bomb")


def test_aliases_below_the_limit_still_resolve_shared(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The limit counts expanded values, so a small shared anchor is nowhere near it."""
    path = write(tmp_path / "ok.yml", "\n".join([
        "reader: &reader {batch_size: 8, shuffle: true}",
        *(f"r{i}: *reader" for i in range(200)),
    ]) + "\n")
    run = run_cli(capsys, "resolve", str(path), "--format", "json")
    assert run.code == 0, run.err
    assert '"r199": {' in run.out


@pytest.mark.parametrize("shape", sorted(DEEP))
@pytest.mark.parametrize("command", ["check", "resolve", "apply", "set"])
def test_10000_deep_nesting_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       shape: str, command: str) -> None:
    path = write(tmp_path / "deep.yml", DEEP[shape])
    before = snapshot(tmp_path)
    run = run_cli(capsys, *commands(str(path))[command])
    error_line(run, path, None, r"nesting (deeper|too deep).* 500 levels")
    assert_unchanged(before, tmp_path)


@pytest.mark.parametrize("shape", sorted(DEEP))
def test_10000_deep_nesting_in_a_fresh_process_with_capped_memory(
        tmp_path: Path, shape: str) -> None:
    path = write(tmp_path / "deep.yml", DEEP[shape])
    for argv in (("check",), ("resolve", "--format", "json")):
        run = run_module(*argv, str(path), memory_limit=MEMORY_LIMIT)
        error_line(run, path, None, "500 levels")
