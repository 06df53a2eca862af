"""Files that cannot be read or written, special files, and files that change under qatfix."""
from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

import qatfix.run.fixes
import qatfix.edit
import qatfix.cli.set as set_command
from tests.conftest import run_unprivileged
from tests.hostile.helpers import (
    EXAMPLE, EXAMPLE_CONFIG, EXAMPLE_SLIM, Run, assert_unchanged, commands, error_line, run_cli,
    snapshot, write,
)

ALL = ["check", "resolve", "apply", "set"]


def _apply(capsys: pytest.CaptureFixture[str]) -> Any:
    return run_cli(capsys, "check", "-c", EXAMPLE_CONFIG, "--slim_config", EXAMPLE_SLIM,
                   "--apply")


def _unprivileged(cwd: Path, *argv: str) -> Run:
    """`python -m qatfix ARGV` in a fresh process that permission bits stop (as `nobody` when the
    tests run as root)."""
    done = run_unprivileged([sys.executable, "-m", "qatfix", *argv], cwd)
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("command", ALL)
def test_a_config_without_read_permission(tmp_path: Path, command: str) -> None:
    path = write(tmp_path / "secret.yml", "epoch: 1\n")
    path.chmod(0)
    try:
        run = _unprivileged(tmp_path, *commands(str(path))[command])
        error_line(run, path, None, "Permission denied")
        path.chmod(0o644)
        assert path.read_bytes() == b"epoch: 1\n"
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("command", ALL)
def test_a_config_whose_folder_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         command: str) -> None:
    """Unreadable even for root: a path through a regular file."""
    write(tmp_path / "configs", "not a folder\n")
    path = tmp_path / "configs" / "model.yml"
    before = snapshot(tmp_path)
    run = run_cli(capsys, *commands(str(path))[command])
    error_line(run, path, None, "Not a directory")
    assert_unchanged(before, tmp_path)


@pytest.mark.parametrize("command", ALL)
def test_a_missing_config(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          command: str) -> None:
    path = tmp_path / "nope.yml"
    run = run_cli(capsys, *commands(str(path))[command])
    error_line(run, path, None, "no such file")
    assert not path.exists()


@pytest.mark.parametrize("command", ALL)
def test_a_folder_given_as_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  command: str) -> None:
    folder = tmp_path / "model.yml"
    folder.mkdir()
    run = run_cli(capsys, *commands(str(folder))[command])
    if command in ("check", "apply"):  # check reads a folder as "every config in it": none here
        error_line(run, folder, None, "no .yml or .yaml configs in this folder")
        return
    error_line(run, folder, None, "is a directory")


@pytest.mark.parametrize("special", ["fifo", "dev_zero", "dev_null"])
@pytest.mark.parametrize("command", ALL)
def test_special_files_are_not_opened(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      special: str, command: str) -> None:
    """A FIFO would block the read forever and /dev/zero would never end."""
    path = tmp_path / "model.yml"
    if special == "fifo":
        os.mkfifo(path)
    else:
        os.symlink("/dev/zero" if special == "dev_zero" else "/dev/null", path)
    run = run_cli(capsys, *commands(str(path))[command])
    error_line(run, path, None, "not a regular file")


def test_apply_to_a_read_only_file_writes_nothing(example: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    slim = example / EXAMPLE_SLIM
    slim.chmod(0o444)
    before = snapshot(example)
    run = _apply(capsys)
    error_line(run, EXAMPLE_SLIM, None, "not writable; nothing written")
    assert_unchanged(before, example)
    assert stat.S_IMODE(slim.stat().st_mode) == 0o444


def test_set_on_a_read_only_file_writes_nothing(example: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    slim = example / EXAMPLE_SLIM
    slim.chmod(0o444)
    before = snapshot(example)
    run = run_cli(capsys, "set", EXAMPLE_SLIM, "epoch", "3")
    error_line(run, EXAMPLE_SLIM, None, "not writable")
    assert_unchanged(before, example)


def test_apply_in_a_read_only_folder_writes_nothing(tmp_path: Path) -> None:
    example = tmp_path / "example"
    shutil.copytree(EXAMPLE, example)
    folder = (example / EXAMPLE_SLIM).parent
    folder.chmod(0o555)
    try:
        before = snapshot(example)
        run = _unprivileged(example, "check", "-c", EXAMPLE_CONFIG, "--slim_config", EXAMPLE_SLIM,
                            "--apply")
        error_line(run, EXAMPLE_SLIM, None, "not writable")
        assert_unchanged(before, example)
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            p.name for p in (EXAMPLE / EXAMPLE_SLIM).parent.iterdir())
    finally:
        folder.chmod(0o755)


def _after(real: Callable[..., Any], action: Callable[[], None]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        action()
        return result

    return wrapped


def test_apply_refuses_a_file_changed_after_the_check(
        example: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    slim = example / EXAMPLE_SLIM
    edited = slim.read_bytes().replace(b"epoch: 50", b"epoch: 60")

    def someone_edits() -> None:
        slim.write_bytes(edited)

    monkeypatch.setattr(qatfix.run.fixes, "verify",
                        _after(qatfix.run.fixes.verify, someone_edits))
    before = snapshot(example)
    run = _apply(capsys)
    error_line(run, EXAMPLE_SLIM, None, "changed since it was read; nothing written")
    assert slim.read_bytes() == edited  # their edit survives, qatfix's is not written over it
    after = snapshot(example)
    assert set(after) == set(before)  # no temporary file left behind
    assert {p for p in after if after[p] != before[p]} == {str(slim)}


def test_apply_refuses_a_file_deleted_after_the_check(
        example: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    slim = example / EXAMPLE_SLIM
    monkeypatch.setattr(qatfix.run.fixes, "verify", _after(qatfix.run.fixes.verify, slim.unlink))
    run = _apply(capsys)
    error_line(run, EXAMPLE_SLIM, None, "no such file")
    assert not slim.exists()


def test_set_refuses_a_file_changed_after_it_was_read(
        example: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    slim = example / EXAMPLE_SLIM
    edited = slim.read_bytes() + b"snapshot_epoch: 5\n"

    def someone_edits() -> None:
        slim.write_bytes(edited)

    monkeypatch.setattr(set_command, "set_value", _after(set_command.set_value, someone_edits))
    run = run_cli(capsys, "set", EXAMPLE_SLIM, "epoch", "3")
    error_line(run, EXAMPLE_SLIM, None, "changed since it was read")
    assert slim.read_bytes() == edited
