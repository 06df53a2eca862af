"""Which official configs build a given network, so a user's model finds its real signature.

Two configs whose model sections (`qatfix.model.sections`) are equal build the same state dict in
the same ppdet. `registry/networks.json` maps a digest of those sections to the
official configs that have them (with and without the class count), and records each such
config's class count and the `pretrain_weights` it starts from. It is derived by resolving every
config that has a signature with qatfix's own resolver; no paddle is needed to rebuild it.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, NamedTuple, Optional

from qatfix.errors import RegistryError
from qatfix.model.sections import canonical_json, network_key
from qatfix.registry.line_index import line_value, section_ranges
from qatfix.model.compare import compare_models
from qatfix.registry.loader import shipped_path

if TYPE_CHECKING:
    from qatfix.model.compare import SectionDifference

try:  # the OpenSSL-backed hashlib costs 3 ms to import; blake2 is built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import blake2b

SCHEMA_VERSION = 1
FILE_NAME = "networks.json"


def digest(text: str) -> str:
    """A short stable digest of canonical section text."""
    return blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def sections_digest(model_json: str) -> str:
    """Digest of the model sections with their class count."""
    return digest(model_json)


def network_digest(sections: Mapping[str, Any]) -> str:
    """Digest of the model sections without their class count."""
    return digest(network_key(sections))


class OfficialConfig(NamedTuple):
    """What the networks index records of one official config."""

    architecture: str
    classes: Optional[int]
    #: its effective `pretrain_weights` (canonical URL or path as written), None when unset
    pretrain_weights: Optional[str]


class OfficialNetwork(NamedTuple):
    """An official config that builds a given network."""

    tree: str
    config: str
    #: True when its class count equals the one asked for, so its signature is exact
    same_classes: bool


def networks_path() -> Path:
    """The shipped registry/networks.json."""

    return shipped_path(FILE_NAME)


_SECTIONS = ("configs", "networks", "without_classes", "settings")


class _Index:
    """networks.json as written by `dump_networks` (one entry per line): a lookup finds its
    line instead of parsing every entry, as the signature index does; a section is parsed
    whole only when asked for all of it. Any other layout is parsed whole at once."""

    def __init__(self, text: bytes, path: Path) -> None:
        self._text = text
        self._ranges: dict[str, tuple[int, int]] = {}
        self._parsed: dict[str, dict[str, Any]] = {}
        ranges = section_ranges(text, _SECTIONS)
        if ranges is None:
            self._parse_whole(path)
            return
        self._ranges = ranges
        if not text.startswith(b'{\n "schema_version": ' + str(SCHEMA_VERSION).encode() + b","):
            raise RegistryError("not a networks index of a supported version", path=str(path))

    def _parse_whole(self, path: Path) -> None:
        try:
            data = json.loads(self._text)
        except ValueError as exc:
            raise RegistryError(f"not valid JSON: {exc}", path=str(path)) from None
        if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
            raise RegistryError("not a networks index of a supported version", path=str(path))
        self._parsed = {name: dict(data.get(name) or {}) for name in _SECTIONS}

    def get(self, section: str, key: str) -> Any:
        if section in self._parsed:
            return self._parsed[section].get(key)
        return line_value(self._text, self._ranges[section], key)

    def section(self, section: str) -> dict[str, Any]:
        if section not in self._parsed:
            start, end = self._ranges[section]
            self._parsed[section] = json.loads(b"{" + self._text[start:end] + b"\n}")
        return self._parsed[section]


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    path = networks_path()
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        text = b"{}"
    except OSError as exc:
        raise RegistryError(f"cannot read the networks index: {exc.strerror or exc}",
                            path=str(path)) from None
    return _Index(text, path)


def _split(reference: str) -> tuple[str, str]:
    tree, _, config = reference.partition(":")
    return tree, config


def _ordered(references: Iterable[str], prefer_tree: Optional[str]) -> list[tuple[str, str]]:
    pairs = [_split(r) for r in references]
    return sorted(pairs, key=lambda pair: (pair[0] != prefer_tree, pair))


def official_networks(model_json: str, prefer_tree: Optional[str] = None
                      ) -> tuple[OfficialNetwork, ...]:
    """Official configs that build the network of `model_json` (canonical model sections):
    those with the same class count first, then those that differ only in it; the preferred
    tree first within each."""
    index = _index()
    exact = _ordered(index.get("networks", sections_digest(model_json)) or (), prefer_tree)
    sections = json.loads(model_json)
    loose = _ordered(index.get("without_classes", network_digest(sections)) or (), prefer_tree)
    found = [OfficialNetwork(t, c, True) for t, c in exact]
    found += [OfficialNetwork(t, c, False) for t, c in loose if (t, c) not in exact]
    return tuple(found)


def setting_effect(path: str) -> Optional[str]:
    """`neutral` or `changes` when the builds show whether a setting (`YOLOv3Head.anchors`)
    changes the state dict; None when they do not tell."""
    return _index().section("settings").get(path)


def clear_cache() -> None:
    """Forget the index read (after rebuilding it in-process)."""
    _index.cache_clear()


def parameter_differences(weights_model: Mapping[str, Any], model: Mapping[str, Any]
                          ) -> tuple["SectionDifference", ...]:
    """How two networks' model sections differ in settings that may change their tensors: the
    section comparison, less the settings the ppdet builds show to change none."""

    return tuple(d for d in compare_models(weights_model, model)
                 if setting_effect(d.where) != "neutral")


def official_configs() -> list[tuple[str, str]]:
    """(tree, config) of every official config in the index, sorted."""
    return sorted(_split(reference) for reference in _index().section("configs"))


def official_config(tree: str, config: str) -> Optional[OfficialConfig]:
    """The recorded facts of one official config, None when it is not in the index."""
    facts = _index().get("configs", f"{tree}:{config}")
    if facts is None:
        return None
    return OfficialConfig(facts.get("architecture") or "", facts.get("classes"),
                          facts.get("pretrain_weights"))


def dump_networks(index: Mapping[str, Any]) -> str:
    """The index as committed: one digest per line, so diffs stay readable."""
    lines = ["{", f' "schema_version": {index["schema_version"]},']
    for part in ("configs", "networks", "without_classes", "settings"):
        items = list(index[part].items())
        lines.append(f' "{part}": {{')
        for number, (key, value) in enumerate(items):
            comma = "," if number < len(items) - 1 else ""
            lines.append(f"  {json.dumps(key)}: {canonical_json(value)}{comma}")
        lines.append(" }" if part == "settings" else " },")
    lines.append("}")
    return "\n".join(lines) + "\n"
