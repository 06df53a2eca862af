"""What the official recipes set that slim runs must agree with: `registry/recipes.json`.

- `normalization`: for the config of every official weights file (`TREE:configs/...yml`), the
  input normalization its TrainReader and EvalReader apply (`qatfix.model.normalization`) and
  the file that defines TrainReader's `NormalizeImage` (the reader base a fix points at);
- `pruned_params`: every official `pruned_params` list of the trees' slim configs, by a digest of
  its names, with the slim configs that hold it and the model configs it is documented with;
- `launches`: every training command the READMEs write with `paddle.distributed.launch --gpus`
  (`TREE:CONFIG[|SLIM]`): its GPU count, and the batch size per GPU and learning rate it runs.

The file is derived from the trees by `qatfix registry recipes` (no paddle). A lookup finds its
line instead of parsing the whole file, as the networks index does.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Iterable, NamedTuple, Optional

from qatfix.errors import RegistryError
from qatfix.model.normalization import Normalization
from qatfix.model.sections import canonical_json
from qatfix.registry.line_index import line_value, section_ranges
from qatfix.registry.loader import shipped_path

try:  # the OpenSSL-backed hashlib costs 3 ms to import; blake2 is built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import blake2b

SCHEMA_VERSION = 1
FILE_NAME = "recipes.json"
SECTIONS = ("normalization", "pruned_params", "launches")


class TrainingInputs(NamedTuple):
    """How an official config normalizes its inputs."""

    train: Optional[Normalization]
    eval: Optional[Normalization]
    #: the file (relative to the tree root) that defines TrainReader's NormalizeImage
    reader: Optional[str]


class PruneList(NamedTuple):
    """An official `pruned_params` list."""

    #: `TREE:configs/slim/...yml` of each slim config holding exactly these names
    slims: tuple[str, ...]
    #: the model configs (relative to the tree root) it is documented with
    configs: tuple[str, ...]
    #: the official weights it prunes (canonical URLs)
    weights: tuple[str, ...]


def names_digest(names: Iterable[str]) -> str:
    """A digest of a `pruned_params` list: its distinct names, sorted."""
    text = "\n".join(sorted(set(names)))
    return blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def recipes_path() -> Path:
    return shipped_path(FILE_NAME)


class _Index:
    """recipes.json as `dump_recipes` writes it: one entry per line, found by its key."""

    def __init__(self, text: bytes, path: Path) -> None:
        self._text = text
        self._ranges: dict[str, tuple[int, int]] = {}
        if not text.startswith(b'{\n "schema_version": ' + str(SCHEMA_VERSION).encode() + b","):
            if text.strip() in (b"", b"{}"):
                self._ranges = {name: (0, 0) for name in SECTIONS}
                return
            raise RegistryError("not a recipes index of a supported version", path=str(path))
        ranges = section_ranges(text, SECTIONS)
        if ranges is None:
            missing = [n for n in SECTIONS if b'\n "' + n.encode() + b'": {' not in text]
            raise RegistryError(f"the recipes index has no {missing[0]!r} section",
                                path=str(path))
        self._ranges = ranges

    def get(self, section: str, key: str) -> Any:
        return line_value(self._text, self._ranges[section], key)


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    path = recipes_path()
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        text = b"{}"
    except OSError as exc:
        raise RegistryError(f"cannot read the recipes index: {exc.strerror or exc}",
                            path=str(path)) from None
    return _Index(text, path)


def clear_cache() -> None:
    _index.cache_clear()


def training_inputs(tree: str, config: str) -> Optional[TrainingInputs]:
    """How the official `config` of `tree` normalizes its inputs; None when not recorded."""
    found = _index().get("normalization", f"{tree}:{config}")
    if not isinstance(found, dict):
        return None
    return TrainingInputs(Normalization.from_json(found.get("train")),
                          Normalization.from_json(found.get("eval")), found.get("reader"))


def prune_list(names: Iterable[str]) -> Optional[PruneList]:
    """The official list with exactly these names, None when no official config holds it."""
    found = _index().get("pruned_params", names_digest(names))
    if not isinstance(found, dict):
        return None
    return PruneList(tuple(found.get("slims") or ()), tuple(found.get("configs") or ()),
                     tuple(found.get("weights") or ()))


class Launch(NamedTuple):
    """A documented multi-GPU training command: the schedule is tuned for this total batch."""

    gpus: int
    batch_size: int
    base_lr: float


def documented_launch(config: str, slim: Optional[str] = None) -> Optional[Launch]:
    """The documented launch of `tools/train.py -c config [--slim_config slim]` (paths from
    the tree root), develop's first; None when no README writes one."""
    index = _index()
    for tree in ("develop", "release-2.6"):
        found = index.get("launches", f"{tree}:{config}" + (f"|{slim}" if slim else ""))
        if isinstance(found, dict):
            return Launch(int(found["gpus"]), int(found["batch_size"]), float(found["base_lr"]))
    return None


def dump_recipes(index: dict[str, Any]) -> str:
    """The index as committed: one entry per line, so diffs stay readable and lookups cheap."""
    lines = ["{", f' "schema_version": {SCHEMA_VERSION},']
    for number, part in enumerate(SECTIONS):
        items = sorted(index[part].items())
        lines.append(f' "{part}": {{')
        for item, (key, value) in enumerate(items):
            comma = "," if item < len(items) - 1 else ""
            lines.append(f"  {json.dumps(key)}: {canonical_json(value)}{comma}")
        lines.append(" }" if number == len(SECTIONS) - 1 else " },")
    lines.append("}")
    return "\n".join(lines) + "\n"
