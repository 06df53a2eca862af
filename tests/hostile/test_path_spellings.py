"""One file, many spellings of its path; one spelling, many files (after a change of folder).

The parse cache must key on the file, not on the text of the path: copies made with their
timestamps (`cp -p`, `shutil.copytree`) have equal size and mtime, so a relative path read
again from another folder must not be served the first folder's parse.
"""
from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

import qatfix.config.loader as loader
from qatfix.config import load_document, resolve
from tests.hostile.helpers import write


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    counts: Counter[str] = Counter()
    real = loader.parse_text

    def counting(text: str, path: str) -> loader.Document:
        counts[os.path.realpath(path)] += 1
        return real(text, path)

    monkeypatch.setattr(loader, "parse_text", counting)
    return counts


def test_relative_and_absolute_spellings_parse_once(tmp_path: Path, parses: Counter[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    base = write(tmp_path / "configs" / "runtime.yml", "use_gpu: true\nuse_gpu: false\n")
    write(tmp_path / "configs" / "model.yml", "_BASE_: ['runtime.yml']\nepoch: 1\n")
    monkeypatch.chdir(tmp_path)
    relative = resolve("configs/model.yml")
    absolute = resolve(str(tmp_path / "configs" / "model.yml"))
    dotted = resolve("configs/../configs/model.yml")
    assert all(count == 1 for count in parses.values()) and len(parses) == 2
    # each run still reports the spelling it was given
    assert relative.origin("use_gpu").path == os.path.join("configs", "runtime.yml")
    assert absolute.origin("use_gpu").path == str(base)
    assert dotted.origin("use_gpu").path == os.path.join("configs", "runtime.yml")
    [duplicate] = load_document(str(base)).duplicates
    assert duplicate.path == duplicate.first.path == duplicate.last.path == str(base)


def test_one_relative_path_in_two_folders_is_two_files(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    first = tmp_path / "one"
    write(first / "model.yml", "epoch: 1\n")
    shutil.copytree(first, tmp_path / "two")  # same size and mtime
    write(tmp_path / "two" / "model.yml", "epoch: 2\n")
    original = os.stat(first / "model.yml")
    os.utime(tmp_path / "two" / "model.yml", ns=(original.st_atime_ns, original.st_mtime_ns))
    seen = []
    for folder in (first, tmp_path / "two"):
        monkeypatch.chdir(folder)
        seen.append(resolve("model.yml").get("epoch"))
    assert seen == [1, 2]
