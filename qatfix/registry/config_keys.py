"""The config keys ppdet knows: `registry/config_keys.json`, read without paddle.

Derived from the trees by `qatfix registry keys` (no paddle, seconds):

- `top`: every top-level key some config of the trees defines, every key ppdet's own code reads
  from the global config (`cfg.x`, `cfg['x']`, `cfg.get('x')` in `ppdet/` and `tools/`), every
  `__shared__` key of a registered component and every registered component's name (a section
  may configure any of them);
- `sections`: per registered component (a section such as `TrainReader` or `PicoDetHead`), the
  keys its constructor takes (its own or the nearest base class's `__init__`), the keys configs
  of the trees write under it and the keys ppdet's code reads from it (`cfg.TrainReader['x']`);
- `open`: the components whose constructor also takes `**kwargs`: an unknown key is swallowed
  there, where any other constructor stops with TypeError when ppdet builds the component.

A key outside these sets is one ppdet ignores or refuses; `qatfix.model.key_spelling` finds the
known key it was meant to be.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from qatfix.errors import RegistryError
from qatfix.registry.loader import shipped_path

SCHEMA_VERSION = 1
FILE_NAME = "config_keys.json"


class KnownKeys(NamedTuple):
    """What ppdet knows of a config's keys."""

    top: frozenset[str]
    sections: Mapping[str, frozenset[str]]
    #: components whose constructor takes **kwargs
    open: frozenset[str]


def config_keys_path() -> Path:
    return shipped_path(FILE_NAME)


def parse_known_keys(data: Mapping[str, Any]) -> KnownKeys:
    if data.get("schema") != SCHEMA_VERSION:
        raise RegistryError(f"{FILE_NAME}: schema {data.get('schema')!r}, expected "
                            f"{SCHEMA_VERSION}; rebuild it with `qatfix registry keys`")
    return KnownKeys(top=frozenset(data["top"]),
                     sections={name: frozenset(keys) for name, keys in data["sections"].items()},
                     open=frozenset(data["open"]))


@functools.lru_cache(maxsize=1)
def known_keys() -> KnownKeys:
    """The shipped facts (read once per process)."""
    path = config_keys_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RegistryError(f"cannot read {path}: {exc}") from None
    return parse_known_keys(data)


def dump_known_keys(top: Any, sections: Mapping[str, Any], open_: Any) -> str:
    """The file's text: sorted, one section per line, so a rebuild's diff shows what changed."""
    lines = ["{", f'"schema": {SCHEMA_VERSION},', f'"top": {json.dumps(sorted(top))},',
             f'"open": {json.dumps(sorted(open_))},', '"sections": {']
    names = sorted(sections)
    for i, name in enumerate(names):
        comma = "," if i < len(names) - 1 else ""
        lines.append(f"{json.dumps(name)}: {json.dumps(sorted(sections[name]))}{comma}")
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"
