"""Which slim configs go with which model configs: the project file, and the model-zoo READMEs.

`.qatfix.toml` (top-level keys) or, failing that, `[tool.qatfix]` in `pyproject.toml`:

    pairs = [["configs/picodet/x.yml", "configs/slim/quant/y.yml"]]

Paths are relative to the repository root and may not leave it. A file name alone does not say
that a quant config is trained on top of a particular model config; this mapping does, and every
mode (`qatfix check` on files or folders, the pre-commit hooks, `qatfix review`) reads it here.
The pairs the PaddleDetection READMEs document come from the weights registry.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from typing import Any

from qatfix.errors import ConfigError
from qatfix.config.repo_paths import inside_root
import tomllib

PROJECT_FILE = ".qatfix.toml"


@dataclass(frozen=True)
class Pair:
    """A model config and the slim config trained on top of it (repository-relative paths)."""

    config: str
    slim: str


def _toml_loads(text: str, path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=path) from None


def _read_table(root: str) -> tuple[dict[str, Any], str] | None:
    project = os.path.join(root, PROJECT_FILE)
    if os.path.isfile(project):
        with open(project, encoding="utf-8") as f:
            return _toml_loads(f.read(), PROJECT_FILE), PROJECT_FILE
    pyproject = os.path.join(root, "pyproject.toml")
    if os.path.isfile(pyproject):
        with open(pyproject, encoding="utf-8") as f:
            table = _toml_loads(f.read(), "pyproject.toml").get("tool", {}).get("qatfix")
        if isinstance(table, dict):
            return table, "pyproject.toml"
    return None


def _clean(root: str, value: object, source: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"pairs: expected a file path, got {value!r}", path=source)
    rel = os.path.normpath(value.strip()).replace(os.sep, "/")
    if os.path.isabs(rel) or not inside_root(root, os.path.join(root, rel)):
        raise ConfigError(f"pairs: {value!r} is outside the repository", path=source)
    return rel


def read_pairs(root: str) -> tuple[Pair, ...]:
    """The configured pairs, or none when the project has no qatfix settings."""
    found = _read_table(root)
    if found is None:
        return ()
    table, source = found
    raw = table.get("pairs", [])
    if not isinstance(raw, list):
        raise ConfigError("pairs: expected a list of [config, slim] pairs", path=source)
    pairs: list[Pair] = []
    for item in raw:
        if not isinstance(item, list) or len(item) != 2:
            raise ConfigError(f"pairs: expected [config, slim], got {item!r}", path=source)
        pairs.append(Pair(_clean(root, item[0], source), _clean(root, item[1], source)))
    return tuple(pairs)


def documented_pairs(registry: Any) -> tuple[Pair, ...]:
    """(model config, slim config) pairs the model-zoo READMEs document (a slim model's weights
    name both), as paths relative to the PaddleDetection root."""
    found = {Pair(e.config, e.slim_config) for e in registry
             if getattr(e, "slim_config", None) and e.config}
    return tuple(sorted(found, key=lambda p: (p.slim, p.config)))


def project_root(start: str) -> str | None:
    """The nearest folder at or above `start` holding `.qatfix.toml` or a `pyproject.toml`."""
    current = os.path.abspath(start)
    while True:
        if os.path.isfile(os.path.join(current, PROJECT_FILE)) or \
                os.path.isfile(os.path.join(current, "pyproject.toml")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def known_pairs(root: str, registry: Any) -> tuple[Pair, ...]:
    """The project's pairs, then the documented pairs whose two files exist under `root`."""
    configured = read_pairs(root)
    seen = set(configured)
    extra = [p for p in documented_pairs(registry) if p not in seen
             and os.path.isfile(os.path.join(root, p.config))
             and os.path.isfile(os.path.join(root, p.slim))
             and inside_root(root, os.path.join(root, p.config))
             and inside_root(root, os.path.join(root, p.slim))]
    return (*configured, *extra)
