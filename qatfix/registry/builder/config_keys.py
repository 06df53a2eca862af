"""Derive `registry/config_keys.json` from the trees (no paddle): the keys their configs define
and the keys their ppdet reads (see `qatfix.registry.config_keys`).

ppdet's source is read by `qatfix.registry.ppdet_source`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

from qatfix.config.loader import load_document
from qatfix.config.nodes import Tagged
from qatfix.errors import QatfixError
from qatfix.registry.builder.files import write_atomically
from qatfix.registry.config_keys import config_keys_path, dump_known_keys
from qatfix.registry.ppdet_source import source_digest, source_facts


def config_facts(roots: Iterable[Path]) -> tuple[set[str], dict[str, set[str]]]:
    top: set[str] = set()
    sections: dict[str, set[str]] = {}
    for root in roots:
        for path in sorted((root / "configs").rglob("*.y*ml")):
            try:
                data = load_document(str(path)).construct()
            except QatfixError:
                continue
            if not isinstance(data, dict):
                continue
            for key, value in data.items():
                top.add(str(key))
                if isinstance(value, dict) and not isinstance(value, Tagged):
                    sections.setdefault(str(key), set()).update(str(k) for k in value)
    return top, sections


def derive(roots: Mapping[str, Path]) -> str:
    """The text of config_keys.json for these trees."""
    ordered = [roots[name] for name in sorted(roots)]
    top, sections, open_sections = source_facts(ordered)
    config_top, config_sections = config_facts(ordered)
    top |= config_top
    for name, keys in config_sections.items():
        if name in sections:  # only components' keys are judged: other mappings are free-form
            sections[name] |= keys
    return dump_known_keys(top, sections, open_sections,
                           {name: source_digest(roots[name]) for name in sorted(roots)})


def rederive_config_keys(roots: Mapping[str, Path], write: bool = True) -> bool:
    """Rederive the file; True when it changed (or, with `write` False, would change)."""
    text = derive(roots)
    path = config_keys_path()
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old == text:
        return False
    if write:
        write_atomically(path, text)
    return True
