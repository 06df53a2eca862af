"""PaddleDetection configs: a no-op write keeps every byte, and setting each top-level scalar
changes exactly its line and re-reads (with PyYAML, as ppdet reads it) to the new value only.

By default a fixed sample of each tree, stratified by the kinds of YAML the files hold (`_configs`);
every config of both trees with

    QATFIX_EDIT_CORPUS=all python -m pytest tests/edit/test_corpus.py
"""
from __future__ import annotations

import copy
import os
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from qatfix.config import lexical
from qatfix.edit.apply import read_source, write_all
from qatfix.edit.locate import find_pairs, key_value
from qatfix.edit.primitives import Source, set_value
from qatfix.config.tree import MapNode, ScalarNode
from tests.conftest import tree
from tests.edit.reference import ReferenceLoader, pyyaml_load, yaml

pytestmark = pytest.mark.corpus


#: `QATFIX_EDIT_CORPUS=all` runs every config of both trees (about five minutes); by default a
#: fixed sample: from each stratum of `_stratum` one in `SAMPLE_ONE_IN` (at least
#: `SAMPLE_AT_LEAST`), drawn with `SAMPLE_SEED`, so every kind of file the editor meets is in it
SAMPLE_ONE_IN = 8
SAMPLE_AT_LEAST = 12
SAMPLE_SEED = 2026

_STRATA = (
    ("bom or crlf", re.compile(r"\A\ufeff|\r\n")),
    ("anchor or alias", re.compile(r"(?:^|\s)[&*][A-Za-z_]", re.MULTILINE)),
    ("top-level quoted scalar", re.compile(r"^[A-Za-z_]\w*:[ \t]*['\"]", re.MULTILINE)),
    ("top-level flow collection", re.compile(r"^[A-Za-z_]\w*:[ \t]*[\[{]", re.MULTILINE)),
    ("comment after a value", re.compile(r"^[A-Za-z_]\w*:[ \t]*[^#\s][^#\n]*[ \t]#", re.MULTILINE)),
)


def _stratum(text: str) -> str:
    """The rarest kind of YAML a config holds (the first of `_STRATA` it matches), or "plain"."""
    return next((label for label, pattern in _STRATA if pattern.search(text)), "plain")


def _configs(name: str) -> list[Path]:
    every = sorted((tree(name) / "configs").rglob("*.yml"))
    if os.environ.get("QATFIX_EDIT_CORPUS") == "all":
        return every
    strata: dict[str, list[Path]] = {}
    for path in every:
        strata.setdefault(_stratum(path.read_text(encoding="utf-8-sig")), []).append(path)
    draw = random.Random(f"{SAMPLE_SEED}:{name}")
    chosen: list[Path] = []
    for label in sorted(strata):
        members = strata[label]
        count = min(len(members), max(SAMPLE_AT_LEAST, len(members) // SAMPLE_ONE_IN))
        chosen += draw.sample(members, count)
    return sorted(chosen)


def _new_value(value: Any) -> Any:
    """A different value of the same type (floats shrink into exponent notation on purpose)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value / 1024 if value else 0.25
    if isinstance(value, str):
        return value + "_qat" if len(value) % 3 else "1e-4"  # some become YAML-1.1 traps
    if value is None:
        return 7
    return None


def _alias_paths(root: Any, key: str) -> list[tuple[Any, ...]]:
    """Where PyYAML's composer puts the very node of top-level `key` again (its aliases)."""
    target = [v for k, v in root.value if k.value == key][-1]
    found: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        if node is target and path != (key,):
            found.append(path)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                walk(v, (*path, k.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, (*path, i))

    walk(root, ())
    return found


def _set_path(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data.value[part] if hasattr(data, "tag") else data[part]
    if hasattr(data, "tag"):
        data = data.value
    data[path[-1]] = value


def _top_level_scalars(text: str) -> list[tuple[str, int]]:
    root = Source.of(text).document.root
    if not isinstance(root, MapNode):
        return []
    found = []
    for key_node, value in root.pairs:
        key = key_value(key_node)
        if isinstance(key, str) and isinstance(value, ScalarNode) \
                and find_pairs(root, key)[-1][0] is key_node:
            found.append((key, key_node.line - 1))  # 0-based, as the list index
    return found


@pytest.mark.parametrize("name", ["develop", "release-2.6"])
def test_noop_write_keeps_every_byte(name: str, tmp_path: Path) -> None:
    configs = _configs(name)
    for config in configs:
        duplicate = tmp_path / "copy.yml"
        shutil.copyfile(config, duplicate)
        source = read_source(str(duplicate))
        data = pyyaml_load(source.text)
        for key, _ in _top_level_scalars(source.text):
            unchanged = set_value(source.text, (key,), data[key])
            assert not unchanged.changed, (config, key)
        assert write_all({source.path: source}, {source.path: source.text}) == []
        assert duplicate.read_bytes() == config.read_bytes(), config
    print(f"\n{name}: {len(configs)} configs, no-op writes byte-identical")


@pytest.mark.parametrize("name", ["develop", "release-2.6"])
def test_setting_each_top_level_scalar_changes_one_line(name: str) -> None:
    configs = _configs(name)
    edits = 0
    for config in configs:
        text = read_source(str(config)).text
        old = pyyaml_load(text)
        composed = yaml.compose(text, Loader=ReferenceLoader)
        old_lines = lexical.lines_of(text)
        for key, line in _top_level_scalars(text):
            new_value = _new_value(old[key])
            if new_value is None:
                continue
            change = set_value(text, (key,), new_value)
            new_text = change.new_text
            new_lines = lexical.lines_of(new_text)
            changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
            assert len(new_lines) == len(old_lines) and changed == [line], (config, key, changed)
            expected = copy.deepcopy(old)
            expected[key] = new_value
            for alias in _alias_paths(composed, key):
                _set_path(expected, alias, new_value)
            assert pyyaml_load(new_text) == expected, (config, key)
            edits += 1
    assert edits > (1000 if os.environ.get("QATFIX_EDIT_CORPUS") == "all" else 150)
    print(f"\n{name}: {len(configs)} configs, {edits} top-level scalars set, one line each")
