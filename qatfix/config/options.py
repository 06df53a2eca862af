"""`-o KEY=VALUE` options, read as ppdet's `ArgsParser._parse_opt` reads them.

Dotted keys nest; each value is parsed as a YAML document. ppdet rebuilds intermediate mappings for
every option, so `-o a.b.c=1 a.b.d=2` keeps only `a.b.d` — reproduced on purpose.
"""
from __future__ import annotations

from typing import Any, Sequence

from qatfix.config.loader import parse_text
from qatfix.config.nodes import ConfigMap, Origin
from qatfix.errors import UsageError

OPTIONS_PATH = "<-o>"


def parse_value(text: str, label: str = OPTIONS_PATH) -> Any:
    """A `-o` value: YAML, typed as PyYAML's Loader types it (empty text is None)."""
    return parse_text(text, label).construct()


def parse_options(options: Sequence[str]) -> ConfigMap:
    config = ConfigMap()
    for index, raw in enumerate(options, start=1):
        option = raw.strip()
        if "=" not in option:
            raise UsageError(f"option {raw!r} is not KEY=VALUE")
        key, text = option.split("=", 1)
        origin = Origin(OPTIONS_PATH, index, 0)
        value = parse_value(text, f"-o {key}")
        keys = key.split(".")
        if len(keys) == 1:
            config.set(key, value, origin)
            continue
        if keys[0] not in config:
            config.set(keys[0], ConfigMap(), origin)
        current = config[keys[0]]
        if not isinstance(current, ConfigMap):
            raise UsageError(f"option {raw!r}: {keys[0]} was given a value already")
        for depth, part in enumerate(keys[1:]):
            if depth == len(keys) - 2:
                current.set(part, value, origin)
            else:
                fresh = ConfigMap()
                current.set(part, fresh, origin)
                current = fresh
    return config
