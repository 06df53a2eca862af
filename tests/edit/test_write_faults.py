"""The write path under faults, and one fix's edits on adjacent lines.

A fix is written through a temporary file beside the target and `os.replace`: whatever fails
(the replace itself, the disk filling up while the new bytes are written, the process killed
just before the replace), the original file keeps its bytes and its inode and no temporary file
is left behind (except after SIGKILL, which no process can clean up after: then the original
is still untouched). A successful write replaces the file (a new inode), never rewrites it in
place, where a crash would leave half a file.
"""
from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

import qatfix.edit.apply
from qatfix.edit.apply import Splice, apply_text_edits, read_source, text_edits, write_all
from qatfix.errors import EditError
from qatfix.findings import TextEdit

ORIGINAL = "epoch: 1\nweights: output/model_final\n" + "# padding line\n" * 64
NEW = ORIGINAL.replace("epoch: 1", "epoch: 2").replace("# padding", "# longer padding")


def _target(tmp_path: Path) -> Path:
    path = tmp_path / "model.yml"
    path.write_text(ORIGINAL, encoding="utf-8")
    path.chmod(0o640)
    return path


def _untouched(path: Path, inode: int) -> None:
    assert path.read_text(encoding="utf-8") == ORIGINAL
    assert path.stat().st_ino == inode
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name], "a file was left behind"


def test_a_successful_write_replaces_the_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    path = _target(tmp_path)
    inode = path.stat().st_ino
    source = read_source(str(path))
    assert write_all({source.path: source}, {source.path: NEW}) == [source.path]
    assert path.read_text(encoding="utf-8") == NEW
    assert path.stat().st_ino != inode, "written in place: a crash would leave half a file"
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("fault", [OSError(errno.EIO, "Input/output error"),
                                   OSError(errno.EXDEV, "Invalid cross-device link"),
                                   KeyboardInterrupt()])
def test_a_failing_replace_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              fault: BaseException) -> None:
    path = _target(tmp_path)
    inode = path.stat().st_ino
    source = read_source(str(path))
    calls: list[tuple[str, str]] = []

    def failing_replace(src: str, dst: str) -> None:
        calls.append((src, dst))
        raise fault

    monkeypatch.setattr(qatfix.edit.apply.os, "replace", failing_replace)
    expected: type[BaseException] = EditError if isinstance(fault, OSError) else KeyboardInterrupt
    with pytest.raises(expected) as caught:
        write_all({source.path: source}, {source.path: NEW})
    if isinstance(fault, OSError):
        assert "nothing written" in str(caught.value)
    assert len(calls) == 1 and Path(calls[0][1]) == path.resolve()
    _untouched(path, inode)


@pytest.mark.parametrize("fault", [OSError(errno.ENOSPC, "No space left on device"),
                                   KeyboardInterrupt()])
def test_a_failing_fsync_of_the_new_bytes_leaves_the_original(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: BaseException) -> None:
    path = _target(tmp_path)
    inode = path.stat().st_ino
    source = read_source(str(path))

    def failing_fsync(fd: int) -> None:
        raise fault

    monkeypatch.setattr(qatfix.edit.apply.os, "fsync", failing_fsync)
    with pytest.raises(EditError if isinstance(fault, OSError) else KeyboardInterrupt):
        write_all({source.path: source}, {source.path: NEW})
    _untouched(path, inode)


_CHILD = """
import os, resource, signal, sys
from qatfix.edit.apply import read_source, write_all
from qatfix.errors import EditError
import qatfix.edit.apply
path, new, how = sys.argv[1], sys.argv[2], sys.argv[3]
source = read_source(path)
if how == "disk-full":
    # writes past 64 bytes fail with EFBIG, as on a full disk, while the new bytes are written
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, resource.RLIM_INFINITY))
elif how == "killed":
    def killed(*args):
        os.kill(os.getpid(), signal.SIGKILL)
    qatfix.edit.apply.os.replace = killed
try:
    write_all({source.path: source}, {source.path: open(new, encoding="utf-8").read()})
except EditError as exc:
    print("EditError:", exc)
"""


def _crash(tmp_path: Path, how: str) -> subprocess.CompletedProcess[str]:
    new = tmp_path.parent / f"{tmp_path.name}-new.yml"
    new.write_text(NEW, encoding="utf-8")
    return subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path / "model.yml"), str(new),
                           how], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def test_the_disk_filling_up_mid_write_leaves_the_original(tmp_path: Path) -> None:
    path = _target(tmp_path)
    inode = path.stat().st_ino
    done = _crash(tmp_path, "disk-full")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("EditError:") and "nothing written" in done.stdout, done.stdout
    _untouched(path, inode)


def test_a_process_killed_before_the_replace_leaves_the_original(tmp_path: Path) -> None:
    path = _target(tmp_path)
    inode = path.stat().st_ino
    done = _crash(tmp_path, "killed")
    assert done.returncode == -9, (done.returncode, done.stderr)
    assert path.read_text(encoding="utf-8") == ORIGINAL
    assert path.stat().st_ino == inode
    left = [p.name for p in tmp_path.iterdir() if p != path]
    # the new bytes were complete in a hidden temporary file, never in the original
    assert all(name.startswith(".model.yml.") and name.endswith(".tmp") for name in left), left


# -- one fix's edits on adjacent lines stay the edits planned ---------------------------------------

TEXT = "a: 1\nb: 2\nc: 3\nd: 4\n"


def _at(text: str, needle: str, new: str) -> Splice:
    start = text.index(needle)
    return Splice(start, start + len(needle), new)


def test_splices_on_adjacent_lines_stay_two_edits() -> None:
    edits = text_edits("f.yml", TEXT, [_at(TEXT, "1", "10"), _at(TEXT, "2", "20")])
    assert edits == (TextEdit("f.yml", 1, 1, "a: 1\n", "a: 10\n"),
                     TextEdit("f.yml", 2, 2, "b: 2\n", "b: 20\n"))
    assert apply_text_edits(TEXT, edits) == "a: 10\nb: 20\nc: 3\nd: 4\n"


def test_a_changed_line_next_to_a_deleted_line_stays_two_edits() -> None:
    edits = text_edits("f.yml", TEXT, [_at(TEXT, "b: 2\n", ""), _at(TEXT, "3", "30")])
    assert edits == (TextEdit("f.yml", 2, 2, "b: 2\n", ""),
                     TextEdit("f.yml", 3, 3, "c: 3\n", "c: 30\n"))
    assert apply_text_edits(TEXT, edits) == "a: 1\nc: 30\nd: 4\n"


def test_three_adjacent_lines_and_a_gap_are_three_edits() -> None:
    splices = [_at(TEXT, "1", "x"), _at(TEXT, "2", "y"), _at(TEXT, "4", "z")]
    edits = text_edits("f.yml", TEXT, splices)
    assert [(e.start_line, e.end_line) for e in edits] == [(1, 1), (2, 2), (4, 4)]
    assert apply_text_edits(TEXT, edits) == "a: x\nb: y\nc: 3\nd: z\n"


def test_two_splices_on_one_line_are_one_edit() -> None:
    edits = text_edits("f.yml", TEXT, [_at(TEXT, "a", "k"), _at(TEXT, "1", "9")])
    assert edits == (TextEdit("f.yml", 1, 1, "a: 1\n", "k: 9\n"),)
