"""The config keys ppdet knows: `registry/config_keys.json`, read without paddle.

Derived from the trees by `qatfix registry keys` (no paddle, seconds):

- `top`: every top-level key some config of the trees defines, every key ppdet's own code reads
  from the global config (`cfg.x`, `cfg['x']`, `cfg.get('x')` in `ppdet/` and `tools/`), every
  `__shared__` key of a registered component and every registered component's name (a section
  may configure any of them);
- `sections`: per registered component (a section such as `TrainReader` or `PicoDetHead`), the
  keys its constructor takes (its own or the nearest base class's `__init__`), the keys configs
  of the trees write under it and the keys ppdet's code reads from it (`cfg.TrainReader['x']`);
  and per class a config constructs without registering it, by a YAML tag (`!COCODataSet`,
  `!LinearWarmup`) or in a reader's transform lists (`Resize`), its constructor's keys (those
  classes are no top-level keys);
- `open`: the components whose constructor also takes `**kwargs`: an unknown key is swallowed
  there, where any other constructor stops with TypeError when ppdet builds the component.

- `sources`: per tree, a fingerprint of its `ppdet/` and `tools/` sources.

A key outside these sets is one ppdet ignores or refuses; `qatfix.model.key_spelling` finds the
known key it was meant to be. A checkout whose ppdet source matches no shipped fingerprint (a
fork with components of its own, another release) adds what its own source reads
(`known_keys_for`), read once and kept in the cache folder under its fingerprint.
"""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from qatfix.registry.cache import cache_dir
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
    #: fingerprints of the ppdet sources the facts were read from
    sources: frozenset[str] = frozenset()

    def with_source(self, top: Any, sections: Mapping[str, Any], open_: Any) -> "KnownKeys":
        """These facts and what another ppdet source reads."""
        merged = {name: frozenset(keys) for name, keys in self.sections.items()}
        for name, keys in sections.items():
            merged[name] = merged.get(name, frozenset()) | frozenset(keys)
        return KnownKeys(self.top | frozenset(top), merged, self.open | frozenset(open_),
                         self.sources)


def config_keys_path() -> Path:
    return shipped_path(FILE_NAME)


def parse_known_keys(data: Mapping[str, Any]) -> KnownKeys:
    if data.get("schema") != SCHEMA_VERSION:
        raise RegistryError(f"{FILE_NAME}: schema {data.get('schema')!r}, expected "
                            f"{SCHEMA_VERSION}; rebuild it with `qatfix registry keys`")
    return KnownKeys(top=frozenset(data["top"]),
                     sections={name: frozenset(keys) for name, keys in data["sections"].items()},
                     open=frozenset(data["open"]),
                     sources=frozenset(data.get("sources", {}).values()))


@functools.lru_cache(maxsize=1)
def known_keys() -> KnownKeys:
    """The shipped facts (read once per process)."""
    path = config_keys_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RegistryError(f"cannot read {path}: {exc}") from None
    return parse_known_keys(data)


@functools.lru_cache(maxsize=16)
def known_keys_for(run_root: str) -> KnownKeys:
    """The shipped facts, plus what the checkout's own ppdet reads when its source is none of
    the shipped trees' (read once per fingerprint, then from the cache folder)."""
    from qatfix.registry.ppdet_source import source_digest, source_facts

    known = known_keys()
    root = Path(run_root)
    if not (root / "ppdet").is_dir():
        return known
    digest = source_digest(root)
    if digest in known.sources:
        return known
    cached = Path(cache_dir()) / "config_keys" / f"{digest}.json"
    try:
        data = json.loads(cached.read_text(encoding="utf-8"))
        return known.with_source(data["top"], data["sections"], data["open"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    top, sections, open_ = source_facts([root])
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps({"top": sorted(top), "open": sorted(open_),
                                       "sections": {k: sorted(v) for k, v in sections.items()}}),
                           encoding="utf-8")
        os.replace(partial, cached)
    except OSError:
        pass  # no cache: read again next time
    return known.with_source(top, sections, open_)


def dump_known_keys(top: Any, sections: Mapping[str, Any], open_: Any,
                    sources: Mapping[str, str]) -> str:
    """The file's text: sorted, one section per line, so a rebuild's diff shows what changed."""
    lines = ["{", f'"schema": {SCHEMA_VERSION},',
             f'"sources": {json.dumps(dict(sorted(sources.items())))},',
             f'"top": {json.dumps(sorted(top))},',
             f'"open": {json.dumps(sorted(open_))},', '"sections": {']
    names = sorted(sections)
    for i, name in enumerate(names):
        comma = "," if i < len(names) - 1 else ""
        lines.append(f"{json.dumps(name)}: {json.dumps(sorted(sections[name]))}{comma}")
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"
