"""Broken `_BASE_` lists: wrong type, folders, missing files, cycles, symlink loops, special
files, and (in review mode) paths that leave the repository."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from qatfix.run.engine import check
from qatfix.run.plan import Run
from qatfix.run.request import CheckRequest
from qatfix.errors import ConfigError
from tests.hostile.helpers import assert_unchanged, commands, error_line, run_cli, snapshot, write

READERS = ["check", "resolve", "apply"]


def _run(capsys: pytest.CaptureFixture[str], root: Path, config: Path, command: str,
         line: int | None, pattern: str, named: Path | None = None) -> str:
    before = snapshot(root)
    run = run_cli(capsys, *commands(str(config))[command])
    text = error_line(run, named or config, line, pattern)
    assert_unchanged(before, root)
    return text


@pytest.mark.parametrize("value", ["base.yml", "{a: base.yml}", "[1, 2]", "[[base.yml]]", "~",
                                   "!Base [base.yml]"],
                         ids=["string", "mapping", "numbers", "nested", "null", "tagged"])
@pytest.mark.parametrize("command", READERS)
def test_base_that_is_not_a_list_of_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          value: str, command: str) -> None:
    write(tmp_path / "base.yml", "epoch: 1\n")
    config = write(tmp_path / "model.yml", f"use_gpu: true\n_BASE_: {value}\n")
    _run(capsys, tmp_path, config, command, 2, "_BASE_ must be a list of file paths")


@pytest.mark.parametrize("command", READERS)
def test_base_naming_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              command: str) -> None:
    (tmp_path / "datasets").mkdir()
    config = write(tmp_path / "model.yml", "_BASE_: [\n  'datasets',\n]\nepoch: 1\n")
    _run(capsys, tmp_path, config, command, 2, r"base file 'datasets' is a directory")


@pytest.mark.parametrize("command", READERS)
def test_base_naming_a_missing_file_shows_the_chain(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    middle = write(tmp_path / "_base_" / "middle.yml", "_BASE_: ['../runtime.yml']\nepoch: 1\n")
    config = write(tmp_path / "model.yml", "_BASE_: ['_base_/middle.yml']\n")
    text = _run(capsys, tmp_path, config, command, 1, r"base file '\.\./runtime\.yml' not found",
                named=middle)
    assert f"included from {middle} <- {config}" in text


@pytest.mark.parametrize("command", READERS)
def test_base_naming_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            command: str) -> None:
    config = write(tmp_path / "model.yml", "_BASE_: ['model.yml']\nepoch: 1\n")
    _run(capsys, tmp_path, config, command, None, rf"_BASE_ cycle: {config} -> {config}$")


@pytest.mark.parametrize("command", READERS)
def test_a_longer_base_cycle(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             command: str) -> None:
    a = write(tmp_path / "a.yml", "_BASE_: ['sub/b.yml']\n")
    b = write(tmp_path / "sub" / "b.yml", "_BASE_: ['../c.yml']\n")
    c = write(tmp_path / "c.yml", "_BASE_: ['a.yml']\n")
    text = _run(capsys, tmp_path, a, command, None, "_BASE_ cycle")
    assert text.endswith(f"{a} -> {b} -> {c} -> {a}")


def test_a_file_included_twice_is_no_cycle(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "runtime.yml", "use_gpu: true\n")
    write(tmp_path / "reader.yml", "_BASE_: ['runtime.yml']\nbatch_size: 2\n")
    config = write(tmp_path / "model.yml", "_BASE_: ['runtime.yml', 'reader.yml']\nepoch: 1\n")
    run = run_cli(capsys, "resolve", str(config), "--format", "json")
    assert run.code == 0, run.err


@pytest.fixture
def symlink_loop(tmp_path: Path) -> Path:
    """a.yml -> b.yml -> a.yml"""
    os.symlink("b.yml", tmp_path / "a.yml")
    os.symlink("a.yml", tmp_path / "b.yml")
    return tmp_path / "a.yml"


@pytest.mark.parametrize("command", ["check", "resolve", "apply", "set"])
def test_a_symlink_loop_as_the_config(symlink_loop: Path, capsys: pytest.CaptureFixture[str],
                                      command: str) -> None:
    _run(capsys, symlink_loop.parent, symlink_loop, command, None,
         "Too many levels of symbolic links")


@pytest.mark.parametrize("command", READERS)
def test_a_base_through_a_symlink_loop(symlink_loop: Path, capsys: pytest.CaptureFixture[str],
                                       command: str) -> None:
    config = write(symlink_loop.parent / "model.yml", "epoch: 1\n_BASE_: ['a.yml']\n")
    _run(capsys, symlink_loop.parent, config, command, 2,
         r"base file 'a\.yml' is a symbolic link to nothing \(broken, or a loop\)")


@pytest.mark.parametrize("command", READERS)
def test_a_base_that_is_a_fifo_is_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           command: str) -> None:
    """Opening a FIFO for reading blocks until a writer comes: it must not be opened."""
    os.mkfifo(tmp_path / "runtime.yml")
    config = write(tmp_path / "model.yml", "_BASE_: ['runtime.yml']\n")
    _run(capsys, tmp_path, config, command, 1, "is not a regular file")


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    write(tmp_path / "outside.yml", "epoch: 1\n")
    write(repo / "configs" / "up.yml", "_BASE_: ['../../outside.yml']\nuse_gpu: true\n")
    write(repo / "configs" / "absolute.yml",
          f"_BASE_: ['{tmp_path / 'outside.yml'}']\nuse_gpu: true\n")
    os.symlink(tmp_path / "outside.yml", repo / "configs" / "link.yml")
    write(repo / "configs" / "via_link.yml", "_BASE_: ['link.yml']\nuse_gpu: true\n")
    return repo


@pytest.mark.parametrize("name", ["up", "absolute", "via_link"])
def test_review_mode_refuses_bases_outside_the_repository(repository: Path, name: str) -> None:
    config = repository / "configs" / f"{name}.yml"
    before = snapshot(repository.parent)
    with pytest.raises(ConfigError, match=r"_BASE_ leaves the repository") as caught:
        check(Run(str(config)), CheckRequest(root=str(repository)))
    assert "\n" not in str(caught.value)
    assert_unchanged(before, repository.parent)


@pytest.mark.parametrize("name", ["up", "absolute", "via_link"])
def test_outside_review_mode_such_bases_are_read_as_ppdet_reads_them(
        repository: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    run = run_cli(capsys, "resolve", str(repository / "configs" / f"{name}.yml"), "--format",
                  "json")
    assert run.code == 0, run.err
    assert '"epoch": 1' in run.out
