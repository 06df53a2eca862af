"""The shipped registry's parse, kept between processes like bytecode."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from qatfix.registry import loader, parse_cache
from tests.conftest import REPO

WEIGHTS = REPO / "registry" / "weights.json"


@pytest.fixture
def registry_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped registry as the default one, bytecode writing on, no prefix."""
    copy = tmp_path / "registry" / "weights.json"
    copy.parent.mkdir()
    shutil.copyfile(WEIGHTS, copy)
    monkeypatch.setattr(loader, "default_registry_path", lambda: copy)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "pycache_prefix", None)
    loader.clear_cache()
    yield copy
    loader.clear_cache()


def _refuse_json(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed the JSON although a current parse was kept")

    monkeypatch.setattr(loader.json, "loads", refuse)


def test_a_second_process_reads_the_kept_parse(registry_copy: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    first = loader.load_registry()
    kept = registry_copy.parent / "__pycache__" / f"weights.json.{sys.implementation.cache_tag}.marshal"
    assert kept.is_file()
    loader.clear_cache()  # as a new process would start
    _refuse_json(monkeypatch)
    second = loader.load_registry()
    assert [e.url for e in second] == [e.url for e in first]
    assert second.get_url(first.entry(0).url) == first.entry(0)


def test_a_changed_registry_is_parsed_again(registry_copy: Path) -> None:
    loader.load_registry()
    data = json.loads(registry_copy.read_bytes())
    data["weights"] = data["weights"][:3]
    registry_copy.write_text(json.dumps(data))
    loader.clear_cache()
    assert len(loader.load_registry()) == 3


def test_what_cannot_be_read_back_is_ignored(registry_copy: Path) -> None:
    info = registry_copy.stat()
    kept = parse_cache.cache_path(registry_copy)
    assert kept is not None
    kept.parent.mkdir()
    for junk in (b"", b"not marshal", json.dumps([1, 2]).encode()):
        kept.write_bytes(junk)
        assert parse_cache.load(registry_copy, info) is None
    kept.write_bytes(__import__("marshal").dumps(((0, 0, 0), {"weights": []})))  # stale stamp
    assert parse_cache.load(registry_copy, info) is None
    assert len(loader.load_registry()) > 400  # and the JSON is parsed instead


def test_nothing_is_written_where_python_would_write_no_bytecode(
        registry_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    loader.load_registry()
    assert not (registry_copy.parent / "__pycache__").exists()


def test_the_bytecode_prefix_is_honoured(registry_copy: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    prefix = tmp_path / "prefix"
    monkeypatch.setattr(sys, "pycache_prefix", str(prefix))
    loader.load_registry()
    assert not (registry_copy.parent / "__pycache__").exists()
    [kept] = prefix.rglob("*.marshal")
    assert kept.parent == prefix.joinpath(*registry_copy.resolve().parent.parts[1:])


def test_a_folder_that_cannot_be_written_is_not_an_error(registry_copy: Path) -> None:
    (registry_copy.parent / "__pycache__").write_text("a file where the folder would go")
    assert len(loader.load_registry()) > 400
    assert not [p for p in os.listdir(registry_copy.parent) if p.endswith(".tmp")]
