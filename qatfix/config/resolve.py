"""Build the effective config exactly as ppdet does for `tools/train.py -c X --slim_config Y -o ...`.

ppdet (ppdet/core/workspace.py) loads a file's `_BASE_` list depth first and merges everything into
one global config in that order: each base (recursively: its own bases first), then the file. Then
train.py merges the `-o` options, the slim config (loaded the same way), and the `-o` options again.
`filename` is the stem of the last file given to `load_config`. This module replays that sequence on
positioned data, so every effective value knows where it was defined and what it overrode.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, NamedTuple, Sequence

from qatfix.config.loader import DISK, Document, Texts, load_document
from qatfix.config.merge import dict_merge
from qatfix.config.nodes import ConfigList, ConfigMap, KeyPath, Origin, Tagged, child, origin_of, walk
from qatfix.config.options import parse_options
from qatfix.errors import ConfigError
import base64

BASE_KEY = "_BASE_"
YAML_SUFFIXES = (".yml", ".yaml")
#: slim types whose model ppdet's build_slim_model builds and loads before train.py merges `-o`
#: the second time: their weights are read from `resolve(..., options_after_slim=False)`
LOADED_BEFORE_FINAL_OPTIONS = ("QAT", "PrunerQAT", "Pruner", "OFA", "PTQ")


def weights_key(slim_type: str | None) -> str:
    """The key ppdet loads weights from: `weights` for PTQ and OFA, else `pretrain_weights`."""
    return "weights" if slim_type in ("PTQ", "OFA") else "pretrain_weights"


class Include(NamedTuple):
    """`parent` lists `base` in its `_BASE_` at `line`."""

    parent: str
    base: str
    line: int


@dataclass(frozen=True)
class Resolved:
    """The effective config of one run, with the provenance of every value."""

    config_path: str
    slim_path: str | None
    options: tuple[str, ...]
    data: ConfigMap = field(repr=False)
    #: every file read, in merge order (a file included twice appears twice)
    files: tuple[str, ...] = ()
    documents: Mapping[str, Document] = field(default_factory=dict, repr=False)
    includes: tuple[Include, ...] = ()
    #: `-o` groups that a later `-o` replaced: ppdet's parser keeps only the last group
    dropped_options: tuple[tuple[str, ...], ...] = ()

    def get(self, key_path: KeyPath | str, default: Any = None) -> Any:
        value: Any = self.data
        for key in _as_path(key_path):
            try:
                value = child(value, key)
            except (KeyError, IndexError, TypeError):
                return default
        return value

    def origin(self, key_path: KeyPath | str) -> Origin | None:
        path = _as_path(key_path)
        if not path:
            return None
        parent = self.get(path[:-1], _ABSENT)
        if parent is _ABSENT:
            return None
        return origin_of(parent, path[-1])

    def walk(self) -> Iterator[tuple[KeyPath, Any, Origin | None]]:
        return walk(self.data)

    def plain(self) -> Any:
        return to_plain(self.data)

    @property
    def unique_files(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.files))


_ABSENT: Any = object()


def _as_path(key_path: KeyPath | str) -> KeyPath:
    return tuple(key_path.split(".")) if isinstance(key_path, str) else tuple(key_path)


def to_plain(value: Any, _budget: list[int] | None = None) -> Any:
    """JSON-able data: custom tags become `{"__tag__": "!Name", ...}`.

    Aliases are expanded, so a node budget guards against "billion laughs" documents.
    """
    budget = _budget if _budget is not None else [2_000_000]
    budget[0] -= 1
    if budget[0] < 0:
        raise ConfigError("config expands to more than 2,000,000 values (alias bomb?)")
    if isinstance(value, Tagged):
        inner = to_plain(value.value, budget)
        if isinstance(value.value, dict):
            return {"__tag__": value.tag, **inner}
        return {"__tag__": value.tag, "value": inner}
    if isinstance(value, dict):
        return {_plain_key(k): to_plain(v, budget) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v, budget) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return "NaN"
    return value


def _plain_key(key: Any) -> Any:
    return key if isinstance(key, (str, int, float, bool)) or key is None else str(key)


def base_path(parent: str, entry: str) -> str:
    """Where ppdet looks for a `_BASE_` entry: `~` expanded, relative to the including file."""
    if entry.startswith("~"):
        entry = os.path.expanduser(entry)
    if not os.path.isabs(entry):
        entry = os.path.join(os.path.dirname(parent), entry)
    return os.path.normpath(entry)


class _Run:
    """One replay of ppdet's loading sequence into a single global config."""

    def __init__(self, root: str | None, texts: Texts) -> None:
        self.texts = texts
        self.global_config = ConfigMap()
        self.files: list[str] = []
        self.documents: dict[str, Document] = {}
        self.includes: list[Include] = []
        self.root = os.path.realpath(root) if root else None

    def load_config(self, path: str) -> None:
        """ppdet's `load_config`: load with bases, set `filename`, merge into the global config."""
        if not path.endswith(YAML_SUFFIXES):
            raise ConfigError("only .yml and .yaml files are configs (ppdet asserts this)",
                              path=path)
        config = self._load_with_base(path, ())
        stem = os.path.splitext(os.path.basename(path))[0]
        config.set("filename", stem, Origin(path, 0, 0).overriding(config.origins.get("filename")))
        self._merge(config, self.global_config)

    def _merge(self, config: ConfigMap, another: ConfigMap | None) -> ConfigMap:
        # ppdet: `dct = another_cfg or global_config` (an empty mapping is falsy)
        return dict_merge(another if another else self.global_config, config)

    def _document(self, path: str, chain: tuple[str, ...]) -> Document:
        if self.root and not _inside(path, self.root):
            raise ConfigError(f"_BASE_ leaves the repository ({self.root})", path=path)
        if path in chain:
            cycle = " -> ".join((*chain[chain.index(path):], path))
            raise ConfigError(f"_BASE_ cycle: {cycle}", path=path)
        document = load_document(path, self.texts)
        self.documents[path] = document
        return document

    def _load_with_base(self, path: str, chain: tuple[str, ...]) -> ConfigMap:
        document = self._document(path, chain)
        data = document.construct()
        if not isinstance(data, ConfigMap):
            raise ConfigError(f"a config must be a YAML mapping, this document is {_kind(data)}",
                              path=path)
        if BASE_KEY not in data:
            self.files.append(path)
            return data
        bases = data[BASE_KEY]
        base_origin = data.origins.get(BASE_KEY)
        if not isinstance(bases, list) or not all(isinstance(b, str) for b in bases):
            raise ConfigError("_BASE_ must be a list of file paths", path=path,
                              line=base_origin.line if base_origin else None)
        all_base = ConfigMap()
        origins = bases.origins if isinstance(bases, ConfigList) else []
        for index, entry in enumerate(list(bases)):
            target = base_path(path, entry)
            line = origins[index].line if index < len(origins) else 0
            self.includes.append(Include(path, target, line))
            if not os.path.isfile(target):
                what = _not_a_file(target)
                chain_text = " <- ".join(reversed((*chain, path)))
                raise ConfigError(f"base file {entry!r} {what} (resolved to {target}; "
                                  f"included from {chain_text})", path=path, line=line or None)
            all_base = self._merge(self._load_with_base(target, (*chain, path)), all_base)
        del data[BASE_KEY]
        self.files.append(path)
        return self._merge(data, all_base)


def _not_a_file(path: str) -> str:
    """Why a `_BASE_` entry that is not a regular file cannot be read."""
    if os.path.isdir(path):
        return "is a directory"
    if os.path.islink(path) and not os.path.exists(path):
        return "is a symbolic link to nothing (broken, or a loop)"
    if os.path.exists(path):
        return "is not a regular file"
    return "not found"


def _kind(data: Any) -> str:
    """What a document that is not a mapping holds, for the error message."""
    if data is None:
        return "empty"
    if isinstance(data, Tagged):
        return f"tagged {data.tag}"
    if isinstance(data, list):
        return "a list"
    return f"a single value ({type(data).__name__})"


def _inside(path: str, root: str) -> bool:
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def resolve(config: str, slim: str | None = None, options: Sequence[str] = (), *,
            root: str | None = None, options_after_slim: bool = True,
            dropped_options: Sequence[Sequence[str]] = (), texts: Texts = DISK) -> Resolved:
    """The effective config of `train.py -c config [--slim_config slim] [-o options]`.

    `root`, when given, is a folder that no file may lie outside of (review mode).
    `options_after_slim=False` gives the config as ppdet's `build_slim_model` sees it when it
    builds a QAT/PTQ/prune model and loads its weights: train.py merges `-o` again only later.
    `options` is the one `-o` group ppdet keeps (the last); `dropped_options` are the groups it
    replaced, recorded only so they can be reported. `texts` stand in for files (fixes being
    verified before they are written).
    """
    run = _Run(root, texts)
    opts = parse_options(options)
    run.load_config(config)
    if options:
        dict_merge(run.global_config, opts)
    if slim:
        run.load_config(slim)
        if options and options_after_slim:
            dict_merge(run.global_config, opts)
    return Resolved(config, slim, tuple(options), run.global_config, tuple(run.files),
                    dict(run.documents), tuple(run.includes),
                    tuple(tuple(group) for group in dropped_options))
